/* What every baseline's launch shares: the kernels of cl/sgd.cl,
 * adagrad.cl, rmsprop.cl, adadelta.cl and adam.cl all begin with w and its
 * offset, the gradient and its offset, their state buffers, the states'
 * offset and n, then take their scalars, and end with the guard. */
#include <stdio.h>

#include "backend/opencl/opencl.h"

cocob_status cocob_cl_baseline_launch(cocob_backend *base, const char *file, const char *kernel,
                                      const cocob_baseline_args *a, int states,
                                      const float *scalars, int count, const cl_int *flags,
                                      int flag_count)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, file, kernel, &k);
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
    for (int j = 0; j < states; j++) {
        /* SGD without momentum has no buffer: OpenCL lets a NULL stand for it. */
        cl_mem m = a->state[j] ? cocob_cl_mem(a->state[j]) : NULL;
        rc = cocob_cl_arg(k, i++, sizeof m, &m, rc);
    }
    rc = cocob_cl_arg(k, i++, sizeof s_off, &s_off, rc);
    rc = cocob_cl_arg(k, i++, sizeof n, &n, rc);
    for (int j = 0; j < count; j++)
        rc = cocob_cl_arg(k, i++, sizeof *scalars, &scalars[j], rc);
    for (int j = 0; j < flag_count; j++)
        rc = cocob_cl_arg(k, i++, sizeof *flags, &flags[j], rc);
    rc = cocob_cl_skip_args(k, i, a->skip, a->skip_offset, rc);
    if (rc != CL_SUCCESS) {
        char what[96];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", kernel);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, kernel, a->n);
}
