/* Buffers on every backend: zeros when new, upload, download, fill, copy,
 * and the errors for wrong sizes and allocations beyond the device. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *backend_selector(int i)
{
    return i == 0 ? "ref" : test_device_selector();
}

START_TEST(round_trip)
{
    cocob_context *ctx = test_context(backend_selector(_i));
    enum { N = 1000003 };
    float *in = malloc(N * sizeof *in), *out = malloc(N * sizeof *out);
    ck_assert(in && out);
    cocob_tensor *a, *b;
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &a), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &b), COCOB_OK);
    ck_assert_uint_eq(cocob_tensor_count(a), N);

    ck_assert_int_eq(cocob_tensor_download(a, out, N), COCOB_OK);
    for (size_t i = 0; i < N; i++)
        ck_assert_msg(out[i] == 0.0f, "a new tensor holds %g at %zu", out[i], i);

    test_rng rng = {5};
    for (size_t i = 0; i < N; i++)
        in[i] = test_rng_uniform(&rng, -1e6f, 1e6f);
    ck_assert_int_eq(cocob_tensor_upload(a, in, N), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_copy(b, a), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_fill(a, -2.5f), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(b, out, N), COCOB_OK);
    ck_assert(memcmp(in, out, N * sizeof *in) == 0);
    ck_assert_int_eq(cocob_tensor_download(a, out, N), COCOB_OK);
    for (size_t i = 0; i < N; i++)
        ck_assert_msg(out[i] == -2.5f, "fill left %g at %zu", out[i], i);

    cocob_tensor_destroy(a);
    cocob_tensor_destroy(b);
    cocob_context_destroy(ctx);
    free(in);
    free(out);
}
END_TEST

START_TEST(wrong_sizes_are_errors)
{
    cocob_context *ctx = test_context(backend_selector(_i));
    cocob_tensor *a, *b, *t = NULL;
    float host[8] = {0};
    ck_assert_int_eq(cocob_tensor_create(ctx, 8, &a), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 7, &b), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(a, host, 7), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "7 floats given for a tensor of 8"));
    ck_assert_int_eq(cocob_tensor_download(a, host, 9), COCOB_ERR_SHAPE);
    ck_assert_int_eq(cocob_tensor_download(a, NULL, 8), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(cocob_tensor_copy(a, b), COCOB_ERR_SHAPE);
    ck_assert_int_eq(cocob_tensor_create(ctx, 0, &t), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(t);
    cocob_tensor_destroy(a);
    cocob_tensor_destroy(b);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(too_large_an_allocation_is_an_error)
{
    cocob_context *ctx = test_context(backend_selector(_i));
    const cocob_device_info *d = cocob_context_device(ctx);
    cocob_tensor *t = NULL;
    if (d->platform_index < 0) {
        /* Host memory, on ref and cpu. More than any machine has: malloc
         * says no, and so must we. */
        ck_assert_int_eq(cocob_tensor_create(ctx, SIZE_MAX / 8, &t), COCOB_ERR_OUT_OF_MEMORY);
        ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "bytes"));
    } else {
        size_t count = (size_t)(d->max_alloc_bytes / sizeof(float)) + 1;
        ck_assert_int_eq(cocob_tensor_create(ctx, count, &t), COCOB_ERR_DEVICE_LIMIT);
        const char *msg = cocob_context_error(ctx);
        ck_assert_ptr_nonnull(strstr(msg, "CL_DEVICE_MAX_MEM_ALLOC_SIZE"));
        ck_assert_ptr_nonnull(strstr(msg, d->name));
    }
    ck_assert_ptr_null(t);
    ck_assert_int_eq(cocob_tensor_create(ctx, SIZE_MAX, &t), COCOB_ERR_INVALID_ARGUMENT);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("buffers");
    TCase *tc = tcase_create("buffers");
#ifdef TEST_HAVE_DEVICE
    int backends = 2;
#else
    int backends = 1;
#endif
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, round_trip, 0, backends);
    tcase_add_loop_test(tc, wrong_sizes_are_errors, 0, backends);
    tcase_add_loop_test(tc, too_large_an_allocation_is_an_error, 0, backends);
    suite_add_tcase(s, tc);
    return test_run(s);
}
