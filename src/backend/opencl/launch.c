/* Launching a kernel: arguments, work-group sizes within the device's and the
 * kernel's limits, and a readable error when the enqueue fails. */
#include <stdint.h>
#include <stdio.h>

#include "backend/opencl/opencl.h"
#include "base/fault.h"

cl_int cocob_cl_arg(cl_kernel k, cl_uint i, size_t size, const void *value, cl_int rc)
{
    return rc == CL_SUCCESS ? clSetKernelArg(k, i, size, value) : rc;
}

cl_int cocob_cl_skip_args(cl_kernel k, cl_uint i, const cocob_buffer *skip, size_t skip_offset,
                          cl_int rc)
{
    /* No guard: OpenCL lets a NULL stand for the buffer, which the kernel tests. */
    cl_mem m = skip ? cocob_cl_mem(skip) : NULL;
    cl_ulong off = skip_offset;
    rc = cocob_cl_arg(k, i, sizeof m, &m, rc);
    return cocob_cl_arg(k, i + 1, sizeof off, &off, rc);
}

cl_int cocob_cl_update_args(cl_kernel k, const cocob_buffer *w, size_t w_offset,
                            const cocob_buffer *grad, size_t grad_offset,
                            cocob_buffer *const *state, int states, size_t state_offset, size_t n,
                            cl_uint *next)
{
    cl_ulong w_off = w_offset, g_off = grad_offset, s_off = state_offset, nn = n;
    cl_mem mw = cocob_cl_mem(w), mg = cocob_cl_mem(grad);
    cl_uint i = 0;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, i++, sizeof mw, &mw, rc);
    rc = cocob_cl_arg(k, i++, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof mg, &mg, rc);
    rc = cocob_cl_arg(k, i++, sizeof g_off, &g_off, rc);
    for (int j = 0; j < states; j++) {
        cl_mem m = cocob_cl_mem(state[j]);
        rc = cocob_cl_arg(k, i++, sizeof m, &m, rc);
    }
    rc = cocob_cl_arg(k, i++, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof nn, &nn, rc);
    *next = i;
    return rc;
}

/* A limit of 0 is one the driver did not answer: it does not bind. */
static size_t bound(size_t value, uint64_t limit)
{
    return limit && limit < value ? (size_t)limit : value;
}

cocob_status cocob_cl_group_limit(cocob_cl_backend *b, cl_kernel k, size_t *out)
{
    size_t kernel_wg = 0;
    cl_int rc = clGetKernelWorkGroupInfo(k, b->dev.device, CL_KERNEL_WORK_GROUP_SIZE,
                                         sizeof kernel_wg, &kernel_wg, NULL);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(&b->base, "clGetKernelWorkGroupInfo(CL_KERNEL_WORK_GROUP_SIZE)",
                               rc);
    *out = bound(bound(SIZE_MAX, kernel_wg), b->base.info.max_work_group_size);
    return COCOB_OK;
}

cocob_status cocob_cl_group_size(cocob_cl_backend *b, cl_kernel k, const char *name, int pow2,
                                 size_t local_per_item, size_t *out)
{
    size_t most = 0;
    cocob_status s = cocob_cl_group_limit(b, k, &most);
    if (s != COCOB_OK)
        return s;
    cl_ulong kernel_local = 0;
    cl_int rc = local_per_item
                    ? clGetKernelWorkGroupInfo(k, b->dev.device, CL_KERNEL_LOCAL_MEM_SIZE,
                                               sizeof kernel_local, &kernel_local, NULL)
                    : CL_SUCCESS;
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(&b->base, "clGetKernelWorkGroupInfo(CL_KERNEL_LOCAL_MEM_SIZE)",
                               rc);
    const cocob_device_info *d = &b->base.info;
    size_t local = bound(256, most);
    if (local_per_item && d->local_mem_bytes) {
        /* The kernel's own __local variables come off the top; the
         * scratch the launch passes grows with the group. */
        uint64_t room = d->local_mem_bytes > kernel_local ? d->local_mem_bytes - kernel_local : 0;
        if (room < local_per_item)
            return cocob_fail(b->base.err, COCOB_ERR_DEVICE_LIMIT,
                              "%s needs %zu bytes of local memory per work-item beside the "
                              "kernel's own %llu, but %s (%s) has %llu bytes "
                              "(CL_DEVICE_LOCAL_MEM_SIZE)",
                              name, local_per_item, (unsigned long long)kernel_local, d->name,
                              d->selector, (unsigned long long)d->local_mem_bytes);
        local = bound(local, room / local_per_item);
    }
    while (pow2 && (local & (local - 1)))
        local &= local - 1;
    *out = local;
    return COCOB_OK;
}

cocob_status cocob_cl_enqueue(cocob_cl_backend *b, cl_kernel k, const char *name, size_t global,
                              size_t local)
{
    cl_int rc = cocob_fault(COCOB_FAULT_ENQUEUE)
                    ? CL_OUT_OF_RESOURCES
                    : clEnqueueNDRangeKernel(b->queue, k, 1, NULL, &global, &local, 0, NULL,
                                             NULL);
    if (rc != CL_SUCCESS)
        return cocob_fail(b->base.err,
                          rc == CL_OUT_OF_RESOURCES || rc == CL_MEM_OBJECT_ALLOCATION_FAILURE
                              ? COCOB_ERR_OUT_OF_MEMORY
                              : COCOB_ERR_OPENCL,
                          "launching %s (global %zu, local %zu) on %s failed: %s (%d)", name,
                          global, local, b->base.info.name, cocob_cl_error_name(rc), rc);
    return COCOB_OK;
}

/* The global size is rounded up to the group size so that any n works;
 * leaving the group size to the driver would give groups of 1 for a prime n
 * on some. */
cocob_status cocob_cl_launch_1d(cocob_cl_backend *b, cl_kernel k, const char *name, size_t n)
{
    size_t local = 1;
    cocob_status s = cocob_cl_group_size(b, k, name, 0, 0, &local);
    if (s != COCOB_OK)
        return s;
    size_t global = (n + local - 1) / local * local;
    if (global < n)
        return cocob_fail(b->base.err, COCOB_ERR_DEVICE_LIMIT,
                          "%s: %zu elements is more than one launch can index", name, n);
    return cocob_cl_enqueue(b, k, name, global, local);
}

cocob_status cocob_cl_reduction(cocob_cl_backend *b, cl_kernel k, const char *name,
                                size_t local_per_item, cl_mem *partials, size_t bytes,
                                const char *what, size_t n, size_t most_groups, size_t *local,
                                size_t *groups)
{
    cl_int rc = CL_SUCCESS;
    if (!*partials && cocob_fault(COCOB_FAULT_ALLOC))
        rc = CL_MEM_OBJECT_ALLOCATION_FAILURE;
    else if (!*partials)
        *partials = clCreateBuffer(b->context, CL_MEM_READ_WRITE, bytes, NULL, &rc);
    if (rc != CL_SUCCESS) {
        char call[128];
        snprintf(call, sizeof call, "clCreateBuffer of %zu bytes for %s", bytes, what);
        return cocob_cl_failed(&b->base, call, rc);
    }
    *local = 1;
    cocob_status s = cocob_cl_group_size(b, k, name, 1, local_per_item, local);
    if (s != COCOB_OK)
        return s;
    *groups = (n + *local - 1) / *local;
    if (*groups > most_groups)
        *groups = most_groups;
    return COCOB_OK;
}

cocob_status cocob_cl_launch_rows(cocob_backend *base, const char *file, const char *name,
                                  const cocob_span *operand, cl_uint count, size_t rows,
                                  size_t cols, size_t items)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, file, name, &k);
    if (s != COCOB_OK)
        return s;
    cl_int rc = CL_SUCCESS;
    for (cl_uint i = 0; i < count; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 * i + 1, sizeof off, &off, rc);
    }
    cl_ulong nr = rows, nc = cols;
    rc = cocob_cl_arg(k, 2 * count, sizeof nr, &nr, rc);
    rc = cocob_cl_arg(k, 2 * count + 1, sizeof nc, &nc, rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, name, items);
}
