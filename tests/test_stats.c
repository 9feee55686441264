/* stats, the training monitor's reduction: the reference on a case worked
 * by hand, the device against the reference (min, max and count exact; the
 * sums within their rounding bound), and the checks of the arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"
#include "ops/ops.h"

static cocob_stats run(cocob_context *ctx, const float *x, const float *y, const float *z,
                       size_t n)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bx = test_put(b, x, n), *by = y ? test_put(b, y, n) : NULL;
    cocob_buffer *bz = z ? test_put(b, z, n) : NULL;
    cocob_span sx = {bx, TEST_OFF}, sy = {by, TEST_OFF}, sz = {bz, TEST_OFF};
    cocob_stats out;
    cocob_status s = cocob_op_stats(b, sx, sy, sz, n, &out);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    cocob_buffer *bufs[] = {bx, by, bz};
    for (int k = 0; k < 3; k++)
        if (bufs[k])
            b->iface->free(b, bufs[k]);
    return out;
}

START_TEST(reference_matches_a_case_worked_by_hand)
{
    cocob_context *ctx = test_context("ref");
    const float x[5] = {3, -4, 1, 2, -0.5f}, y[5] = {1, 1, 1, 1, 1}, z[5] = {2, 0, -1, 4, 0.5f};
    /* |x|: 3 4 1 2 0.5 */
    cocob_stats a = run(ctx, x, NULL, NULL, 5);
    ck_assert(a.min == 0.5 && a.max == 4 && a.sum == 10.5 && a.sum_sq == 30.25 && a.count == 5);
    /* |x - y|: 2 5 0 1 1.5 */
    cocob_stats d = run(ctx, x, y, NULL, 5);
    ck_assert(d.min == 0 && d.max == 5 && d.sum == 9.5 && d.sum_sq == 32.25 && d.count == 5);
    /* |x - y| / |z|, z = 0 left out: 1, 0, 0.25, 3 */
    cocob_stats r = run(ctx, x, y, z, 5);
    ck_assert(r.min == 0 && r.max == 3 && r.sum == 4.25 && r.sum_sq == 10.0625 && r.count == 4);
    cocob_context_destroy(ctx);
}
END_TEST

static float *uniform(size_t n, uint64_t seed, float lo, float hi, int zeros)
{
    float *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++)
        v[i] = zeros && i % 7 == 3 ? 0.0f : test_rng_uniform(&rng, lo, hi);
    return v;
}

static const size_t sizes[] = {1, 7, 1000, 65537, 1000000};
enum { SIZES = sizeof sizes / sizeof *sizes };
/* For a simulator: the two that loop become three groups of 256 with a
 * ragged 5, and the grid of 64 groups and 5 more, so that the
 * grid-stride loop still goes round twice. The bound, 2 n u, is the
 * same rigorous bound at any n. */
static const size_t small_sizes[SIZES] = {1, 7, 1000, 3 * 256 + 5, 64 * 256 + 5};

START_TEST(device_matches_the_reference)
{
    /* Each v is the reference's own operations, and min, max and count do
     * not depend on order: exact. The sums of n non-negative terms in two
     * orders are each within gamma_n of the exact sum: 2 n u apart at most. */
    size_t n = test_small() ? small_sizes[_i % SIZES] : sizes[_i % SIZES];
    int form = _i / SIZES;
    float *x = uniform(n, 10 + (uint64_t)_i, -3, 3, 0),
          *y = uniform(n, 20 + (uint64_t)_i, -1, 1, 0);
    float *z = uniform(n, 30 + (uint64_t)_i, -2, 2, 1);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    const float *ys = form >= 1 ? y : NULL, *zs = form == 2 ? z : NULL;
    cocob_stats want = run(ref, x, ys, zs, n), got = run(ctx, x, ys, zs, n);
    ck_assert_msg(got.min == want.min && got.max == want.max && got.count == want.count,
                  "n %zu form %d: min %g/%g max %g/%g count %zu/%zu", n, form, got.min, want.min,
                  got.max, want.max, got.count, want.count);
    double bound = 2.0 * (double)n * 0x1p-24;
    double e_sum = fabs(got.sum - want.sum) / want.sum,
           e_sq = fabs(got.sum_sq - want.sum_sq) / want.sum_sq;
    ck_assert_msg(e_sum <= bound && e_sq <= bound,
                  "n %zu form %d: sums %g and %g apart (bound %g)", n, form, e_sum, e_sq, bound);
    printf("stats n %zu form %d: sums %.3g and %.3g apart relatively (bound %.3g)\n", n, form,
           e_sum, e_sq, bound);
    free(x);
    free(y);
    free(z);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST

START_TEST(arguments_are_checked)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf;
    ck_assert_int_eq(b->iface->alloc(b, 10 * sizeof(float), &buf), COCOB_OK);
    cocob_span x = {buf, 0}, none = {NULL, 0}, late = {buf, 4};
    cocob_stats out;
    ck_assert_int_eq(cocob_op_stats(b, x, none, none, 0, &out), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "stats: needs x"));
    ck_assert_int_eq(cocob_op_stats(b, x, late, none, 10, &out), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "y needs 10 floats from offset 4"));
    ck_assert_int_eq(cocob_op_stats(b, x, none, none, 10, &out), COCOB_OK);
    b->iface->free(b, buf);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, reference_matches_a_case_worked_by_hand);
    tcase_add_loop_test(tc, device_matches_the_reference, 0, 3 * SIZES);
    tcase_add_loop_test(tc, arguments_are_checked, 0, 2);
    suite_add_tcase(s, tc);
    return test_run(s);
}
