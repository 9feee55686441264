/* Launches cl/im2col.cl's im2col and col2im. */
#include <stdio.h>

#include "backend/opencl/opencl.h"

/* Both kernels take (from, its offset, to, its offset, the shape) and one
 * work-item per element of to, n of them. */
static cocob_status launch(cocob_backend *base, const char *name, const cocob_conv_shape *s,
                           cocob_span from, cocob_span to, size_t n)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status st = cocob_cl_kernel(b, "im2col.cl", name, &k);
    if (st != COCOB_OK)
        return st;
    cl_mem in = cocob_cl_mem(from.buf), out = cocob_cl_mem(to.buf);
    cl_ulong in_off = from.off, out_off = to.off;
    const cl_ulong shape[10] = {s->batch,    s->channels, s->height, s->width, s->kernel_h,
                                s->kernel_w, s->stride,   s->pad,    s->out_h, s->out_w};
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof in, &in, rc);
    rc = cocob_cl_arg(k, 1, sizeof in_off, &in_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof out, &out, rc);
    rc = cocob_cl_arg(k, 3, sizeof out_off, &out_off, rc);
    for (cl_uint i = 0; i < 10; i++)
        rc = cocob_cl_arg(k, 4 + i, sizeof shape[i], &shape[i], rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, name, n);
}

cocob_status cocob_cl_im2col(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                             cocob_span col)
{
    /* The op layer (src/ops) has made sure that these products do not overflow. */
    size_t rows = s->channels * s->kernel_h * s->kernel_w;
    return launch(b, "im2col", s, x, col, rows * s->batch * s->out_h * s->out_w);
}

cocob_status cocob_cl_col2im(cocob_backend *b, const cocob_conv_shape *s, cocob_span col,
                             cocob_span x)
{
    return launch(b, "col2im", s, col, x, s->batch * s->channels * s->height * s->width);
}
