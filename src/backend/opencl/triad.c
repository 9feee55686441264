/* Launches cl/triad.cl's triad, the bandwidth yardstick. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_triad(cocob_backend *base, cocob_buffer *a, const cocob_buffer *bb,
                            const cocob_buffer *c, float sc, size_t n)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "triad.cl", "triad", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem ma = cocob_cl_mem(a), mb = cocob_cl_mem(bb), mc = cocob_cl_mem(c);
    cl_ulong nn = n;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof ma, &ma, rc);
    rc = cocob_cl_arg(k, 1, sizeof mb, &mb, rc);
    rc = cocob_cl_arg(k, 2, sizeof mc, &mc, rc);
    rc = cocob_cl_arg(k, 3, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, 4, sizeof nn, &nn, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(triad)", rc);
    /* Eight elements an item: cl/triad.cl says why. */
    return cocob_cl_launch_1d(b, k, "triad", n / 8 + (n % 8 != 0));
}
