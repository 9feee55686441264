/* Launches cl/mse.cl's mse and mse_grad. */
#include <stdio.h>

#include "backend/opencl/opencl.h"

/* Both kernels take (x, targets, out) as buffer and offset, then rows and
 * cols; items is how many work-items the kernel wants. */
static cocob_status launch(cocob_backend *base, const char *name, cocob_span x,
                           cocob_span targets, cocob_span out, size_t rows, size_t cols,
                           size_t items)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "mse.cl", name, &k);
    if (s != COCOB_OK)
        return s;
    const cocob_span operand[3] = {x, targets, out};
    cl_int rc = CL_SUCCESS;
    for (cl_uint i = 0; i < 3; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 * i + 1, sizeof off, &off, rc);
    }
    cl_ulong nr = rows, nc = cols;
    rc = cocob_cl_arg(k, 6, sizeof nr, &nr, rc);
    rc = cocob_cl_arg(k, 7, sizeof nc, &nc, rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, name, items);
}

cocob_status cocob_cl_mse(cocob_backend *base, cocob_span x, cocob_span targets, cocob_span loss,
                          size_t rows, size_t cols)
{
    return launch(base, "mse", x, targets, loss, rows, cols, rows);
}

/* The op layer has checked that rows x cols fits a size_t. */
cocob_status cocob_cl_mse_grad(cocob_backend *base, cocob_span x, cocob_span targets,
                               cocob_span dx, size_t rows, size_t cols)
{
    return launch(base, "mse_grad", x, targets, dx, rows, cols, rows * cols);
}
