/* Launches cl/ckt.cl's ckt_update, the fused cKT step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_ckt_update(cocob_backend *base, const cocob_ckt_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "ckt.cl", "ckt_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, s_off = a->state_offset, n = a->n;
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad);
    cl_uint i = 0;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, i++, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, i++, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, i++, sizeof g_off, &g_off, rc);
    for (int j = 0; j < COCOB_CKT_STATES; j++) {
        cl_mem m = cocob_cl_mem(a->state[j]);
        rc = cocob_cl_arg(k, i++, sizeof m, &m, rc);
    }
    rc = cocob_cl_arg(k, i++, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, i++, sizeof a->weight_decay, &a->weight_decay, rc);
    rc = cocob_cl_skip_args(k, i, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(ckt_update)", rc);
    return cocob_cl_launch_1d(b, k, "ckt_update", a->n);
}
