/* Launches cl/maxpool.cl's maxpool, maxpool_grad and maxpool_grad_tiled. */
#include <stdio.h>

#include "backend/opencl/opencl.h"

/* The kernels take three operands, each a buffer and an offset, then the
 * shape; n work-items: one per row of windows for maxpool and
 * maxpool_grad_tiled, one per input position for maxpool_grad. */
static cocob_status launch(cocob_backend *base, const char *name, const cocob_pool_shape *s,
                           const cocob_span operand[3], size_t n)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status st = cocob_cl_kernel(b, "maxpool.cl", name, &k);
    if (st != COCOB_OK)
        return st;
    const cl_ulong shape[7] = {s->planes, s->height, s->width, s->size,
                               s->stride, s->out_h,  s->out_w};
    cl_int rc = CL_SUCCESS;
    for (cl_uint i = 0; i < 3; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 * i + 1, sizeof off, &off, rc);
    }
    for (cl_uint i = 0; i < 7; i++)
        rc = cocob_cl_arg(k, 6 + i, sizeof shape[i], &shape[i], rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, name, n);
}

cocob_status cocob_cl_maxpool(cocob_backend *b, const cocob_pool_shape *s, cocob_span x,
                              cocob_span y, cocob_span idx)
{
    const cocob_span operand[3] = {x, y, idx};
    /* The op layer (src/ops) has made sure that the product does not overflow. */
    return launch(b, "maxpool", s, operand, s->planes * s->out_h);
}

cocob_status cocob_cl_maxpool_grad(cocob_backend *b, const cocob_pool_shape *s, cocob_span dy,
                                   cocob_span idx, cocob_span dx)
{
    const cocob_span operand[3] = {dy, idx, dx};
    if (s->stride == s->size)
        return launch(b, "maxpool_grad_tiled", s, operand, s->planes * s->out_h);
    return launch(b, "maxpool_grad", s, operand, s->planes * s->height * s->width);
}
