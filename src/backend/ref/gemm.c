/* GEMM, the reference: C = alpha op(A) op(B) + beta C, row-major. On OpenCL
 * the same op is CLBlast's (src/backend/opencl/gemm.c). */
#include "backend/ref/ref.h"

/* A tile of op(B), GEMM_KC rows by GEMM_NC columns (128 KiB of floats), is
 * reused by every row of A while it sits in a typical L2 cache. */
enum { GEMM_KC = COCOB_REF_GEMM_KC, GEMM_NC = 256 };

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

void cocob_ref_gemm(int trans_a, int trans_b, size_t M, size_t N, size_t K, float alpha,
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
