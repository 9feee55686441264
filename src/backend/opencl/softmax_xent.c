/* Launches cl/softmax_xent.cl's softmax_xent. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_softmax_xent(cocob_backend *base, cocob_span logits, cocob_span labels,
                                   cocob_span loss, cocob_span dlogits, size_t rows,
                                   size_t classes)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "softmax_xent.cl", "softmax_xent", &k);
    if (s != COCOB_OK)
        return s;
    const cocob_span operand[4] = {logits, labels, loss, dlogits};
    cl_int rc = CL_SUCCESS;
    for (cl_uint i = 0; i < 4; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 * i + 1, sizeof off, &off, rc);
    }
    cl_ulong nr = rows, nc = classes;
    rc = cocob_cl_arg(k, 8, sizeof nr, &nr, rc);
    rc = cocob_cl_arg(k, 9, sizeof nc, &nc, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(softmax_xent)", rc);
    return cocob_cl_launch_1d(b, k, "softmax_xent", rows);
}
