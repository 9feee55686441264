/* GEMM, the reference: C = alpha op(A) op(B) + beta C, row-major. On OpenCL
 * the same op is CLBlast's (src/backend/opencl/gemm.c). */
#include "backend/ref/ref.h"

/* A tile of op(B), GEMM_KC rows by GEMM_NC columns (128 KiB of floats), is
 * reused by every row of A while it sits in a typical L2 cache. */
enum { GEMM_KC = 128, GEMM_NC = 256 };

/* Whether a rows x cols matrix stored with leading dimension ld fits in s. */
static int matrix_fits(cocob_span s, size_t rows, size_t cols, size_t ld)
{
    size_t last_row;
    return size_mul(rows - 1, ld, &last_row) && last_row <= SIZE_MAX - cols &&
           span_holds(s, last_row + cols);
}

cocob_status gemm_check(cocob_error *err, int trans_a, int trans_b, size_t M, size_t N,
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
    for (int i = 0; i < 3; i++) {
        if (m[i].ld < m[i].cols)
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "gemm (M=%zu N=%zu K=%zu, trans_a %d, trans_b %d): %s=%zu is "
                              "less than the %zu columns of %s",
                              M, N, K, trans_a, trans_b, m[i].ld_name, m[i].ld, m[i].cols,
                              m[i].name);
        if (!matrix_fits(*m[i].span, m[i].rows, m[i].cols, m[i].ld))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "gemm (M=%zu N=%zu K=%zu, trans_a %d, trans_b %d): %s, %zu x %zu "
                              "with %s=%zu from offset %zu, does not fit in its buffer of "
                              "%zu floats",
                              M, N, K, trans_a, trans_b, m[i].name, m[i].rows, m[i].cols,
                              m[i].ld_name, m[i].ld, m[i].span->off,
                              m[i].span->buf ? m[i].span->buf->bytes / 4 : 0);
    }
    return COCOB_OK;
}

/* Row i of C gets alpha op(A)[i][k0 .. k0+kc) times the tile op(B)[k0 ..
 * k0+kc)[j0 .. j0+nc). Without trans_b a row of the tile is contiguous, so
 * each A element scales it into C; with trans_b a column is, so each C
 * element takes a dot product. Either way the innermost loop walks the tile
 * forward; only with both transposed, which no layer asks for, does it also
 * step down a column of A. */
static void gemm_tile(int trans_a, int trans_b, size_t i, size_t k0, size_t kc, size_t j0,
                      size_t nc, float alpha, const float *A, size_t lda, const float *B,
                      size_t ldb, float *C, size_t ldc)
{
    float *c = C + i * ldc + j0;
    if (!trans_b) {
        for (size_t k = k0; k < k0 + kc; k++) {
            float a = alpha * (trans_a ? A[k * lda + i] : A[i * lda + k]);
            const float *b = B + k * ldb + j0;
            for (size_t j = 0; j < nc; j++)
                c[j] += a * b[j];
        }
        return;
    }
    for (size_t j = 0; j < nc; j++) {
        const float *b = B + (j0 + j) * ldb;
        float sum = 0.0f;
        for (size_t k = k0; k < k0 + kc; k++)
            sum += (trans_a ? A[k * lda + i] : A[i * lda + k]) * b[k];
        c[j] += alpha * sum;
    }
}

void gemm_ref(int trans_a, int trans_b, size_t M, size_t N, size_t K, float alpha,
              const float *A, size_t lda, const float *B, size_t ldb, float beta, float *C,
              size_t ldc)
{
    /* beta = 0 overwrites C unread, as BLAS does: a fresh buffer's garbage,
     * NaN included, must not leak into the product. */
    for (size_t i = 0; i < M; i++) {
        float *c = C + i * ldc;
        for (size_t j = 0; j < N; j++)
            c[j] = beta == 0.0f ? 0.0f : beta * c[j];
    }
    for (size_t k0 = 0; k0 < K; k0 += GEMM_KC) {
        size_t kc = K - k0 < GEMM_KC ? K - k0 : GEMM_KC;
        for (size_t j0 = 0; j0 < N; j0 += GEMM_NC) {
            size_t nc = N - j0 < GEMM_NC ? N - j0 : GEMM_NC;
            for (size_t i = 0; i < M; i++)
                gemm_tile(trans_a, trans_b, i, k0, kc, j0, nc, alpha, A, lda, B, ldb, C, ldc);
        }
    }
}
