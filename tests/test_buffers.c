/* Buffers on every backend: zeros when new, upload, download, fill, copy,
 * and the errors for wrong sizes and allocations beyond the device; on
 * OpenCL, the copy path and the mapped one (unified memory) byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/handles.h"
#include "nn/model.h"
#include "ops/ops.h"
#include "testutil.h"
#ifdef COCOB_HAVE_OPENCL
#include "backend/opencl/opencl.h"
#endif

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

#ifdef COCOB_HAVE_OPENCL
/* A context on the device under test with COCOB_UNIFIED set to value, or
 * unset when value is NULL. The caller's own COCOB_UNIFIED is put back,
 * for runs without fork. */
static cocob_context *context_with(const char *value)
{
    const char *was = getenv("COCOB_UNIFIED");
    char *saved = was ? strdup(was) : NULL;
    if (value)
        setenv("COCOB_UNIFIED", value, 1);
    else
        unsetenv("COCOB_UNIFIED");
    test_log_clear();
    cocob_context *ctx = test_context(test_device_selector());
    if (saved)
        setenv("COCOB_UNIFIED", saved, 1);
    else
        unsetenv("COCOB_UNIFIED");
    free(saved);
    return ctx;
}

/* Whether ctx's backend maps, checked against the path its log names. */
static int maps(cocob_context *ctx)
{
    cocob_cl_backend *cl = cocob_cl_backend_of(ctx->backend);
    ck_assert_ptr_nonnull(cl);
    ck_assert_ptr_nonnull(
        strstr(test_log(), cl->dev.host_unified ? "moved by mapping" : "clEnqueueWriteBuffer"));
    return cl->dev.host_unified;
}

/* Copying (COCOB_UNIFIED=off) or mapping (=on), whatever the device has:
 * Oclgrind's device has no unified memory, and its API checks must see the
 * mapped path too. */
static cocob_context *context_on_path(int mapped)
{
    cocob_context *ctx = context_with(mapped ? "on" : "off");
    ck_assert_int_eq(maps(ctx), mapped);
    return ctx;
}

START_TEST(the_device_chooses_the_path_unless_told)
{
    cocob_context *ctx = context_with(NULL);
    cl_bool unified = CL_FALSE;
    ck_assert_int_eq(clGetDeviceInfo(cocob_cl_backend_of(ctx->backend)->dev.device,
                                     CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified,
                                     NULL),
                     CL_SUCCESS);
    ck_assert_int_eq(maps(ctx), unified == CL_TRUE);
    cocob_context_destroy(ctx);
}
END_TEST

enum { SCRIPT_BYTES = 4 * 4099 };

static void expect_bytes(const unsigned char *got, const unsigned char *want, size_t n,
                         const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            ck_abort_msg("%s: byte %zu is %u, %u expected", what, i, got[i], want[i]);
}

/* Downloads bytes at off from buf and checks them against the host's mirror. */
static void expect_download(cocob_backend *b, cocob_buffer *buf, size_t off, size_t bytes,
                            const unsigned char *mirror, const char *what)
{
    unsigned char *got = malloc(bytes);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(cocob_op_download(b, buf, off, got, bytes), COCOB_OK);
    expect_bytes(got, mirror + off, bytes, what);
    free(got);
}

/* Uploads, fills, copies and downloads at odd offsets and ragged lengths on
 * two buffers, each step done also on a host mirror and checked against
 * it; out gets both buffers' final bytes. */
static void run_transfers(cocob_backend *b, unsigned char out[2 * SCRIPT_BYTES])
{
    unsigned char *src = malloc(SCRIPT_BYTES), *mx = out, *my = out + SCRIPT_BYTES;
    ck_assert_ptr_nonnull(src);
    test_rng rng = {11};
    for (size_t i = 0; i < SCRIPT_BYTES; i++)
        src[i] = (unsigned char)test_rng_next(&rng);
    memset(out, 0, 2 * SCRIPT_BYTES);
    cocob_buffer *x, *y;
    ck_assert_int_eq(b->iface->alloc(b, SCRIPT_BYTES, &x), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, SCRIPT_BYTES, &y), COCOB_OK);
    expect_download(b, x, 0, SCRIPT_BYTES, mx, "a new buffer");

    ck_assert_int_eq(cocob_op_upload(b, x, 13, src, 1001), COCOB_OK);
    memcpy(mx + 13, src, 1001);
    ck_assert_int_eq(cocob_op_upload(b, y, 0, src, SCRIPT_BYTES), COCOB_OK);
    memcpy(my, src, SCRIPT_BYTES);
    float v = -2.5f;
    ck_assert_int_eq(cocob_op_fill(b, x, 5, v, 333), COCOB_OK);
    for (size_t i = 5; i < 5 + 333; i++)
        memcpy(mx + 4 * i, &v, 4);
    ck_assert_int_eq(cocob_op_copy(b, y, 39, x, 17, 2003), COCOB_OK);
    memcpy(my + 39, mx + 17, 2003);
    ck_assert_int_eq(cocob_op_upload(b, x, SCRIPT_BYTES - 37, src + 101, 37), COCOB_OK);
    memcpy(mx + SCRIPT_BYTES - 37, src + 101, 37);
    /* Queued: src stays as it is until the downloads below, which wait. */
    ck_assert_int_eq(cocob_op_upload_queued(b, y, 7, src + 3, 555), COCOB_OK);
    memcpy(my + 7, src + 3, 555);
    ck_assert_int_eq(cocob_op_upload_queued(b, x, SCRIPT_BYTES - 3, src, 4), COCOB_ERR_SHAPE);

    expect_download(b, x, 3, 4097, mx, "x at 3");
    expect_download(b, y, 41, 1999, my, "y at 41");
    expect_download(b, x, 0, SCRIPT_BYTES, mx, "x");
    expect_download(b, y, 0, SCRIPT_BYTES, my, "y");
    b->iface->free(b, x);
    b->iface->free(b, y);
    free(src);
}

START_TEST(mapped_and_copied_transfers_agree)
{
    unsigned char *bytes[2];
    for (int mapped = 0; mapped < 2; mapped++) {
        cocob_context *ctx = context_on_path(mapped);
        bytes[mapped] = malloc(2 * SCRIPT_BYTES);
        ck_assert_ptr_nonnull(bytes[mapped]);
        run_transfers(ctx->backend, bytes[mapped]);
        cocob_context_destroy(ctx);
    }
    expect_bytes(bytes[1], bytes[0], 2 * SCRIPT_BYTES, "mapped against copied");
    free(bytes[0]);
    free(bytes[1]);
}
END_TEST

enum { TRAIN_BATCH = 5, TRAIN_STEPS = 2, TRAIN_SIDE = 8 };

/* The parameters after a few steps of a small CNN with dropout, every kind
 * of transfer a step makes; *count gets their number. */
static float *train_on_path(int mapped, size_t *count, double *loss)
{
    cocob_context *ctx = context_on_path(mapped);
    cocob_model *m;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_model_create(ctx, 1, TRAIN_SIDE, TRAIN_SIDE, &m), COCOB_OK);
    ck_assert_int_eq(
        cocob_model_add_spec(m, "conv:2x3x3,relu,maxpool:2,flatten,dropout:0.25,dense:10"),
        COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 3), COCOB_OK);
    cocob_tensor *params = cocob_model_params(m);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &opt), COCOB_OK);
    float x[TRAIN_BATCH * TRAIN_SIDE * TRAIN_SIDE];
    int32_t y[TRAIN_BATCH];
    test_rng rng = {17};
    for (size_t i = 0; i < sizeof x / sizeof *x; i++)
        x[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < TRAIN_BATCH; i++)
        y[i] = (int32_t)(test_rng_next(&rng) % 10);
    /* A smaller batch after a full one: uploads shorter than their buffers. */
    for (size_t step = 0; step < TRAIN_STEPS; step++)
        ck_assert_msg(cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, TRAIN_BATCH - step},
                                       loss, NULL) == COCOB_OK,
                      "%s", cocob_context_error(ctx));
    *count = cocob_tensor_count(params);
    float *w = malloc(*count * sizeof *w);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(cocob_tensor_download(params, w, *count), COCOB_OK);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
    return w;
}

START_TEST(a_training_step_is_the_same_mapped_or_copied)
{
    size_t n[2];
    double loss[2];
    float *w[2];
    for (int mapped = 0; mapped < 2; mapped++)
        w[mapped] = train_on_path(mapped, &n[mapped], &loss[mapped]);
    ck_assert_uint_eq(n[0], n[1]);
    ck_assert_msg(loss[0] == loss[1], "loss %.17g copied, %.17g mapped", loss[0], loss[1]);
    expect_bytes((const unsigned char *)w[1], (const unsigned char *)w[0], n[0] * sizeof *w[0],
                 "parameters, mapped against copied");
    free(w[0]);
    free(w[1]);
}
END_TEST

/* A region past the buffer's end makes the driver refuse the transfer: the
 * error names the call and the device, on either path. The backend is
 * called past the op layer, which would refuse the region itself. Oclgrind's
 * --check-api reports every refused call, rightly, so the case is left out
 * there. */
START_TEST(a_refused_transfer_names_its_call)
{
    cocob_context *ctx = context_on_path(_i);
    cocob_backend *b = ctx->backend;
    if (strstr(b->info.platform_name, "Oclgrind")) {
        cocob_context_destroy(ctx);
        return;
    }
    cocob_buffer *buf;
    unsigned char host[8] = {0};
    ck_assert_int_eq(b->iface->alloc(b, 64, &buf), COCOB_OK);
    ck_assert_int_eq(b->iface->upload(b, buf, 60, host, sizeof host), COCOB_ERR_OPENCL);
    const char *msg = cocob_context_error(ctx);
    ck_assert_ptr_nonnull(strstr(msg, _i ? "clEnqueueMapBuffer" : "clEnqueueWriteBuffer"));
    ck_assert_ptr_nonnull(strstr(msg, b->info.name));
    /* A queued upload is a write on either path: a map waits. */
    ck_assert_int_eq(b->iface->upload_queued(b, buf, 60, host, sizeof host), COCOB_ERR_OPENCL);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "clEnqueueWriteBuffer"));
    ck_assert_int_eq(b->iface->download(b, buf, 60, host, sizeof host), COCOB_ERR_OPENCL);
    msg = cocob_context_error(ctx);
    ck_assert_ptr_nonnull(strstr(msg, _i ? "clEnqueueMapBuffer" : "clEnqueueReadBuffer"));
    b->iface->free(b, buf);
    ck_assert_uint_eq(b->live_bytes, 0);
    cocob_context_destroy(ctx);
}
END_TEST
#endif

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
#ifdef COCOB_HAVE_OPENCL
    if (!test_device_is_cpu()) {
        TCase *paths = tcase_create("copied and mapped");
        tcase_set_timeout(paths, 300);
        tcase_add_test(paths, the_device_chooses_the_path_unless_told);
        tcase_add_test(paths, mapped_and_copied_transfers_agree);
        tcase_add_test(paths, a_training_step_is_the_same_mapped_or_copied);
        tcase_add_loop_test(paths, a_refused_transfer_names_its_call, 0, 2);
        suite_add_tcase(s, paths);
    }
#endif
    return test_run(s);
}
