/* GEMM on the cpu backend: OpenBLAS's cblas_sgemm. It sums in its own order
 * and with fused multiply-adds, so it matches cocob_ref_gemm to rounding, not to
 * the bit; tests/test_gemm.c states the bound. */
#include <cblas.h>
#include <limits.h>
#include <stdint.h>

#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"

cocob_status cocob_cpu_gemm(cocob_backend *b, int trans_a, int trans_b, size_t M, size_t N,
                            size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                            size_t ldb, float beta, cocob_span C, size_t ldc)
{
    /* OpenBLAS counts in blasint, an int unless it was built for 64 bits. */
    const size_t most = sizeof(blasint) == sizeof(int) ? (size_t)INT_MAX : (size_t)INT64_MAX;
    if (M > most || N > most || K > most || lda > most || ldb > most || ldc > most)
        return cocob_fail(b->err, COCOB_ERR_DEVICE_LIMIT,
                          "gemm on cpu (M=%zu N=%zu K=%zu, lda %zu, ldb %zu, ldc %zu): OpenBLAS "
                          "takes sizes up to %zu",
                          M, N, K, lda, ldb, ldc, most);
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (blasint)M, (blasint)N, (blasint)K, alpha,
                span_floats(A), (blasint)lda, span_floats(B), (blasint)ldb, beta, span_floats(C),
                (blasint)ldc);
    return COCOB_OK;
}
