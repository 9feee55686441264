/* Launches cl/ckt.cl's ckt_update, the fused cKT step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_ckt_update(cocob_backend *base, const cocob_ckt_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "ckt.cl", "ckt_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_uint i = 0;
    cl_int rc = cocob_cl_update_args(k, a->w, a->w_offset, a->grad, a->grad_offset, a->state,
                                     COCOB_CKT_STATES, a->state_offset, a->n, &i);
    rc = cocob_cl_arg(k, i++, sizeof a->weight_decay, &a->weight_decay, rc);
    rc = cocob_cl_skip_args(k, i, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(ckt_update)", rc);
    return cocob_cl_launch_1d(b, k, "ckt_update", a->n);
}
