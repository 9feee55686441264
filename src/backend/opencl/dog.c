/* Launches cl/dog.cl's dog_update, the DoG step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_dog_update(cocob_backend *base, const cocob_dog_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "dog.cl", "dog_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad), sc = cocob_cl_mem(a->scalars);
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, n = a->n, eta_off = a->eta_offset;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, 1, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, 3, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 5, sizeof a->weight_decay, &a->weight_decay, rc);
    rc = cocob_cl_arg(k, 6, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, 7, sizeof eta_off, &eta_off, rc);
    rc = cocob_cl_skip_args(k, 8, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(dog_update)", rc);
    return cocob_cl_launch_1d(b, k, "dog_update", a->n);
}
