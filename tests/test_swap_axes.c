/* swap_axes: the reference on cases worked by hand, round trips, the kernel
 * against the reference, and the checks of the arguments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"
#include "ops/ops.h"

/* a, bb, inner: odd sizes, and the layouts of the convolutions in
 * src/nn/layers.c (filters x batch x plane and back). */
static const size_t shapes[][3] = {
    {1, 1, 1}, {3, 5, 7}, {64, 100, 1}, {1, 9, 4}, {20, 6, 144}, {6, 20, 144},
};
enum { SHAPES = sizeof shapes / sizeof *shapes };

enum { X_OFF = 3, Y_OFF = 6, TAIL = 2 };

/* Runs swap_axes on ctx with x at X_OFF and y at Y_OFF, in buffers of NaN
 * with TAIL more floats; returns the whole of y's buffer, so that a write
 * outside y shows. */
static float *run(cocob_context *ctx, const float *x, size_t a, size_t bb, size_t inner)
{
    cocob_backend *b = ctx->backend;
    size_t n = a * bb * inner, x_len = X_OFF + n + TAIL, y_len = Y_OFF + n + TAIL;
    cocob_buffer *bx, *by;
    ck_assert_int_eq(b->iface->alloc(b, x_len * sizeof(float), &bx), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, y_len * sizeof(float), &by), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, bx, 0, NAN, x_len), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, by, 0, NAN, y_len), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, bx, X_OFF * sizeof(float), x, n * sizeof(float)),
                     COCOB_OK);
    cocob_span sx = {bx, X_OFF}, sy = {by, Y_OFF};
    cocob_status s = cocob_op_swap_axes(b, sx, sy, a, bb, inner);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    float *y = malloc(y_len * sizeof *y);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(cocob_op_download(b, by, 0, y, y_len * sizeof(float)), COCOB_OK);
    for (size_t i = 0; i < y_len; i++)
        if ((i < Y_OFF || i >= Y_OFF + n) && !isnan(y[i]))
            ck_abort_msg("swap_axes wrote float %zu, outside y", i);
    b->iface->free(b, bx);
    b->iface->free(b, by);
    return y;
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

START_TEST(reference_matches_cases_worked_by_hand)
{
    cocob_context *ctx = test_context("ref");
    /* A 2 x 3 matrix becomes its 3 x 2 transpose ... */
    const float x[6] = {0, 1, 2, 3, 4, 5}, t[6] = {0, 3, 1, 4, 2, 5};
    float *y = run(ctx, x, 2, 3, 1);
    ck_assert(memcmp(y + Y_OFF, t, sizeof t) == 0);
    free(y);
    /* ... and with inner 2 the pairs move whole: here x[i][j] is (i, j). */
    const float pairs[12] = {0, 0, 0, 1, 0, 2, 1, 0, 1, 1, 1, 2};
    const float swapped[12] = {0, 0, 1, 0, 0, 1, 1, 1, 0, 2, 1, 2};
    y = run(ctx, pairs, 2, 3, 2);
    ck_assert(memcmp(y + Y_OFF, swapped, sizeof swapped) == 0);
    free(y);
    cocob_context_destroy(ctx);
}
END_TEST

/* On each backend (ref, then OpenCL): swapping back restores x bit for bit. */
START_TEST(round_trip_restores_x)
{
    const char *selector = _i < SHAPES ? "ref" : test_device_selector();
    const size_t *sh = shapes[_i % SHAPES];
    size_t n = sh[0] * sh[1] * sh[2];
    cocob_context *ctx = test_context(selector);
    float *x = random_floats(n, 50 + (uint64_t)_i);
    float *y = run(ctx, x, sh[0], sh[1], sh[2]);
    float *back = run(ctx, y + Y_OFF, sh[1], sh[0], sh[2]);
    ck_assert_msg(memcmp(back + Y_OFF, x, n * sizeof(float)) == 0,
                  "%s: %zu x %zu x %zu and back is not x", selector, sh[0], sh[1], sh[2]);
    free(x);
    free(y);
    free(back);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_the_reference_bit_for_bit)
{
    /* Pure copies: equal to the bit, around y included. */
    const size_t *sh = shapes[_i];
    size_t n = sh[0] * sh[1] * sh[2];
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *x = random_floats(n, 60 + (uint64_t)_i);
    float *want = run(ref, x, sh[0], sh[1], sh[2]), *got = run(ctx, x, sh[0], sh[1], sh[2]);
    ck_assert_msg(memcmp(got, want, (Y_OFF + n + TAIL) * sizeof(float)) == 0,
                  "%zu x %zu x %zu differs", sh[0], sh[1], sh[2]);
    free(x);
    free(want);
    free(got);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif

START_TEST(arguments_are_checked)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf;
    ck_assert_int_eq(b->iface->alloc(b, 100 * sizeof(float), &buf), COCOB_OK);
    cocob_span x = {buf, 0}, y = {buf, 50};
    ck_assert_int_eq(cocob_op_swap_axes(b, x, y, 2, 0, 3), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "2 x 0 x 3 must all be nonzero"));
    /* 60 floats fit from 0 but not from 50. */
    ck_assert_int_eq(cocob_op_swap_axes(b, x, y, 3, 4, 5), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "need 60 floats each"));
    ck_assert_int_eq(cocob_op_swap_axes(b, x, y, SIZE_MAX / 2, 4, 1), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "more than size_t can count"));
    b->iface->free(b, buf);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("swap_axes");
    TCase *tc = tcase_create("swap_axes");
    tcase_add_test(tc, reference_matches_cases_worked_by_hand);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, round_trip_restores_x, 0, 2 * SHAPES);
    tcase_add_loop_test(tc, kernel_matches_the_reference_bit_for_bit, 0, SHAPES);
    tcase_add_loop_test(tc, arguments_are_checked, 0, 2);
#else
    tcase_add_loop_test(tc, round_trip_restores_x, 0, SHAPES);
    tcase_add_loop_test(tc, arguments_are_checked, 0, 1);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
