/* Launches cl/swap_axes.cl's swap_axes. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_swap_axes(cocob_backend *base, cocob_span x, cocob_span y, size_t a,
                                size_t bb, size_t inner)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "swap_axes.cl", "swap_axes", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem mx = cocob_cl_mem(x.buf), my = cocob_cl_mem(y.buf);
    cl_ulong x_off = x.off, y_off = y.off, na = a, nb = bb, ni = inner;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof mx, &mx, rc);
    rc = cocob_cl_arg(k, 1, sizeof x_off, &x_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof my, &my, rc);
    rc = cocob_cl_arg(k, 3, sizeof y_off, &y_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof na, &na, rc);
    rc = cocob_cl_arg(k, 5, sizeof nb, &nb, rc);
    rc = cocob_cl_arg(k, 6, sizeof ni, &ni, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(swap_axes)", rc);
    return cocob_cl_launch_1d(b, k, "swap_axes", a * bb * inner);
}
