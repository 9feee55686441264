/* What a device cannot hold is refused before the driver or malloc is
 * asked, with a message naming the size, the limit and the device: a buffer
 * beyond the device's memory given what the context already holds, a model
 * too large for the device, a batch too large. test_buffers.c covers one
 * buffer beyond CL_DEVICE_MAX_MEM_ALLOC_SIZE. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "testutil.h"

static const char *backend_selector(int i)
{
    return i == 0 ? "ref" : test_device_selector();
}

/* ref and cpu hold host memory: what cannot fit is out of memory. A device
 * has a limit of its own. */
static cocob_status expected_status(const cocob_device_info *d)
{
    return d->platform_index < 0 ? COCOB_ERR_OUT_OF_MEMORY : COCOB_ERR_DEVICE_LIMIT;
}

static void assert_names(const char *msg, const cocob_device_info *d, uint64_t bytes,
                         uint64_t limit)
{
    char size[32], lim[32];
    snprintf(size, sizeof size, "%" PRIu64 " bytes", bytes);
    snprintf(lim, sizeof lim, "%" PRIu64 " bytes", limit);
    ck_assert_msg(strstr(msg, size), "the message does not name the size, %s: %s", size, msg);
    ck_assert_msg(strstr(msg, lim), "the message does not name the limit, %s: %s", lim, msg);
    ck_assert_msg(strstr(msg, d->platform_index < 0 ? d->selector : d->name),
                  "the message does not name the device: %s", msg);
}

START_TEST(live_bytes_follow_alloc_and_free)
{
    cocob_context *ctx = test_context(backend_selector(_i));
    cocob_backend *b = ctx->backend;
    ck_assert_uint_eq(b->live_bytes, 0);
    cocob_tensor *t, *u;
    ck_assert_int_eq(cocob_tensor_create(ctx, 1000, &t), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 24, &u), COCOB_OK);
    ck_assert_uint_eq(b->live_bytes, 4096);
    cocob_tensor_destroy(t);
    ck_assert_uint_eq(b->live_bytes, 96);
    cocob_tensor_destroy(u);
    ck_assert_uint_eq(b->live_bytes, 0);
    cocob_context_destroy(ctx);
}
END_TEST

/* What the context holds counts: a buffer that would fit an empty device is
 * refused when the rest is taken. Taking that much for real would take
 * the machine's memory from whoever shares it, so the test says that the
 * context holds all but 1000 bytes of it. */
START_TEST(the_device_memory_is_a_running_total)
{
    cocob_context *ctx = test_context(backend_selector(_i));
    const cocob_device_info *d = cocob_context_device(ctx);
    ck_assert_msg(d->global_mem_bytes > 0, "%s reports no memory size", d->selector);
    cocob_backend *b = ctx->backend;
    cocob_tensor *t = NULL;
    b->live_bytes = (size_t)d->global_mem_bytes - 1000;
    ck_assert_int_eq(cocob_tensor_create(ctx, 250, &t), COCOB_OK);
    cocob_tensor_destroy(t);
    t = NULL;
    ck_assert_int_eq(cocob_tensor_create(ctx, 251, &t), expected_status(d));
    ck_assert_ptr_null(t);
    const char *msg = cocob_context_error(ctx);
    assert_names(msg, d, 1004, d->global_mem_bytes);
    ck_assert_ptr_nonnull(strstr(msg, "already held"));
    if (d->platform_index >= 0)
        ck_assert_ptr_nonnull(strstr(msg, "CL_DEVICE_GLOBAL_MEM_SIZE"));
    b->live_bytes = 0;
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(a_model_too_large_is_refused)
{
    cocob_context *ctx = test_context(backend_selector(_i));
    const cocob_device_info *d = cocob_context_device(ctx);
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 28, 28, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, "dense:100000,dense:100000"), COCOB_OK);
    size_t params = cocob_model_param_count(m);
    ck_assert_uint_eq(params, 784 * 100000 + 100000 + 100000ull * 100000 + 100000);
    ck_assert_int_eq(cocob_model_init(m, 1), expected_status(d));
    const char *msg = cocob_context_error(ctx);
    uint64_t limit = d->platform_index < 0 ? d->global_mem_bytes : d->max_alloc_bytes;
    assert_names(msg, d, (uint64_t)params * 4, limit);
    char count[64];
    snprintf(count, sizeof count, "the model's %zu parameters", params);
    ck_assert_msg(strstr(msg, count), "the message does not say it is the model: %s", msg);
    ck_assert_ptr_null(cocob_model_params(m));
    ck_assert_uint_eq(ctx->backend->live_bytes, 0);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

/* The batch is refused while its buffers are made, before its data is
 * read; the part that did fit is let go. */
START_TEST(a_batch_too_large_is_refused)
{
    cocob_context *ctx = test_context(backend_selector(_i));
    const cocob_device_info *d = cocob_context_device(ctx);
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 28, 28, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, "dense:10"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 1), COCOB_OK);
    size_t arenas = ctx->backend->live_bytes;
    uint64_t limit = d->platform_index < 0 ? d->global_mem_bytes : d->max_alloc_bytes;
    /* The input's buffer is the first to outgrow the limit. */
    size_t n = (size_t)(limit / (784 * sizeof(float))) + 1;
    float x[784] = {0};
    int32_t y[1] = {0};
    double loss;
    size_t correct;
    ck_assert_int_eq(cocob_model_eval_batch(m, x, y, n, &loss, &correct), expected_status(d));
    const char *msg = cocob_context_error(ctx);
    assert_names(msg, d, (uint64_t)n * 784 * sizeof(float), limit);
    char batch[64];
    snprintf(batch, sizeof batch, "a batch of %zu", n);
    ck_assert_msg(strstr(msg, batch), "the message does not say it is the batch: %s", msg);
    ck_assert_uint_eq(ctx->backend->live_bytes, arenas);
    /* The model still works at a size that fits. */
    ck_assert_int_eq(cocob_model_eval_batch(m, x, y, 1, &loss, &correct), COCOB_OK);
    cocob_model_destroy(m);
    ck_assert_uint_eq(ctx->backend->live_bytes, 0);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
#ifdef TEST_HAVE_DEVICE
    int backends = 2;
#else
    int backends = 1;
#endif
    tcase_add_loop_test(tc, live_bytes_follow_alloc_and_free, 0, backends);
    tcase_add_loop_test(tc, the_device_memory_is_a_running_total, 0, backends);
    tcase_add_loop_test(tc, a_model_too_large_is_refused, 0, backends);
    tcase_add_loop_test(tc, a_batch_too_large_is_refused, 0, backends);
    suite_add_tcase(s, tc);
    return test_run(s);
}
