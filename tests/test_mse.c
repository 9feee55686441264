/* mse and mse_grad: cases worked by hand (a NaN target among them), the
 * reference against the maths in double within a bound on its roundings,
 * the gradient against central finite differences of the mean loss, the
 * device against the reference, and the checks of the arguments. */
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

/* mse and mse_grad on ctx; *loss and *dx get their whole buffers. */
static void run(cocob_context *ctx, const float *x, const float *t, size_t rows, size_t cols,
                float **loss, float **dx)
{
    op_run_loss(ctx, cocob_op_mse, cocob_op_mse_grad, x, t, rows * cols, rows, cols, loss, dx);
}

START_TEST(cases_worked_by_hand)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    enum { ROWS = 4, C = 4 };
    /* Every value below is exact: small integers and halves, squared,
     * summed, and divided by 4, and gradients divided by 16. Row 1 holds a
     * NaN target: its loss is NaN, and of its gradient only that element,
     * with nothing special-cased. Row 3 matches its targets: loss and
     * gradient 0. */
    const float x[ROWS * C] = {1, 2, 3, 4, 0.5f, -0.5f, 2, 0, 3, 3, 3, 3, -1, 0, 1, 2};
    const float t[ROWS * C] = {0, 0, 0, 0, 0.5f, 0.5f, NAN, 1, 1, 1, 1, 1, -1, 0, 1, 2};
    const float loss_want[ROWS] = {7.5f, NAN, 4, 0};
    const float d_want[ROWS * C] = {0.125f, 0.25f, 0.375f, 0.5f,  0, -0.125f, NAN, -0.125f,
                                    0.25f,  0.25f, 0.25f,  0.25f, 0, 0,       0,   0};
    float *loss, *d;
    run(ctx, x, t, ROWS, C, &loss, &d);
    for (int r = 0; r < ROWS; r++)
        ck_assert_msg(isnan(loss_want[r]) ? isnan(loss[TEST_OFF + r])
                                          : loss[TEST_OFF + r] == loss_want[r],
                      "row %d: loss %.9g, not %g", r, loss[TEST_OFF + r], loss_want[r]);
    for (int i = 0; i < ROWS * C; i++)
        ck_assert_msg(isnan(d_want[i]) ? isnan(d[TEST_OFF + i]) : d[TEST_OFF + i] == d_want[i],
                      "dx[%d] = %.9g, not %g", i, d[TEST_OFF + i], d_want[i]);
    free(loss);
    free(d);
    cocob_context_destroy(ctx);
}
END_TEST

/* Rows x cols of inputs and targets in [-4, 4], so that x +- 2^-10 is exact
 * in double for the finite differences. */
static void inputs(size_t n, uint64_t seed, float *x, float *t)
{
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++) {
        x[i] = test_rng_uniform(&rng, -4, 4);
        t[i] = test_rng_uniform(&rng, -4, 4);
    }
}

/* Bounds on the roundings, in units of u = 2^-24 relative. Each d = x - t
 * is one rounding of an exact difference (1 unit; its square 2), the
 * square one more, the sum of cols nonnegative terms cols - 1 more, and the
 * division div_u: a relative bound of cols + 3 + div_u units on the loss,
 * plus one for the products of those small errors. The gradient 2 d / n:
 * d's unit and the division's. The reference's division is correctly
 * rounded (1 unit); OpenCL allows 2.5 ulp (5 units) without
 * CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT. */
static double check_against_maths(const char *who, double div_u, const float *x, const float *t,
                                  const float *loss, const float *d, size_t rows, size_t cols)
{
    const double u = 0x1p-24;
    double worst = 0;
    for (size_t r = 0; r < rows; r++) {
        double want = 0;
        for (size_t c = 0; c < cols; c++) {
            double e = (double)x[r * cols + c] - t[r * cols + c];
            want += e * e;
        }
        want /= (double)cols;
        double bound = ((double)cols + 4 + div_u) * u * want;
        double e = fabs(loss[r] - want);
        if (!(e <= bound))
            ck_abort_msg("%s: row %zu's loss %.9g is %g from %.17g (bound %g)", who, r, loss[r],
                         e, want, bound);
        worst = fmax(worst, e / bound);
    }
    for (size_t i = 0; i < rows * cols; i++) {
        double want = 2 * ((double)x[i] - t[i]) / (double)(rows * cols);
        double bound = (1 + div_u) * u * fabs(want), e = fabs(d[i] - want);
        if (!(e <= bound))
            ck_abort_msg("%s: dx[%zu] = %.9g is %g from %.17g (bound %g)", who, i, d[i], e, want,
                         bound);
        worst = fmax(worst, bound > 0 ? e / bound : 0);
    }
    return worst;
}

START_TEST(reference_is_within_its_bound_of_the_maths)
{
    enum { ROWS = 300, C = 17 };
    float *x = malloc(ROWS * C * sizeof *x), *t = malloc(ROWS * C * sizeof *t);
    float *loss = malloc(ROWS * sizeof *loss), *d = malloc(ROWS * C * sizeof *d);
    ck_assert(x && t && loss && d);
    inputs(ROWS * C, 1, x, t);
    cocob_ref_mse(x, t, loss, ROWS, C);
    cocob_ref_mse_grad(x, t, d, ROWS, C);
    double worst = check_against_maths("reference", 1, x, t, loss, d, ROWS, C);
    printf("reference: at most %.3g of its bound from the maths\n", worst);
    free(x);
    free(t);
    free(loss);
    free(d);
}
END_TEST

/* The mean over rows of the rows' mean squared errors, in double. */
static double mean_loss(const double *x, const float *t, size_t rows, size_t cols)
{
    double total = 0;
    for (size_t r = 0; r < rows; r++) {
        double row = 0;
        for (size_t c = 0; c < cols; c++) {
            double e = x[r * cols + c] - t[r * cols + c];
            row += e * e;
        }
        total += row / (double)cols;
    }
    return total / (double)rows;
}

START_TEST(gradient_matches_finite_differences)
{
    /* The loss is quadratic in each x, so the central difference has no
     * truncation error: what is left is the reference's rounding, bounded
     * as above, and the double roundings of the two losses, each within
     * (n + 3) eps L of the exact value (n terms added, each a rounded
     * difference, squared, divided twice), over 2h. With h = 2^-10 and L
     * about 10, that is about 1e-10 here, while the gradient's entries are
     * about 2 * 4 / 120; measured, the worst error is printed as a fraction
     * of the bound. */
    enum { ROWS = 12, C = 10, N = ROWS * C };
    float x[N], t[N], d[N];
    double xd[N];
    inputs(N, 2, x, t);
    cocob_ref_mse_grad(x, t, d, ROWS, C);
    for (size_t i = 0; i < N; i++)
        xd[i] = x[i];
    const double h = 0x1p-10, u = 0x1p-24, eps = 0x1p-53;
    double fd_err = 2 * (N + 3) * eps * mean_loss(xd, t, ROWS, C) / (2 * h);
    double worst = 0;
    for (size_t i = 0; i < N; i++) {
        xd[i] = x[i] + h;
        double up = mean_loss(xd, t, ROWS, C);
        xd[i] = x[i] - h;
        double down = mean_loss(xd, t, ROWS, C);
        xd[i] = x[i];
        double fd = (up - down) / (2 * h);
        double bound = 2 * u * fabs(fd) + fd_err, e = fabs(d[i] - fd);
        if (!(e <= bound))
            ck_abort_msg("dL/dx[%zu] = %.9g, by differences %.12g (bound %g)", i, d[i], fd,
                         bound);
        worst = fmax(worst, e / bound);
    }
    printf("dx: at most %.3g of the bound from finite differences\n", worst);
}
END_TEST

START_TEST(device_agrees_with_the_reference)
{
    /* The device runs the reference's operations in its order; only the
     * division may round otherwise, where the device's is not correctly
     * rounded, so it must match the reference to the bit or, failing that,
     * keep within its own bound of the maths. */
    enum { ROWS = 1000, C = 7 };
    float *x = malloc(ROWS * C * sizeof *x), *t = malloc(ROWS * C * sizeof *t);
    ck_assert(x && t);
    inputs(ROWS * C, 3, x, t);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *loss, *d, *loss_ref, *d_ref;
    run(ref, x, t, ROWS, C, &loss_ref, &d_ref);
    run(ctx, x, t, ROWS, C, &loss, &d);
    int exact = 1;
#ifdef COCOB_HAVE_OPENCL
    if (!test_device_is_cpu())
        exact = ((const cocob_cl_backend *)ctx->backend)->dev.correct_divide;
#endif
    if (exact) {
        ck_assert(memcmp(loss + TEST_OFF, loss_ref + TEST_OFF, ROWS * sizeof *loss) == 0);
        ck_assert(memcmp(d + TEST_OFF, d_ref + TEST_OFF, ROWS * C * sizeof *d) == 0);
    } else {
        double worst = check_against_maths("device", 5, x, t, loss + TEST_OFF, d + TEST_OFF, ROWS,
                                           C);
        printf("device: at most %.3g of its bound from the maths\n", worst);
    }
    free(x);
    free(t);
    free(loss);
    free(d);
    free(loss_ref);
    free(d_ref);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST

START_TEST(arguments_are_checked)
{
    /* x 0-19, targets 20-39, loss 40-44, dx 45-64. */
    cocob_buffer *buf;
    cocob_context *ctx = op_args_context(_i, 65, &buf);
    cocob_backend *b = ctx->backend;
    cocob_span x = {buf, 0}, t = {buf, 20}, loss = {buf, 40}, d = {buf, 45};
    ck_assert_int_eq(cocob_op_mse(b, x, t, loss, 0, 4), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "mse: rows 0 and cols 4"));
    ck_assert_int_eq(cocob_op_mse_grad(b, x, t, d, 5, 0), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "mse_grad: rows 5 and cols 0"));
    ck_assert_int_eq(cocob_op_mse(b, x, t, loss, SIZE_MAX / 2, 4), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "mse: "));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "more than size_t can count"));
    /* 5 x 4 dx fit from 45, but not 6 x 4. */
    ck_assert_int_eq(cocob_op_mse_grad(b, x, t, d, 6, 4), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx),
                                 "mse_grad: dx needs 24 elements from offset 45; its buffer "
                                 "holds 65 (6 rows x 4 cols)"));
    ck_assert_int_eq(cocob_op_mse(b, x, (cocob_span){buf, 50}, loss, 5, 4), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "mse: targets needs 20 elements from offset 50"));
    ck_assert_int_eq(cocob_op_mse(b, x, t, (cocob_span){buf, 18}, 5, 4),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "mse: loss"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "overlaps x"));
    ck_assert_int_eq(cocob_op_mse_grad(b, x, t, x, 5, 4), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "mse_grad: dx"));
    ck_assert_int_eq(cocob_op_fill(b, buf, 0, 1.0f, 40), COCOB_OK);
    ck_assert_int_eq(cocob_op_mse(b, x, t, loss, 5, 4), COCOB_OK);
    ck_assert_int_eq(cocob_op_mse_grad(b, x, t, d, 5, 4), COCOB_OK);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    TCase *ref, *dev;
    Suite *s = op_suite("mse", arguments_are_checked, &ref, &dev);
    tcase_add_loop_test(ref, cases_worked_by_hand, 0, 1);
    tcase_add_test(ref, reference_is_within_its_bound_of_the_maths);
    tcase_add_test(ref, gradient_matches_finite_differences);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, cases_worked_by_hand, 1, 2);
    tcase_add_test(dev, device_agrees_with_the_reference);
#endif
    return test_run(s);
}
