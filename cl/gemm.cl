/* GEMM, C = alpha op(A) op(B) + beta C, row-major: cocob's own kernels,
 * tuned per device by `cocob tune` (src/backend/opencl/gemm_tune.c). The
 * twin is gemm_ref in src/backend/ref/gemm.c.
 *
 * Each work-item holds a tile of C in registers and no local memory is used:
 * on a CPU (PoCL) local memory is ordinary cache, and explicit vectors map
 * straight onto its SIMD registers. The tile's shape comes in as defines:
 * GEMM_OUTER_TM, _NV, _VW for the outer-product form, GEMM_DOT_TM, _NV, _VW
 * for the dot-product form. Any M, N, K and offset works: rows past M are computed from row M-1 and never stored, and the
 * last columns are gathered and stored element by element. */

/* Each term is fused into its partial sum by fma(): one rounding per term,
 * as few as the reference and never more. Everything else rounds apart. */
#pragma OPENCL FP_CONTRACT OFF

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

/* The outer-product form's tile; the dot-product form's comes further down. */
#define TM GEMM_OUTER_TM
#define NV GEMM_OUTER_NV
#define VW GEMM_OUTER_VW
#define VEC CAT(float, VW)
#define VLOAD CAT(vload, VW)
#define VSTORE CAT(vstore, VW)
#define TN (NV * VW)

static float hsum4(float4 x)
{
    float2 y = x.s01 + x.s23;
    return y.s0 + y.s1;
}

static float hsum8(float8 x)
{
    return hsum4(x.lo + x.hi);
}

static float hsum16(float16 x)
{
    return hsum8(x.lo + x.hi);
}

#define GEMM_ARGS                                                                              \
    ulong M, ulong N, ulong K, float alpha, __global const float *A, ulong a_off, ulong lda,    \
        __global const float *B, ulong b_off, ulong ldb, float beta, __global float *C,         \
        ulong c_off, ulong ldc

/* op(A)[i][k] and op(B)[k][j] as stored. */
#define A_N(i, k) A[a_off + (i) * lda + (k)]
#define A_T(i, k) A[a_off + (k) * lda + (i)]
#define B_N(k, j) B[b_off + (k) * ldb + (j)]
#define B_T(k, j) B[b_off + (j) * ldb + (k)]

/* C's rows i0 .. i0+TM (those below M), columns j0 .. j0+cols, from acc. */
static void store_tile(VEC acc[TM][NV], ulong i0, ulong j0, ulong cols, ulong M, float alpha,
                       float beta, __global float *C, ulong c_off, ulong ldc)
{
    for (int ii = 0; ii < TM; ii++) {
        if (i0 + ii >= M)
            return;
        __global float *c = C + c_off + (i0 + ii) * ldc + j0;
        if (cols == TN) {
            for (int v = 0; v < NV; v++) {
                VEC y = (VEC)(alpha) * acc[ii][v];
                /* beta = 0 overwrites C unread, as BLAS does. */
                if (beta != 0.0f)
                    y = y + (VEC)(beta) * VLOAD(v, c);
                VSTORE(y, v, c);
            }
        } else {
            float t[TN];
            for (int v = 0; v < NV; v++)
                VSTORE(acc[ii][v], v, t);
            for (ulong j = 0; j < cols; j++)
                c[j] = beta != 0.0f ? alpha * t[j] + beta * c[j] : alpha * t[j];
        }
    }
}

/* The outer-product form, for op(B) with rows along j: for each k, a row of
 * op(B)'s tile times each of TM scalars of op(A). Columns past N read as 0. */
#define OUTER_KERNEL(NAME, OPA, OPB)                                                          \
    __kernel void NAME(GEMM_ARGS)                                                            \
    {                                                                                        \
        ulong i0 = get_global_id(0) * TM, j0 = get_global_id(1) * TN;                       \
        if (i0 >= M || j0 >= N)                                                              \
            return;                                                                          \
        ulong rows[TM];                                                                      \
        for (int ii = 0; ii < TM; ii++)                                                      \
            rows[ii] = min(i0 + ii, M - 1);                                                  \
        ulong cols = min((ulong)TN, N - j0);                                                 \
        VEC acc[TM][NV];                                                                     \
        for (int ii = 0; ii < TM; ii++)                                                      \
            for (int v = 0; v < NV; v++)                                                     \
                acc[ii][v] = (VEC)(0.0f);                                                    \
        for (ulong k = 0; k < K; k++) {                                                      \
            VEC b[NV];                                                                       \
            OPB(k);                                                                          \
            for (int ii = 0; ii < TM; ii++) {                                                \
                VEC a = (VEC)(OPA(rows[ii], k));                                             \
                for (int v = 0; v < NV; v++)                                                 \
                    acc[ii][v] = fma(a, b[v], acc[ii][v]);                                   \
            }                                                                                \
        }                                                                                    \
        store_tile(acc, i0, j0, cols, M, alpha, beta, C, c_off, ldc);                        \
    }

/* Row k of op(B)'s tile: one load per vector where the whole row is inside,
 * else element by element. */
#define ROW_N(k)                                                                             \
    if (cols == TN) {                                                                        \
        for (int v = 0; v < NV; v++)                                                         \
            b[v] = VLOAD(v, B + b_off + (k) * ldb + j0);                                     \
    } else {                                                                                 \
        float t[TN];                                                                         \
        for (ulong j = 0; j < TN; j++)                                                       \
            t[j] = j < cols ? B_N(k, j0 + j) : 0.0f;                                         \
        for (int v = 0; v < NV; v++)                                                         \
            b[v] = VLOAD(v, t);                                                              \
    }

/* Both transposed, which no layer asks for: op(B)'s rows are strided. */
#define ROW_T(k)                                                                             \
    {                                                                                        \
        float t[TN];                                                                         \
        for (ulong j = 0; j < TN; j++)                                                       \
            t[j] = j < cols ? B_T(k, j0 + j) : 0.0f;                                         \
        for (int v = 0; v < NV; v++)                                                         \
            b[v] = VLOAD(v, t);                                                              \
    }

OUTER_KERNEL(gemm_nn, A_N, ROW_N)
OUTER_KERNEL(gemm_tn, A_T, ROW_N)
OUTER_KERNEL(gemm_tt, A_T, ROW_T)

#undef TM
#undef NV
#undef VW
#define TM GEMM_DOT_TM
#define NV GEMM_DOT_NV
#define VW GEMM_DOT_VW
#define HSUM CAT(hsum, VW)

/* The dot-product form, for A and B both with rows along k (the forward
 * pass, x W^T): a tile of TM x NV elements of C, each a vector of partial
 * sums over k, added across at the end. Rows past M and columns past N are
 * computed from the last ones and never stored. */
__kernel void gemm_nt(GEMM_ARGS)
{
    ulong i0 = get_global_id(0) * TM, j0 = get_global_id(1) * NV;
    if (i0 >= M || j0 >= N)
        return;
    __global const float *a[TM], *b[NV];
    for (int ii = 0; ii < TM; ii++)
        a[ii] = A + a_off + min(i0 + ii, M - 1) * lda;
    for (int jj = 0; jj < NV; jj++)
        b[jj] = B + b_off + min(j0 + jj, N - 1) * ldb;
    VEC acc[TM][NV];
    for (int ii = 0; ii < TM; ii++)
        for (int jj = 0; jj < NV; jj++)
            acc[ii][jj] = (VEC)(0.0f);
    ulong k = 0;
    for (; k + VW <= K; k += VW) {
        VEC av[TM], bv[NV];
        for (int ii = 0; ii < TM; ii++)
            av[ii] = VLOAD(0, a[ii] + k);
        for (int jj = 0; jj < NV; jj++)
            bv[jj] = VLOAD(0, b[jj] + k);
        for (int ii = 0; ii < TM; ii++)
            for (int jj = 0; jj < NV; jj++)
                acc[ii][jj] = fma(av[ii], bv[jj], acc[ii][jj]);
    }
    for (int ii = 0; ii < TM && i0 + ii < M; ii++) {
        for (int jj = 0; jj < NV && j0 + jj < N; jj++) {
            float sum = HSUM(acc[ii][jj]);
            for (ulong kk = k; kk < K; kk++)
                sum = fma(a[ii][kk], b[jj][kk], sum);
            __global float *c = C + c_off + (i0 + ii) * ldc + j0 + jj;
            *c = beta != 0.0f ? alpha * sum + beta * *c : alpha * sum;
        }
    }
}
