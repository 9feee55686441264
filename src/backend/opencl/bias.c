/* Launches cl/bias.cl's bias_add (with its activation) and bias_grad. */
#include "backend/opencl/opencl.h"
#include "base/checked.h"

cocob_status cocob_cl_bias_add(cocob_backend *base, cocob_activation f, cocob_span x,
                               cocob_span bias, cocob_span y, size_t outer, size_t channels,
                               size_t inner)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "bias.cl", "bias_add", &k);
    if (s != COCOB_OK)
        return s;
    cl_int kind = (cl_int)f;
    cl_mem my = cocob_cl_mem(y.buf);
    cl_ulong y_off = y.off, no = outer, nc = channels, ni = inner;
    cl_mem mx = cocob_cl_mem(x.buf), mb = cocob_cl_mem(bias.buf);
    cl_ulong x_off = x.off, b_off = bias.off;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof kind, &kind, rc);
    rc = cocob_cl_arg(k, 1, sizeof mx, &mx, rc);
    rc = cocob_cl_arg(k, 2, sizeof x_off, &x_off, rc);
    rc = cocob_cl_arg(k, 3, sizeof mb, &mb, rc);
    rc = cocob_cl_arg(k, 4, sizeof b_off, &b_off, rc);
    rc = cocob_cl_arg(k, 5, sizeof my, &my, rc);
    rc = cocob_cl_arg(k, 6, sizeof y_off, &y_off, rc);
    rc = cocob_cl_arg(k, 7, sizeof no, &no, rc);
    rc = cocob_cl_arg(k, 8, sizeof nc, &nc, rc);
    rc = cocob_cl_arg(k, 9, sizeof ni, &ni, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(bias_add)", rc);
    /* The op layer (src/ops) has made sure that the product does not overflow. */
    return cocob_cl_launch_1d(b, k, "bias_add", outer * channels * inner);
}

/* One work-group per channel, of a power-of-two size for the tree. */
cocob_status cocob_cl_bias_grad(cocob_backend *base, cocob_span dy, cocob_span db, size_t outer,
                                size_t channels, size_t inner)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "bias.cl", "bias_grad", &k);
    size_t local = 1, global;
    if (s == COCOB_OK)
        s = cocob_cl_group_size(b, k, "bias_grad", 1, sizeof(float), &local);
    if (s != COCOB_OK)
        return s;
    if (!size_mul(channels, local, &global))
        return cocob_fail(base->err, COCOB_ERR_DEVICE_LIMIT,
                          "bias_grad: %zu channels of %zu work-items are more than one launch "
                          "can index",
                          channels, local);
    cl_mem mdy = cocob_cl_mem(dy.buf), mdb = cocob_cl_mem(db.buf);
    cl_ulong dy_off = dy.off, db_off = db.off, no = outer, nc = channels, ni = inner;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof mdy, &mdy, rc);
    rc = cocob_cl_arg(k, 1, sizeof dy_off, &dy_off, rc);
    rc = cocob_cl_arg(k, 2, sizeof mdb, &mdb, rc);
    rc = cocob_cl_arg(k, 3, sizeof db_off, &db_off, rc);
    rc = cocob_cl_arg(k, 4, sizeof no, &no, rc);
    rc = cocob_cl_arg(k, 5, sizeof nc, &nc, rc);
    rc = cocob_cl_arg(k, 6, sizeof ni, &ni, rc);
    rc = cocob_cl_arg(k, 7, local * sizeof(float), NULL, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(bias_grad)", rc);
    return cocob_cl_enqueue(b, k, "bias_grad", global, local);
}
