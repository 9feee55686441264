/* Launches cl/adagrad.cl's adagrad_update, the fused AdaGrad step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_adagrad_update(cocob_backend *base, const cocob_baseline_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "adagrad.cl", "adagrad_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, s_off = a->state_offset, n = a->n;
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad);
    cl_mem sum = cocob_cl_mem(a->state[0]);
    const cocob_baseline_hyper *h = &a->h;
    cl_uint i = 0;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, i++, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, i++, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, i++, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof sum, &sum, rc);
    rc = cocob_cl_arg(k, i++, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->lr, &h->lr, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->weight_decay, &h->weight_decay, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->eps, &h->eps, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(adagrad_update)", rc);
    return cocob_cl_launch_1d(b, k, "adagrad_update", a->n);
}
