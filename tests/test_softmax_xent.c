/* softmax_xent and softmax_xent_grad: the reference on cases worked by hand
 * (huge logits and bad labels among them), the reference and the kernels
 * against the maths in double within bounds on their roundings, the
 * gradient against finite differences of the mean loss, and the checks of
 * the arguments. */
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

/* softmax_xent and softmax_xent_grad on ctx; *loss and *dlogits get their
 * whole buffers. */
static void run(cocob_context *ctx, const float *logits, const int32_t *labels, size_t rows,
                size_t classes, float **loss, float **dlogits)
{
    op_run_loss(ctx, cocob_op_softmax_xent, cocob_op_softmax_xent_grad, logits, labels, rows,
                rows, classes, loss, dlogits);
}

START_TEST(cases_worked_by_hand)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    enum { ROWS = 8, C = 4 };
    /* Row 0: equal logits, softmax 1/4 each, every step exact (8 rows, so
     * dividing by them is exact too). Rows 1 and 2: logits of +-1e4, whose
     * exp would overflow or vanish without the row's maximum taken out;
     * here exp(0) = 1 and the rest underflow to 0, and the loss is 0 or 2e4,
     * exactly. Rows 3 to 6: labels outside [0, 4) give NaN, not a read out
     * of bounds. Row 7: a NaN logit spreads to the whole row. */
    const float x[ROWS * C] = {
        0, 0, 0, 0, 1e4f, -1e4f, 0, -1e4f, 1e4f, -1e4f, 0, -1e4f, 1, 2,   3, 4,
        1, 2, 3, 4, 1,    2,     3, 4,     1,    2,     3, 4,     1, NAN, 3, 4,
    };
    const int32_t labels[ROWS] = {2, 0, 1, -1, 4, INT32_MIN, INT32_MAX, 0};
    const float loss_want[3] = {0, 0, 2e4f};
    const float d_want[3 * C] = {0.25f / ROWS,
                                 0.25f / ROWS,
                                 -0.75f / ROWS,
                                 0.25f / ROWS,
                                 0,
                                 0,
                                 0,
                                 0,
                                 1.0f / ROWS,
                                 -1.0f / ROWS,
                                 0,
                                 0};
    float *loss, *d;
    run(ctx, x, labels, ROWS, C, &loss, &d);
    /* log 4 is the one rounded value: within one ulp, allowing a device's
     * log its 3 ulp, 4 units of 2^-24 here. */
    ck_assert_msg(fabs(loss[TEST_OFF] - log(4.0)) <= 4 * 0x1p-24 * log(4.0), "log 4: %.9g",
                  loss[TEST_OFF]);
    ck_assert(memcmp(loss + TEST_OFF + 1, loss_want + 1, 2 * sizeof(float)) == 0);
    ck_assert(memcmp(d + TEST_OFF, d_want, sizeof d_want) == 0);
    for (int r = 3; r < ROWS; r++) {
        ck_assert_msg(isnan(loss[TEST_OFF + r]), "label %d: loss %g", labels[r],
                      loss[TEST_OFF + r]);
        for (int c = 0; c < C; c++)
            ck_assert(isnan(d[TEST_OFF + r * C + c]));
    }
    free(loss);
    free(d);
    cocob_context_destroy(ctx);
}
END_TEST

/* Rows x classes of logits: rows of spread 10 and of spread 60 (where most
 * terms underflow), labels anywhere. */
static void inputs(size_t rows, size_t classes, uint64_t seed, float *x, int32_t *labels)
{
    test_rng rng = {seed};
    for (size_t r = 0; r < rows; r++) {
        float spread = r % 2 ? 30.0f : 5.0f, shift = test_rng_uniform(&rng, -100, 100);
        for (size_t c = 0; c < classes; c++)
            x[r * classes + c] = shift + test_rng_uniform(&rng, -spread, spread);
        labels[r] = (int32_t)(test_rng_next(&rng) % classes);
    }
}

/* Bounds on the roundings, in units of u = 2^-24 relative: exp_u for each
 * exp, log_u for log, div_u for a division. With m the row's maximum,
 * s = the sum of exp(x_c - m), and p_c = exp(x_c - m) / s:
 *   x_c - m is rounded before exp sees it, by up to u |x_c - m|, which exp
 *   turns into as many units of relative error: p_c's largest source when
 *   the row is spread wide;
 *   s errs by E = exp_u + 1 + classes - 1 units: the terms' own, their
 *   arguments' (at most 1, since t e^-t <= 1/e), then the adds;
 *   the loss (m - x_l) + log s by E u (log turns a relative error into an
 *   absolute one), log_u u log s, and u |m - x_l| and u |loss| for the two
 *   other roundings;
 *   p_c by exp_u + |x_c - m| + E + div_u units, so (p_c - t) / rows by that
 *   times u p_c / rows, plus u |p_c - t| / rows and div_u units of the
 *   result for the two roundings after.
 * The reference: glibc's expf and logf within 1 ulp (2 units) and a
 * correctly rounded division, 1 unit. The kernel: OpenCL 1.2's exp and log
 * within 3 ulp (6 units), a division within 2.5 ulp (5 units). */
typedef struct rounding {
    double exp_u, log_u, div_u;
} rounding;

static const rounding ref_rounding = {2, 2, 1};

/* The maths of one row in double, from the float logits: the maximum m and
 * s = the sum of exp(x_c - m). */
static void row_maths(const float *row, size_t classes, double *m, double *s)
{
    *m = row[0];
    for (size_t c = 1; c < classes; c++)
        *m = fmax(*m, row[c]);
    *s = 0;
    for (size_t c = 0; c < classes; c++)
        *s += exp(row[c] - *m);
}

/* dlogits[r][c] by the maths, *bound its bound under k. */
static double dlogit(const rounding *k, const float *row, size_t classes, size_t c, int32_t label,
                     size_t rows, double *bound)
{
    const double u = 0x1p-24;
    double m, s;
    row_maths(row, classes, &m, &s);
    double p = exp(row[c] - m) / s, t = c == (size_t)label, want = (p - t) / (double)rows;
    double E = k->exp_u + (double)classes;
    double p_units = k->exp_u + (m - row[c]) + E + k->div_u;
    *bound = (p_units * u * p + u * fabs(p - t)) / (double)rows + k->div_u * u * fabs(want);
    return want;
}

/* How far, as a fraction of its bound, the worst of loss and dlogits is from
 * the maths, over rows x classes; fails the test past 1. */
static double check_against_maths(const char *who, const rounding *k, const float *x,
                                  const int32_t *labels, const float *loss, const float *d,
                                  size_t rows, size_t classes)
{
    const double u = 0x1p-24;
    double worst = 0;
    for (size_t r = 0; r < rows; r++) {
        const float *row = x + r * classes;
        double m, s;
        row_maths(row, classes, &m, &s);
        double gap = m - row[labels[r]], want = gap + log(s);
        double E = k->exp_u + (double)classes;
        double bound = E * u + k->log_u * u * log(s) + u * gap + u * want;
        double e = fabs(loss[r] - want);
        if (!(e <= bound))
            ck_abort_msg("%s: row %zu's loss %.9g is %g from %.17g (bound %g)", who, r, loss[r],
                         e, want, bound);
        worst = fmax(worst, e / bound);
        for (size_t c = 0; c < classes; c++) {
            double db, dw = dlogit(k, row, classes, c, labels[r], rows, &db);
            double de = fabs(d[r * classes + c] - dw);
            if (!(de <= db))
                ck_abort_msg("%s: dlogits[%zu][%zu] = %.9g is %g from %.17g (bound %g)", who, r,
                             c, d[r * classes + c], de, dw, db);
            worst = fmax(worst, de / db);
        }
    }
    return worst;
}

START_TEST(reference_is_within_its_bound_of_the_maths)
{
    enum { ROWS = 500, C = 10 };
    float *x = malloc(ROWS * C * sizeof *x), *loss = malloc(ROWS * sizeof *loss);
    float *d = malloc(ROWS * C * sizeof *d);
    int32_t *labels = malloc(ROWS * sizeof *labels);
    ck_assert(x && loss && d && labels);
    inputs(ROWS, C, 1, x, labels);
    cocob_ref_softmax_xent(x, labels, loss, ROWS, C);
    cocob_ref_softmax_xent_grad(x, labels, d, ROWS, C);
    double worst = check_against_maths("reference", &ref_rounding, x, labels, loss, d, ROWS, C);
    printf("reference: at most %.3g of its bound from the maths\n", worst);
    free(x);
    free(loss);
    free(d);
    free(labels);
}
END_TEST

/* The mean loss over the rows, in double. */
static double mean_loss(const double *x, const int32_t *labels, size_t rows, size_t classes)
{
    double total = 0;
    for (size_t r = 0; r < rows; r++) {
        const double *row = x + r * classes;
        double m = row[0], s = 0;
        for (size_t c = 1; c < classes; c++)
            m = fmax(m, row[c]);
        for (size_t c = 0; c < classes; c++)
            s += exp(row[c] - m);
        total += m + log(s) - row[labels[r]];
    }
    return total / (double)rows;
}

START_TEST(gradient_matches_finite_differences)
{
    /* The central difference of the mean loss in double, h = 1e-4: its
     * error, h^2 |L'''| / 6 (|L'''| < 1 / rows) plus the double roundings
     * of L over 2h (about 1e-15 / 2e-4), stays below 1e-10, which joins the
     * reference's bound. */
    enum { ROWS = 12, C = 10 };
    float x[ROWS * C], loss[ROWS], d[ROWS * C];
    double xd[ROWS * C];
    int32_t labels[ROWS];
    inputs(ROWS, C, 2, x, labels);
    cocob_ref_softmax_xent(x, labels, loss, ROWS, C);
    cocob_ref_softmax_xent_grad(x, labels, d, ROWS, C);
    for (size_t i = 0; i < ROWS * C; i++)
        xd[i] = x[i];
    const double h = 1e-4;
    double worst = 0;
    for (size_t i = 0; i < ROWS * C; i++) {
        xd[i] = x[i] + h;
        double up = mean_loss(xd, labels, ROWS, C);
        xd[i] = x[i] - h;
        double down = mean_loss(xd, labels, ROWS, C);
        xd[i] = x[i];
        double fd = (up - down) / (2 * h), bound;
        size_t r = i / C;
        dlogit(&ref_rounding, x + r * C, C, i % C, labels[r], ROWS, &bound);
        bound += 1e-10;
        double e = fabs(d[i] - fd);
        if (!(e <= bound))
            ck_abort_msg("dL/dlogits[%zu] = %.9g, by differences %.12g", i, d[i], fd);
        worst = fmax(worst, e / bound);
    }
    printf("dlogits: at most %.3g of the bound from finite differences\n", worst);
}
END_TEST

#ifdef COCOB_HAVE_OPENCL
START_TEST(kernel_is_within_its_bound_of_the_maths)
{
    /* exp and log on the device round differently from glibc's, so the
     * kernel and the reference differ in the last bits: each is held to its
     * own bound of the maths, and how far apart they are is printed. */
    enum { ROWS = 1000, C = 10 };
    float *x = malloc(ROWS * C * sizeof *x);
    int32_t *labels = malloc(ROWS * sizeof *labels);
    ck_assert(x && labels);
    inputs(ROWS, C, 3, x, labels);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *loss, *d, *loss_ref, *d_ref;
    run(ref, x, labels, ROWS, C, &loss_ref, &d_ref);
    run(ctx, x, labels, ROWS, C, &loss, &d);
    const cocob_cl_backend *b = (const cocob_cl_backend *)ctx->backend;
    const rounding cl_rounding = {6, 6, b->dev.correct_divide ? 1 : 5};
    double worst = check_against_maths("kernel", &cl_rounding, x, labels, loss + TEST_OFF,
                                       d + TEST_OFF, ROWS, C);
    size_t at;
    double loss_apart = test_max_rel_err(loss + TEST_OFF, loss_ref + TEST_OFF, ROWS, &at);
    double d_apart = test_max_rel_err(d + TEST_OFF, d_ref + TEST_OFF, ROWS * C, &at);
    printf("kernel: at most %.3g of its bound from the maths; from the reference, loss %.3g and "
           "dlogits %.3g relative\n",
           worst, loss_apart, d_apart);
    free(x);
    free(labels);
    free(loss);
    free(d);
    free(loss_ref);
    free(d_ref);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif

START_TEST(arguments_are_checked)
{
    /* Logits 0-49, labels 50-54, loss 55-59, dlogits 60-109: no output
     * overlaps an input, or the kernels' work-items would race. */
    cocob_buffer *buf;
    cocob_context *ctx = op_args_context(_i, 110, &buf);
    cocob_backend *b = ctx->backend;
    cocob_span x = {buf, 0}, labels = {buf, 50}, loss = {buf, 55}, d = {buf, 60};
    ck_assert_int_eq(cocob_op_softmax_xent(b, x, labels, loss, 0, 10),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "softmax_xent: rows 0 and classes 10"));
    ck_assert_int_eq(cocob_op_softmax_xent_grad(b, x, labels, d, 5, 0),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "softmax_xent_grad: rows 5 and classes 0"));
    ck_assert_int_eq(cocob_op_softmax_xent(b, x, labels, loss, SIZE_MAX / 4, 10),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "more than size_t can count"));
    /* 5 x 10 dlogits fit from 60, but not 6 x 10. */
    ck_assert_int_eq(cocob_op_softmax_xent_grad(b, x, labels, d, 6, 10), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx),
                                 "softmax_xent_grad: dlogits needs 60 elements from offset 60; "
                                 "its buffer holds 110 (6 rows x 10 classes)"));
    ck_assert_int_eq(cocob_op_softmax_xent(b, x, labels, (cocob_span){buf, 108}, 5, 10),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "softmax_xent: loss needs 5 elements from offset 108"));
    ck_assert_int_eq(cocob_op_softmax_xent(b, x, labels, (cocob_span){buf, 49}, 5, 10),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "softmax_xent: loss"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "overlaps logits"));
    ck_assert_int_eq(cocob_op_softmax_xent_grad(b, x, labels, (cocob_span){buf, 10}, 5, 10),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "softmax_xent_grad: dlogits"));
    ck_assert_int_eq(cocob_op_fill(b, buf, 50, 0.0f, 5), COCOB_OK);
    ck_assert_int_eq(cocob_op_softmax_xent(b, x, labels, loss, 5, 10), COCOB_OK);
    ck_assert_int_eq(cocob_op_softmax_xent_grad(b, x, labels, d, 5, 10), COCOB_OK);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    TCase *ref, *dev;
    Suite *s = op_suite("softmax_xent", arguments_are_checked, &ref, &dev);
    tcase_add_loop_test(ref, cases_worked_by_hand, 0, 1);
    tcase_add_test(ref, reference_is_within_its_bound_of_the_maths);
    tcase_add_test(ref, gradient_matches_finite_differences);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, cases_worked_by_hand, 1, 2);
#ifdef COCOB_HAVE_OPENCL
    /* The kernel's exp and log; the cpu backend runs ref's loop itself. */
    if (!test_device_is_cpu())
        tcase_add_test(dev, kernel_is_within_its_bound_of_the_maths);
#endif
#endif
    return test_run(s);
}
