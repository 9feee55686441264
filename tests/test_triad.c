/* The triad, yardstick of `cocob bench update`: the kernel against the reference. */
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"
#include "ops/ops.h"

#ifdef TEST_HAVE_DEVICE
/* In small mode the million becomes three groups of 256 and a ragged 5,
 * the same single pass without a loop, in seconds on a simulator. */
static const size_t lengths[] = {1, 7, 1000003};

START_TEST(kernel_matches_reference)
{
    size_t n = _i == 2 ? test_small_or(lengths[2], 3 * 256 + 5) : lengths[_i];
    cocob_context *ctx = test_context(test_device_selector());
    cocob_backend *b = ctx->backend;
    float *hb = malloc(n * sizeof(float)), *hc = malloc(n * sizeof(float));
    float *want = malloc(n * sizeof(float)), *got = malloc(n * sizeof(float));
    ck_assert(hb && hc && want && got);
    test_rng rng = {n};
    for (size_t i = 0; i < n; i++) {
        hb[i] = test_rng_uniform(&rng, -10, 10);
        hc[i] = test_rng_uniform(&rng, -10, 10);
    }
    cocob_ref_triad(want, hb, hc, 0.37f, n);
    cocob_buffer *a, *bb, *c;
    ck_assert_int_eq(b->iface->alloc(b, n * sizeof(float), &a), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, n * sizeof(float), &bb), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, n * sizeof(float), &c), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, bb, 0, hb, n * sizeof(float)), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, c, 0, hc, n * sizeof(float)), COCOB_OK);
    cocob_status s = cocob_op_triad(b, a, bb, c, 0.37f, n);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    ck_assert_int_eq(cocob_op_download(b, a, 0, got, n * sizeof(float)), COCOB_OK);
    /* One multiply and one add, not fused on either side: equal bit for bit. */
    size_t at;
    double err = test_max_rel_err(got, want, n, &at);
    ck_assert_msg(err == 0, "n=%zu: a[%zu] %.9g on the device, %.9g on ref", n, at, got[at],
                  want[at]);
    b->iface->free(b, a);
    b->iface->free(b, bb);
    b->iface->free(b, c);
    cocob_context_destroy(ctx);
    free(hb);
    free(hc);
    free(want);
    free(got);
}
END_TEST
#endif

START_TEST(reference_is_the_formula)
{
    float b[3] = {1, 2, 3}, c[3] = {4, 5, 6}, a[3];
    cocob_ref_triad(a, b, c, 0.5f, 3);
    ck_assert_float_eq(a[0], 3.0f);
    ck_assert_float_eq(a[1], 4.5f);
    ck_assert_float_eq(a[2], 6.0f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("triad");
    TCase *tc = tcase_create("triad");
    tcase_add_test(tc, reference_is_the_formula);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, kernel_matches_reference, 0, sizeof lengths / sizeof *lengths);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
