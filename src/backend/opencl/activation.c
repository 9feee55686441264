/* Launches cl/activation.cl's activation and activation_grad. */
#include <stdio.h>

#include "backend/opencl/opencl.h"

/* Both kernels take the kind, then count operands (a buffer and an offset
 * each), then n. */
static cocob_status launch(cocob_backend *base, const char *name, cocob_activation f,
                           const cocob_span *operand, cl_uint count, size_t n)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "activation.cl", name, &k);
    if (s != COCOB_OK)
        return s;
    cl_int kind = (cl_int)f;
    cl_ulong nn = n;
    cl_int rc = cocob_cl_arg(k, 0, sizeof kind, &kind, CL_SUCCESS);
    for (cl_uint i = 0; i < count; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 1 + 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 + 2 * i, sizeof off, &off, rc);
    }
    rc = cocob_cl_arg(k, 1 + 2 * count, sizeof nn, &nn, rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, name, n);
}

cocob_status cocob_cl_activation(cocob_backend *b, cocob_activation f, cocob_span x, cocob_span y,
                                 size_t n)
{
    const cocob_span operand[2] = {x, y};
    return launch(b, "activation", f, operand, 2, n);
}

cocob_status cocob_cl_activation_grad(cocob_backend *b, cocob_activation f, cocob_span y,
                                      cocob_span dy, cocob_span dx, size_t n)
{
    const cocob_span operand[3] = {y, dy, dx};
    return launch(b, "activation_grad", f, operand, 3, n);
}
