/* conv2d and its two adjoints: the reference on a case worked by hand and
 * against the convolution summed in double, the three against one another
 * through the adjoint identity, each backend's ops against the reference,
 * and the checks of the arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "ops/ops.h"
#include "runtime/handles.h"
#include "testutil.h"

/* batch, channels, height, width, kernel_h, kernel_w, stride, pad, out_h,
 * out_w, filters: padding, stride 2, one channel, non-square images and
 * kernels, and one shape each with more than 128 taps (C KH KW) and more
 * than 128 positions (N OH OW), the reference's run length; the ninth pads
 * by more than its kernel at stride 1, into rows of 8 outputs; the last two
 * have windows that stop short of the image's last row and column, the
 * last striding past its kernel, where the cpu backend unrolls without a
 * padded copy. */
static const cocob_conv_shape shapes[] = {
    {2, 3, 7, 9, 3, 3, 1, 1, 7, 9, 4},     {3, 2, 10, 6, 5, 5, 2, 2, 5, 3, 3},
    {2, 1, 28, 28, 5, 5, 1, 2, 28, 28, 8}, {2, 4, 8, 5, 3, 3, 2, 0, 3, 2, 5},
    {1, 2, 6, 11, 3, 5, 1, 2, 8, 11, 2},   {4, 3, 9, 7, 3, 3, 2, 1, 5, 4, 6},
    {2, 8, 9, 9, 5, 5, 1, 2, 9, 9, 6},     {3, 1, 5, 4, 1, 1, 1, 0, 5, 4, 3},
    {2, 2, 4, 6, 1, 1, 1, 1, 6, 8, 3},     {2, 2, 6, 8, 3, 3, 2, 0, 2, 3, 3},
    {2, 3, 8, 8, 2, 2, 3, 1, 3, 3, 4},
};

static size_t image_count(const cocob_conv_shape *s)
{
    return s->batch * s->channels * s->height * s->width;
}

static size_t filter_count(const cocob_conv_shape *s)
{
    return s->filters * s->channels * s->kernel_h * s->kernel_w;
}

static size_t output_count(const cocob_conv_shape *s)
{
    return s->batch * s->filters * s->out_h * s->out_w;
}

static float *random_floats(size_t n, uint64_t seed)
{
    float *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++)
        v[i] = test_rng_uniform(&rng, -1, 1);
    return v;
}

enum { FORWARD, GRAD_INPUT, GRAD_WEIGHTS };
static const char *const op_names[] = {"conv2d", "conv2d_grad_input", "conv2d_grad_weights"};

/* The output's element count of op. */
static size_t out_count(int op, const cocob_conv_shape *s)
{
    return op == FORWARD ? output_count(s) : op == GRAD_INPUT ? image_count(s) : filter_count(s);
}

/* Runs op on ctx with its two inputs a and c (x and w, dy and w, or dy and
 * x) in NaN-surrounded buffers; returns the output, having failed the test
 * if the op wrote outside it. */
static float *run(cocob_context *ctx, int op, const cocob_conv_shape *s, const float *a,
                  size_t na, const float *c, size_t nc)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *ba = test_put(b, a, na), *bc = test_put(b, c, nc);
    size_t n = out_count(op, s);
    cocob_buffer *bo = test_put(b, NULL, n);
    cocob_span sa = {ba, TEST_OFF}, sc = {bc, TEST_OFF}, so = {bo, TEST_OFF};
    cocob_status st = op == FORWARD      ? cocob_op_conv2d(b, s, sa, sc, so)
                      : op == GRAD_INPUT ? cocob_op_conv2d_grad_input(b, s, sa, sc, so)
                                         : cocob_op_conv2d_grad_weights(b, s, sa, sc, so);
    ck_assert_msg(st == COCOB_OK, "%s: %s", op_names[op], cocob_context_error(ctx));
    float *all = test_take(b, bo, n);
    float *out = malloc((n ? n : 1) * sizeof *out);
    ck_assert_ptr_nonnull(out);
    memcpy(out, all + TEST_OFF, n * sizeof *out);
    free(all);
    b->iface->free(b, ba);
    b->iface->free(b, bc);
    return out;
}

static void assert_floats(const float *got, const float *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            ck_abort_msg("%s: element %zu is %g, not %g", what, i, got[i], want[i]);
}

START_TEST(reference_matches_a_case_worked_by_hand)
{
    cocob_context *ctx = test_context("ref");
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const float w[4] = {1, 10, 100, 1000};
    /* A 2 x 2 kernel over a 3 x 3 image, one filter: each output is x[i][j]
     * + 10 x[i][j+1] + 100 x[i+1][j] + 1000 x[i+1][j+1]. */
    cocob_conv_shape s = {1, 1, 3, 3, 2, 2, 1, 0, 2, 2, 1};
    const float y[4] = {5421, 6532, 8754, 9865};
    float *got = run(ctx, FORWARD, &s, x, 9, w, 4);
    assert_floats(got, y, 4, "conv2d, stride 1, pad 0");
    free(got);
    /* Padded by 1 at stride 2, the taps reach rows and columns -1 and 1, or
     * 0 and 2. */
    cocob_conv_shape p = {1, 1, 3, 3, 2, 2, 2, 1, 2, 2, 1};
    const float padded[4] = {1000, 3200, 7040, 9865};
    got = run(ctx, FORWARD, &p, x, 9, w, 4);
    assert_floats(got, padded, 4, "conv2d, stride 2, pad 1");
    free(got);
    /* Through ones, grad_input counts the windows over each pixel, weighted
     * by the tap that reads it; grad_weights sums what each tap reads. */
    const float ones[4] = {1, 1, 1, 1};
    const float dx[9] = {1, 11, 10, 101, 1111, 1010, 100, 1100, 1000};
    got = run(ctx, GRAD_INPUT, &s, ones, 4, w, 4);
    assert_floats(got, dx, 9, "conv2d_grad_input, stride 1");
    free(got);
    const float dw[4] = {12, 16, 24, 28};
    got = run(ctx, GRAD_WEIGHTS, &s, ones, 4, x, 9);
    assert_floats(got, dw, 4, "conv2d_grad_weights, stride 1");
    free(got);
    cocob_context_destroy(ctx);
}
END_TEST

/* x[n][c][iy][ix] with signed coordinates, 0 in the padding. */
static double pixel(const cocob_conv_shape *s, const float *x, size_t n, size_t c, long iy,
                    long ix)
{
    if (iy < 0 || ix < 0 || iy >= (long)s->height || ix >= (long)s->width)
        return 0;
    return x[((n * s->channels + c) * s->height + (size_t)iy) * s->width + (size_t)ix];
}

/* The convolution and the sum of the sizes of its terms, in double. */
static void conv_double(const cocob_conv_shape *s, const float *x, const float *w, size_t n,
                        size_t f, size_t oy, size_t ox, double *sum, double *size)
{
    *sum = *size = 0;
    for (size_t c = 0; c < s->channels; c++)
        for (size_t ky = 0; ky < s->kernel_h; ky++)
            for (size_t kx = 0; kx < s->kernel_w; kx++) {
                double t = w[((f * s->channels + c) * s->kernel_h + ky) * s->kernel_w + kx] *
                           pixel(s, x, n, c, (long)(oy * s->stride + ky) - (long)s->pad,
                                 (long)(ox * s->stride + kx) - (long)s->pad);
                *sum += t;
                *size += fabs(t);
            }
}

START_TEST(reference_is_the_convolution)
{
    /* Each y element against the same taps summed in double, where the
     * products are exact: the float sum of m = C KH KW terms errs by at most
     * gamma_m = m u / (1 - m u) of the sum of their sizes. A tap misplaced
     * or missed would move it by the size of one term, about 1 / m of that
     * sum, far beyond. */
    const cocob_conv_shape *s = &shapes[_i];
    float *x = random_floats(image_count(s), 10 + (uint64_t)_i);
    float *w = random_floats(filter_count(s), 20 + (uint64_t)_i);
    float *y = malloc(output_count(s) * sizeof *y);
    ck_assert_ptr_nonnull(y);
    cocob_ref_conv2d(s, x, w, y);
    double m = (double)(s->channels * s->kernel_h * s->kernel_w) * 0x1.0p-24;
    double gamma = m / (1 - m);
    const float *yp = y;
    for (size_t n = 0; n < s->batch; n++)
        for (size_t f = 0; f < s->filters; f++)
            for (size_t oy = 0; oy < s->out_h; oy++)
                for (size_t ox = 0; ox < s->out_w; ox++, yp++) {
                    double want, size;
                    conv_double(s, x, w, n, f, oy, ox, &want, &size);
                    ck_assert_msg(fabs(*yp - want) <= gamma * size,
                                  "shape %d, y[%zu][%zu][%zu][%zu] = %.9g, not %.9g", _i, n, f,
                                  oy, ox, *yp, want);
                }
    free(x);
    free(w);
    free(y);
}
END_TEST

static double dot(const float *a, const float *b, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)a[i] * b[i];
    return sum;
}

START_TEST(the_gradients_are_the_adjoints)
{
    /* conv2d is linear in x and in w, so its gradients are right exactly
     * when <dy, conv2d(x, w)> = <conv2d_grad_input(dy, w), x> =
     * <conv2d_grad_weights(dy, x), w>: the same trilinear sum of every
     * product dy w x, grouped three ways. Let S be the sum of the sizes of
     * those products (summed in double here). Each float output errs by at
     * most gamma_m of the sizes of its terms, m being the terms it sums
     * (C KH KW, at most F KH KW, or N OH OW), so a side errs by at most
     * gamma_m S; the double dot products add at most (their length + 1)
     * 2^-53 S. Two sides differ by at most the sum of their bounds, 1e-4 of
     * S at most here (measured: 1e-8 at most). A loop that misses, misplaces
     * or doubles a tap, a filter or an image does so at every position,
     * which moves a side by about S over the taps (C KH KW), the filters or
     * the images: 5e-3 of S or more on these shapes. */
    const cocob_conv_shape *s = &shapes[_i];
    size_t nx = image_count(s), nw = filter_count(s), ny = output_count(s);
    float *x = random_floats(nx, 30 + (uint64_t)_i), *w = random_floats(nw, 40 + (uint64_t)_i);
    float *dy = random_floats(ny, 50 + (uint64_t)_i);
    float *y = malloc(ny * sizeof *y), *dx = malloc(nx * sizeof *dx),
          *dw = malloc(nw * sizeof *dw);
    ck_assert(y && dx && dw);
    cocob_ref_conv2d(s, x, w, y);
    cocob_ref_conv2d_grad_input(s, dy, w, dx);
    cocob_ref_conv2d_grad_weights(s, dy, x, dw);
    double S = 0;
    const float *dyp = dy;
    for (size_t n = 0; n < s->batch; n++)
        for (size_t f = 0; f < s->filters; f++)
            for (size_t oy = 0; oy < s->out_h; oy++)
                for (size_t ox = 0; ox < s->out_w; ox++, dyp++) {
                    double sum, size;
                    conv_double(s, x, w, n, f, oy, ox, &sum, &size);
                    S += fabs(*dyp) * size;
                }
    double window = (double)(s->kernel_h * s->kernel_w);
    double m[3] = {(double)s->channels * window, (double)s->filters * window,
                   (double)(s->batch * s->out_h * s->out_w)};
    double len[3] = {(double)ny, (double)nx, (double)nw}, bound[3];
    for (int k = 0; k < 3; k++) {
        double mu = m[k] * 0x1.0p-24;
        bound[k] = (mu / (1 - mu) + (len[k] + 1) * 0x1.0p-53) * S;
    }
    double side[3] = {dot(dy, y, ny), dot(dx, x, nx), dot(dw, w, nw)};
    for (int k = 1; k < 3; k++) {
        ck_assert_msg(fabs(side[0] - side[k]) <= bound[0] + bound[k],
                      "shape %d: <dy, conv2d> = %.17g, but through %s %.17g", _i, side[0],
                      op_names[k], side[k]);
        printf("adjoint, shape %d, %s: %.3g of S, bound %.3g\n", _i, op_names[k],
               fabs(side[0] - side[k]) / S, (bound[0] + bound[k]) / S);
    }
    free(x);
    free(w);
    free(dy);
    free(y);
    free(dx);
    free(dw);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(the_device_matches_the_reference)
{
    /* Each op against the reference, within the bound the verify backend
     * holds it to (src/backend/verify/ops.c): an output summing m terms in
     * another order may differ by twice the bound on either's error,
     * 2 m u of the op run on |inputs|. */
    const cocob_conv_shape *s = &shapes[_i / 3];
    int op = _i % 3;
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    size_t nx = image_count(s), nw = filter_count(s), ny = output_count(s);
    float *x = random_floats(nx, 60 + (uint64_t)_i), *w = random_floats(nw, 70 + (uint64_t)_i);
    float *dy = random_floats(ny, 80 + (uint64_t)_i);
    const float *a = op == FORWARD ? x : dy, *c = op == GRAD_WEIGHTS ? x : w;
    size_t na = op == FORWARD ? nx : ny, nc = op == GRAD_WEIGHTS ? nx : nw;
    float *want = run(ref, op, s, a, na, c, nc), *got = run(ctx, op, s, a, na, c, nc);
    float *absa = malloc(na * sizeof *absa), *absc = malloc(nc * sizeof *absc);
    size_t n = out_count(op, s);
    float *mag = malloc(n * sizeof *mag);
    ck_assert(absa && absc && mag);
    for (size_t i = 0; i < na; i++)
        absa[i] = fabsf(a[i]);
    for (size_t i = 0; i < nc; i++)
        absc[i] = fabsf(c[i]);
    double window = (double)(s->kernel_h * s->kernel_w), m;
    if (op == FORWARD) {
        cocob_ref_conv2d(s, absa, absc, mag);
        m = (double)s->channels * window;
    } else if (op == GRAD_INPUT) {
        cocob_ref_conv2d_grad_input(s, absa, absc, mag);
        m = (double)s->filters * window;
    } else {
        cocob_ref_conv2d_grad_weights(s, absa, absc, mag);
        m = (double)(s->batch * s->out_h * s->out_w);
    }
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double err = fabs((double)got[i] - want[i]), tol = 2 * m * 0x1.0p-24 * mag[i];
        ck_assert_msg(err <= tol, "%s, shape %zu, element %zu: %.9g, the reference %.9g",
                      op_names[op], (size_t)_i / 3, i, got[i], want[i]);
        if (mag[i] > 0 && err / (m * 0x1.0p-24 * mag[i]) > worst)
            worst = err / (m * 0x1.0p-24 * mag[i]);
    }
    printf("%s on %s, shape %d: at most %.3g m u of the magnitude, bound 2\n", op_names[op],
           test_device_selector(), _i / 3, worst);
    free(x);
    free(w);
    free(dy);
    free(want);
    free(got);
    free(absa);
    free(absc);
    free(mag);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif

/* got must be want, with a message holding each of the words given
 * (NULL: none). */
static void refused(cocob_context *ctx, cocob_status got, cocob_status want, const char *word1,
                    const char *word2)
{
    const char *msg = cocob_context_error(ctx);
    ck_assert_msg(got == want, "%s, not %s: %s", cocob_status_name(got), cocob_status_name(want),
                  msg);
    ck_assert_msg(!word1 || strstr(msg, word1), "\"%s\" not in: %s", word1, msg);
    ck_assert_msg(!word2 || strstr(msg, word2), "\"%s\" not in: %s", word2, msg);
}

START_TEST(arguments_are_checked)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf;
    ck_assert_int_eq(b->iface->alloc(b, 400 * sizeof(float), &buf), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, buf, 0, 0.5f, 400), COCOB_OK);
    /* x: 25 floats at 0; w: 2 filters of 9 at 100; y: 2 planes of 9 at 200. */
    cocob_span x = {buf, 0}, w = {buf, 100}, y = {buf, 200};
    cocob_conv_shape s = {1, 1, 5, 5, 3, 3, 2, 1, 3, 3, 0};
    refused(ctx, cocob_op_conv2d(b, &s, x, w, y), COCOB_ERR_INVALID_ARGUMENT, "conv2d: batch 1",
            "filters 0 must all be nonzero");
    s.filters = 2;
    s.stride = 1;
    refused(ctx, cocob_op_conv2d_grad_input(b, &s, y, w, x), COCOB_ERR_SHAPE,
            "conv2d_grad_input: the output is given as 3 x 3", "gives 5 x 5");
    s.stride = 2;
    s.kernel_w = 8;
    refused(ctx, cocob_op_conv2d_grad_weights(b, &s, y, x, w), COCOB_ERR_SHAPE,
            "conv2d_grad_weights: a 3 x 8 kernel", "does not fit a 5 x 5 image");
    s.kernel_w = 3;
    cocob_conv_shape huge = s;
    huge.filters = SIZE_MAX / 2 + 1;
    refused(ctx, cocob_op_conv2d(b, &huge, x, w, y), COCOB_ERR_SHAPE,
            "conv2d:", "more elements than size_t can count");
    cocob_span late = {buf, 390};
    refused(ctx, cocob_op_conv2d(b, &s, x, w, late), COCOB_ERR_SHAPE,
            "conv2d: y needs 18 elements from offset 390", NULL);
    refused(ctx, cocob_op_conv2d_grad_weights(b, &s, y, late, w), COCOB_ERR_SHAPE,
            "conv2d_grad_weights: x needs 25 elements from offset 390", NULL);
    cocob_span near_x = {buf, 20};
    refused(ctx, cocob_op_conv2d(b, &s, x, w, near_x), COCOB_ERR_INVALID_ARGUMENT,
            "conv2d:", "overlaps x");
    refused(ctx, cocob_op_conv2d_grad_input(b, &s, y, w, (cocob_span){buf, 190}),
            COCOB_ERR_INVALID_ARGUMENT, "conv2d_grad_input:", "overlaps dy");
    refused(ctx, cocob_op_conv2d_grad_weights(b, &s, y, x, (cocob_span){buf, 10}),
            COCOB_ERR_INVALID_ARGUMENT, "conv2d_grad_weights:", "overlaps x");
    ck_assert_int_eq(cocob_op_conv2d(b, &s, x, w, y), COCOB_OK);
    ck_assert_int_eq(cocob_op_conv2d_grad_input(b, &s, y, w, x), COCOB_OK);
    ck_assert_int_eq(cocob_op_conv2d_grad_weights(b, &s, y, x, w), COCOB_OK);
    b->iface->free(b, buf);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conv2d");
    int n = (int)(sizeof shapes / sizeof *shapes);
    TCase *ref = tcase_create("reference");
    tcase_add_test(ref, reference_matches_a_case_worked_by_hand);
    tcase_add_loop_test(ref, reference_is_the_convolution, 0, n);
    tcase_add_loop_test(ref, the_gradients_are_the_adjoints, 0, n);
    suite_add_tcase(s, ref);
    TCase *args = tcase_create("arguments");
#ifdef TEST_HAVE_DEVICE
    TCase *dev = tcase_create("device");
    tcase_add_loop_test(dev, the_device_matches_the_reference, 0, 3 * n);
    suite_add_tcase(s, dev);
    tcase_add_loop_test(args, arguments_are_checked, 0, 2);
#else
    tcase_add_loop_test(args, arguments_are_checked, 0, 1);
#endif
    suite_add_tcase(s, args);
    return test_run(s);
}
