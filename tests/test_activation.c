/* relu, tanh and sigmoid and their gradients: the reference on cases worked
 * by hand and against the maths in double, the gradients against finite
 * differences, the kernels against the reference and the maths, and the
 * checks of the arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "oputil.h"
#include "testutil.h"
#include "ops/ops.h"

static const cocob_activation kinds[] = {COCOB_ACT_RELU, COCOB_ACT_TANH, COCOB_ACT_SIGMOID,
                                         COCOB_ACT_IDENTITY};
static const char *const kind_names[] = {"relu", "tanh", "sigmoid", "identity"};
enum { KINDS = 4 };

/* activation on ctx, in place when in_place is set; returns y's whole buffer. */
static float *run(cocob_context *ctx, cocob_activation f, const float *x, size_t n, int in_place)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bx = test_put(b, x, n), *by = in_place ? bx : test_put(b, NULL, n);
    cocob_span sx = {bx, TEST_OFF}, sy = {by, TEST_OFF};
    cocob_status s = cocob_op_activation(b, f, sx, sy, n);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    if (!in_place)
        b->iface->free(b, bx);
    return test_take(b, by, n);
}

/* activation_grad on ctx, dx over dy when in_place is set; returns dx's
 * whole buffer. */
static float *run_grad(cocob_context *ctx, cocob_activation f, const float *y, const float *dy,
                       size_t n, int in_place)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *by = test_put(b, y, n), *bdy = test_put(b, dy, n),
                 *bdx = in_place ? bdy : test_put(b, NULL, n);
    cocob_span sy = {by, TEST_OFF}, sdy = {bdy, TEST_OFF}, sdx = {bdx, TEST_OFF};
    cocob_status s = cocob_op_activation_grad(b, f, sy, sdy, sdx, n);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, by);
    if (!in_place)
        b->iface->free(b, bdy);
    return test_take(b, bdx, n);
}

START_TEST(reference_matches_cases_worked_by_hand)
{
    cocob_context *ctx = test_context("ref");
    enum { N = 8 };
    const float x[N] = {-2, 0, 3, -1e4f, 1e4f, -INFINITY, INFINITY, NAN};
    /* A NaN passes through every activation; sigmoid reaches 0 and 1 at
     * +-1e4 without overflowing exp. */
    const float want[KINDS][N] = {
        {0, 0, 3, 0, 1e4f, 0, INFINITY, NAN},
        {tanhf(-2), 0, tanhf(3), -1, 1, -1, 1, NAN},
        {1 / (1 + expf(2)), 0.5f, 1 / (1 + expf(-3)), 0, 1, 0, 1, NAN},
        {-2, 0, 3, -1e4f, 1e4f, -INFINITY, INFINITY, NAN},
    };
    for (int k = 0; k < KINDS; k++) {
        float *y = run(ctx, kinds[k], x, N, k == 1);
        for (int i = 0; i < N; i++)
            ck_assert_msg(y[TEST_OFF + i] == want[k][i] ||
                              (isnan(want[k][i]) && isnan(y[TEST_OFF + i])),
                          "%s(%g) = %.9g, want %.9g", kind_names[k], x[i], y[TEST_OFF + i],
                          want[k][i]);
        free(y);
    }
    /* The gradients from y: relu' = (y > 0), selected, so an infinite dy
     * stays out of a unit at 0; tanh' = 1 - y^2 and sigmoid' = y (1 - y)
     * multiply, so an infinite dy on sigmoid's flat end is NaN, and shows. */
    const float y[4] = {0, 0.5f, 2, 0}, dy[4] = {3, 4, 5, INFINITY};
    const float grad_want[KINDS][4] = {{0, 4, 5, 0},
                                       {3, 4 * 0.75f, 5 * -3.0f, INFINITY},
                                       {0, 4 * 0.25f, 5 * -2.0f, NAN},
                                       {3, 4, 5, INFINITY}};
    for (int k = 0; k < KINDS; k++) {
        float *dx = run_grad(ctx, kinds[k], y, dy, 4, k == 2);
        for (int i = 0; i < 4; i++)
            ck_assert_msg(dx[TEST_OFF + i] == grad_want[k][i] ||
                              (isnan(grad_want[k][i]) && isnan(dx[TEST_OFF + i])),
                          "%s' at y = %g, dy = %g: %.9g, want %.9g", kind_names[k], y[i], dy[i],
                          dx[TEST_OFF + i], grad_want[k][i]);
        free(dx);
    }
    cocob_context_destroy(ctx);
}
END_TEST

/* The activations in double, as the maths defines them. */
static double exact(cocob_activation f, double x)
{
    switch (f) {
    case COCOB_ACT_RELU: return x < 0 ? 0 : x;
    case COCOB_ACT_TANH: return tanh(x);
    case COCOB_ACT_SIGMOID: return 1 / (1 + exp(-x));
    case COCOB_ACT_IDENTITY: return x;
    }
    return NAN;
}

/* How many ulps of a float at exact lie between got and exact; for normal
 * results only, which the inputs below keep to. */
static double ulps(float got, double exact)
{
    int e;
    frexp(exact, &e);
    return fabs(got - exact) / ldexp(1, e - 24);
}

/* Inputs across the range that matters: uniform in [-20, 20], which covers
 * where tanh and sigmoid saturate in float, and sizes from 1e-6 to 80 on a
 * log scale, where the small and the far ends are. None gives a subnormal
 * output, which a device may flush to 0. */
static float *inputs(size_t n, uint64_t seed)
{
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++) {
        float sign = test_rng_next(&rng) % 2 ? 1.0f : -1.0f;
        x[i] = i % 2 ? test_rng_uniform(&rng, -20, 20)
                     : sign * powf(10.0f, test_rng_uniform(&rng, -6, log10f(80)));
    }
    return x;
}

enum { SWEEP = 100000 };

/* Bounds on the reference's error in ulps of the exact result. glibc's
 * manual ("Errors in Math Functions") gives 1 ulp for expf and 2 for tanhf
 * on x86-64, but those are the worst seen on its own test points, not a
 * proof: glibc 2.36's tanhf is 2.03 ulps off at x = -0.234533653, in this
 * sweep, so tanh gets 3. sigmoid, with e = exp(-|x|) within 2 units of
 * 2^-24 relative: for x >= 0, 1 + e adds at most 1 unit (e is at most half
 * the sum, so its error counts half) and the division 1, 3 in all; for
 * x < 0, e / (1 + e) adds e's own 2, 5. An ulp is at least 2^-24 relative,
 * so these are ulps too. */
static const double ref_ulps[KINDS] = {0, 3, 5, 0};

START_TEST(reference_is_within_ulps_of_the_maths)
{
    cocob_activation f = kinds[_i];
    float *x = inputs(SWEEP, 1), *y = malloc(SWEEP * sizeof *y);
    ck_assert_ptr_nonnull(y);
    cocob_ref_activation(f, x, y, SWEEP);
    double worst = 0;
    for (size_t i = 0; i < SWEEP; i++) {
        double e = ulps(y[i], exact(f, x[i]));
        if (!(e <= ref_ulps[_i]))
            ck_abort_msg("%s(%.9g) = %.9g is %.3g ulps from %.17g", kind_names[_i], x[i], y[i], e,
                         exact(f, x[i]));
        worst = fmax(worst, e);
    }
    printf("reference %s: at most %.3g ulps from the maths (bound %g)\n", kind_names[_i], worst,
           ref_ulps[_i]);
    free(x);
    free(y);
}
END_TEST

/* dL/dx for L = sum of dy f(x), by central differences in double. */
static double fd(cocob_activation f, double x, double dy)
{
    const double h = 1e-4;
    return dy * (exact(f, x + h) - exact(f, x - h)) / (2 * h);
}

START_TEST(gradient_matches_finite_differences)
{
    /* activation_grad works from the float y, not from x: its error is that
     * of y carried through f' (|d f'/dy| = 2|y| <= 2 for tanh, |1 - 2y| <= 1
     * for sigmoid, times y's error, at most ref_ulps ulps of |y| <= 1, so
     * below 2 ref_ulps 2^-24), plus three roundings of at most 2^-24 |f'|
     * each, all times |dy|. The central difference in double errs by about
     * h^2 |f'''| / 6 <= 3.4e-9 |dy| (h = 1e-4, |f'''| <= 2 for tanh, 1/8 for
     * sigmoid) plus rounding near 1e-16 / h, so 1e-8 |dy| covers it. relu's
     * gradient is exact, and so is its difference away from 0. */
    cocob_activation f = kinds[_i];
    enum { N = 20000 };
    float *x = inputs(N, 2), *y = malloc(N * sizeof *y), *dy = malloc(N * sizeof *dy);
    float *dx = malloc(N * sizeof *dx);
    ck_assert(y && dy && dx);
    test_rng rng = {3};
    for (size_t i = 0; i < N; i++)
        dy[i] = test_rng_uniform(&rng, -4, 4);
    cocob_ref_activation(f, x, y, N);
    cocob_ref_activation_grad(f, y, dy, dx, N);
    double worst = 0;
    for (size_t i = 0; i < N; i++) {
        if (f == COCOB_ACT_RELU && fabsf(x[i]) < 1e-3f)
            continue;
        double want = fd(f, x[i], dy[i]), slope = fabs(want / dy[i]);
        double bound = fabs(dy[i]) * ((2 * ref_ulps[_i] + 3 * slope) * 0x1p-24 + 1e-8);
        double e = fabs(dx[i] - want);
        if (!(e <= bound))
            ck_abort_msg("%s' at x = %.9g (y = %.9g), dy = %.9g: %.9g, by differences %.9g",
                         kind_names[_i], x[i], y[i], dy[i], dx[i], want);
        worst = fmax(worst, e / bound);
    }
    printf("%s': at most %.3g of the bound from finite differences\n", kind_names[_i], worst);
    free(x);
    free(y);
    free(dy);
    free(dx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* Bounds on the kernel's error in ulps of the exact result, from the
 * OpenCL 1.2 spec's allowances (section 7.4, single precision): tanh 5 ulp;
 * exp 3 ulp, that is 6 units of 2^-24 relative; a division 2.5 ulp, 5
 * units (1 when it is correctly rounded, as the build asks where the device
 * can). sigmoid, as in ref_ulps: for x >= 0, 6 / 2 + 1 for 1 + e, then the
 * division, 4 + 5 = 9; for x < 0, e's 6 more, 15. */
static const double cl_ulps[KINDS] = {0, 5, 15, 0};

START_TEST(kernels_match_the_reference)
{
    /* relu and every gradient take the reference's steps: equal to the bit.
     * tanh and sigmoid call the device's tanh and exp: each within its
     * spec's bound of the maths; how far from the reference is printed. */
    cocob_activation f = kinds[_i];
    float *x = inputs(SWEEP, 4), *dy = inputs(SWEEP, 5);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *want = run(ref, f, x, SWEEP, 0), *got = run(ctx, f, x, SWEEP, _i == 1);
    double worst = 0, apart = 0;
    for (size_t i = 0; i < SWEEP; i++) {
        float g = got[TEST_OFF + i], w = want[TEST_OFF + i];
        if (f == COCOB_ACT_RELU) {
            if (memcmp(&g, &w, 4) != 0)
                ck_abort_msg("relu(%.9g) = %.9g, the reference %.9g", x[i], g, w);
            continue;
        }
        double e = ulps(g, exact(f, x[i]));
        if (!(e <= cl_ulps[_i]))
            ck_abort_msg("%s(%.9g) = %.9g is %.3g ulps from %.17g", kind_names[_i], x[i], g, e,
                         exact(f, x[i]));
        worst = fmax(worst, e);
        apart = fmax(apart, ulps(g, w));
    }
    printf("kernel %s: at most %.3g ulps from the maths (bound %g), %.3g from the reference\n",
           kind_names[_i], worst, cl_ulps[_i], apart);
    /* The gradient from the same y: identical operations. */
    float *dx_want = run_grad(ref, f, want + TEST_OFF, dy, SWEEP, 0);
    float *dx_got = run_grad(ctx, f, want + TEST_OFF, dy, SWEEP, _i == 2);
    ck_assert_msg(memcmp(dx_got, dx_want, (TEST_OFF + SWEEP + TEST_TAIL) * 4) == 0, "%s' differs",
                  kind_names[_i]);
    free(x);
    free(dy);
    free(want);
    free(got);
    free(dx_want);
    free(dx_got);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif

START_TEST(arguments_are_checked)
{
    cocob_buffer *buf;
    cocob_context *ctx = op_args_context(_i, 100, &buf);
    cocob_backend *b = ctx->backend;
    cocob_span x = {buf, 0}, y = {buf, 50}, dx = {buf, 60};
    ck_assert_int_eq(cocob_op_activation(b, (cocob_activation)7, x, y, 10),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "activation: unknown activation 7"));
    ck_assert_int_eq(cocob_op_activation_grad(b, COCOB_ACT_TANH, x, y, dx, 0),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "activation_grad (tanh): the length"));
    /* 50 floats fit from 50, not 51. */
    ck_assert_int_eq(cocob_op_activation(b, COCOB_ACT_RELU, x, y, 51), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "y needs 51 floats from offset 50"));
    ck_assert_int_eq(cocob_op_activation_grad(b, COCOB_ACT_SIGMOID, x, y, dx, 45),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "dx needs 45 floats from offset 60"));
    ck_assert_int_eq(cocob_op_activation(b, COCOB_ACT_SIGMOID, x, y, 50), COCOB_OK);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    TCase *ref, *dev;
    Suite *s = op_suite("activation", arguments_are_checked, &ref, &dev);
    tcase_add_test(ref, reference_matches_cases_worked_by_hand);
    tcase_add_loop_test(ref, reference_is_within_ulps_of_the_maths, 0, KINDS);
    tcase_add_loop_test(ref, gradient_matches_finite_differences, 0, KINDS);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, kernels_match_the_reference, 0, KINDS);
#endif
    return test_run(s);
}
