/* maxpool and maxpool_grad: the reference on cases worked by hand, the
 * gradient against finite differences, the kernels against the reference,
 * and the checks of the arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "oputil.h"
#include "testutil.h"
#include "ops/ops.h"

/* planes, height, width, size, stride, out_h, out_w */
static const cocob_pool_shape shapes[] = {
    {3, 8, 6, 2, 2, 4, 3},     /* the common 2 x 2 at stride 2 */
    {2, 9, 11, 3, 2, 4, 5},    /* overlapping windows */
    {4, 11, 7, 3, 3, 3, 2},    /* odd sizes: the last rows and column are in no window */
    {2, 24, 24, 2, 2, 12, 12}, /* LeNet's first pooling */
    {2, 6, 11, 2, 2, 3, 5},    /* the cpu's 2 x 2 four windows at once, then one */
    {2, 5, 5, 5, 1, 1, 1},     /* one window, the whole plane */
};
enum { SHAPES = sizeof shapes / sizeof *shapes };

static size_t in_count(const cocob_pool_shape *s)
{
    return s->planes * s->height * s->width;
}

static size_t out_count(const cocob_pool_shape *s)
{
    return s->planes * s->out_h * s->out_w;
}

/* maxpool on ctx; *y and *idx get their whole buffers (operands at TEST_OFF). */
static void run_maxpool(cocob_context *ctx, const cocob_pool_shape *s, const float *x, float **y,
                        int32_t **idx)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bx = test_put(b, x, in_count(s)), *by = test_put(b, NULL, out_count(s)),
                 *bi = test_put(b, NULL, out_count(s));
    cocob_span sx = {bx, TEST_OFF}, sy = {by, TEST_OFF}, si = {bi, TEST_OFF};
    cocob_status st = cocob_op_maxpool(b, s, sx, sy, si);
    ck_assert_msg(st == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, bx);
    *y = test_take(b, by, out_count(s));
    *idx = test_take(b, bi, out_count(s));
}

/* maxpool_grad on ctx; returns dx's whole buffer (dx at TEST_OFF). */
static float *run_grad(cocob_context *ctx, const cocob_pool_shape *s, const float *dy,
                       const int32_t *idx)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bdy = test_put(b, dy, out_count(s)), *bi = test_put(b, idx, out_count(s)),
                 *bdx = test_put(b, NULL, in_count(s));
    cocob_span sdy = {bdy, TEST_OFF}, si = {bi, TEST_OFF}, sdx = {bdx, TEST_OFF};
    cocob_status st = cocob_op_maxpool_grad(b, s, sdy, si, sdx);
    ck_assert_msg(st == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, bdy);
    b->iface->free(b, bi);
    return test_take(b, bdx, in_count(s));
}

START_TEST(reference_matches_cases_worked_by_hand)
{
    cocob_context *ctx = test_context("ref");
    /* 2 x 2 windows at stride 2. The top right window is a four-way tie and
     * the bottom left a three-way one: the first in row-major order wins. */
    const cocob_pool_shape s = {1, 4, 4, 2, 2, 2, 2};
    const float x[16] = {1, 3, 2, 2, 4, 0, 2, 1, 5, 5, -1, -3, 0, 5, -2, -4};
    const float y_want[4] = {4, 2, 5, -1}, dy[4] = {1, 2, 3, 4};
    const int32_t idx_want[4] = {4, 2, 8, 10};
    const float dx_want[16] = {0, 0, 2, 0, 1, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0};
    float *y, *dx;
    int32_t *idx;
    run_maxpool(ctx, &s, x, &y, &idx);
    ck_assert(memcmp(y + TEST_OFF, y_want, sizeof y_want) == 0);
    ck_assert(memcmp(idx + TEST_OFF, idx_want, sizeof idx_want) == 0);
    dx = run_grad(ctx, &s, dy, idx + TEST_OFF);
    ck_assert(memcmp(dx + TEST_OFF, dx_want, sizeof dx_want) == 0);
    free(y);
    free(idx);
    free(dx);

    /* 3 x 3 windows at stride 2 overlap on row and column 2. All zeros: each
     * window picks its own top left corner. */
    const cocob_pool_shape o = {1, 5, 5, 3, 2, 2, 2};
    float zeros[25] = {0}, peak[25] = {0};
    const int32_t corners[4] = {0, 2, 10, 12};
    run_maxpool(ctx, &o, zeros, &y, &idx);
    ck_assert(memcmp(idx + TEST_OFF, corners, sizeof corners) == 0);
    dx = run_grad(ctx, &o, dy, idx + TEST_OFF);
    for (int i = 0; i < 25; i++)
        ck_assert_float_eq(dx[TEST_OFF + i], i == 0    ? 1
                                             : i == 2  ? 2
                                             : i == 10 ? 3
                                             : i == 12 ? 4
                                                       : 0);
    free(y);
    free(idx);
    free(dx);
    /* A single peak at the centre, inside all four windows, gathers all four. */
    peak[12] = 1;
    run_maxpool(ctx, &o, peak, &y, &idx);
    dx = run_grad(ctx, &o, dy, idx + TEST_OFF);
    for (int i = 0; i < 25; i++)
        ck_assert_float_eq(dx[TEST_OFF + i], i == 12 ? 1 + 2 + 3 + 4 : 0);
    free(y);
    free(idx);
    free(dx);

    /* A NaN wins its window, wherever it is, so that it is not hidden. */
    float nan_x[16];
    memcpy(nan_x, x, sizeof nan_x);
    nan_x[5] = NAN;
    run_maxpool(ctx, &s, nan_x, &y, &idx);
    ck_assert(isnan(y[TEST_OFF]));
    ck_assert_int_eq(idx[TEST_OFF], 5);
    free(y);
    free(idx);
    cocob_context_destroy(ctx);
}
END_TEST

/* x without ties, in steps of 1/16 so that a nudge of 1/64 never reorders a
 * window; dy in eighths. Then every sum, in float or double, is exact. */
static void fd_inputs(const cocob_pool_shape *s, uint64_t seed, float *x, float *dy)
{
    size_t n = in_count(s);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++)
        x[i] = (float)i / 16;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = test_rng_next(&rng) % (i + 1);
        float t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
    for (size_t o = 0; o < out_count(s); o++)
        dy[o] = (float)((int)(test_rng_next(&rng) % 33) - 16) / 8;
}

/* L = sum of dy y, in double. */
static double loss(const cocob_pool_shape *s, const float *x, const float *dy, float *y,
                   int32_t *idx)
{
    cocob_ref_maxpool(s, x, y, idx);
    double L = 0;
    for (size_t o = 0; o < out_count(s); o++)
        L += (double)dy[o] * y[o];
    return L;
}

START_TEST(gradient_matches_finite_differences)
{
    /* With the inputs of fd_inputs, L(x + h e_i) - L(x - h e_i) over 2h is
     * exactly dL/dx_i, and maxpool_grad's float sums of eighths are exact
     * too: the two must be equal. */
    const cocob_pool_shape *s = &shapes[_i];
    size_t n = in_count(s), m = out_count(s);
    float *x = malloc(n * sizeof *x), *dx = malloc(n * sizeof *dx);
    float *dy = malloc(m * sizeof *dy), *y = malloc(m * sizeof *y);
    int32_t *idx = malloc(m * sizeof *idx);
    ck_assert(x && dx && dy && y && idx);
    fd_inputs(s, 70 + (uint64_t)_i, x, dy);
    cocob_ref_maxpool(s, x, y, idx);
    cocob_ref_maxpool_grad(s, dy, idx, dx);
    const float h = 1.0f / 64;
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i++) {
        float xi = x[i];
        x[i] = xi + h;
        double up = loss(s, x, dy, y, idx);
        x[i] = xi - h;
        double down = loss(s, x, dy, y, idx);
        x[i] = xi;
        double fd = (up - down) / (2 * h);
        if (fd != dx[i])
            ck_abort_msg("shape %d: dL/dx[%zu] is %.9g by differences, %.9g by maxpool_grad", _i,
                         i, fd, dx[i]);
        nonzero += dx[i] != 0;
    }
    /* Every window sends its dy somewhere (a zero dy aside). */
    ck_assert_uint_gt(nonzero, 0);
    free(x);
    free(dx);
    free(dy);
    free(y);
    free(idx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernels_match_the_reference_bit_for_bit)
{
    /* The kernels scan windows and add dy in the reference's order, with
     * the same comparisons: equal to the bit, around the operands included.
     * Cases 0 mod 3 draw x from {0, 1, 2}, so that ties are everywhere;
     * cases 2 mod 3 make every fifth element a NaN, so that windows hold
     * one, two or none, first or later. */
    const cocob_pool_shape *s = &shapes[_i / 3];
    size_t n = in_count(s), m = out_count(s);
    float *x = malloc(n * sizeof *x), *dy = malloc(m * sizeof *dy);
    ck_assert(x && dy);
    test_rng rng = {80 + (uint64_t)_i};
    for (size_t i = 0; i < n; i++)
        x[i] = _i % 3 == 0                 ? (float)(test_rng_next(&rng) % 3)
               : i % 5 == 0 && _i % 3 == 2 ? NAN
                                           : test_rng_uniform(&rng, -1, 1);
    for (size_t o = 0; o < m; o++)
        dy[o] = test_rng_uniform(&rng, -1, 1);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *y_want, *y_got;
    int32_t *idx_want, *idx_got;
    run_maxpool(ref, s, x, &y_want, &idx_want);
    run_maxpool(ctx, s, x, &y_got, &idx_got);
    size_t len = TEST_OFF + m + TEST_TAIL;
    ck_assert_msg(memcmp(y_got, y_want, len * 4) == 0, "maxpool's y differs, case %d", _i);
    ck_assert_msg(memcmp(idx_got, idx_want, len * 4) == 0, "maxpool's idx differs, case %d", _i);
    float *dx_want = run_grad(ref, s, dy, idx_want + TEST_OFF);
    float *dx_got = run_grad(ctx, s, dy, idx_want + TEST_OFF);
    ck_assert_msg(memcmp(dx_got, dx_want, (TEST_OFF + n + TEST_TAIL) * 4) == 0,
                  "maxpool_grad's dx differs, case %d", _i);
    free(x);
    free(dy);
    free(y_want);
    free(y_got);
    free(idx_want);
    free(idx_got);
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
    cocob_span x = {buf, 0}, y = {buf, 50}, idx = {buf, 70};
    cocob_pool_shape s = {1, 6, 6, 2, 0, 3, 3};
    ck_assert_int_eq(cocob_op_maxpool(b, &s, x, y, idx), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "stride 0 must all be nonzero"));
    s.stride = 2;
    s.size = 7;
    ck_assert_int_eq(cocob_op_maxpool_grad(b, &s, y, idx, x), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "maxpool_grad: a 7 x 7 window"));
    s.size = 3;
    ck_assert_int_eq(cocob_op_maxpool(b, &s, x, y, idx), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "give 2 x 2"));
    /* idx cannot name a position past INT32_MAX. */
    cocob_pool_shape big = {1, 65536, 65536, 2, 2, 32768, 32768};
    ck_assert_int_eq(cocob_op_maxpool(b, &big, x, y, idx), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "int32"));
    /* 2 x 2 windows at stride 4 give 2 x 2 outputs: 4 indices do not fit
     * from 97 of 100. */
    s.out_h = s.out_w = 2;
    s.size = 2;
    s.stride = 4;
    cocob_span late = {buf, 97};
    ck_assert_int_eq(cocob_op_maxpool(b, &s, x, y, late), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "from offsets 50 and 97"));
    ck_assert_int_eq(cocob_op_maxpool(b, &s, x, y, idx), COCOB_OK);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    TCase *ref, *dev;
    Suite *s = op_suite("maxpool", arguments_are_checked, &ref, &dev);
    tcase_add_test(ref, reference_matches_cases_worked_by_hand);
    tcase_add_loop_test(ref, gradient_matches_finite_differences, 0, SHAPES);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, kernels_match_the_reference_bit_for_bit, 0, 3 * SHAPES);
#endif
    return test_run(s);
}
