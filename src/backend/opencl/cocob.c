/* Launches cl/cocob.cl's cocob_update, the fused COCOB-Backprop step. */
#include "backend/opencl/opencl.h"

/* Elements a work-item takes: cl/cocob.cl's LANES. */
enum { LANES = 8 };

cocob_status cocob_cl_cocob_update(cocob_backend *base, const cocob_update_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "cocob.cl", "cocob_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, s_off = a->state_offset, n = a->n;
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad);
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, 1, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, 3, sizeof g_off, &g_off, rc);
    for (int i = 0; i < COCOB_STATE_COUNT; i++) {
        cl_mem m = cocob_cl_mem(a->state[i]);
        rc = cocob_cl_arg(k, 4 + (cl_uint)i, sizeof m, &m, rc);
    }
    rc = cocob_cl_arg(k, 9, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, 10, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 11, sizeof a->alpha, &a->alpha, rc);
    rc = cocob_cl_arg(k, 12, sizeof a->weight_decay, &a->weight_decay, rc);
    rc = cocob_cl_skip_args(k, 13, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(cocob_update)", rc);
    return cocob_cl_launch_1d(b, k, "cocob_update", a->n / LANES + (a->n % LANES != 0));
}
