/* The OpenCL backend: one context and one in-order queue per device; the
 * ops are the kernels of cl/, built on first use. */
#include <stdlib.h>
#include <string.h>

#include "backend/opencl/opencl.h"

static cocob_cl_backend *cl(cocob_backend *b)
{
    return (cocob_cl_backend *)b;
}

static cl_mem mem(const cocob_buffer *buf)
{
    return (cl_mem)buf->handle;
}

static cocob_status cl_failed(cocob_backend *b, const char *what, cl_int rc)
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
    cocob_buffer *buf = malloc(sizeof *buf);
    if (!buf)
        return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    cl_int rc;
    cl_mem m = clCreateBuffer(cl(b)->context, CL_MEM_READ_WRITE, bytes, NULL, &rc);
    if (rc != CL_SUCCESS) {
        free(buf);
        return cl_failed(b, "clCreateBuffer", rc);
    }
    buf->handle = m;
    buf->bytes = bytes;
    /* A new buffer reads as zeros, as on ref. */
    float zero = 0.0f;
    rc = clEnqueueFillBuffer(cl(b)->queue, m, &zero, sizeof zero, 0, bytes, 0, NULL, NULL);
    if (rc != CL_SUCCESS) {
        clReleaseMemObject(m);
        free(buf);
        return cl_failed(b, "clEnqueueFillBuffer", rc);
    }
    *out = buf;
    return COCOB_OK;
}

static void cl_free(cocob_backend *b, cocob_buffer *buf)
{
    (void)b;
    if (buf)
        clReleaseMemObject(mem(buf));
    free(buf);
}

static cocob_status cl_upload(cocob_backend *b, cocob_buffer *dst, size_t off, const void *src,
                              size_t bytes)
{
    /* Blocking: the caller may reuse src as soon as this returns. */
    cl_int rc = clEnqueueWriteBuffer(cl(b)->queue, mem(dst), CL_TRUE, off, bytes, src, 0, NULL,
                                     NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cl_failed(b, "clEnqueueWriteBuffer", rc);
}

static cocob_status cl_download(cocob_backend *b, const cocob_buffer *src, size_t off,
                                void *dst, size_t bytes)
{
    cl_int rc = clEnqueueReadBuffer(cl(b)->queue, mem(src), CL_TRUE, off, bytes, dst, 0, NULL,
                                    NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cl_failed(b, "clEnqueueReadBuffer", rc);
}

static cocob_status cl_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_off,
                            const cocob_buffer *src, size_t src_off, size_t bytes)
{
    cl_int rc = clEnqueueCopyBuffer(cl(b)->queue, mem(src), mem(dst), src_off, dst_off, bytes, 0,
                                    NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cl_failed(b, "clEnqueueCopyBuffer", rc);
}

static cocob_status cl_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                            size_t count)
{
    cl_int rc = clEnqueueFillBuffer(cl(b)->queue, mem(dst), &value, sizeof value,
                                    offset * sizeof(float), count * sizeof(float), 0, NULL, NULL);
    return rc == CL_SUCCESS ? COCOB_OK : cl_failed(b, "clEnqueueFillBuffer", rc);
}

static cocob_status cl_finish(cocob_backend *b)
{
    cl_int rc = clFinish(cl(b)->queue);
    return rc == CL_SUCCESS ? COCOB_OK : cl_failed(b, "clFinish", rc);
}

/* The kernel named name from a family's program, created once. */
static cocob_status kernel(cocob_cl_backend *b, cocob_cl_family f, const char *name,
                           cl_kernel *slot)
{
    if (*slot)
        return COCOB_OK;
    cl_program prog;
    cocob_status s = cocob_cl_program(b, f, &prog);
    if (s != COCOB_OK)
        return s;
    cl_int rc;
    *slot = clCreateKernel(prog, name, &rc);
    if (rc != CL_SUCCESS)
        return cocob_fail(b->base.err, COCOB_ERR_BUILD, "clCreateKernel(%s) from %s: %s (%d)",
                          name, cocob_cl_family_file(f), cocob_cl_error_name(rc), rc);
    return COCOB_OK;
}

/* Sets argument i, or records which one failed. */
static cl_int arg(cl_kernel k, cl_uint i, size_t size, const void *value, cl_int rc)
{
    return rc == CL_SUCCESS ? clSetKernelArg(k, i, size, value) : rc;
}

/* The largest work-group size both the kernel and the device allow, at most
 * 256; a power of two when pow2 is set (tree reductions need one). */
static cocob_status group_size(cocob_cl_backend *b, cl_kernel k, int pow2, size_t *out)
{
    size_t kernel_wg = 0;
    cl_int rc = clGetKernelWorkGroupInfo(k, b->dev.device, CL_KERNEL_WORK_GROUP_SIZE,
                                         sizeof kernel_wg, &kernel_wg, NULL);
    if (rc != CL_SUCCESS)
        return cl_failed(&b->base, "clGetKernelWorkGroupInfo", rc);
    size_t local = 256;
    if (kernel_wg && kernel_wg < local)
        local = kernel_wg;
    if (b->base.info.max_work_group_size && b->base.info.max_work_group_size < local)
        local = b->base.info.max_work_group_size;
    while (pow2 && (local & (local - 1)))
        local &= local - 1;
    *out = local;
    return COCOB_OK;
}

static cocob_status enqueue(cocob_cl_backend *b, cl_kernel k, const char *name, size_t global,
                            size_t local)
{
    cl_int rc = clEnqueueNDRangeKernel(b->queue, k, 1, NULL, &global, &local, 0, NULL, NULL);
    if (rc != CL_SUCCESS)
        return cocob_fail(b->base.err,
                          rc == CL_OUT_OF_RESOURCES || rc == CL_MEM_OBJECT_ALLOCATION_FAILURE
                              ? COCOB_ERR_OUT_OF_MEMORY
                              : COCOB_ERR_OPENCL,
                          "launching %s (global %zu, local %zu) on %s failed: %s (%d)", name,
                          global, local, b->base.info.name, cocob_cl_error_name(rc), rc);
    return COCOB_OK;
}

/* One work-item per element, the global size rounded up to the group size so
 * that any n works (the kernels test i < n); leaving the group size to the
 * driver would give groups of 1 for a prime n on some. */
static cocob_status launch_1d(cocob_cl_backend *b, cl_kernel k, const char *name, size_t n)
{
    size_t local = 1;
    cocob_status s = group_size(b, k, 0, &local);
    if (s != COCOB_OK)
        return s;
    size_t global = (n + local - 1) / local * local;
    if (global < n)
        return cocob_fail(b->base.err, COCOB_ERR_DEVICE_LIMIT,
                          "%s: %zu elements is more than one launch can index", name, n);
    return enqueue(b, k, name, global, local);
}

static cocob_status cl_cocob_update(cocob_backend *base, const cocob_update_args *a)
{
    cocob_cl_backend *b = cl(base);
    cocob_status s = kernel(b, COCOB_CL_COCOB, "cocob_update", &b->cocob_update);
    if (s != COCOB_OK)
        return s;
    cl_kernel k = b->cocob_update;
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, s_off = a->state_offset, n = a->n;
    cl_mem w = mem(a->w), g = mem(a->grad);
    cl_int rc = CL_SUCCESS;
    rc = arg(k, 0, sizeof w, &w, rc);
    rc = arg(k, 1, sizeof w_off, &w_off, rc);
    rc = arg(k, 2, sizeof g, &g, rc);
    rc = arg(k, 3, sizeof g_off, &g_off, rc);
    for (int i = 0; i < COCOB_STATE_COUNT; i++) {
        cl_mem m = mem(a->state[i]);
        rc = arg(k, 4 + (cl_uint)i, sizeof m, &m, rc);
    }
    rc = arg(k, 9, sizeof s_off, &s_off, rc);
    rc = arg(k, 10, sizeof n, &n, rc);
    rc = arg(k, 11, sizeof a->alpha, &a->alpha, rc);
    rc = arg(k, 12, sizeof a->weight_decay, &a->weight_decay, rc);
    if (rc != CL_SUCCESS)
        return cl_failed(base, "clSetKernelArg(cocob_update)", rc);
    return launch_1d(b, k, "cocob_update", a->n);
}

/* Enough groups to keep a large GPU busy; a grid-stride loop covers the rest. */
enum { NONFINITE_GROUPS = 64 };

static cocob_status cl_count_nonfinite(cocob_backend *base, const cocob_buffer *x, size_t offset,
                                       size_t n, size_t *count)
{
    cocob_cl_backend *b = cl(base);
    cocob_status s = kernel(b, COCOB_CL_NONFINITE, "count_nonfinite", &b->count_nonfinite);
    if (s != COCOB_OK)
        return s;
    cl_int rc = CL_SUCCESS;
    if (!b->partials)
        b->partials = clCreateBuffer(b->context, CL_MEM_READ_WRITE,
                                     NONFINITE_GROUPS * sizeof(cl_ulong), NULL, &rc);
    if (rc != CL_SUCCESS)
        return cl_failed(base, "clCreateBuffer(count_nonfinite partials)", rc);
    cl_kernel k = b->count_nonfinite;
    size_t local = 1;
    s = group_size(b, k, 1, &local);
    if (s != COCOB_OK)
        return s;
    size_t groups = (n + local - 1) / local;
    if (groups > NONFINITE_GROUPS)
        groups = NONFINITE_GROUPS;
    cl_mem mx = mem(x);
    cl_ulong off = offset, nn = n;
    rc = arg(k, 0, sizeof mx, &mx, rc);
    rc = arg(k, 1, sizeof off, &off, rc);
    rc = arg(k, 2, sizeof nn, &nn, rc);
    rc = arg(k, 3, sizeof b->partials, &b->partials, rc);
    rc = arg(k, 4, local * sizeof(cl_ulong), NULL, rc);
    if (rc != CL_SUCCESS)
        return cl_failed(base, "clSetKernelArg(count_nonfinite)", rc);
    s = enqueue(b, k, "count_nonfinite", groups * local, local);
    if (s != COCOB_OK)
        return s;
    cl_ulong partial[NONFINITE_GROUPS];
    rc = clEnqueueReadBuffer(b->queue, b->partials, CL_TRUE, 0, groups * sizeof(cl_ulong),
                             partial, 0, NULL, NULL);
    if (rc != CL_SUCCESS)
        return cl_failed(base, "clEnqueueReadBuffer(count_nonfinite partials)", rc);
    size_t total = 0;
    for (size_t i = 0; i < groups; i++)
        total += (size_t)partial[i];
    *count = total;
    return COCOB_OK;
}

static cocob_status cl_triad(cocob_backend *base, cocob_buffer *a, const cocob_buffer *bb,
                             const cocob_buffer *c, float sc, size_t n)
{
    cocob_cl_backend *b = cl(base);
    cocob_status s = kernel(b, COCOB_CL_TRIAD, "triad", &b->triad);
    if (s != COCOB_OK)
        return s;
    cl_kernel k = b->triad;
    cl_mem ma = mem(a), mb = mem(bb), mc = mem(c);
    cl_ulong nn = n;
    cl_int rc = CL_SUCCESS;
    rc = arg(k, 0, sizeof ma, &ma, rc);
    rc = arg(k, 1, sizeof mb, &mb, rc);
    rc = arg(k, 2, sizeof mc, &mc, rc);
    rc = arg(k, 3, sizeof sc, &sc, rc);
    rc = arg(k, 4, sizeof nn, &nn, rc);
    if (rc != CL_SUCCESS)
        return cl_failed(base, "clSetKernelArg(triad)", rc);
    return launch_1d(b, k, "triad", n);
}

static void cl_destroy(cocob_backend *base)
{
    cocob_cl_backend *b = cl(base);
    if (b->cocob_update)
        clReleaseKernel(b->cocob_update);
    if (b->count_nonfinite)
        clReleaseKernel(b->count_nonfinite);
    if (b->triad)
        clReleaseKernel(b->triad);
    if (b->partials)
        clReleaseMemObject(b->partials);
    for (int i = 0; i < COCOB_CL_FAMILY_COUNT; i++)
        if (b->programs[i])
            clReleaseProgram(b->programs[i]);
    if (b->queue) {
        clFinish(b->queue);
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
    .download = cl_download,
    .copy = cl_copy,
    .fill = cl_fill,
    .finish = cl_finish,
    .cocob_update = cl_cocob_update,
    .count_nonfinite = cl_count_nonfinite,
    .triad = cl_triad,
};

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
    cocob_cl_build_options(dev, b->options, sizeof b->options);
    cl_int rc;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)dev->platform,
                                     0};
    b->context = clCreateContext(props, 1, &dev->device, NULL, NULL, &rc);
    if (rc == CL_SUCCESS)
        b->queue = clCreateCommandQueue(b->context, dev->device, 0, &rc);
    if (rc != CL_SUCCESS) {
        cocob_status s = cl_failed(&b->base, b->context ? "clCreateCommandQueue"
                                                        : "clCreateContext", rc);
        cl_destroy(&b->base);
        return s;
    }
    *out = &b->base;
    return COCOB_OK;
}
