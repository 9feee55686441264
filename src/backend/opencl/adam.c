/* Launches cl/adam.cl's adam_update, the fused Adam (and AdamW) step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_adam_update(cocob_backend *base, const cocob_baseline_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "adam.cl", "adam_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, s_off = a->state_offset, n = a->n;
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad);
    cl_mem exp_avg = cocob_cl_mem(a->state[0]), exp_avg_sq = cocob_cl_mem(a->state[1]);
    const cocob_baseline_hyper *h = &a->h;
    cl_uint i = 0;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, i++, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, i++, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, i++, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof exp_avg, &exp_avg, rc);
    rc = cocob_cl_arg(k, i++, sizeof exp_avg_sq, &exp_avg_sq, rc);
    rc = cocob_cl_arg(k, i++, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->lr, &h->lr, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->weight_decay, &h->weight_decay, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->eps, &h->eps, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->beta1, &h->beta1, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->one_minus_beta1, &h->one_minus_beta1, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->beta2, &h->beta2, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->one_minus_beta2, &h->one_minus_beta2, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->bias2_sqrt, &h->bias2_sqrt, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->shrink, &h->shrink, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(adam_update)", rc);
    return cocob_cl_launch_1d(b, k, "adam_update", a->n);
}
