/* Launches cl/prodigy.cl's prodigy_accumulate, a group a part, and
 * prodigy_update, one work-item an element; nothing waits for either. */
#include <stdint.h>

#include "backend/opencl/opencl.h"

cocob_status cocob_cl_prodigy_accumulate(cocob_backend *base,
                                         const cocob_prodigy_accumulate_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "prodigy.cl", "prodigy_accumulate", &k);
    if (s != COCOB_OK)
        return s;
    size_t per_item = 2 * sizeof(cl_float), local = 1;
    s = cocob_cl_group_size(b, k, "prodigy_accumulate", 1, per_item, &local);
    if (s != COCOB_OK)
        return s;
    if (a->parts > SIZE_MAX / local)
        return cocob_fail(base->err, COCOB_ERR_DEVICE_LIMIT,
                          "prodigy_accumulate: %zu parts of %zu work-items is more than one "
                          "launch can index",
                          a->parts, local);
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad),
           p0 = cocob_cl_mem(a->state[COCOB_PRODIGY_P0]),
           m = cocob_cl_mem(a->state[COCOB_PRODIGY_EXP_AVG]),
           v = cocob_cl_mem(a->state[COCOB_PRODIGY_EXP_AVG_SQ]),
           sv = cocob_cl_mem(a->state[COCOB_PRODIGY_S]), out = cocob_cl_mem(a->partials),
           sc = cocob_cl_mem(a->scalars);
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, st_off = a->state_offset, n = a->n,
             parts = a->parts, out_off = a->partials_offset, sc_off = a->scalars_offset;
    const cocob_prodigy_hyper *h = &a->h;
    cl_int decouple = h->decouple, warmup = h->safeguard_warmup;
    cl_uint slice_p = h->slice_p;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, 1, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, 3, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof p0, &p0, rc);
    rc = cocob_cl_arg(k, 5, sizeof m, &m, rc);
    rc = cocob_cl_arg(k, 6, sizeof v, &v, rc);
    rc = cocob_cl_arg(k, 7, sizeof sv, &sv, rc);
    rc = cocob_cl_arg(k, 8, sizeof st_off, &st_off, rc);
    rc = cocob_cl_arg(k, 9, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 10, sizeof parts, &parts, rc);
    rc = cocob_cl_arg(k, 11, sizeof out, &out, rc);
    rc = cocob_cl_arg(k, 12, sizeof out_off, &out_off, rc);
    rc = cocob_cl_arg(k, 13, local * per_item, NULL, rc);
    rc = cocob_cl_arg(k, 14, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, 15, sizeof sc_off, &sc_off, rc);
    rc = cocob_cl_skip_args(k, 16, a->skip, a->skip_offset, rc);
    rc = cocob_cl_arg(k, 18, sizeof h->lr, &h->lr, rc);
    rc = cocob_cl_arg(k, 19, sizeof h->beta1, &h->beta1, rc);
    rc = cocob_cl_arg(k, 20, sizeof h->beta2, &h->beta2, rc);
    rc = cocob_cl_arg(k, 21, sizeof h->beta3, &h->beta3, rc);
    rc = cocob_cl_arg(k, 22, sizeof h->weight_decay, &h->weight_decay, rc);
    rc = cocob_cl_arg(k, 23, sizeof h->d0, &h->d0, rc);
    rc = cocob_cl_arg(k, 24, sizeof decouple, &decouple, rc);
    rc = cocob_cl_arg(k, 25, sizeof warmup, &warmup, rc);
    rc = cocob_cl_arg(k, 26, sizeof slice_p, &slice_p, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(prodigy_accumulate)", rc);
    return cocob_cl_enqueue(b, k, "prodigy_accumulate", a->parts * local, local);
}

cocob_status cocob_cl_prodigy_update(cocob_backend *base, const cocob_prodigy_update_args *a)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "prodigy.cl", "prodigy_update", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem w = cocob_cl_mem(a->w), g = cocob_cl_mem(a->grad), m = cocob_cl_mem(a->exp_avg),
           v = cocob_cl_mem(a->exp_avg_sq), sc = cocob_cl_mem(a->scalars);
    cl_ulong w_off = a->w_offset, g_off = a->grad_offset, st_off = a->state_offset, n = a->n,
             sc_off = a->scalars_offset;
    const cocob_prodigy_hyper *h = &a->h;
    cl_int decouple = h->decouple;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof w, &w, rc);
    rc = cocob_cl_arg(k, 1, sizeof w_off, &w_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof g, &g, rc);
    rc = cocob_cl_arg(k, 3, sizeof g_off, &g_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof m, &m, rc);
    rc = cocob_cl_arg(k, 5, sizeof v, &v, rc);
    rc = cocob_cl_arg(k, 6, sizeof st_off, &st_off, rc);
    rc = cocob_cl_arg(k, 7, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 8, sizeof sc, &sc, rc);
    rc = cocob_cl_arg(k, 9, sizeof sc_off, &sc_off, rc);
    rc = cocob_cl_skip_args(k, 10, a->skip, a->skip_offset, rc);
    rc = cocob_cl_arg(k, 12, sizeof h->beta1, &h->beta1, rc);
    rc = cocob_cl_arg(k, 13, sizeof h->eps, &h->eps, rc);
    rc = cocob_cl_arg(k, 14, sizeof h->weight_decay, &h->weight_decay, rc);
    rc = cocob_cl_arg(k, 15, sizeof decouple, &decouple, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(prodigy_update)", rc);
    return cocob_cl_launch_1d(b, k, "prodigy_update", a->n);
}
