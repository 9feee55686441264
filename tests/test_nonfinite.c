/* count_nonfinite, the optimizer's guard: the kernel against the reference,
 * and the step it protects. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"
#include "ops/ops.h"

START_TEST(reference_counts_nan_and_both_infinities)
{
    float x[8] = {0, -0.0f, NAN, 1e38f, INFINITY, -INFINITY, 1e-45f, -NAN};
    ck_assert_uint_eq(cocob_ref_count_nonfinite(x, 8), 4);
    ck_assert_uint_eq(cocob_ref_count_nonfinite(x, 2), 0);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* Lengths around the group and grid sizes: one, a prime, more than one
 * pass of the grid-stride loop. In small mode the last is the grid of 64
 * groups of 256 and 5 more, so that the loop still goes round twice, in
 * seconds on a simulator. */
static const size_t lengths[] = {1, 255, 257, 1000003};

START_TEST(kernel_matches_reference)
{
    size_t n = _i == 3 ? test_small_or(lengths[3], 64 * 256 + 5) : lengths[_i];
    cocob_context *ctx = test_context(test_device_selector());
    cocob_backend *b = ctx->backend;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    test_rng rng = {n};
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rng_next(&rng) % 1000;
        x[i] = r == 0 ? NAN : r == 1 ? INFINITY : r == 2 ? -INFINITY : (float)r;
    }
    /* The last element is bad, so an off-by-one at the end shows. */
    x[n - 1] = NAN;
    cocob_buffer *buf;
    ck_assert_int_eq(b->iface->alloc(b, (n + 5) * sizeof(float), &buf), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, buf, 0, NAN, n + 5), COCOB_OK);
    /* At an offset, with NaNs on both sides that must not be counted. */
    ck_assert_int_eq(cocob_op_upload(b, buf, 3 * sizeof(float), x, n * sizeof(float)), COCOB_OK);
    size_t got = 0;
    cocob_status s = cocob_op_count_nonfinite(b, buf, 3, n, &got);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    ck_assert_uint_eq(got, cocob_ref_count_nonfinite(x, n));
    b->iface->free(b, buf);
    cocob_context_destroy(ctx);
    free(x);
}
END_TEST
#endif

START_TEST(step_refuses_a_nonfinite_gradient)
{
    const char *selector = _i == 0 ? "ref" : test_device_selector();
    cocob_context *ctx = test_context(selector);
    float w0[5] = {1, 2, 3, 4, 5}, g[5] = {0.1f, 0.2f, NAN, 0.4f, 0.5f}, w[5], G[5];
    cocob_tensor *tw, *tg;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_tensor_create(ctx, 5, &tw), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 5, &tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tw, w0, 5), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tg, g, 5), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &tw, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg),
                     COCOB_ERR_NONFINITE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "gradient 0 holds 1 NaN"));
    ck_assert_int_eq(cocob_tensor_download(tw, w, 5), COCOB_OK);
    ck_assert(memcmp(w, w0, sizeof w) == 0);
    ck_assert_int_eq(cocob_optimizer_read_state(opt, COCOB_STATE_G, 0, G, 5), COCOB_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_float_eq(G[i], 0.0f);
    /* Once the gradient is mended, training goes on. */
    g[2] = 0.3f;
    ck_assert_int_eq(cocob_tensor_upload(tg, g, 5), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(tw, w, 5), COCOB_OK);
    ck_assert_float_eq_tol(w[2], 3.0f - 0.01f, 1e-6f);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tg);
    cocob_tensor_destroy(tw);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nonfinite");
    TCase *tc = tcase_create("nonfinite");
    tcase_add_test(tc, reference_counts_nan_and_both_infinities);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, kernel_matches_reference, 0, sizeof lengths / sizeof *lengths);
    tcase_add_loop_test(tc, step_refuses_a_nonfinite_gradient, 0, 2);
#else
    tcase_add_loop_test(tc, step_refuses_a_nonfinite_gradient, 0, 1);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
