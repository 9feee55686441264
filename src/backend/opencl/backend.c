/* The OpenCL backend: one context and one in-order queue per device, its
 * buffers, and the table of its ops. Each op's launch lives in a file named
 * after the op, beside its kernel's name in cl/. Buffers are copied to and
 * from the host, or, where host and device share memory, host-visible and
 * mapped (choose_transfers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/setting.h"
#include "backend/opencl/opencl.h"
#include "base/fault.h"

static cocob_cl_backend *cl(cocob_backend *b)
{
    return (cocob_cl_backend *)b;
}

cocob_status cocob_cl_failed(cocob_backend *b, const char *what, cl_int rc)
{
    cocob_status s = (rc == CL_OUT_OF_HOST_MEMORY || rc == CL_MEM_OBJECT_ALLOCATION_FAILURE)
                         ? COCOB_ERR_OUT_OF_MEMORY
                         : COCOB_ERR_OPENCL;
    return cocob_fail(b->err, s, "%s failed on %s (%s): %s (%d)", what, b->info.name,
                      b->info.selector, cocob_cl_error_name(rc), rc);
}

static cocob_status cl_alloc(cocob_backend *b, size_t bytes, cocob_buffer **out)
{
    if (bytes > b->info.max_alloc_bytes)
        return cocob_fail(b->err, COCOB_ERR_DEVICE_LIMIT,
                          "a buffer of %zu bytes exceeds the largest allocation %s (%s) allows, "
                          "%llu bytes (CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
                          bytes, b->info.name, b->info.selector,
                          (unsigned long long)b->info.max_alloc_bytes);
    /* Some drivers grant more than the device holds and fail at the first
     * launch that touches it, far from the cause; this names the cause. */
    uint64_t memory = b->info.global_mem_bytes;
    size_t held = b->live_bytes + b->scratch_bytes;
    if (memory && (bytes > memory || held > memory - bytes))
        return cocob_fail(b->err, COCOB_ERR_DEVICE_LIMIT,
                          "a buffer of %zu bytes does not fit in the memory of %s (%s), %llu "
                          "bytes (CL_DEVICE_GLOBAL_MEM_SIZE), %zu of them already held by this "
                          "context",
                          bytes, b->info.name, b->info.selector, (unsigned long long)memory,
                          held);
    cocob_buffer *buf = malloc(sizeof *buf);
    if (!buf)
        return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    cl_int rc = CL_MEM_OBJECT_ALLOCATION_FAILURE;
    /* Where host and device share memory, a buffer the host can map is the
     * device's own: mapping it then moves the bytes without a staging copy. */
    cl_mem_flags flags = CL_MEM_READ_WRITE |
                         (cl(b)->dev.host_unified ? CL_MEM_ALLOC_HOST_PTR : 0);
    cl_mem m = cocob_fault(COCOB_FAULT_ALLOC)
                   ? NULL
                   : clCreateBuffer(cl(b)->context, flags, bytes, NULL, &rc);
    if (rc != CL_SUCCESS) {
        free(buf);
        char what[64];
        snprintf(what, sizeof what, "clCreateBuffer of %zu bytes", bytes);
        return cocob_cl_failed(b, what, rc);
    }
    buf->handle = m;
    buf->bytes = bytes;
    /* A new buffer reads as zeros, as on ref. */
    float zero = 0.0f;
    rc = clEnqueueFillBuffer(cl(b)->queue, m, &zero, sizeof zero, 0, bytes, 0, NULL, NULL);
    if (rc != CL_SUCCESS) {
        clReleaseMemObject(m);
        free(buf);
        return cocob_cl_failed(b, "clEnqueueFillBuffer", rc);
    }
    cocob_backend_count_alloc(b, bytes);
    *out = buf;
    return COCOB_OK;
}

static void cl_free(cocob_backend *b, cocob_buffer *buf)
{
    if (buf) {
        b->live_bytes -= buf->bytes;
        clReleaseMemObject(cocob_cl_mem(buf));
    }
    free(buf);
}

/* Blocking, so that the bytes can be used as soon as this returns; the
 * in-order queue then runs later commands after the unmap. */
static cocob_status map(cocob_backend *b, cl_mem m, cl_map_flags flags, size_t off, size_t bytes,
                        void **out)
{
    cl_int rc = CL_SUCCESS;
    *out = clEnqueueMapBuffer(cl(b)->queue, m, CL_TRUE, flags, off, bytes, 0, NULL, NULL, &rc);
    if (rc == CL_SUCCESS && !*out)
        rc = CL_MAP_FAILURE;
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clEnqueueMapBuffer", rc);
}

static cocob_status unmap(cocob_backend *b, cl_mem m, void *at)
{
    cl_int rc = clEnqueueUnmapMemObject(cl(b)->queue, m, at, 0, NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clEnqueueUnmapMemObject", rc);
}

static cocob_status map_upload(cocob_backend *b, cl_mem m, size_t off, const void *src,
                               size_t bytes)
{
    void *at;
    /* Nothing of the region is read, so the driver need not fetch it. */
    cocob_status s = map(b, m, CL_MAP_WRITE_INVALIDATE_REGION, off, bytes, &at);
    if (s != COCOB_OK)
        return s;
    memcpy(at, src, bytes);
    return unmap(b, m, at);
}

static cocob_status map_download(cocob_backend *b, cl_mem m, size_t off, void *dst, size_t bytes)
{
    void *at;
    cocob_status s = map(b, m, CL_MAP_READ, off, bytes, &at);
    if (s != COCOB_OK)
        return s;
    memcpy(dst, at, bytes);
    return unmap(b, m, at);
}

static cocob_status cl_upload(cocob_backend *b, cocob_buffer *dst, size_t off, const void *src,
                              size_t bytes)
{
    if (cl(b)->dev.host_unified)
        return map_upload(b, cocob_cl_mem(dst), off, src, bytes);
    /* Blocking: the caller may reuse src as soon as this returns. */
    cl_int rc = clEnqueueWriteBuffer(cl(b)->queue, cocob_cl_mem(dst), CL_TRUE, off, bytes, src, 0,
                                     NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clEnqueueWriteBuffer", rc);
}

/* Not mapped even where host and device share memory: a map can be written
 * only once it is done, which is the wait this avoids. */
static cocob_status cl_upload_queued(cocob_backend *b, cocob_buffer *dst, size_t off,
                                     const void *src, size_t bytes)
{
    cl_int rc = clEnqueueWriteBuffer(cl(b)->queue, cocob_cl_mem(dst), CL_FALSE, off, bytes, src,
                                     0, NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clEnqueueWriteBuffer", rc);
}

static cocob_status cl_download(cocob_backend *b, const cocob_buffer *src, size_t off, void *dst,
                                size_t bytes)
{
    if (cl(b)->dev.host_unified)
        return map_download(b, cocob_cl_mem(src), off, dst, bytes);
    cl_int rc = clEnqueueReadBuffer(cl(b)->queue, cocob_cl_mem(src), CL_TRUE, off, bytes, dst, 0,
                                    NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clEnqueueReadBuffer", rc);
}

static cocob_status cl_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_off,
                            const cocob_buffer *src, size_t src_off, size_t bytes)
{
    cl_int rc = clEnqueueCopyBuffer(cl(b)->queue, cocob_cl_mem(src), cocob_cl_mem(dst), src_off,
                                    dst_off, bytes, 0, NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clEnqueueCopyBuffer", rc);
}

static cocob_status cl_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                            size_t count)
{
    cl_int rc = clEnqueueFillBuffer(cl(b)->queue, cocob_cl_mem(dst), &value, sizeof value,
                                    offset * sizeof(float), count * sizeof(float), 0, NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clEnqueueFillBuffer", rc);
}

static cocob_status cl_finish(cocob_backend *b)
{
    cl_int rc = clFinish(cl(b)->queue);
    return rc == CL_SUCCESS ? COCOB_OK : cocob_cl_failed(b, "clFinish", rc);
}

static void cl_destroy(cocob_backend *base)
{
    cocob_cl_backend *b = cl(base);
    for (size_t i = 0; i < b->kernel_count; i++)
        clReleaseKernel(b->kernels[i].kernel);
    free(b->kernels);
    if (b->partials)
        clReleaseMemObject(b->partials);
    if (b->stats_partials)
        clReleaseMemObject(b->stats_partials);
    for (size_t i = 0; i < sizeof b->conv_scratch / sizeof *b->conv_scratch; i++)
        if (b->conv_scratch[i])
            clReleaseMemObject(b->conv_scratch[i]);
    for (size_t i = 0; b->programs && i < cocob_cl_file_count(); i++)
        if (b->programs[i])
            clReleaseProgram(b->programs[i]);
    free(b->programs);
    if (b->queue) {
        clFinish(b->queue);
        cocob_cl_gemm_release(b);
        clReleaseCommandQueue(b->queue);
    }
    if (b->context)
        clReleaseContext(b->context);
    free(b);
}

static const cocob_backend_i cl_iface = {
    .destroy = cl_destroy,
    .alloc = cl_alloc,
    .free = cl_free,
    .upload = cl_upload,
    .upload_queued = cl_upload_queued,
    .download = cl_download,
    .copy = cl_copy,
    .fill = cl_fill,
    .finish = cl_finish,
    .cocob_update = cocob_cl_cocob_update,
    .sgd_update = cocob_cl_sgd_update,
    .adagrad_update = cocob_cl_adagrad_update,
    .rmsprop_update = cocob_cl_rmsprop_update,
    .adadelta_update = cocob_cl_adadelta_update,
    .adam_update = cocob_cl_adam_update,
    .ckt_update = cocob_cl_ckt_update,
    .kt_update = cocob_cl_kt_update,
    .dog_update = cocob_cl_dog_update,
    .lr_free_reduce = cocob_cl_lr_free_reduce,
    .lr_free_finalize = cocob_cl_lr_free_finalize,
    .prodigy_accumulate = cocob_cl_prodigy_accumulate,
    .prodigy_update = cocob_cl_prodigy_update,
    .count_nonfinite = cocob_cl_count_nonfinite,
    .flag_nonfinite = cocob_cl_flag_nonfinite,
    .schedule_free_update = cocob_cl_schedule_free_update,
    .stats = cocob_cl_stats_op,
    .gemm = cocob_cl_gemm,
    .conv2d = cocob_cl_conv2d,
    .conv2d_grad_input = cocob_cl_conv2d_grad_input,
    .conv2d_grad_weights = cocob_cl_conv2d_grad_weights,
    .maxpool = cocob_cl_maxpool,
    .maxpool_grad = cocob_cl_maxpool_grad,
    .bias_add = cocob_cl_bias_add,
    .bias_grad = cocob_cl_bias_grad,
    .activation = cocob_cl_activation,
    .activation_grad = cocob_cl_activation_grad,
    .softmax_xent = cocob_cl_softmax_xent,
    .softmax_xent_grad = cocob_cl_softmax_xent_grad,
    .mse = cocob_cl_mse,
    .mse_grad = cocob_cl_mse_grad,
    .argmax = cocob_cl_argmax,
    .dropout = cocob_cl_dropout,
    .dropout_grad = cocob_cl_dropout_grad,
    .triad = cocob_cl_triad,
    .dadapt_adam_accumulate = cocob_cl_dadapt_adam_accumulate,
    .dadapt_adam_update = cocob_cl_dadapt_adam_update,
};

/* Mapping pays only where host and device share memory (integrated GPUs,
 * CPU devices). COCOB_UNIFIED=off keeps the copy path there too and =on
 * maps on any device, so that the two can be measured against each other
 * and the mapped one checked where the device has no unified memory (as
 * Oclgrind's has not). */
static void choose_transfers(cocob_cl_backend *b)
{
    int set = cocob_setting("COCOB_UNIFIED", -1);
    int off = set == 0, on = set == 1;
    const char *why = off                   ? "COCOB_UNIFIED=off"
                      : on                  ? "COCOB_UNIFIED=on"
                      : b->dev.host_unified ? "CL_DEVICE_HOST_UNIFIED_MEMORY"
                                            : "no CL_DEVICE_HOST_UNIFIED_MEMORY";
    b->dev.host_unified = on || (b->dev.host_unified && !off);
    cocob_log(b->base.log, COCOB_LOG_DEBUG, "%s (%s): %s (%s)", b->base.info.name,
              b->base.info.selector,
              b->dev.host_unified ? "host-visible buffers, moved by mapping"
                                  : "buffers moved by clEnqueueWriteBuffer and ReadBuffer",
              why);
}

cocob_cl_backend *cocob_cl_backend_of(cocob_backend *b)
{
    return b->iface == &cl_iface ? (cocob_cl_backend *)b : NULL;
}

cocob_status cocob_cl_backend_create(const cocob_cl_device *dev, cocob_error *err,
                                     const cocob_logger *log, cocob_backend **out)
{
    cocob_cl_backend *b = calloc(1, sizeof *b);
    if (!b)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    b->base.iface = &cl_iface;
    b->base.err = err;
    b->base.log = log;
    b->base.info = dev->info;
    b->dev = *dev;
    choose_transfers(b);
    cocob_cl_build_options(dev, b->options, sizeof b->options);
    b->programs = calloc(cocob_cl_file_count(), sizeof *b->programs);
    if (!b->programs) {
        free(b);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    }
    cl_int rc;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)dev->platform,
                                     0};
    b->context = clCreateContext(props, 1, &dev->device, NULL, NULL, &rc);
    if (rc == CL_SUCCESS)
        b->queue = clCreateCommandQueue(b->context, dev->device, 0, &rc);
    if (rc != CL_SUCCESS) {
        cocob_status s = cocob_cl_failed(&b->base,
                                         b->context ? "clCreateCommandQueue" : "clCreateContext",
                                         rc);
        cl_destroy(&b->base);
        return s;
    }
    cocob_cl_gemm_load(b);
    *out = &b->base;
    return COCOB_OK;
}
