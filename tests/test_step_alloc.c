/* After its first step, a training step allocates nothing: no host memory
 * and no device buffer. Every buffer a batch needs is made once, at the
 * first batch, and reused (src/nn/step.c).
 *
 * The test is linked with --wrap for malloc, calloc, realloc and, with
 * OpenCL, clCreateBuffer (tests/CMakeLists.txt), so that every call the
 * library's own code makes goes through the counters below. What a driver
 * allocates inside itself is its own business and is not seen. */
#include <stdlib.h>

#include "nn/model.h"
#include "testutil.h"

#ifdef COCOB_HAVE_OPENCL
#include <CL/cl.h>
#endif

static size_t host_allocs, device_allocs;

/* The linker's names: __wrap_ stands in for the function, __real_ is it. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t n);
void *__wrap_realloc(void *p, size_t n);

/* The cpu backend's loops run on several threads. */
static void count(size_t *counter)
{
    __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

void *__wrap_malloc(size_t n)
{
    count(&host_allocs);
    return __real_malloc(n);
}

void *__wrap_calloc(size_t count_, size_t n)
{
    count(&host_allocs);
    return __real_calloc(count_, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    count(&host_allocs);
    return __real_realloc(p, n);
}

#ifdef COCOB_HAVE_OPENCL
cl_mem __real_clCreateBuffer(cl_context c, cl_mem_flags f, size_t n, void *host, cl_int *rc);
cl_mem __wrap_clCreateBuffer(cl_context c, cl_mem_flags f, size_t n, void *host, cl_int *rc);

cl_mem __wrap_clCreateBuffer(cl_context c, cl_mem_flags f, size_t n, void *host, cl_int *rc)
{
    count(&device_allocs);
    return __real_clCreateBuffer(c, f, n, host, rc);
}
#endif

static const char *const specs[] = {
    "dense:64,relu,dropout:0.3,dense:10",
    "conv:4x5x5,tanh,maxpool:2,flatten,dropout:0.2,dense:16,sigmoid,dense:10",
};
enum { SPECS = sizeof specs / sizeof *specs, BATCH = 32, STEPS = 3 };

START_TEST(a_step_after_the_first_allocates_nothing)
{
    const char *selector = _i < SPECS ? "ref" : test_device_selector();
    const char *spec = specs[_i % SPECS];
    cocob_context *ctx = test_context(selector);
    cocob_model *m;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 28, 28, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, spec), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 5), COCOB_OK);
    cocob_tensor *params = cocob_model_params(m);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &opt), COCOB_OK);
    float *x = malloc(BATCH * 784 * sizeof *x);
    int32_t y[BATCH];
    ck_assert_ptr_nonnull(x);
    test_rng rng = {7};
    for (size_t i = 0; i < BATCH * 784; i++)
        x[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < BATCH; i++)
        y[i] = (int32_t)(test_rng_next(&rng) % 10);
    double loss;
    /* The first step makes the buffers, builds the kernels, and the
     * optimizer's state; a smaller batch then fits in them. */
    ck_assert_int_eq(cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, BATCH}, &loss, NULL),
                     COCOB_OK);
    /* No Check assertion inside the count: Check allocates to record one. */
    size_t host_before = host_allocs, device_before = device_allocs;
    cocob_status s = COCOB_OK;
    for (size_t step = 0; step < STEPS && s == COCOB_OK; step++)
        s = cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, BATCH - step}, &loss, NULL);
    size_t host = host_allocs - host_before, device = device_allocs - device_before;
    ck_assert_msg(s == COCOB_OK, "%s: %s", selector, cocob_context_error(ctx));
    ck_assert_msg(host == 0 && device == 0,
                  "%s, %s: %zu steps made %zu host and %zu device allocations", selector, spec,
                  (size_t)STEPS, host, device);
    /* The counters do see the library's allocations: a larger batch must
     * make new buffers. */
    ck_assert_int_eq(cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, 1}, &loss, NULL),
                     COCOB_OK);
    float *big = calloc(2 * BATCH * 784, sizeof *big);
    int32_t big_y[2 * BATCH] = {0};
    ck_assert_ptr_nonnull(big);
    host_before = host_allocs;
    device_before = device_allocs;
    s = cocob_model_step(m, opt, &(cocob_batch){big, big_y, NULL, 2 * BATCH}, &loss, NULL);
    ck_assert_int_eq(s, COCOB_OK);
    ck_assert(host_allocs > host_before || device_allocs > device_before);
    free(big);
    free(x);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("step_alloc");
    TCase *tc = tcase_create("steps");
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, a_step_after_the_first_allocates_nothing, 0, 2 * SPECS);
#else
    tcase_add_loop_test(tc, a_step_after_the_first_allocates_nothing, 0, SPECS);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
