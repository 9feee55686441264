/* Every failure a small training job can meet: with src/core/fault.h, the
 * Nth buffer allocation, for every N the job makes, and the Nth OpenCL
 * kernel launch, for every N, fails in turn. Each must come back as a
 * status with a message naming what failed, and everything the job held
 * must be freed: no buffer left on the backend, and in the sanitizer build
 * no leak for LeakSanitizer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"
#include "core/model.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define TEST_HAVE_LSAN 1
#endif

static const char *backend_selector(int i)
{
    return i == 0 ? "ref" : test_device_selector();
}

enum { BATCH = 8, SIDE = 12, CLASSES = 10 };

typedef struct job_result {
    cocob_status status;
    char message[COCOB_ERROR_CAP];
    char device[256];
    size_t live_bytes;      /* left on the backend once the model and optimizer are gone */
} job_result;

/* A whole job: a context, a small CNN, COCOB, two steps and an evaluation,
 * stopping at the first failure; then everything is destroyed. */
static void job(const char *selector, job_result *r)
{
    float x[BATCH * SIDE * SIDE];
    int32_t y[BATCH];
    test_rng rng = {11};
    for (size_t i = 0; i < BATCH * SIDE * SIDE; i++)
        x[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < BATCH; i++)
        y[i] = (int32_t)(test_rng_next(&rng) % CLASSES);

    cocob_context *ctx = test_context(selector);
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
        s = cocob_optimizer_create_cocob(ctx, NULL, 1, &params, &opt);
    }
    double loss = 0;
    size_t correct = 0;
    for (int step = 0; step < 2 && s == COCOB_OK; step++)
        s = cocob_model_train_batch(m, opt, x, y, BATCH, &loss, NULL);
    if (s == COCOB_OK)
        s = cocob_model_eval_batch(m, x, y, BATCH, &loss, &correct);
    if (s == COCOB_OK)
        s = cocob_context_finish(ctx);
    r->status = s;
    snprintf(r->message, sizeof r->message, "%s", s == COCOB_OK ? "" : cocob_context_error(ctx));
    cocob_optimizer_destroy(opt);
    if (s == COCOB_OK) cocob_model_destroy(m);
    r->live_bytes = ctx->backend->live_bytes;
    cocob_context_destroy(ctx);
}

/* The counts of a clean run; fails the test if it does not run clean. */
static void count_calls(const char *selector, unsigned long *allocs, unsigned long *enqueues)
{
    job_result r;
    cocob_fault_set(0, 0);
    job(selector, &r);
    *allocs = cocob_fault_count(COCOB_FAULT_ALLOC);
    *enqueues = cocob_fault_count(COCOB_FAULT_ENQUEUE);
    fprintf(stderr, "TEMPCOUNT %s allocs %lu enqueues %lu\n", selector, *allocs, *enqueues);
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
    unsigned long allocs, enqueues;
    count_calls(selector, &allocs, &enqueues);
    /* The model's two arenas, COCOB's five states, a batch's buffers. */
    ck_assert_uint_ge(allocs, 2 + 5 + 4);
    for (unsigned long n = 1; n <= allocs; n++) {
        job_result r;
        cocob_fault_set(n, 0);
        job(selector, &r);
        unsigned long seen = cocob_fault_count(COCOB_FAULT_ALLOC);
        cocob_fault_off();
        ck_assert_msg(r.status == COCOB_ERR_OUT_OF_MEMORY,
                      "%s, allocation %lu of %lu failing: %s (%s)", selector, n, allocs,
                      cocob_status_name(r.status), r.message);
        ck_assert_msg(seen == n, "%s: %lu allocations after allocation %lu failed", selector,
                      seen - n, n);
        /* ref and cpu name themselves; OpenCL names the device and the call. */
        ck_assert_msg(strstr(r.message, "bytes") &&
                          (strstr(r.message, selector) || strstr(r.message, r.device)),
                      "%s, allocation %lu: the message names no size or device: %s", selector,
                      n, r.message);
        ck_assert_msg(r.live_bytes == 0, "%s, allocation %lu failing: %zu bytes left allocated",
                      selector, n, r.live_bytes);
    }
    assert_no_leak();
}
END_TEST

START_TEST(every_kernel_launch_can_fail)
{
    const char *selector = backend_selector(_i);
    unsigned long allocs, enqueues;
    count_calls(selector, &allocs, &enqueues);
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
        job(selector, &r);
        unsigned long seen = cocob_fault_count(COCOB_FAULT_ENQUEUE);
        cocob_fault_off();
        ck_assert_msg(r.status == COCOB_ERR_OUT_OF_MEMORY, "%s, launch %lu of %lu failing: %s (%s)",
                      selector, n, enqueues, cocob_status_name(r.status), r.message);
        ck_assert_msg(seen == n, "%s: %lu launches after launch %lu failed", selector, seen - n,
                      n);
        ck_assert_msg(strstr(r.message, "CL_OUT_OF_RESOURCES") && strstr(r.message, r.device),
                      "%s, launch %lu: the message names no error or device: %s", selector, n,
                      r.message);
        ck_assert_msg(r.live_bytes == 0, "%s, launch %lu failing: %zu bytes left allocated",
                      selector, n, r.live_bytes);
    }
    assert_no_leak();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fault");
    TCase *tc = tcase_create("fault");
#ifdef TEST_HAVE_DEVICE
    int backends = 2;
#else
    int backends = 1;
#endif
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, every_allocation_can_fail, 0, backends);
    tcase_add_loop_test(tc, every_kernel_launch_can_fail, 0, backends);
    suite_add_tcase(s, tc);
    return test_run(s);
}
