/* After its first step, a training step on OpenCL waits for the device
 * once: the one download of the losses and the guard's flag, after the
 * update is queued (src/nn/step.c). The non-finite guard is read by the
 * update kernels on the device, so nothing between the batch's upload and
 * the update waits for an answer.
 *
 * The test is linked with --wrap for every call the OpenCL backend can
 * block in (tests/CMakeLists.txt): clFinish, clWaitForEvents, and
 * clEnqueueReadBuffer, clEnqueueWriteBuffer and clEnqueueMapBuffer when
 * asked to block. A wait is one that hands the host what the device worked
 * out: a finish, a wait for events, a blocking read, a blocking map for
 * reading. A blocking write or map for writing, such as an upload of the
 * batch that waited for its copy, counts as a wait too: the batch's upload
 * is queued, and the step's one download waits for it as well. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CL/cl.h>

#include "base/fault.h"
#include "nn/model.h"
#include "testutil.h"

static size_t waits, writes;

cl_int __real_clFinish(cl_command_queue q);
cl_int __real_clWaitForEvents(cl_uint n, const cl_event *events);
cl_int __real_clEnqueueReadBuffer(cl_command_queue q, cl_mem m, cl_bool blocking, size_t off,
                                  size_t n, void *p, cl_uint wn, const cl_event *w, cl_event *e);
cl_int __real_clEnqueueWriteBuffer(cl_command_queue q, cl_mem m, cl_bool blocking, size_t off,
                                   size_t n, const void *p, cl_uint wn, const cl_event *w,
                                   cl_event *e);
void *__real_clEnqueueMapBuffer(cl_command_queue q, cl_mem m, cl_bool blocking,
                                cl_map_flags flags, size_t off, size_t n, cl_uint wn,
                                const cl_event *w, cl_event *e, cl_int *rc);
cl_int __wrap_clFinish(cl_command_queue q);
cl_int __wrap_clWaitForEvents(cl_uint n, const cl_event *events);
cl_int __wrap_clEnqueueReadBuffer(cl_command_queue q, cl_mem m, cl_bool blocking, size_t off,
                                  size_t n, void *p, cl_uint wn, const cl_event *w, cl_event *e);
cl_int __wrap_clEnqueueWriteBuffer(cl_command_queue q, cl_mem m, cl_bool blocking, size_t off,
                                   size_t n, const void *p, cl_uint wn, const cl_event *w,
                                   cl_event *e);
void *__wrap_clEnqueueMapBuffer(cl_command_queue q, cl_mem m, cl_bool blocking,
                                cl_map_flags flags, size_t off, size_t n, cl_uint wn,
                                const cl_event *w, cl_event *e, cl_int *rc);

cl_int __wrap_clFinish(cl_command_queue q)
{
    waits++;
    return __real_clFinish(q);
}

cl_int __wrap_clWaitForEvents(cl_uint n, const cl_event *events)
{
    waits++;
    return __real_clWaitForEvents(n, events);
}

cl_int __wrap_clEnqueueReadBuffer(cl_command_queue q, cl_mem m, cl_bool blocking, size_t off,
                                  size_t n, void *p, cl_uint wn, const cl_event *w, cl_event *e)
{
    waits += blocking != CL_FALSE;
    return __real_clEnqueueReadBuffer(q, m, blocking, off, n, p, wn, w, e);
}

cl_int __wrap_clEnqueueWriteBuffer(cl_command_queue q, cl_mem m, cl_bool blocking, size_t off,
                                   size_t n, const void *p, cl_uint wn, const cl_event *w,
                                   cl_event *e)
{
    writes += blocking != CL_FALSE;
    return __real_clEnqueueWriteBuffer(q, m, blocking, off, n, p, wn, w, e);
}

void *__wrap_clEnqueueMapBuffer(cl_command_queue q, cl_mem m, cl_bool blocking,
                                cl_map_flags flags, size_t off, size_t n, cl_uint wn,
                                const cl_event *w, cl_event *e, cl_int *rc)
{
    if (blocking != CL_FALSE && (flags & CL_MAP_READ))
        waits++;
    else if (blocking != CL_FALSE)
        writes++;
    return __real_clEnqueueMapBuffer(q, m, blocking, flags, off, n, wn, w, e, rc);
}

static const char *const specs[] = {
    "dense:64,relu,dropout:0.3,dense:10",
    "conv:4x5x5,tanh,maxpool:2,flatten,dropout:0.2,dense:16,sigmoid,dense:10",
};
enum { SPECS = sizeof specs / sizeof *specs, BATCH = 32, STEPS = 4 };

/* Each spec with COCOB, with Adam, whose step counter the guard must not
 * disturb either, and with the kinds whose scalars stay on the device
 * (Prodigy's d: its authors wait for a sum of every tensor; D-Adapt Adam's
 * sums, fold and early return). */
static const cocob_optimizer_kind kinds[] = {COCOB_OPTIMIZER_COCOB, COCOB_OPTIMIZER_ADAM,
                                             COCOB_OPTIMIZER_PRODIGY,
                                             COCOB_OPTIMIZER_DADAPT_ADAM};
enum { KINDS = sizeof kinds / sizeof *kinds };

START_TEST(a_step_waits_for_the_device_once)
{
    const char *spec = specs[_i % SPECS];
    cocob_optimizer_kind kind = kinds[_i / SPECS];
    cocob_context *ctx = test_context("opencl");
    cocob_model *m;
    cocob_optimizer *opt;
    cocob_optimizer_config cfg;
    cocob_optimizer_config_init(&cfg, kind);
    ck_assert_int_eq(cocob_model_create(ctx, 1, 28, 28, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, spec), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 5), COCOB_OK);
    cocob_tensor *params = cocob_model_params(m);
    ck_assert_int_eq(cocob_optimizer_create(ctx, &cfg, 1, &params, &opt), COCOB_OK);
    float *x = malloc(BATCH * 784 * sizeof *x);
    int32_t y[BATCH];
    ck_assert_ptr_nonnull(x);
    test_rng rng = {7};
    for (size_t i = 0; i < BATCH * 784; i++)
        x[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < BATCH; i++)
        y[i] = (int32_t)(test_rng_next(&rng) % 10);
    double loss;
    /* The first step builds the kernels and makes the buffers. */
    ck_assert_int_eq(cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, BATCH}, &loss, NULL),
                     COCOB_OK);
    size_t waits_before = waits, writes_before = writes;
    cocob_status s = COCOB_OK;
    for (size_t step = 0; step < STEPS && s == COCOB_OK; step++)
        s = cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, BATCH - step}, &loss, NULL);
    size_t w = waits - waits_before, u = writes - writes_before;
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    ck_assert_msg(w + u <= STEPS,
                  "%s, %s: %d steps waited for the device %zu times, and blocked in %zu "
                  "uploads",
                  spec, cocob_optimizer_kind_name(kind), STEPS, w, u);
    ck_assert_uint_eq(cocob_optimizer_steps(opt), STEPS + 1);
    /* The counters do see the backend's waits: the step answers its loss. */
    ck_assert_uint_ge(w, STEPS);
    /* A poisoned step is still caught, on the slow path, and not counted. */
    x[5] = INFINITY;
    ck_assert_int_eq(cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, BATCH}, &loss, NULL),
                     COCOB_ERR_NONFINITE);
    ck_assert_uint_eq(cocob_optimizer_steps(opt), STEPS + 1);
    /* A step whose first launch fails, after its upload is queued, waits
     * for the upload before it returns, since the caller may then reuse x,
     * and still says what failed first. */
    x[5] = 0.5f;
    size_t waits_failed = waits;
    cocob_fault_set(0, 1);
    s = cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, BATCH}, &loss, NULL);
    cocob_fault_off();
    ck_assert_int_eq(s, COCOB_ERR_OUT_OF_MEMORY);
    ck_assert_msg(strstr(cocob_context_error(ctx), "CL_OUT_OF_RESOURCES"), "%s",
                  cocob_context_error(ctx));
    ck_assert_uint_gt(waits, waits_failed);
    ck_assert_uint_eq(cocob_optimizer_steps(opt), STEPS + 1);
    free(x);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("step_waits");
    TCase *tc = tcase_create("steps");
    tcase_add_loop_test(tc, a_step_waits_for_the_device_once, 0, KINDS * SPECS);
    suite_add_tcase(s, tc);
    return test_run(s);
}
