/* Launches cl/argmax.cl's argmax. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_argmax(cocob_backend *base, cocob_span x, cocob_span out, size_t rows,
                             size_t cols)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "argmax.cl", "argmax", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem mx = cocob_cl_mem(x.buf), mo = cocob_cl_mem(out.buf);
    cl_ulong x_off = x.off, out_off = out.off, nr = rows, nc = cols;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof mx, &mx, rc);
    rc = cocob_cl_arg(k, 1, sizeof x_off, &x_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof mo, &mo, rc);
    rc = cocob_cl_arg(k, 3, sizeof out_off, &out_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof nr, &nr, rc);
    rc = cocob_cl_arg(k, 5, sizeof nc, &nc, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(argmax)", rc);
    return cocob_cl_launch_1d(b, k, "argmax", rows);
}
