/* Launches cl/stats.cl and combines its groups' partials in double. */
#include <math.h>

#include "backend/opencl/opencl.h"

/* Enough groups to keep a large GPU busy; a grid-stride loop covers the rest. */
enum { STATS_GROUPS = 64 };

cocob_status cocob_cl_stats_op(cocob_backend *base, cocob_span x, cocob_span y, cocob_span z,
                               size_t n, cocob_stats *out)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "stats.cl", "stats", &k);
    if (s != COCOB_OK)
        return s;
    size_t local, groups;
    s = cocob_cl_reduction(b, k, "stats", 5 * sizeof(float), &b->stats_partials,
                           STATS_GROUPS * 5 * sizeof(float), "the stats' partials", n,
                           STATS_GROUPS, &local, &groups);
    if (s != COCOB_OK)
        return s;
    cl_int rc = CL_SUCCESS;
    /* An absent operand is never read: x stands in for its buffer. */
    cl_mem mx = cocob_cl_mem(x.buf);
    cl_mem my = y.buf ? cocob_cl_mem(y.buf) : mx, mz = z.buf ? cocob_cl_mem(z.buf) : mx;
    cl_ulong x_off = x.off, y_off = y.off, z_off = z.off, nn = n;
    cl_int has_y = y.buf != NULL, has_z = z.buf != NULL;
    rc = cocob_cl_arg(k, 0, sizeof mx, &mx, rc);
    rc = cocob_cl_arg(k, 1, sizeof x_off, &x_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof my, &my, rc);
    rc = cocob_cl_arg(k, 3, sizeof y_off, &y_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof has_y, &has_y, rc);
    rc = cocob_cl_arg(k, 5, sizeof mz, &mz, rc);
    rc = cocob_cl_arg(k, 6, sizeof z_off, &z_off, rc);
    rc = cocob_cl_arg(k, 7, sizeof has_z, &has_z, rc);
    rc = cocob_cl_arg(k, 8, sizeof nn, &nn, rc);
    rc = cocob_cl_arg(k, 9, sizeof b->stats_partials, &b->stats_partials, rc);
    rc = cocob_cl_arg(k, 10, 5 * local * sizeof(float), NULL, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(stats)", rc);
    s = cocob_cl_enqueue(b, k, "stats", groups * local, local);
    if (s != COCOB_OK)
        return s;
    float partial[STATS_GROUPS * 5];
    rc = clEnqueueReadBuffer(b->queue, b->stats_partials, CL_TRUE, 0, groups * 5 * sizeof(float),
                             partial, 0, NULL, NULL);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clEnqueueReadBuffer(stats partials)", rc);
    cocob_stats t = {INFINITY, 0, 0, 0, 0};
    for (size_t g = 0; g < groups; g++) {
        const float *p = partial + 5 * g;
        if (p[4] == 0.0f)
            continue;
        t.min = fmin(t.min, p[0]);
        t.sum += p[1];
        t.max = fmax(t.max, p[2]);
        t.sum_sq += p[3];
        t.count += (size_t)p[4];
    }
    if (!t.count)
        t.min = 0;
    *out = t;
    return COCOB_OK;
}
