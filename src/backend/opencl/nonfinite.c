/* Launches cl/nonfinite.cl's kernels: count_nonfinite, adding up its
 * partial sums, and flag_nonfinite, which nothing waits for. */
#include "backend/opencl/opencl.h"

/* Enough groups to keep a large GPU busy; a grid-stride loop covers the rest. */
enum { NONFINITE_GROUPS = 64 };
/* Elements a work-item of flag_nonfinite takes: cl/nonfinite.cl's SPAN. */
enum { FLAG_SPAN = 16 * 8 };

cocob_status cocob_cl_count_nonfinite(cocob_backend *base, const cocob_buffer *x, size_t offset,
                                      size_t n, size_t *count)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "nonfinite.cl", "count_nonfinite", &k);
    if (s != COCOB_OK)
        return s;
    size_t local, groups;
    s = cocob_cl_reduction(b, k, "count_nonfinite", sizeof(cl_ulong), &b->partials,
                           NONFINITE_GROUPS * sizeof(cl_ulong), "count_nonfinite's sums", n,
                           NONFINITE_GROUPS, &local, &groups);
    if (s != COCOB_OK)
        return s;
    cl_int rc = CL_SUCCESS;
    cl_mem mx = cocob_cl_mem(x);
    cl_ulong off = offset, nn = n;
    rc = cocob_cl_arg(k, 0, sizeof mx, &mx, rc);
    rc = cocob_cl_arg(k, 1, sizeof off, &off, rc);
    rc = cocob_cl_arg(k, 2, sizeof nn, &nn, rc);
    rc = cocob_cl_arg(k, 3, sizeof b->partials, &b->partials, rc);
    rc = cocob_cl_arg(k, 4, local * sizeof(cl_ulong), NULL, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(count_nonfinite)", rc);
    s = cocob_cl_enqueue(b, k, "count_nonfinite", groups * local, local);
    if (s != COCOB_OK)
        return s;
    cl_ulong partial[NONFINITE_GROUPS];
    rc = clEnqueueReadBuffer(b->queue, b->partials, CL_TRUE, 0, groups * sizeof(cl_ulong),
                             partial, 0, NULL, NULL);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clEnqueueReadBuffer(count_nonfinite partials)", rc);
    size_t total = 0;
    for (size_t i = 0; i < groups; i++)
        total += (size_t)partial[i];
    *count = total;
    return COCOB_OK;
}

cocob_status cocob_cl_flag_nonfinite(cocob_backend *base, cocob_span x, size_t n, cocob_span flag)
{
    if (n == 0)
        return COCOB_OK; /* OpenCL refuses an empty launch */
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "nonfinite.cl", "flag_nonfinite", &k);
    if (s != COCOB_OK)
        return s;
    cl_mem mx = cocob_cl_mem(x.buf), mf = cocob_cl_mem(flag.buf);
    cl_ulong off = x.off, nn = n, foff = flag.off;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof mx, &mx, rc);
    rc = cocob_cl_arg(k, 1, sizeof off, &off, rc);
    rc = cocob_cl_arg(k, 2, sizeof nn, &nn, rc);
    rc = cocob_cl_arg(k, 3, sizeof mf, &mf, rc);
    rc = cocob_cl_arg(k, 4, sizeof foff, &foff, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(flag_nonfinite)", rc);
    return cocob_cl_launch_1d(b, k, "flag_nonfinite", n / FLAG_SPAN + (n % FLAG_SPAN != 0));
}
