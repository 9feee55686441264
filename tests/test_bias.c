/* bias_add, with each activation fused in, and bias_grad: the reference on
 * cases worked by hand, the gradient against finite differences, the
 * kernels against the reference (bias_grad's tree against a bound on its
 * rounding), and the checks of the arguments. */
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

/* outer, channels, inner */
static const size_t shapes[][3] = {
    {100, 1000, 1}, /* a dense layer's batch x units */
    {100, 32, 784}, /* a convolution's N x C x (H W) */
    {1, 7, 1},      {7, 1, 1}, {1, 1, 7}, {7, 3, 5}, {1, 1, 1},
};
enum { SHAPES = sizeof shapes / sizeof *shapes, SMALL = 2 };

#ifdef TEST_HAVE_DEVICE
/* In small mode, for a simulator, the two large shapes shrink: bias_add
 * still spans groups of 256 with a ragged end (261 and 1455 elements),
 * and bias_grad, a group of 256 per channel, still loops more than once
 * over the conv shape's 3 x 97 terms per channel. */
static const size_t small_large[SMALL][3] = {{9, 29, 1}, {3, 5, 97}};

static const size_t *shape(int i)
{
    return test_small() && i < SMALL ? small_large[i] : shapes[i];
}
#endif

static size_t count_of(const size_t *sh)
{
    return sh[0] * sh[1] * sh[2];
}

/* bias_add with f on ctx, in place or into a buffer of its own; returns y's
 * whole buffer (y at TEST_OFF). */
static float *run_add(cocob_context *ctx, cocob_activation f, int in_place, const size_t *sh,
                      const float *x, const float *bias)
{
    cocob_backend *b = ctx->backend;
    size_t n = count_of(sh);
    cocob_buffer *bx = test_put(b, x, n), *bb = test_put(b, bias, sh[1]);
    cocob_buffer *by = in_place ? bx : test_put(b, NULL, n);
    cocob_span sx = {bx, TEST_OFF}, sb = {bb, TEST_OFF}, sy = {by, TEST_OFF};
    cocob_status s = cocob_op_bias_add(b, f, sx, sb, sy, sh[0], sh[1], sh[2]);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, bb);
    if (!in_place) {
        float *left = test_take(b, bx, n);
        ck_assert_msg(memcmp(left + TEST_OFF, x, n * sizeof *x) == 0, "bias_add wrote to x");
        free(left);
    }
    return test_take(b, by, n);
}

/* bias_grad on ctx; returns db's whole buffer (db at TEST_OFF). */
static float *run_grad(cocob_context *ctx, const size_t *sh, const float *dy)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bdy = test_put(b, dy, count_of(sh)), *bdb = test_put(b, NULL, sh[1]);
    cocob_span sdy = {bdy, TEST_OFF}, sdb = {bdb, TEST_OFF};
    cocob_status s = cocob_op_bias_grad(b, sdy, sdb, sh[0], sh[1], sh[2]);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, bdy);
    return test_take(b, bdb, sh[1]);
}

/* Multiples of 1/8 in [-2, 2]: any sum of up to 2^20 of them is a multiple
 * of 1/8 below 2^21 in size, which a float holds exactly, so every order
 * of summation gives the same, exact, answer. */
static float *eighths(size_t n, uint64_t seed)
{
    float *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++)
        v[i] = (float)((int)(test_rng_next(&rng) % 33) - 16) / 8;
    return v;
}

START_TEST(reference_matches_a_case_worked_by_hand)
{
    cocob_context *ctx = test_context("ref");
    /* outer 2, channels 3, inner 2: y[o][c][i] = 10 o + 2 c + i. */
    const size_t sh[3] = {2, 3, 2};
    const float y[12] = {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
    const float bias[3] = {100, 200, 300};
    const float want[12] = {100, 101, 202, 203, 304, 305, 110, 111, 212, 213, 314, 315};
    float *got = run_add(ctx, COCOB_ACT_IDENTITY, 1, sh, y, bias);
    ck_assert(memcmp(got + TEST_OFF, want, sizeof want) == 0);
    free(got);
    /* With relu, a bias that takes an element below 0 zeroes it. */
    const float shift[3] = {-1, -3, 0};
    const float relu_want[12] = {0, 0, 0, 0, 4, 5, 9, 10, 9, 10, 14, 15};
    got = run_add(ctx, COCOB_ACT_RELU, 0, sh, y, shift);
    ck_assert(memcmp(got + TEST_OFF, relu_want, sizeof relu_want) == 0);
    free(got);
    /* tanh(0) and sigmoid(0) are exact: 0 and 1/2. */
    const float zero[3] = {0, -2, -4}, x0[12] = {0, 9, 2, 9, 4, 9, 0, 9, 2, 9, 4, 9};
    got = run_add(ctx, COCOB_ACT_TANH, 1, sh, x0, zero);
    float *sig = run_add(ctx, COCOB_ACT_SIGMOID, 1, sh, x0, zero);
    for (size_t k = 0; k < 12; k += 2) {
        ck_assert(got[TEST_OFF + k] == 0.0f);
        ck_assert(sig[TEST_OFF + k] == 0.5f);
    }
    free(got);
    free(sig);
    /* Channel c gathers 2 c + {0, 1, 10, 11}. */
    const float db_want[3] = {22, 30, 38};
    float *db = run_grad(ctx, sh, y);
    ck_assert(memcmp(db + TEST_OFF, db_want, sizeof db_want) == 0);
    free(db);
    cocob_context_destroy(ctx);
}
END_TEST

/* L = sum of w y over y = bias_add(y0, bias), in double. */
static double loss(const size_t *sh, const float *y0, const float *bias, const float *w, float *y)
{
    size_t n = count_of(sh);
    cocob_ref_bias_add(COCOB_ACT_IDENTITY, y0, bias, y, sh[0], sh[1], sh[2]);
    double L = 0;
    for (size_t j = 0; j < n; j++)
        L += (double)w[j] * y[j];
    return L;
}

START_TEST(gradient_matches_finite_differences)
{
    /* y0, bias and w in eighths and h = 1/64: y0 + bias +- h is exact in
     * float, the double sums are exact, so the central difference is
     * exactly dL/dbias_c = the sum of w over channel c, which cocob_ref_bias_grad
     * (summing eighths, exactly) must give to the bit. The two large shapes
     * repeat the same loops at a cost the sanitizer build would feel. */
    const size_t *sh = shapes[SMALL + _i];
    size_t n = count_of(sh), C = sh[1];
    float *y0 = eighths(n, 10 + (uint64_t)_i), *w = eighths(n, 20 + (uint64_t)_i);
    float *bias = eighths(C, 30 + (uint64_t)_i), *y = malloc(n * sizeof *y);
    float *db = malloc(C * sizeof *db);
    ck_assert(y && db);
    cocob_ref_bias_grad(w, db, sh[0], sh[1], sh[2]);
    const float h = 1.0f / 64;
    for (size_t c = 0; c < C; c++) {
        float bc = bias[c];
        bias[c] = bc + h;
        double up = loss(sh, y0, bias, w, y);
        bias[c] = bc - h;
        double down = loss(sh, y0, bias, w, y);
        bias[c] = bc;
        double fd = (up - down) / (2 * h);
        ck_assert_msg(fd == db[c],
                      "%zu x %zu x %zu: dL/dbias[%zu] is %.9g by differences, %.9g "
                      "by bias_grad",
                      sh[0], sh[1], sh[2], c, fd, db[c]);
    }
    free(y0);
    free(w);
    free(bias);
    free(y);
    free(db);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
static float *uniform(size_t n, uint64_t seed)
{
    float *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++)
        v[i] = test_rng_uniform(&rng, -1, 1);
    return v;
}

/* How far the kernel's f(x + b) may be from the reference's, in ulps of
 * the reference's: the sum x + b is one rounding in both, so only f
 * differs. relu and the identity are the same operations, so 0; for tanh
 * and sigmoid, the kernel's and the reference's bounds from the maths,
 * added (tests/test_activation.c derives them: 5 + 3 and 15 + 5). */
static const double apart_ulps[] = {
    [COCOB_ACT_RELU] = 0, [COCOB_ACT_TANH] = 8, [COCOB_ACT_SIGMOID] = 20, [COCOB_ACT_IDENTITY] = 0};
enum { KINDS = sizeof apart_ulps / sizeof *apart_ulps };

START_TEST(bias_add_kernel_matches_the_reference)
{
    const size_t *sh = shape(_i / KINDS);
    cocob_activation f = (cocob_activation)(_i % KINDS);
    size_t n = count_of(sh);
    float *y = uniform(n, 40 + (uint64_t)_i), *bias = uniform(sh[1], 50 + (uint64_t)_i);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *want = run_add(ref, f, 0, sh, y, bias), *got = run_add(ctx, f, _i % 2, sh, y, bias);
    double worst = 0;
    for (size_t i = TEST_OFF; i < TEST_OFF + n; i++) {
        double ulp = nextafterf(fabsf(want[i]), INFINITY) - fabsf(want[i]);
        double e = fabs((double)got[i] - want[i]) / ulp;
        if (!(e <= apart_ulps[f]))
            ck_abort_msg("%zu x %zu x %zu, %s: element %zu is %.9g, the reference %.9g (%.3g "
                         "ulps, bound %g)",
                         sh[0], sh[1], sh[2], cocob_activation_name(f), i - TEST_OFF, got[i],
                         want[i], e, apart_ulps[f]);
        worst = fmax(worst, e);
    }
    if (f == COCOB_ACT_TANH || f == COCOB_ACT_SIGMOID)
        printf("bias_add %zu x %zu x %zu, %s: at most %.3g ulps from the reference\n", sh[0],
               sh[1], sh[2], cocob_activation_name(f), worst);
    free(y);
    free(bias);
    free(want);
    free(got);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST

#ifdef COCOB_HAVE_OPENCL
/* The group size bias_grad runs with on ctx's device, as the launch picks it. */
static size_t bias_grad_group(cocob_context *ctx)
{
    cocob_cl_backend *b = (cocob_cl_backend *)ctx->backend;
    cl_kernel k;
    size_t local;
    ck_assert_int_eq(cocob_cl_kernel(b, "bias.cl", "bias_grad", &k), COCOB_OK);
    ck_assert_int_eq(cocob_cl_group_size(b, k, "bias_grad", 1, sizeof(float), &local), COCOB_OK);
    return local;
}

/* Summing m terms in any tree where each term passes through at most d
 * roundings errs by at most gamma_d = d u / (1 - d u) times the sum of
 * their sizes, u = 2^-24: each term is scaled by at most d factors
 * (1 + d_i), |d_i| <= u, whose product lies within 1 +- gamma_d. The reference adds one by one, d = m - 1;
 * the kernel adds ceil(m / local) terms per work-item, then log2(local)
 * levels of tree, far fewer. */
static double gamma_of(double d)
{
    double du = d * 0x1p-24;
    return du / (1 - du);
}

START_TEST(bias_grad_kernel_is_within_its_rounding_bound)
{
    const size_t *sh = shape(_i);
    size_t n = count_of(sh), C = sh[1], m = sh[0] * sh[2];
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    size_t local = bias_grad_group(ctx), levels = 0;
    while ((size_t)1 << levels < local)
        levels++;
    double d_kernel = (double)((m + local - 1) / local - 1 + levels);

    /* In eighths, every order is exact: the tree, the loop and the exact
     * sum agree to the bit, and the tree's result cannot depend on timing. */
    float *dy = eighths(n, 60 + (uint64_t)_i);
    float *want = run_grad(ref, sh, dy), *got = run_grad(ctx, sh, dy);
    ck_assert_msg(memcmp(got, want, (TEST_OFF + C + TEST_TAIL) * 4) == 0,
                  "%zu x %zu x %zu: sums of eighths differ", sh[0], sh[1], sh[2]);
    free(dy);
    free(want);
    free(got);

    /* In general the orders differ; each must stay within its bound of the
     * exact sum, taken in double (whose own error, below m 2^-53 times the
     * sum of sizes, is lost in these bounds). A second run must repeat the
     * first to the bit: no atomics. */
    dy = uniform(n, 70 + (uint64_t)_i);
    want = run_grad(ref, sh, dy);
    got = run_grad(ctx, sh, dy);
    float *again = run_grad(ctx, sh, dy);
    ck_assert(memcmp(got, again, (TEST_OFF + C + TEST_TAIL) * 4) == 0);
    double worst_ref = 0, worst_kernel = 0;
    for (size_t c = 0; c < C; c++) {
        double exact = 0, size = 0;
        for (size_t o = 0; o < sh[0]; o++)
            for (size_t i = 0; i < sh[2]; i++) {
                double v = dy[(o * C + c) * sh[2] + i];
                exact += v;
                size += fabs(v);
            }
        double e_ref = fabs(want[TEST_OFF + c] - exact),
               e_kernel = fabs(got[TEST_OFF + c] - exact);
        if (!(e_ref <= gamma_of((double)(m - 1)) * size))
            ck_abort_msg("channel %zu: the reference is %g from the exact sum", c, e_ref);
        if (!(e_kernel <= gamma_of(d_kernel) * size))
            ck_abort_msg("channel %zu: the kernel is %g from the exact sum, over its bound %g", c,
                         e_kernel, gamma_of(d_kernel) * size);
        /* In units of u times the sum of sizes, to set against d. */
        worst_ref = fmax(worst_ref, e_ref / (0x1p-24 * size));
        worst_kernel = fmax(worst_kernel, e_kernel / (0x1p-24 * size));
    }
    printf("bias_grad %zu x %zu x %zu, group %zu: error / (u sum|dy|) at most %.3g for the "
           "reference (bound %zu), %.3g for the kernel (bound %.0f)\n",
           sh[0], sh[1], sh[2], local, worst_ref, m - 1, worst_kernel, d_kernel);
    free(dy);
    free(want);
    free(got);
    free(again);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif
#endif

START_TEST(arguments_are_checked)
{
    cocob_buffer *buf;
    cocob_context *ctx = op_args_context(_i, 100, &buf);
    cocob_backend *b = ctx->backend;
    cocob_span y = {buf, 0}, bias = {buf, 90};
    ck_assert_int_eq(cocob_op_bias_add(b, COCOB_ACT_RELU, y, bias, y, 2, 0, 3),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "bias_add: the sizes outer 2, "
                                                           "channels 0 and inner 3"));
    ck_assert_int_eq(cocob_op_bias_grad(b, y, bias, SIZE_MAX / 2, 3, 1), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "bias_grad: "));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "more than size_t can count"));
    /* 4 x 5 x 5 = 100 floats fit from 0, but 5 bias floats not from 96. */
    cocob_span late = {buf, 96};
    ck_assert_int_eq(cocob_op_bias_add(b, COCOB_ACT_IDENTITY, y, late, y, 4, 5, 5),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "the bias 5 from offset 96"));
    /* x fits, y does not. */
    cocob_span y4 = {buf, 4};
    ck_assert_int_eq(cocob_op_bias_add(b, COCOB_ACT_TANH, y, bias, y4, 4, 5, 5), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "needs 100 floats from offset 4"));
    ck_assert_int_eq(cocob_op_bias_add(b, (cocob_activation)7, y, bias, y, 2, 5, 2),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "bias_add: unknown activation 7"));
    cocob_span y1 = {buf, 1};
    ck_assert_int_eq(cocob_op_bias_grad(b, y1, bias, 4, 5, 5), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "needs 100 floats from offset 1"));
    ck_assert_int_eq(cocob_op_bias_grad(b, y, bias, 2, 5, 2), COCOB_OK);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    TCase *ref, *dev;
    Suite *s = op_suite("bias", arguments_are_checked, &ref, &dev);
    tcase_add_test(ref, reference_matches_a_case_worked_by_hand);
    tcase_add_loop_test(ref, gradient_matches_finite_differences, 0, SHAPES - SMALL);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, bias_add_kernel_matches_the_reference, 0, SHAPES * KINDS);
#ifdef COCOB_HAVE_OPENCL
    /* The kernel's tree; the cpu backend's sum is ref's, to the bit (test_cpu). */
    if (!test_device_is_cpu())
        tcase_add_loop_test(dev, bias_grad_kernel_is_within_its_rounding_bound, 0, SHAPES);
#endif
#endif
    return test_run(s);
}
