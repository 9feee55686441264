/* What a device cannot hold is refused before the driver or malloc is
 * asked, with a message naming the size, the limit and the device: a buffer
 * beyond the device's memory given what the context already holds, a model
 * too large for the device, a batch too large. test_buffers.c covers one
 * buffer beyond CL_DEVICE_MAX_MEM_ALLOC_SIZE. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "nn/model.h"
#include "testutil.h"
#include "ops/ops.h"

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

static void assert_device_bytes(const cocob_context *ctx, uint64_t now, uint64_t peak)
{
    uint64_t n = 1, p = 1;
    cocob_context_device_bytes(ctx, &n, &p);
    ck_assert_uint_eq(n, now);
    ck_assert_uint_eq(p, peak);
}

/* 0 ref, 1 the test device, 2 the test device under verify, whose count is
 * the device's side alone. */
static cocob_context *counting_context(int i)
{
    if (i < 2)
        return test_context(backend_selector(i));
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = test_device_selector();
    opts.verify = COCOB_VERIFY_STOP;
    cocob_context *ctx = NULL;
    ck_assert_int_eq(cocob_context_create(&opts, &ctx), COCOB_OK);
    return ctx;
}

START_TEST(live_bytes_follow_alloc_and_free)
{
    cocob_context *ctx = counting_context(_i);
    cocob_backend *b = ctx->backend;
    ck_assert_uint_eq(b->live_bytes, 0);
    assert_device_bytes(ctx, 0, 0);
    cocob_tensor *t, *u;
    ck_assert_int_eq(cocob_tensor_create(ctx, 1000, &t), COCOB_OK);
    assert_device_bytes(ctx, 4000, 4000);
    ck_assert_int_eq(cocob_tensor_create(ctx, 24, &u), COCOB_OK);
    ck_assert_uint_eq(b->live_bytes, 4096);
    assert_device_bytes(ctx, 4096, 4096);
    cocob_tensor_destroy(t);
    ck_assert_uint_eq(b->live_bytes, 96);
    assert_device_bytes(ctx, 96, 4096);
    cocob_tensor_destroy(u);
    ck_assert_uint_eq(b->live_bytes, 0);
    assert_device_bytes(ctx, 0, 4096);
    /* The peak is the most held at once, not the sum of what was made. */
    ck_assert_int_eq(cocob_tensor_create(ctx, 10, &t), COCOB_OK);
    assert_device_bytes(ctx, 40, 4096);
    cocob_tensor_destroy(t);
    cocob_context_destroy(ctx);
    assert_device_bytes(NULL, 0, 0);
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
    ck_assert_int_eq(cocob_model_eval_batch(m, &(cocob_batch){x, y, NULL, n}, &loss, &correct),
                     expected_status(d));
    const char *msg = cocob_context_error(ctx);
    assert_names(msg, d, (uint64_t)n * 784 * sizeof(float), limit);
    char batch[64];
    snprintf(batch, sizeof batch, "a batch of %zu", n);
    ck_assert_msg(strstr(msg, batch), "the message does not say it is the batch: %s", msg);
    ck_assert_uint_eq(ctx->backend->live_bytes, arenas);
    /* The model still works at a size that fits. */
    ck_assert_int_eq(cocob_model_eval_batch(m, &(cocob_batch){x, y, NULL, 1}, &loss, &correct),
                     COCOB_OK);
    cocob_model_destroy(m);
    ck_assert_uint_eq(ctx->backend->live_bytes, 0);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef COCOB_HAVE_OPENCL
/* A device's limits as the launches read them: a group of at most wg
 * work-items and local bytes of local memory (0: as the device says). */
typedef struct small_device {
    size_t wg;
    uint64_t local;
} small_device;

static const small_device small_devices[] = {
    {1, 0}, {2, 0}, {64, 0}, {256, 16384}, {4096, 40}, {4096, 8},
};
enum { SMALL_DEVICES = sizeof small_devices / sizeof *small_devices };

/* Multiples of 1/4 of small size: every sum below is exact in float in any
 * order, so the device must give ref's results to the bit whatever group
 * size it picks. */
static float quarter(size_t i)
{
    return (float)((int)(i * 7919 % 41) - 20) / 4.0f;
}

/* The tree reductions (stats, count_nonfinite, bias_grad) and a plain
 * launch on a device that says it is smaller than it is: each launch must
 * keep within what the device reports (CL_DEVICE_MAX_WORK_GROUP_SIZE,
 * CL_DEVICE_LOCAL_MEM_SIZE) and still give the reference's answer, or,
 * where not even one work-item's scratch fits, say so. n spans several
 * groups of 256 with a ragged end. */
START_TEST(launches_adapt_to_a_small_device)
{
    const small_device *sd = &small_devices[_i];
    enum { N = 3 * 256 + 5, C = 3, INNER = 37 };
    float x[N], dy[2 * C * INNER];
    for (size_t i = 0; i < N; i++)
        x[i] = quarter(i);
    x[100] = NAN;
    x[N - 1] = INFINITY;
    for (size_t i = 0; i < 2 * C * INNER; i++)
        dy[i] = quarter(i + 5);
    cocob_context *ctx = test_context(test_device_selector()), *ref = test_context("ref");
    cocob_backend *b = ctx->backend, *r = ref->backend;
    if (sd->wg < b->info.max_work_group_size)
        b->info.max_work_group_size = sd->wg;
    if (sd->local)
        b->info.local_mem_bytes = sd->local;
    cocob_buffer *bx = test_put(b, x, N), *rx = test_put(r, x, N);
    size_t count = 0, want_count = 0;
    ck_assert_int_eq(cocob_op_count_nonfinite(r, rx, TEST_OFF, N, &want_count), COCOB_OK);
    ck_assert_int_eq(want_count, 2);
    ck_assert_msg(cocob_op_count_nonfinite(b, bx, TEST_OFF, N, &count) == COCOB_OK, "wg %zu: %s",
                  sd->wg, cocob_context_error(ctx));
    ck_assert_uint_eq(count, want_count);

    /* stats, on the finite stretch between the NaN and the infinity, keeps
     * five floats a work-item: 40 bytes hold a group of 2, 8 bytes not one. */
    cocob_span sx = {bx, TEST_OFF}, rsx = {rx, TEST_OFF}, none = {NULL, 0};
    cocob_span fx = {bx, TEST_OFF + 101}, rfx = {rx, TEST_OFF + 101};
    cocob_stats got, want;
    ck_assert_int_eq(cocob_op_stats(r, rfx, none, none, N - 102, &want), COCOB_OK);
    cocob_status st = cocob_op_stats(b, fx, none, none, N - 102, &got);
    if (b->info.local_mem_bytes < 5 * sizeof(float)) {
        ck_assert_int_eq(st, COCOB_ERR_DEVICE_LIMIT);
        const char *msg = cocob_context_error(ctx);
        ck_assert_msg(strstr(msg, "stats needs 20 bytes of local memory per work-item") &&
                          strstr(msg, "has 8 bytes (CL_DEVICE_LOCAL_MEM_SIZE)") &&
                          strstr(msg, b->info.name),
                      "%s", msg);
    } else {
        ck_assert_msg(st == COCOB_OK, "%s", cocob_context_error(ctx));
        ck_assert_msg(got.min == want.min && got.max == want.max && got.sum == want.sum &&
                          got.sum_sq == want.sum_sq && got.count == want.count,
                      "wg %zu local %llu: stats %g %g %g %g %zu, ref %g %g %g %g %zu", sd->wg,
                      (unsigned long long)b->info.local_mem_bytes, got.min, got.max, got.sum,
                      got.sum_sq, got.count, want.min, want.max, want.sum, want.sum_sq,
                      want.count);
    }

    /* bias_grad: a group per channel; and relu, a plain launch. */
    cocob_buffer *bdy = test_put(b, dy, 2 * C * INNER), *rdy = test_put(r, dy, 2 * C * INNER);
    cocob_buffer *bdb = test_put(b, NULL, C), *rdb = test_put(r, NULL, C);
    cocob_span sdy = {bdy, TEST_OFF}, sdb = {bdb, TEST_OFF};
    ck_assert_int_eq(cocob_op_bias_grad(r, (cocob_span){rdy, TEST_OFF},
                                        (cocob_span){rdb, TEST_OFF}, 2, C, INNER),
                     COCOB_OK);
    ck_assert_msg(cocob_op_bias_grad(b, sdy, sdb, 2, C, INNER) == COCOB_OK, "%s",
                  cocob_context_error(ctx));
    cocob_buffer *by = test_put(b, NULL, N), *ry = test_put(r, NULL, N);
    ck_assert_int_eq(cocob_op_activation(r, COCOB_ACT_RELU, rsx, (cocob_span){ry, TEST_OFF}, N),
                     COCOB_OK);
    ck_assert_msg(cocob_op_activation(b, COCOB_ACT_RELU, sx, (cocob_span){by, TEST_OFF}, N) ==
                      COCOB_OK,
                  "%s", cocob_context_error(ctx));
    float *db = test_take(b, bdb, C), *rdb_v = test_take(r, rdb, C);
    float *y = test_take(b, by, N), *ry_v = test_take(r, ry, N);
    ck_assert_msg(memcmp(db, rdb_v, (TEST_OFF + C) * sizeof(float)) == 0,
                  "wg %zu: bias_grad differs from ref", sd->wg);
    for (size_t i = TEST_OFF; i < TEST_OFF + N; i++)
        ck_assert_msg(y[i] == ry_v[i] || (isnan(y[i]) && isnan(ry_v[i])),
                      "wg %zu: relu element %zu: %g, ref %g", sd->wg, i - TEST_OFF, y[i],
                      ry_v[i]);
    free(db);
    free(rdb_v);
    free(y);
    free(ry_v);
    b->iface->free(b, bx);
    b->iface->free(b, bdy);
    r->iface->free(r, rx);
    r->iface->free(r, rdy);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
#ifdef TEST_HAVE_DEVICE
    int backends = 2;
#else
    int backends = 1;
#endif
    tcase_add_loop_test(tc, live_bytes_follow_alloc_and_free, 0, backends == 2 ? 3 : 1);
    tcase_add_loop_test(tc, the_device_memory_is_a_running_total, 0, backends);
    tcase_add_loop_test(tc, a_model_too_large_is_refused, 0, backends);
    tcase_add_loop_test(tc, a_batch_too_large_is_refused, 0, backends);
    suite_add_tcase(s, tc);
#ifdef COCOB_HAVE_OPENCL
    if (!test_device_is_cpu()) {
        TCase *small = tcase_create("small device");
        tcase_add_loop_test(small, launches_adapt_to_a_small_device, 0, SMALL_DEVICES);
        suite_add_tcase(s, small);
    }
#endif
    return test_run(s);
}
