/* argmax: the reference on cases worked by hand, the kernel against the
 * reference, and the checks of the arguments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "oputil.h"
#include "testutil.h"
#include "ops/ops.h"

/* argmax on ctx over x in a NaN-filled buffer (see test_put); returns out's
 * whole buffer, out at TEST_OFF, having checked nothing around it was
 * written: NaN's bits, 2143289344 as an int32, are no index a row could give. */
static int32_t *run(cocob_context *ctx, const float *x, size_t rows, size_t cols)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bx = test_put(b, x, rows * cols), *bo = test_put(b, NULL, rows);
    cocob_span sx = {bx, TEST_OFF}, so = {bo, TEST_OFF};
    cocob_status s = cocob_op_argmax(b, sx, so, rows, cols);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, bx);
    return test_take(b, bo, rows);
}

START_TEST(cases_worked_by_hand)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    enum { ROWS = 6, C = 5 };
    /* A plain maximum; a three-way tie, won by the first; all equal; all
     * -inf (index 0, never past the row); a NaN, which wins wherever it is
     * so that a bad row shows; two NaNs, the first winning. */
    const float x[ROWS * C] = {
        1, 7, 3, -2,  5,   4,         9,         2,         9,         9,
        0, 0, 0, 0,   0,   -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY,
        1, 2, 3, NAN, 100, 5,         NAN,       1,         NAN,       5,
    };
    const int32_t want[ROWS] = {1, 1, 0, 0, 3, 1};
    int32_t *out = run(ctx, x, ROWS, C);
    for (int r = 0; r < ROWS; r++)
        ck_assert_msg(out[TEST_OFF + r] == want[r], "row %d: %d, want %d", r, out[TEST_OFF + r],
                      want[r]);
    free(out);
    /* One column: always 0. */
    out = run(ctx, x, ROWS * C, 1);
    for (int r = 0; r < ROWS * C; r++)
        ck_assert_int_eq(out[TEST_OFF + r], 0);
    free(out);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_the_reference)
{
    /* The same comparisons in the same order: equal, around out included.
     * Values from {0, 1, 2} with a NaN now and then, so that ties and NaNs
     * are everywhere; shapes of a batch of ten classes and odd ones. */
    static const size_t shapes[][2] = {{1000, 10}, {7, 1}, {1, 7}, {33, 257}};
    const size_t rows = shapes[_i][0], cols = shapes[_i][1], n = rows * cols;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    test_rng rng = {10 + (uint64_t)_i};
    for (size_t i = 0; i < n; i++) {
        uint64_t v = test_rng_next(&rng) % 64;
        x[i] = v == 0 ? NAN : (float)(v % 3);
    }
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    int32_t *want = run(ref, x, rows, cols), *got = run(ctx, x, rows, cols);
    for (size_t r = 0; r < rows; r++)
        if (got[TEST_OFF + r] != want[TEST_OFF + r])
            ck_abort_msg("%zu x %zu, row %zu: %d, the reference %d", rows, cols, r,
                         got[TEST_OFF + r], want[TEST_OFF + r]);
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
    cocob_buffer *buf;
    cocob_context *ctx = op_args_context(_i, 100, &buf);
    cocob_backend *b = ctx->backend;
    cocob_span x = {buf, 0}, out = {buf, 90};
    ck_assert_int_eq(cocob_op_argmax(b, x, out, 3, 0), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "argmax: rows 3 and cols 0"));
    ck_assert_int_eq(cocob_op_argmax(b, x, out, 1, (size_t)INT32_MAX + 2), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "int32"));
    ck_assert_int_eq(cocob_op_argmax(b, x, out, SIZE_MAX / 8, 10), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "more than size_t can count"));
    /* 11 indices do not fit from 90 of 100. */
    ck_assert_int_eq(cocob_op_argmax(b, x, out, 11, 2), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "out 11 indices from offset 90"));
    ck_assert_int_eq(cocob_op_argmax(b, x, out, 10, 9), COCOB_OK);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    TCase *ref, *dev;
    Suite *s = op_suite("argmax", arguments_are_checked, &ref, &dev);
    tcase_add_loop_test(ref, cases_worked_by_hand, 0, 1);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, cases_worked_by_hand, 1, 2);
    tcase_add_loop_test(dev, kernel_matches_the_reference, 0, 4);
#endif
    return test_run(s);
}
