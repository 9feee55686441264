/* Launches cl/kt.cl's kt_update, the fused KT step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_kt_update(cocob_backend *base, const cocob_kt_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "kt.cl", "kt_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_uint i = 0;
    cl_int rc = cocob_cl_update_args(k, a->w, a->w_offset, a->grad, a->grad_offset, a->state,
                                     COCOB_KT_STATES, a->state_offset, a->n, &i);
    cl_mem sc = cocob_cl_mem(a->scalars);
    cl_ulong sc_off = a->scalars_offset;
    rc = cocob_cl_arg(k, i++, sizeof a->weight_decay, &a->weight_decay, rc);
    rc = cocob_cl_arg(k, i++, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, i++, sizeof sc_off, &sc_off, rc);
    rc = cocob_cl_skip_args(k, i, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(kt_update)", rc);
    return cocob_cl_launch_1d(b, k, "kt_update", a->n);
}
