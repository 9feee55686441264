/* Launches cl/bias.cl's bias_add and bias_grad. */
#include "backend/opencl/opencl.h"
#include "backend/ref/ref.h"

/* Both kernels take the tensor and the bias, each a buffer and an offset,
 * then the three sizes. */
static cl_int set_args(cl_kernel k, cocob_span data, cocob_span bias, size_t outer,
                       size_t channels, size_t inner)
{
    cl_mem md = cocob_cl_mem(data.buf), mb = cocob_cl_mem(bias.buf);
    cl_ulong d_off = data.off, b_off = bias.off, no = outer, nc = channels, ni = inner;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof md, &md, rc);
    rc = cocob_cl_arg(k, 1, sizeof d_off, &d_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof mb, &mb, rc);
    rc = cocob_cl_arg(k, 3, sizeof b_off, &b_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof no, &no, rc);
    rc = cocob_cl_arg(k, 5, sizeof nc, &nc, rc);
    rc = cocob_cl_arg(k, 6, sizeof ni, &ni, rc);
    return rc;
}

cocob_status cocob_cl_bias_add(cocob_backend *base, cocob_span y, cocob_span bias, size_t outer,
                               size_t channels, size_t inner)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cocob_status s = bias_check(base->err, "bias_add", y, bias, outer, channels, inner);
    cl_kernel k;
    if (s == COCOB_OK)
        s = cocob_cl_kernel(b, "bias.cl", "bias_add", &k);
    if (s != COCOB_OK)
        return s;
    cl_int rc = set_args(k, y, bias, outer, channels, inner);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(bias_add)", rc);
    /* The check has made sure that the product does not overflow. */
    return cocob_cl_launch_1d(b, k, "bias_add", outer * channels * inner);
}

/* One work-group per channel, of a power-of-two size for the tree. */
cocob_status cocob_cl_bias_grad(cocob_backend *base, cocob_span dy, cocob_span db, size_t outer,
                                size_t channels, size_t inner)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cocob_status s = bias_check(base->err, "bias_grad", dy, db, outer, channels, inner);
    cl_kernel k;
    if (s == COCOB_OK)
        s = cocob_cl_kernel(b, "bias.cl", "bias_grad", &k);
    size_t local = 1, global;
    if (s == COCOB_OK)
        s = cocob_cl_group_size(b, k, 1, &local);
    if (s != COCOB_OK)
        return s;
    if (!size_mul(channels, local, &global))
        return cocob_fail(base->err, COCOB_ERR_DEVICE_LIMIT,
                          "bias_grad: %zu channels of %zu work-items are more than one launch "
                          "can index",
                          channels, local);
    cl_int rc = set_args(k, dy, db, outer, channels, inner);
    rc = cocob_cl_arg(k, 7, local * sizeof(float), NULL, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(bias_grad)", rc);
    return cocob_cl_enqueue(b, k, "bias_grad", global, local);
}
