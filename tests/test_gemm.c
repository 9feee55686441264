/* GEMM: the reference against a triple loop in double, the device's GEMM
 * and cl/gemm.cl's kernels at several tiles against the reference, and the
 * checks of the arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "oputil.h"
#include "testutil.h"
#ifdef COCOB_HAVE_OPENCL
#include "backend/opencl/opencl.h"
#endif
#include "ops/ops.h"

typedef struct gemm_case {
    int trans_a, trans_b;
    size_t M, N, K;
    size_t ld_extra; /* added to each leading dimension beyond its row */
    size_t off;      /* where each operand starts in its buffer */
    float alpha, beta;
} gemm_case;

static const gemm_case cases[] = {
    /* The dense layers of a 784-1000-1000-10 MLP at batch 100, as
     * src/nn/layers.c calls them: forward y = x W^T ... */
    {0, 1, 100, 1000, 784, 0, 0, 1.0f, 0.0f},
    {0, 1, 100, 1000, 1000, 0, 0, 1.0f, 0.0f},
    {0, 1, 100, 10, 1000, 0, 0, 1.0f, 0.0f},
    /* ... dW = dy^T x ... */
    {1, 0, 1000, 784, 100, 0, 0, 1.0f, 0.0f},
    {1, 0, 1000, 1000, 100, 0, 0, 1.0f, 0.0f},
    {1, 0, 10, 1000, 100, 0, 0, 1.0f, 0.0f},
    /* ... and dx = dy W. */
    {0, 0, 100, 1000, 1000, 0, 0, 1.0f, 0.0f},
    {0, 0, 100, 1000, 10, 0, 0, 1.0f, 0.0f},
    /* Odd sizes in every transpose, with rows longer than the matrix,
     * offsets, and alpha and beta away from 1 and 0. */
    {0, 0, 1, 1, 1, 0, 0, 1.0f, 0.0f},
    {0, 1, 1, 1, 1, 2, 3, -2.0f, 0.5f},
    {1, 0, 1, 1, 1, 1, 1, 0.25f, -1.0f},
    {1, 1, 1, 1, 1, 3, 7, 3.0f, 0.0f},
    {0, 0, 7, 13, 5, 3, 5, -0.75f, 0.5f},
    {0, 1, 7, 13, 5, 1, 2, 1.5f, 0.0f},
    {1, 0, 7, 13, 5, 4, 1, 0.5f, 2.0f},
    {1, 1, 7, 13, 5, 2, 9, -1.25f, -0.5f},
    /* K and N over one cached tile of B (128 x 256), and not multiples of it. */
    {0, 0, 33, 300, 260, 1, 4, 1.5f, -1.0f},
    {0, 1, 33, 300, 260, 0, 3, 1.0f, 0.0f},
    {1, 0, 33, 300, 260, 5, 0, -1.0f, 1.0f},
    {1, 1, 33, 300, 260, 2, 1, 0.75f, 0.25f},
};
enum { CASES = sizeof cases / sizeof *cases, MLP_CASES = 8, OVER_A_TILE = CASES - 4 };

#ifdef TEST_HAVE_DEVICE
/* A layer size of the MLP, in small mode that of a 53-67-67-11 MLP at
 * batch 37, which a simulator runs in seconds: multiples of none of
 * gemm.cl's tiles (2 to 8 rows, 2 to 32 columns, vectors of 8 or 16 along
 * K), so that every tile edge and the dot form's K tail still run. */
static size_t mlp_size(size_t full)
{
    return full == 100 ? 37 : full == 784 ? 53 : full == 1000 ? 67 : 11;
}

/* The i-th case as the device's tests run it. In small mode the MLP's
 * layers shrink as above, and the cases over ref's tile of B to 11 x 43 x
 * 37, sizes of the same kind, with their offsets, rows and alpha and beta
 * kept: K still runs the dot form's vectors and their tail. The
 * reference's test crosses its tile at full size in either mode. */
static gemm_case case_at(int i)
{
    gemm_case c = cases[i];
    if (test_small() && i < MLP_CASES) {
        c.M = mlp_size(c.M);
        c.N = mlp_size(c.N);
        c.K = mlp_size(c.K);
    } else if (test_small() && i >= OVER_A_TILE) {
        c.M = 11;
        c.N = 43;
        c.K = 37;
    }
    return c;
}
#endif

/* A case's operands on the host, laid out as the backend sees them: each
 * starts at off and has rows of ld floats. Every float outside a matrix is
 * NaN, so that reading one poisons the product and writing one shows. */
typedef struct operands {
    size_t lda, ldb, ldc;
    size_t a_rows, a_cols, b_rows, b_cols;
    size_t a_len, b_len, c_len;
    float *A, *B, *C;
} operands;

static float *matrix(test_rng *rng, size_t off, size_t rows, size_t cols, size_t ld, int garbage,
                     size_t *len)
{
    *len = off + (rows - 1) * ld + cols;
    float *m = malloc(*len * sizeof *m);
    ck_assert_ptr_nonnull(m);
    for (size_t i = 0; i < *len; i++)
        m[i] = NAN;
    for (size_t r = 0; r < rows && !garbage; r++)
        for (size_t c = 0; c < cols; c++)
            m[off + r * ld + c] = test_rng_uniform(rng, -1, 1);
    return m;
}

static operands operands_new(const gemm_case *c, uint64_t seed)
{
    operands o;
    o.a_rows = c->trans_a ? c->K : c->M;
    o.a_cols = c->trans_a ? c->M : c->K;
    o.b_rows = c->trans_b ? c->N : c->K;
    o.b_cols = c->trans_b ? c->K : c->N;
    o.lda = o.a_cols + c->ld_extra;
    o.ldb = o.b_cols + c->ld_extra;
    o.ldc = c->N + c->ld_extra;
    test_rng rng = {seed};
    o.A = matrix(&rng, c->off, o.a_rows, o.a_cols, o.lda, 0, &o.a_len);
    o.B = matrix(&rng, c->off, o.b_rows, o.b_cols, o.ldb, 0, &o.b_len);
    /* With beta = 0, C starts as NaN throughout: it must be overwritten
     * unread, as BLAS does. */
    o.C = matrix(&rng, c->off, c->M, c->N, o.ldc, c->beta == 0.0f, &o.c_len);
    return o;
}

static void operands_free(operands *o)
{
    free(o->A);
    free(o->B);
    free(o->C);
}

static float op_a(const gemm_case *c, const operands *o, size_t i, size_t k)
{
    return o->A[c->off + (c->trans_a ? k * o->lda + i : i * o->lda + k)];
}

static float op_b(const gemm_case *c, const operands *o, size_t k, size_t j)
{
    return o->B[c->off + (c->trans_b ? j * o->ldb + k : k * o->ldb + j)];
}

/* The product in double, row by row so that it walks B forward, and beside
 * it the scale of each element: |alpha| sum |a b| + |beta c|. */
static void exact(const gemm_case *c, const operands *o, double *want, double *scale)
{
    for (size_t i = 0; i < c->M; i++) {
        double *w = want + i * c->N, *s = scale + i * c->N;
        for (size_t j = 0; j < c->N; j++)
            w[j] = s[j] = 0;
        for (size_t k = 0; k < c->K; k++) {
            double a = op_a(c, o, i, k);
            for (size_t j = 0; j < c->N; j++) {
                double b = op_b(c, o, k, j);
                w[j] += a * b;
                s[j] += fabs(a * b);
            }
        }
        for (size_t j = 0; j < c->N; j++) {
            double c0 = c->beta == 0.0f ? 0 : o->C[c->off + i * o->ldc + j];
            w[j] = c->alpha * w[j] + c->beta * c0;
            s[j] = fabs((double)c->alpha) * s[j] + fabs(c->beta * c0);
        }
    }
}

/* Runs the case on b and returns C as the backend left it, all c_len floats. */
static float *run(cocob_context *ctx, const gemm_case *c, const operands *o)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *A, *B, *C;
    ck_assert_int_eq(b->iface->alloc(b, o->a_len * sizeof(float), &A), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, o->b_len * sizeof(float), &B), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, o->c_len * sizeof(float), &C), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, A, 0, o->A, o->a_len * sizeof(float)), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, B, 0, o->B, o->b_len * sizeof(float)), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, C, 0, o->C, o->c_len * sizeof(float)), COCOB_OK);
    cocob_span sa = {A, c->off}, sb = {B, c->off}, sc = {C, c->off};
    cocob_status s = cocob_op_gemm(b, c->trans_a, c->trans_b, c->M, c->N, c->K, c->alpha, sa,
                                   o->lda, sb, o->ldb, c->beta, sc, o->ldc);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    float *got = malloc(o->c_len * sizeof *got);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(cocob_op_download(b, C, 0, got, o->c_len * sizeof(float)), COCOB_OK);
    b->iface->free(b, A);
    b->iface->free(b, B);
    b->iface->free(b, C);
    return got;
}

/* Every float of C outside the matrix must be the NaN it was. Checks in
 * loops over elements abort only on failure: each passing ck_assert costs
 * a write to Check's pipe. */
static void assert_padding_untouched(const gemm_case *c, const operands *o, const float *got)
{
    for (size_t e = 0; e < o->c_len; e++) {
        int inside = e >= c->off && (e - c->off) % o->ldc < c->N;
        if (!inside && !isnan(got[e]))
            ck_abort_msg("gemm wrote C[%zu], outside the matrix", e);
    }
}

/* gamma_n = n u / (1 - n u), u = 2^-24: the product of n factors
 * (1 + d_i), |d_i| <= u, one per float rounding in a row, lies within
 * 1 +- gamma_n. */
static double gamma_n(size_t n)
{
    double nu = (double)n * 0x1.0p-24;
    return nu / (1 - nu);
}

static const char *case_name(const gemm_case *c, char *buf, size_t cap)
{
    snprintf(buf, cap, "trans_a %d trans_b %d M=%zu N=%zu K=%zu ld+%zu off %zu alpha %g beta %g",
             c->trans_a, c->trans_b, c->M, c->N, c->K, c->ld_extra, c->off, c->alpha, c->beta);
    return buf;
}

START_TEST(reference_is_within_the_derived_bound)
{
    /* Each product term meets at most K + 2 roundings on its way into C:
     * its product, alpha (before or after a partial sum), and one addition
     * per term or per K block, at most K in all; beta c meets one rounding
     * and the additions. So |C - exact| <= gamma_{K+2} scale, whatever the
     * blocking. Measured: at most 4.8 u of scale (dW, K = 100, where the
     * bound is 102 u), and 1.1 u at K = 784 (bound 786 u). */
    const gemm_case *c = &cases[_i];
    char name[160];
    operands o = operands_new(c, 100 + (uint64_t)_i);
    double *want = malloc(c->M * c->N * sizeof *want),
           *scale = malloc(c->M * c->N * sizeof *scale);
    ck_assert(want && scale);
    exact(c, &o, want, scale);
    cocob_context *ctx = test_context("ref");
    float *got = run(ctx, c, &o);
    assert_padding_untouched(c, &o, got);
    double bound = gamma_n(c->K + 2), worst = 0;
    for (size_t i = 0; i < c->M; i++)
        for (size_t j = 0; j < c->N; j++) {
            double g = got[c->off + i * o.ldc + j], err = fabs(g - want[i * c->N + j]);
            double s = scale[i * c->N + j];
            if (!(err <= bound * s))
                ck_abort_msg("%s: C[%zu][%zu] is %.9g, exactly %.17g (scale %g)",
                             case_name(c, name, sizeof name), i, j, g, want[i * c->N + j], s);
            worst = fmax(worst, err / s);
        }
    printf("cocob_ref_gemm %s: %.3g u of scale, bound %.3g u\n", case_name(c, name, sizeof name),
           worst / 0x1.0p-24, bound / 0x1.0p-24);
    cocob_context_destroy(ctx);
    operands_free(&o);
    free(want);
    free(scale);
    free(got);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* got, a GEMM's C run otherwise, against expect, ref's: its padding
 * untouched, and each element within 2 gamma_{K+2} of its scale, or the
 * test fails naming what (the case) and who ran it. Returns the worst
 * distance, as a fraction of the scale. */
static double against_ref(const gemm_case *c, const operands *o, const float *got,
                          const float *expect, const double *scale, const char *what,
                          const char *who)
{
    assert_padding_untouched(c, o, got);
    double bound = 2 * gamma_n(c->K + 2), worst = 0;
    for (size_t i = 0; i < c->M; i++)
        for (size_t j = 0; j < c->N; j++) {
            size_t at = c->off + i * o->ldc + j;
            double err = fabs((double)got[at] - expect[at]), s = scale[i * c->N + j];
            if (!(err <= bound * s))
                ck_abort_msg("%s: C[%zu][%zu] is %.9g %s, %.9g by ref", what, i, j, got[at], who,
                             expect[at]);
            worst = fmax(worst, err / s);
        }
    return worst;
}

START_TEST(device_matches_the_reference)
{
    /* CLBlast, and OpenBLAS on the cpu backend, sum in their own orders, so
     * each differs from ref by rounding alone: each is within gamma_{K+2}
     * scale of the exact product (fused multiply-adds, which OpenBLAS uses,
     * round once where ref rounds twice, so only do better), so they are
     * within twice that of each other. Measured on PoCL: at most 4.0 u of
     * scale (forward, K = 1000, where the bound is 2004 u), 3.8 u at K = 10
     * (bound 24 u); OpenBLAS 0.3.21 (SkylakeX and Prescott kernels): at
     * most 4.6 u (K = 1000, no transpose), 0 where K = 1. A lost or
     * doubled term would be off by about scale / K, 16000 u and more at
     * K = 1000. */
    const gemm_case cs = case_at(_i), *c = &cs;
    char name[160];
    operands o = operands_new(c, 100 + (uint64_t)_i);
    double *want = malloc(c->M * c->N * sizeof *want),
           *scale = malloc(c->M * c->N * sizeof *scale);
    ck_assert(want && scale);
    exact(c, &o, want, scale);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *expect = run(ref, c, &o), *got = run(ctx, c, &o);
    double worst = against_ref(c, &o, got, expect, scale, case_name(c, name, sizeof name),
                               "on the device");
    printf("GEMM on %s, %s: %.3g u of scale from ref\n", cocob_context_device(ctx)->name,
           case_name(c, name, sizeof name), worst / 0x1.0p-24);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
    operands_free(&o);
    free(want);
    free(scale);
    free(expect);
    free(got);
}
END_TEST
#endif

#ifdef COCOB_HAVE_OPENCL
/* cl/gemm.cl's tiles: the default where CLBlast is not, then odd ones, in
 * which M and N leave part tiles and the groups pad M's tiles. */
static const cocob_cl_gemm_params kernel_params[] = {
    {0, {0, 0, 0, 0}, {0, 0, 0, 0}}, /* filled in with the device's default */
    {0, {3, 1, 4, 0}, {5, 3, 8, 0}},
    {0, {8, 2, 16, 3}, {2, 4, 16, 2}},
};
enum { KERNEL_PARAMS = sizeof kernel_params / sizeof *kernel_params };

START_TEST(kernel_matches_the_reference)
{
    /* Each term is fused into a partial sum by fma() (one rounding), the
     * vw partial sums of the dot form are added in a tree (log2 vw <= 4
     * roundings) with the K % vw tail after, then alpha and beta: at most
     * K + 2 roundings a term, so within gamma_{K+2} scale of the exact
     * product, as ref is, and within twice that of ref. Measured on PoCL:
     * at most 5.6 u of scale (bound 2 gamma_{K+2}, 24 u and more). A lost or
     * doubled term would be off by about scale / K. */
    const gemm_case cs = case_at(_i % CASES), *c = &cs;
    size_t which = (size_t)_i / CASES;
    char name[160], how[128];
    operands o = operands_new(c, 100 + (uint64_t)_i);
    double *scale = malloc(c->M * c->N * sizeof *scale),
           *want = malloc(c->M * c->N * sizeof *want);
    ck_assert(want && scale);
    exact(c, &o, want, scale);
    cocob_context *ref = test_context("ref"), *ctx = test_context("opencl");
    cocob_cl_backend *b = cocob_cl_backend_of(ctx->backend);
    cocob_cl_gemm_params p = kernel_params[which];
    if (which == 0) {
        cocob_cl_gemm_default(&b->dev, &p);
        p.clblast = 0;
    }
    cocob_cl_gemm_use(b, &p);
    cocob_cl_gemm_describe(&p, how, sizeof how);
    float *expect = run(ref, c, &o), *got = run(ctx, c, &o);
    char what[300];
    snprintf(what, sizeof what, "%s, %s", case_name(c, name, sizeof name), how);
    double worst = against_ref(c, &o, got, expect, scale, what, "by gemm.cl");
    printf("gemm.cl (%s), %s: %.3g u of scale from ref\n", how, case_name(c, name, sizeof name),
           worst / 0x1.0p-24);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
    operands_free(&o);
    free(want);
    free(scale);
    free(expect);
    free(got);
}
END_TEST
#endif

START_TEST(arguments_are_checked)
{
    /* The op layer checks once for every backend, before any touches memory. */
    cocob_buffer *buf;
    cocob_context *ctx = op_args_context(_i, 64, &buf);
    cocob_backend *b = ctx->backend;
    cocob_span s = {buf, 0}, late = {buf, 40};
    ck_assert_int_eq(cocob_op_gemm(b, 0, 0, 0, 4, 4, 1.0f, s, 4, s, 4, 0.0f, s, 4),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "M=0, N=4 and K=4"));
    /* A is 4 x 5 here, rows of 5: lda 4 is too short. */
    ck_assert_int_eq(cocob_op_gemm(b, 0, 0, 4, 3, 5, 1.0f, s, 4, s, 3, 0.0f, s, 3),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "lda=4 is less than the 5 columns"));
    /* Transposed, B is stored 3 x 5: ldb 3 is too short. */
    ck_assert_int_eq(cocob_op_gemm(b, 0, 1, 4, 3, 5, 1.0f, s, 5, s, 3, 0.0f, s, 3),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "ldb=3 is less than the 5 columns"));
    /* C, 4 x 8 from float 40, would end at float 72 of 64. */
    ck_assert_int_eq(cocob_op_gemm(b, 0, 0, 4, 8, 2, 1.0f, s, 2, s, 8, 0.0f, late, 8),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "C, 4 x 8 with ldc=8 from offset 40"));
    /* A row count whose last row's start overflows size_t. */
    ck_assert_int_eq(cocob_op_gemm(b, 0, 0, SIZE_MAX / 2, 1, 2, 1.0f, s, 4, s, 1, 0.0f, s, 1),
                     COCOB_ERR_SHAPE);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    int n = CASES;
    TCase *ref, *dev;
    Suite *s = op_suite("gemm", arguments_are_checked, &ref, &dev);
    tcase_add_loop_test(ref, reference_is_within_the_derived_bound, 0, n);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, device_matches_the_reference, 0, n);
#ifdef COCOB_HAVE_OPENCL
    if (!test_device_is_cpu())
        tcase_add_loop_test(dev, kernel_matches_the_reference, 0, n * KERNEL_PARAMS);
#endif
#endif
    return test_run(s);
}
