/* Launches cl/schedule_free.cl's schedule_free_update: the fused
 * Schedule-Free step, or the evaluation point. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_schedule_free_update(cocob_backend *base, const cocob_schedule_free_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "schedule_free.cl", "schedule_free_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, s_off = a->state_offset, n = a->n;
    /* OpenCL lets a NULL stand for a buffer, which the kernel tests. */
    cl_mem w = cocob_cl_mem(a->w), g = a->grad ? cocob_cl_mem(a->grad) : NULL,
           z = cocob_cl_mem(a->z), v = a->exp_avg_sq ? cocob_cl_mem(a->exp_avg_sq) : NULL;
    const float hyper[] = {a->h.ckp1,
                           a->h.y_step,
                           a->h.lr,
                           a->h.weight_decay,
                           a->h.beta2,
                           a->h.one_minus_beta2,
                           a->h.bias_correction2,
                           a->h.eps};
    cl_uint i = 0;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, i++, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, i++, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, i++, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof z, &z, rc);
    rc = cocob_cl_arg(k, i++, sizeof v, &v, rc);
    rc = cocob_cl_arg(k, i++, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof n, &n, rc);
    for (size_t j = 0; j < sizeof hyper / sizeof *hyper; j++)
        rc = cocob_cl_arg(k, i++, sizeof hyper[j], &hyper[j], rc);
    rc = cocob_cl_skip_args(k, i, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(schedule_free_update)", rc);
    return cocob_cl_launch_1d(b, k, "schedule_free_update", a->n);
}
