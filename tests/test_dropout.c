/* dropout and dropout_grad: p = 0 is the identity, the kept fraction is
 * 1 - p, the gradient replays the forward's mask and matches finite
 * differences, the kernel's mask is the reference's to the bit (which is
 * also the check of cl/philox.cl against src/base/philox.c), and the checks
 * of the arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "oputil.h"
#include "testutil.h"
#include "ops/ops.h"

/* A seed with both 32-bit halves busy, and a counter that crosses 2^32
 * inside a million elements, so that both words of Philox's key and
 * counter are exercised. */
static const uint64_t SEED = 0x0123456789abcdefULL, COUNTER = 0xfffffffful - 300000;

/* dropout (grad unset) or dropout_grad on ctx, in place when in_place is
 * set; returns the output's whole buffer, having checked that nothing
 * around it was written. */
static float *run(cocob_context *ctx, int grad, const float *in, size_t n, float p, uint64_t seed,
                  uint64_t counter, int in_place)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bi = test_put(b, in, n), *bo = in_place ? bi : test_put(b, NULL, n);
    cocob_span si = {bi, TEST_OFF}, so = {bo, TEST_OFF};
    cocob_status s = grad ? cocob_op_dropout_grad(b, si, so, n, p, seed, counter)
                          : cocob_op_dropout(b, si, so, n, p, seed, counter);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    float *v = malloc((TEST_OFF + n + TEST_TAIL) * 4);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(cocob_op_download(b, bo, 0, v, (TEST_OFF + n + TEST_TAIL) * 4), COCOB_OK);
    for (size_t i = 0; i < TEST_OFF + n + TEST_TAIL; i++)
        if ((i < TEST_OFF || i >= TEST_OFF + n) && !isnan(v[i]))
            ck_abort_msg("element %zu, outside the output, was written", i);
    if (!in_place)
        b->iface->free(b, bi);
    b->iface->free(b, bo);
    return v;
}

/* Sizes in [0.5, 1.5), either sign: never 0, so a kept element shows. */
static float *nonzero(size_t n, uint64_t seed)
{
    float *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++)
        v[i] = test_rng_uniform(&rng, 0.5f, 1.5f) * (test_rng_next(&rng) % 2 ? 1.0f : -1.0f);
    return v;
}

static const char *backend_of(int i)
{
    return i == 0 ? "ref" : test_device_selector();
}

START_TEST(p_zero_is_the_identity)
{
    enum { N = 1000 };
    float *x = nonzero(N, 1);
    cocob_context *ctx = test_context(backend_of(_i));
    for (int grad = 0; grad < 2; grad++) {
        float *y = run(ctx, grad, x, N, 0.0f, SEED, COUNTER, grad);
        ck_assert_msg(memcmp(y + TEST_OFF, x, N * 4) == 0, "%s: p = 0 changed the input",
                      grad ? "dropout_grad" : "dropout");
        free(y);
    }
    free(x);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(kept_fraction_is_one_minus_p)
{
    /* A million draws: the kept count is binomial, with standard deviation
     * sqrt(n p (1 - p)) <= 500; 5 of them is 0.0025 of n. The draws are
     * fixed by the seed, so this cannot flicker. Every kept element is
     * x / (1 - p) as x * (1 / (1 - p)), every other 0. */
    enum { N = 1000000 };
    static const float ps[] = {0.1f, 0.5f, 0.9f};
    float p = ps[_i], scale = 1.0f / (1.0f - p);
    float *x = nonzero(N, 2);
    cocob_context *ctx = test_context("ref");
    float *y = run(ctx, 0, x, N, p, SEED, COUNTER, 0);
    size_t kept = 0;
    for (size_t i = 0; i < N; i++) {
        float v = y[TEST_OFF + i];
        if (v != 0.0f && v != x[i] * scale)
            ck_abort_msg("y[%zu] = %.9g from %.9g", i, v, x[i]);
        kept += v != 0.0f;
    }
    double fraction = (double)kept / N, sigma = sqrt((double)p * (1 - p) / N);
    ck_assert_msg(fabs(fraction - (1 - p)) <= 5 * sigma, "p = %g kept %.6f", p, fraction);
    printf("p = %g: kept %.6f, %.2f standard deviations from %g\n", p, fraction,
           (fraction - (1 - p)) / sigma, 1 - p);
    free(x);
    free(y);
    cocob_context_destroy(ctx);
}
END_TEST

/* In small mode, for a simulator, the device's cases shrink to three
 * groups of 256 and a ragged 5; the reference's keep their sizes. */
static size_t device_n(int device, size_t full)
{
    return device ? test_small_or(full, 3 * 256 + 5) : full;
}

START_TEST(grad_replays_the_mask_and_new_counters_draw_a_new_one)
{
    const size_t N = device_n(_i, 100000);
    const float p = 0.5f;
    float *x = nonzero(N, 3), *dy = nonzero(N, 4);
    cocob_context *ctx = test_context(backend_of(_i));
    float *y = run(ctx, 0, x, N, p, SEED, COUNTER, 0);
    float *dx = run(ctx, 1, dy, N, p, SEED, COUNTER, 1);
    float *y2 = run(ctx, 0, x, N, p, SEED, COUNTER + N, 0);
    size_t same = 0;
    for (size_t i = 0; i < N; i++) {
        if ((y[TEST_OFF + i] != 0) != (dx[TEST_OFF + i] != 0))
            ck_abort_msg("element %zu: the masks differ", i);
        if (dx[TEST_OFF + i] != 0 && dx[TEST_OFF + i] != dy[i] * 2.0f)
            ck_abort_msg("dx[%zu] = %.9g from dy %.9g", i, dx[TEST_OFF + i], dy[i]);
        same += (y[TEST_OFF + i] != 0) == (y2[TEST_OFF + i] != 0);
    }
    /* Independent masks at p = 1/2 agree on half the elements, give or take
     * 5 standard deviations of sqrt(N) / 2: 158 at 100000, 13.9 at 773. */
    const size_t band = N == 100000 ? 800 : 70;
    ck_assert_msg(same > N / 2 - band && same < N / 2 + band, "the next counters agree on %zu",
                  same);
    free(x);
    free(dy);
    free(y);
    free(dx);
    free(y2);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(gradient_matches_finite_differences)
{
    /* L = the sum of w y(x), in double. With p = 1/2 or 3/4 the scale is 2
     * or 4, x and w are eighths and h = 1/64: every product and sum is
     * exact, so the central difference is exactly dL/dx_i = w_i's share
     * through the mask, which dropout_grad(w) must give to the bit. */
    enum { N = 500 };
    const float p = _i ? 0.75f : 0.5f, h = 1.0f / 64;
    float x[N], w[N], y[N], dx[N];
    test_rng rng = {5};
    for (size_t i = 0; i < N; i++) {
        x[i] = (float)((int)(test_rng_next(&rng) % 33) - 16) / 8;
        w[i] = (float)((int)(test_rng_next(&rng) % 33) - 16) / 8;
    }
    cocob_ref_dropout(w, dx, N, p, SEED, COUNTER);
    for (size_t i = 0; i < N; i++) {
        float xi = x[i];
        double L[2];
        for (int side = 0; side < 2; side++) {
            x[i] = side ? xi - h : xi + h;
            cocob_ref_dropout(x, y, N, p, SEED, COUNTER);
            L[side] = 0;
            for (size_t j = 0; j < N; j++)
                L[side] += (double)w[j] * y[j];
        }
        x[i] = xi;
        double fd = (L[0] - L[1]) / (2 * h);
        if (fd != dx[i])
            ck_abort_msg("p = %g: dL/dx[%zu] is %.9g by differences, %.9g by dropout_grad", p, i,
                         fd, dx[i]);
    }
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_the_reference_bit_for_bit)
{
    /* The same draws, the same comparison, the same single product: equal
     * to the bit, around the output included, for a million elements. The
     * small mode's counter starts 300 below 2^32, so that the carry into
     * the counter's high word still happens inside. */
    const size_t N = device_n(1, 1000000);
    const uint64_t counter = test_small_or(COUNTER, 0xfffffffful - 300);
    static const float ps[] = {0.3f, 0.5f, 0.9f};
    const float p = ps[_i];
    float *x = nonzero(N, 6);
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    for (int grad = 0; grad < 2; grad++) {
        float *want = run(ref, grad, x, N, p, SEED, counter, 0);
        float *got = run(ctx, grad, x, N, p, SEED, counter, grad);
        size_t diff = 0;
        for (size_t i = 0; i < N; i++)
            diff += memcmp(&got[TEST_OFF + i], &want[TEST_OFF + i], 4) != 0;
        ck_assert_msg(diff == 0, "%s, p = %g: %zu of %zu elements differ",
                      grad ? "dropout_grad" : "dropout", p, diff, N);
        free(want);
        free(got);
    }
    free(x);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif

START_TEST(arguments_are_checked)
{
    cocob_context *ctx = test_context(backend_of(_i));
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf;
    ck_assert_int_eq(b->iface->alloc(b, 100 * sizeof(float), &buf), COCOB_OK);
    cocob_span x = {buf, 0}, y = {buf, 50};
    static const float bad[] = {-0.1f, 1.0f, 1.5f, NAN, INFINITY};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        ck_assert_int_eq(cocob_op_dropout(b, x, y, 10, bad[k], 1, 0), COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "dropout: the drop probability"));
        ck_assert_int_eq(cocob_op_dropout_grad(b, x, y, 10, bad[k], 1, 0),
                         COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "dropout_grad: the drop"));
    }
    ck_assert_int_eq(cocob_op_dropout(b, x, y, 0, 0.5f, 1, 0), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "the length must be nonzero"));
    /* 50 floats fit from 50, not 51. */
    ck_assert_int_eq(cocob_op_dropout_grad(b, x, y, 51, 0.5f, 1, 0), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "need 51 floats each"));
    ck_assert_int_eq(cocob_op_dropout(b, x, y, 50, 0.5f, 1, 0), COCOB_OK);
    op_args_done(ctx, buf);
}
END_TEST

int main(void)
{
    TCase *ref, *dev;
    Suite *s = op_suite("dropout", arguments_are_checked, &ref, &dev);
    tcase_add_loop_test(ref, p_zero_is_the_identity, 0, 1);
    tcase_add_loop_test(ref, kept_fraction_is_one_minus_p, 0, 3);
    tcase_add_loop_test(ref, grad_replays_the_mask_and_new_counters_draw_a_new_one, 0, 1);
    tcase_add_loop_test(ref, gradient_matches_finite_differences, 0, 2);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(dev, p_zero_is_the_identity, 1, 2);
    tcase_add_loop_test(dev, grad_replays_the_mask_and_new_counters_draw_a_new_one, 1, 2);
    tcase_add_loop_test(dev, kernel_matches_the_reference_bit_for_bit, 0, 3);
#endif
    return test_run(s);
}
