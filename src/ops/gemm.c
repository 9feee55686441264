/* GEMM's validation: C = alpha op(A) op(B) + beta C, row-major. C may not
 * overlap A or B: each C element reads rows and columns other work-items
 * write. */
#include "ops/ops.h"
#include "ops/operands.h"

/* Elements from a matrix's start to the end of its last row, rows x cols
 * stored with leading dimension ld; 0 when that overflows size_t. */
static int matrix_extent(size_t rows, size_t cols, size_t ld, size_t *extent)
{
    size_t last_row;
    return size_mul(rows - 1, ld, &last_row) && size_add(last_row, cols, extent);
}

static cocob_status gemm_validate(cocob_error *err, int trans_a, int trans_b, size_t M, size_t N,
                                  size_t K, cocob_span A, size_t lda, cocob_span B, size_t ldb,
                                  cocob_span C, size_t ldc)
{
    if (!M || !N || !K)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "gemm: M=%zu, N=%zu and K=%zu must all be nonzero", M, N, K);
    /* The stored shapes: op(A) is M x K, so A itself is K x M when transposed. */
    const struct {
        const char *name, *ld_name;
        const cocob_span *span;
        size_t rows, cols, ld;
    } m[3] = {
        {"A", "lda", &A, trans_a ? K : M, trans_a ? M : K, lda},
        {"B", "ldb", &B, trans_b ? N : K, trans_b ? K : N, ldb},
        {"C", "ldc", &C, M, N, ldc},
    };
    cocob_operand operand[3];
    for (int i = 0; i < 3; i++) {
        if (m[i].ld < m[i].cols)
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "gemm (M=%zu N=%zu K=%zu, trans_a %d, trans_b %d): %s=%zu is "
                              "less than the %zu columns of %s",
                              M, N, K, trans_a, trans_b, m[i].ld_name, m[i].ld, m[i].cols,
                              m[i].name);
        size_t extent = 0;
        if (!matrix_extent(m[i].rows, m[i].cols, m[i].ld, &extent) ||
            !span_holds(*m[i].span, extent))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "gemm (M=%zu N=%zu K=%zu, trans_a %d, trans_b %d): %s, %zu x %zu "
                              "with %s=%zu from offset %zu, does not fit in its buffer of "
                              "%zu floats",
                              M, N, K, trans_a, trans_b, m[i].name, m[i].rows, m[i].cols,
                              m[i].ld_name, m[i].ld, m[i].span->off, span_room(*m[i].span));
        operand[i] = (cocob_operand){m[i].name, *m[i].span, extent, i == 2, 0};
    }
    return cocob_ops_disjoint(err, "gemm", operand, 3);
}

cocob_status cocob_op_gemm(cocob_backend *b, int trans_a, int trans_b, size_t M, size_t N,
                           size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                           size_t ldb, float beta, cocob_span C, size_t ldc)
{
    cocob_status s = gemm_validate(b->err, trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc);
    if (s != COCOB_OK)
        return s;
    return b->iface->gemm(b, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
