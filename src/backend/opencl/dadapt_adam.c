/* Launches cl/dadapt_adam.cl's dadapt_adam_accumulate, a group a part, and
 * dadapt_adam_update; nothing waits for either. */
#include <stdint.h>

#include "backend/opencl/opencl.h"

cocob_status cocob_cl_dadapt_adam_accumulate(cocob_backend *base,
                                             const cocob_dadapt_adam_accumulate_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    const char *name = "dadapt_adam_accumulate";
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "dadapt_adam.cl", name, &k);
    if (s != COCOB_OK)
        return s;
    size_t per_item = 2 * sizeof(cl_float), local = 1;
    s = cocob_cl_group_size(b, k, name, 1, per_item, &local);
    if (s != COCOB_OK)
        return s;
    if (a->parts > SIZE_MAX / local)
        return cocob_fail(base->err, COCOB_ERR_DEVICE_LIMIT,
                          "%s: %zu parts of %zu work-items is more than one launch can index",
                          name, a->parts, local);
    cl_uint i = 0;
    cl_int rc = cocob_cl_update_args(k, a->w, a->w_offset, a->grad, a->grad_offset, a->state,
                                     COCOB_DADAPT_ADAM_STATES, a->state_offset, a->n, &i);
    cl_mem out = cocob_cl_mem(a->partials), sc = cocob_cl_mem(a->scalars);
    cl_ulong parts = a->parts, out_off = a->partials_offset, dlr_off = a->dlr_offset;
    rc = cocob_cl_arg(k, i++, sizeof parts, &parts, rc);
    rc = cocob_cl_arg(k, i++, sizeof out, &out, rc);
    rc = cocob_cl_arg(k, i++, sizeof out_off, &out_off, rc);
    rc = cocob_cl_arg(k, i++, local * per_item, NULL, rc);
    rc = cocob_cl_arg(k, i++, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, i++, sizeof dlr_off, &dlr_off, rc);
    const float f[] = {a->beta1,
                       a->beta2,
                       a->sqrt_beta2,
                       a->one_minus_beta1,
                       a->one_minus_beta2,
                       a->one_minus_sqrt_beta2,
                       a->eps,
                       a->weight_decay};
    for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
        rc = cocob_cl_arg(k, i++, sizeof f[j], &f[j], rc);
    rc = cocob_cl_skip_args(k, i, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(dadapt_adam_accumulate)", rc);
    return cocob_cl_enqueue(b, k, name, a->parts * local, local);
}

cocob_status cocob_cl_dadapt_adam_update(cocob_backend *base,
                                         const cocob_dadapt_adam_update_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "dadapt_adam.cl", "dadapt_adam_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem w = cocob_cl_mem(a->w), m = cocob_cl_mem(a->state[0]), v = cocob_cl_mem(a->state[1]),
           sc = cocob_cl_mem(a->scalars);
    cl_ulong w_off = a->w_offset, s_off = a->state_offset, n = a->n, sc_off = a->scalars_offset;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, 1, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof m, &m, rc);
    rc = cocob_cl_arg(k, 3, sizeof v, &v, rc);
    rc = cocob_cl_arg(k, 4, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, 5, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 6, sizeof a->eps, &a->eps, rc);
    rc = cocob_cl_arg(k, 7, sizeof a->decay, &a->decay, rc);
    rc = cocob_cl_arg(k, 8, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, 9, sizeof sc_off, &sc_off, rc);
    rc = cocob_cl_skip_args(k, 10, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(dadapt_adam_update)", rc);
    return cocob_cl_launch_1d(b, k, "dadapt_adam_update", a->n);
}
