/* Launches cl/conv2d.cl's conv2d, conv2d_grad_input and conv2d_grad_weights. */
#include <limits.h>
#include <stdio.h>

#include "backend/opencl/opencl.h"
#include "base/checked.h"
#include "base/fault.h"

/* Must match cl/conv2d.cl: filters or channels per tile, positions per
 * vector, filters per conv2d_grad_weights tile (of one tap). */
enum { TM = 8, VW = 8, WM = 16 };

static size_t tiles(size_t n, size_t per)
{
    return (n + per - 1) / per;
}

/* Each kernel takes three operands, each a buffer and an offset, then the
 * shape, and conv2d_grad_weights how many slices of the batch it sums apart
 * (parts, 0 for the others); one work-item per tile, `count` of them. */
static cocob_status launch(cocob_backend *base, const char *name, const cocob_conv_shape *s,
                           const cocob_span operand[3], size_t parts, size_t count)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    /* The kernels index within a padded plane in int, which is faster than
     * ulong on every device and plenty for any image. */
    size_t pad2 = 0, ph = 0, pw = 0, padded = 0;
    if (!size_mul(2, s->pad, &pad2) || !size_add(s->height, pad2, &ph) ||
        !size_add(s->width, pad2, &pw) || !size_mul(ph, pw, &padded) || padded > INT_MAX)
        return cocob_fail(base->err, COCOB_ERR_DEVICE_LIMIT,
                          "%s: a %zu x %zu plane padded by %zu is more than the OpenCL kernels "
                          "index (%d elements)",
                          name, s->height, s->width, s->pad, INT_MAX);
    cl_kernel k;
    cocob_status st = cocob_cl_kernel(b, "conv2d.cl", name, &k);
    if (st != COCOB_OK)
        return st;
    const cl_ulong shape[11] = {s->batch,    s->channels, s->height, s->width,
                                s->kernel_h, s->kernel_w, s->stride, s->pad,
                                s->out_h,    s->out_w,    s->filters};
    cl_int rc = CL_SUCCESS;
    for (cl_uint i = 0; i < 3; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 * i + 1, sizeof off, &off, rc);
    }
    for (cl_uint i = 0; i < 11; i++)
        rc = cocob_cl_arg(k, 6 + i, sizeof shape[i], &shape[i], rc);
    cl_ulong slices = parts;
    if (parts)
        rc = cocob_cl_arg(k, 17, sizeof slices, &slices, rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
        return cocob_cl_failed(base, what, rc);
    }
    /* As gemm.c's tiles: on a CPU, groups of one work-item let PoCL run a
     * tile as straight-line vector code; elsewhere groups as large as the
     * kernel allows, up to 64, since each work-item's tile is its own. */
    size_t local = 1;
    if (base->info.type != COCOB_DEVICE_CPU) {
        st = cocob_cl_group_limit(b, k, &local);
        if (st != COCOB_OK)
            return st;
        if (local > 64)
            local = 64;
    }
    return cocob_cl_enqueue(b, k, name, tiles(count, local) * local, local);
}

cocob_status cocob_cl_conv2d(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                             cocob_span w, cocob_span y)
{
    const cocob_span operand[3] = {x, w, y};
    /* The op layer (src/ops) has made sure that the tensors' sizes do not
     * overflow, and there are fewer tiles than elements. */
    return launch(b, "conv2d", s, operand, 0,
                  s->batch * tiles(s->out_h * s->out_w, VW) * tiles(s->filters, TM));
}

cocob_status cocob_cl_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *s,
                                        cocob_span dy, cocob_span w, cocob_span dx)
{
    const cocob_span operand[3] = {dy, w, dx};
    return launch(b, "conv2d_grad_input", s, operand, 0,
                  s->batch * tiles(s->height * s->width, VW) * tiles(s->channels, TM));
}

/* The slices' partial sums of dw, at most this many bytes unless dw alone
 * is more, and at most this many slices: enough for a batch's slice to stay
 * in a CPU's cache while its tiles run. */
enum { PARTS_BYTES = 16 << 20, MOST_PARTS = 32 };

/* b->conv_partials, grown to at least bytes. */
static cocob_status partials(cocob_cl_backend *b, size_t bytes)
{
    if (b->conv_partials && b->conv_partials_bytes >= bytes)
        return COCOB_OK;
    if (b->conv_partials)
        clReleaseMemObject(b->conv_partials);
    b->conv_partials = NULL;
    b->conv_partials_bytes = 0;
    cl_int rc = CL_MEM_OBJECT_ALLOCATION_FAILURE;
    if (!cocob_fault(COCOB_FAULT_ALLOC))
        b->conv_partials = clCreateBuffer(b->context, CL_MEM_READ_WRITE, bytes, NULL, &rc);
    if (rc != CL_SUCCESS) {
        b->conv_partials = NULL;
        char call[128];
        snprintf(call, sizeof call,
                 "clCreateBuffer of %zu bytes for conv2d_grad_weights' partial sums", bytes);
        return cocob_cl_failed(&b->base, call, rc);
    }
    b->conv_partials_bytes = bytes;
    return COCOB_OK;
}

cocob_status cocob_cl_conv2d_grad_weights(cocob_backend *base, const cocob_conv_shape *s,
                                          cocob_span dy, cocob_span x, cocob_span dw)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    size_t rows = s->channels * s->kernel_h * s->kernel_w, count = s->filters * rows;
    size_t parts = PARTS_BYTES / (count * sizeof(float));
    if (parts > MOST_PARTS)
        parts = MOST_PARTS;
    if (parts > s->batch)
        parts = s->batch;
    /* One slice needs no sum: its part is dw itself. */
    if (parts <= 1) {
        const cocob_span operand[3] = {dy, x, dw};
        return launch(base, "conv2d_grad_weights", s, operand, 1, tiles(s->filters, WM) * rows);
    }
    cocob_status st = partials(b, parts * count * sizeof(float));
    cocob_buffer part = {b->conv_partials, b->conv_partials_bytes};
    const cocob_span operand[3] = {dy, x, {&part, 0}};
    if (st == COCOB_OK)
        st = launch(base, "conv2d_grad_weights", s, operand, parts,
                    parts * tiles(s->filters, WM) * rows);
    cl_kernel k;
    if (st == COCOB_OK)
        st = cocob_cl_kernel(b, "conv2d.cl", "conv2d_grad_weights_sum", &k);
    if (st != COCOB_OK)
        return st;
    cl_mem m = b->conv_partials, out = cocob_cl_mem(dw.buf);
    cl_ulong zero = 0, off = dw.off, n = count, slices = parts;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof m, &m, rc);
    rc = cocob_cl_arg(k, 1, sizeof zero, &zero, rc);
    rc = cocob_cl_arg(k, 2, sizeof out, &out, rc);
    rc = cocob_cl_arg(k, 3, sizeof off, &off, rc);
    rc = cocob_cl_arg(k, 4, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 5, sizeof slices, &slices, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(conv2d_grad_weights_sum)", rc);
    return cocob_cl_launch_1d(b, k, "conv2d_grad_weights_sum", count);
}
