/* Launches cl/dropout.cl's dropout, for dropout and dropout_grad alike: the
 * mask and scale that took x to y take dy to dx. */
#include <stdio.h>

#include "backend/opencl/opencl.h"

static cocob_status launch(cocob_backend *base, const char *op, cocob_span in, cocob_span out,
                           size_t n, float p, uint64_t seed, uint64_t counter)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "dropout.cl", "dropout", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem mi = cocob_cl_mem(in.buf), mo = cocob_cl_mem(out.buf);
    cl_ulong in_off = in.off, out_off = out.off, nn = n, sd = seed, ctr = counter;
    float scale = cocob_dropout_scale(p);
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof mi, &mi, rc);
    rc = cocob_cl_arg(k, 1, sizeof in_off, &in_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof mo, &mo, rc);
    rc = cocob_cl_arg(k, 3, sizeof out_off, &out_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof nn, &nn, rc);
    rc = cocob_cl_arg(k, 5, sizeof p, &p, rc);
    rc = cocob_cl_arg(k, 6, sizeof scale, &scale, rc);
    rc = cocob_cl_arg(k, 7, sizeof sd, &sd, rc);
    rc = cocob_cl_arg(k, 8, sizeof ctr, &ctr, rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(dropout for %s)", op);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, op, n);
}

cocob_status cocob_cl_dropout(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                              uint64_t seed, uint64_t counter)
{
    return launch(b, "dropout", x, y, n, p, seed, counter);
}

cocob_status cocob_cl_dropout_grad(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                   float p, uint64_t seed, uint64_t counter)
{
    return launch(b, "dropout_grad", dy, dx, n, p, seed, counter);
}
