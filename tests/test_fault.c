/* Every failure a small training job can meet: with src/base/fault.h, the
 * Nth buffer allocation, for every N the job makes, and the Nth OpenCL
 * kernel launch, for every N, fails in turn. Each must come back as a
 * status with a message naming what failed, and everything the job held
 * must be freed: no buffer left on the backend, and in the sanitizer build
 * no leak for LeakSanitizer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/verify/verify.h"
#include "base/fault.h"
#include "nn/model.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define TEST_HAVE_LSAN 1
#endif

#ifdef TEST_HAVE_DEVICE
enum { BACKENDS = 2 };
#else
enum { BACKENDS = 1 };
#endif

/* Loop index i runs ref, the device under test, then that device in verify
 * mode, where the verifying backend holds a buffer on each of two backends. */
static const char *backend_selector(int i)
{
    return i == 0 ? "ref" : test_device_selector();
}

static int verify_mode(int i)
{
    return i == BACKENDS;
}

static cocob_context *open_context(int i)
{
    if (!verify_mode(i))
        return test_context(backend_selector(i));
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = backend_selector(i);
    opts.verify = COCOB_VERIFY_STOP;
    cocob_context *ctx = NULL;
    cocob_status s = cocob_context_create(&opts, &ctx);
    ck_assert_msg(s == COCOB_OK, "cannot open %s in verify mode: %s", opts.device,
                  ctx ? cocob_context_error(ctx) : "out of memory");
    return ctx;
}

/* What a backend, or both of a verifying backend's, still hold. */
static size_t live_bytes(cocob_backend *b)
{
    if (cocob_verify_backend_mode(b) == COCOB_VERIFY_OFF)
        return b->live_bytes;
    const verify_backend *c = (const verify_backend *)b;
    return c->dev->live_bytes + c->ref->live_bytes;
}

enum { BATCH = 8, SIDE = 12, CLASSES = 10 };

typedef struct job_result {
    cocob_status status;
    char message[COCOB_ERROR_CAP];
    char device[256];
    size_t live_bytes; /* left on the backend once the model and optimizer are gone */
} job_result;

/* A whole job: a context, a small CNN, COCOB, two steps and an evaluation,
 * stopping at the first failure; then everything is destroyed. */
static void job(int variant, job_result *r)
{
    float x[BATCH * SIDE * SIDE];
    int32_t y[BATCH];
    test_rng rng = {11};
    for (size_t i = 0; i < BATCH * SIDE * SIDE; i++)
        x[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < BATCH; i++)
        y[i] = (int32_t)(test_rng_next(&rng) % CLASSES);

    cocob_context *ctx = open_context(variant);
    snprintf(r->device, sizeof r->device, "%s", cocob_context_device(ctx)->name);
    cocob_model *m = NULL;
    cocob_optimizer *opt = NULL;
    cocob_status s = cocob_model_create(ctx, 1, SIDE, SIDE, &m);
    if (s == COCOB_OK)
        s = cocob_model_add_spec(m, "conv:4x3x3,relu,maxpool:2,flatten,dense:16,tanh,dense:10");
    if (s == COCOB_OK)
        s = cocob_model_init(m, 3);
    if (s == COCOB_OK) {
        cocob_tensor *params = cocob_model_params(m);
        s = cocob_optimizer_create(ctx, NULL, 1, &params, &opt);
    }
    double loss = 0;
    size_t correct = 0;
    for (int step = 0; step < 2 && s == COCOB_OK; step++)
        s = cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, BATCH}, &loss, NULL);
    if (s == COCOB_OK)
        s = cocob_model_eval_batch(m, &(cocob_batch){x, y, NULL, BATCH}, &loss, &correct);
    if (s == COCOB_OK)
        s = cocob_context_finish(ctx);
    r->status = s;
    snprintf(r->message, sizeof r->message, "%s", s == COCOB_OK ? "" : cocob_context_error(ctx));
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    r->live_bytes = live_bytes(ctx->backend);
    cocob_context_destroy(ctx);
}

/* The counts of a clean run; fails the test if it does not run clean. */
static void count_calls(int variant, unsigned long *allocs, unsigned long *enqueues)
{
    const char *selector = backend_selector(variant);
    job_result r;
    cocob_fault_set(0, 0);
    job(variant, &r);
    *allocs = cocob_fault_count(COCOB_FAULT_ALLOC);
    *enqueues = cocob_fault_count(COCOB_FAULT_ENQUEUE);
    cocob_fault_off();
    ck_assert_msg(r.status == COCOB_OK, "%s: the job fails without a fault: %s", selector,
                  r.message);
    ck_assert_uint_eq(r.live_bytes, 0);
}

static void assert_no_leak(void)
{
#ifdef TEST_HAVE_LSAN
    ck_assert_msg(__lsan_do_recoverable_leak_check() == 0,
                  "LeakSanitizer found leaks (its report is above)");
#endif
}

START_TEST(every_allocation_can_fail)
{
    const char *selector = backend_selector(_i);
    const char *mode = verify_mode(_i) ? " in verify mode" : "";
    unsigned long allocs, enqueues;
    count_calls(_i, &allocs, &enqueues);
    /* The model's two arenas, COCOB's five states, a batch's buffers. */
    ck_assert_uint_ge(allocs, 2 + 5 + 4);
    for (unsigned long n = 1; n <= allocs; n++) {
        job_result r;
        cocob_fault_set(n, 0);
        job(_i, &r);
        unsigned long seen = cocob_fault_count(COCOB_FAULT_ALLOC);
        cocob_fault_off();
        ck_assert_msg(r.status == COCOB_ERR_OUT_OF_MEMORY,
                      "%s%s, allocation %lu of %lu failing: %s (%s)", selector, mode, n, allocs,
                      cocob_status_name(r.status), r.message);
        ck_assert_msg(seen == n, "%s: %lu allocations after allocation %lu failed", selector,
                      seen - n, n);
        /* ref and cpu name themselves (in verify mode, ref may be the one
         * failing); OpenCL names the device. */
        int named = strstr(r.message, selector) || strstr(r.message, r.device) ||
                    (verify_mode(_i) && strstr(r.message, "ref:"));
        ck_assert_msg(strstr(r.message, "bytes") && named,
                      "%s, allocation %lu: the message names no size or device: %s", selector, n,
                      r.message);
        ck_assert_msg(r.live_bytes == 0, "%s%s, allocation %lu failing: %zu bytes left allocated",
                      selector, mode, n, r.live_bytes);
    }
    assert_no_leak();
}
END_TEST

START_TEST(every_kernel_launch_can_fail)
{
    const char *selector = backend_selector(_i);
    const char *mode = verify_mode(_i) ? " in verify mode" : "";
    unsigned long allocs, enqueues;
    count_calls(_i, &allocs, &enqueues);
    cocob_context *ctx = test_context(selector);
    int opencl = cocob_context_device(ctx)->platform_index >= 0;
    cocob_context_destroy(ctx);
    if (!opencl) {
        /* ref's and cpu's ops launch nothing and are not counted. */
        ck_assert_uint_eq(enqueues, 0);
        return;
    }
    /* Forward, loss, backward, the gradient's check and the step, twice,
     * then an evaluation: dozens of launches. */
    ck_assert_uint_ge(enqueues, 20);
    for (unsigned long n = 1; n <= enqueues; n++) {
        job_result r;
        cocob_fault_set(0, n);
        job(_i, &r);
        unsigned long seen = cocob_fault_count(COCOB_FAULT_ENQUEUE);
        cocob_fault_off();
        ck_assert_msg(r.status == COCOB_ERR_OUT_OF_MEMORY,
                      "%s%s, launch %lu of %lu failing: %s (%s)", selector, mode, n, enqueues,
                      cocob_status_name(r.status), r.message);
        ck_assert_msg(seen == n, "%s: %lu launches after launch %lu failed", selector, seen - n,
                      n);
        ck_assert_msg(strstr(r.message, "CL_OUT_OF_RESOURCES") && strstr(r.message, r.device),
                      "%s, launch %lu: the message names no error or device: %s", selector, n,
                      r.message);
        ck_assert_msg(r.live_bytes == 0, "%s%s, launch %lu failing: %zu bytes left allocated",
                      selector, mode, n, r.live_bytes);
    }
    assert_no_leak();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fault");
    TCase *tc = tcase_create("fault");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, every_allocation_can_fail, 0, BACKENDS + 1);
    tcase_add_loop_test(tc, every_kernel_launch_can_fail, 0, BACKENDS + 1);
    suite_add_tcase(s, tc);
    return test_run(s);
}
