/* Launches cl/sgd.cl's sgd_update, the fused SGD step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_sgd_update(cocob_backend *base, const cocob_baseline_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "sgd.cl", "sgd_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, s_off = a->state_offset, n = a->n;
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad);
    /* Without momentum there is no buffer: OpenCL lets a NULL stand for it. */
    cl_mem buf = a->state[0] ? cocob_cl_mem(a->state[0]) : NULL;
    const cocob_baseline_hyper *h = &a->h;
    cl_uint i = 0;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, i++, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, i++, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, i++, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof buf, &buf, rc);
    rc = cocob_cl_arg(k, i++, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof n, &n, rc);
    cl_int nesterov = h->nesterov, first = h->first;
    rc = cocob_cl_arg(k, i++, sizeof h->lr, &h->lr, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->weight_decay, &h->weight_decay, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->momentum, &h->momentum, rc);
    rc = cocob_cl_arg(k, i++, sizeof h->one_minus_dampening, &h->one_minus_dampening, rc);
    rc = cocob_cl_arg(k, i++, sizeof nesterov, &nesterov, rc);
    rc = cocob_cl_arg(k, i++, sizeof first, &first, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(sgd_update)", rc);
    return cocob_cl_launch_1d(b, k, "sgd_update", a->n);
}
