/* Launches cl/lr_free.cl's lr_free_reduce, a group a part, and
 * lr_free_finalize, one work-item; nothing waits for either. */
#include <stdint.h>

#include "backend/opencl/opencl.h"

cocob_status cocob_cl_lr_free_reduce(cocob_backend *base, const cocob_lr_free_reduce_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "lr_free.cl", "lr_free_reduce", &k);
    if (s != COCOB_OK)
        return s;
    size_t per_item = COCOB_REDUCE_SUMS * sizeof(cl_float), local = 1;
    s = cocob_cl_group_size(b, k, "lr_free_reduce", 1, per_item, &local);
    if (s != COCOB_OK)
        return s;
    if (a->parts > SIZE_MAX / local)
        return cocob_fail(base->err, COCOB_ERR_DEVICE_LIMIT,
                          "lr_free_reduce: %zu parts of %zu work-items is more than one launch "
                          "can index",
                          a->parts, local);
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad), x0 = cocob_cl_mem(a->x0),
           out = cocob_cl_mem(a->partials);
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, x0_off = a->x0_offset, n = a->n,
             parts = a->parts, out_off = a->partials_offset;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, 1, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, 3, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof x0, &x0, rc);
    rc = cocob_cl_arg(k, 5, sizeof x0_off, &x0_off, rc);
    rc = cocob_cl_arg(k, 6, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 7, sizeof parts, &parts, rc);
    rc = cocob_cl_arg(k, 8, sizeof out, &out, rc);
    rc = cocob_cl_arg(k, 9, sizeof out_off, &out_off, rc);
    rc = cocob_cl_arg(k, 10, local * per_item, NULL, rc);
    rc = cocob_cl_arg(k, 11, sizeof a->weight_decay, &a->weight_decay, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(lr_free_reduce)", rc);
    return cocob_cl_enqueue(b, k, "lr_free_reduce", a->parts * local, local);
}

cocob_status cocob_cl_lr_free_finalize(cocob_backend *base, const cocob_lr_free_finalize_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "lr_free.cl", "lr_free_finalize", &k);
    if (s != COCOB_OK)
        return s;
    cl_int method = (cl_int)a->method;
    cl_mem p = cocob_cl_mem(a->partials), sc = cocob_cl_mem(a->scalars);
    cl_ulong p_off = a->partials_offset, parts = a->parts, sc_off = a->scalars_offset;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof method, &method, rc);
    rc = cocob_cl_arg(k, 1, sizeof p, &p, rc);
    rc = cocob_cl_arg(k, 2, sizeof p_off, &p_off, rc);
    rc = cocob_cl_arg(k, 3, sizeof parts, &parts, rc);
    rc = cocob_cl_arg(k, 4, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, 5, sizeof sc_off, &sc_off, rc);
    rc = cocob_cl_skip_args(k, 6, a->skip, a->skip_offset, rc);
    rc = cocob_cl_arg(k, 8, sizeof a->reps_rel, &a->reps_rel, rc);
    rc = cocob_cl_arg(k, 9, sizeof a->lr, &a->lr, rc);
    rc = cocob_cl_arg(k, 10, sizeof a->eps, &a->eps, rc);
    rc = cocob_cl_arg(k, 11, sizeof a->init_eta, &a->init_eta, rc);
    rc = cocob_cl_arg(k, 12, sizeof a->d0, &a->d0, rc);
    rc = cocob_cl_arg(k, 13, sizeof a->d_coef, &a->d_coef, rc);
    rc = cocob_cl_arg(k, 14, sizeof a->growth_rate, &a->growth_rate, rc);
    rc = cocob_cl_arg(k, 15, sizeof a->beta1, &a->beta1, rc);
    rc = cocob_cl_arg(k, 16, sizeof a->beta2, &a->beta2, rc);
    rc = cocob_cl_arg(k, 17, sizeof a->beta3, &a->beta3, rc);
    cl_int bias = a->use_bias_correction;
    rc = cocob_cl_arg(k, 18, sizeof bias, &bias, rc);
    rc = cocob_cl_arg(k, 19, sizeof a->sqrt_beta2, &a->sqrt_beta2, rc);
    rc = cocob_cl_arg(k, 20, sizeof a->one_minus_sqrt_beta2, &a->one_minus_sqrt_beta2, rc);
    rc = cocob_cl_arg(k, 21, sizeof a->one_minus_beta1, &a->one_minus_beta1, rc);
    rc = cocob_cl_arg(k, 22, sizeof a->one_minus_beta2, &a->one_minus_beta2, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(lr_free_finalize)", rc);
    return cocob_cl_enqueue(b, k, "lr_free_finalize", 1, 1);
}
