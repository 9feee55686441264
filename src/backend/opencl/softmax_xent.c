/* Launches cl/softmax_xent.cl's softmax_xent and softmax_xent_grad. */
#include <stdio.h>

#include "backend/opencl/opencl.h"

/* Both kernels take (logits, labels, out) as buffer and offset, then rows
 * and classes. */
static cocob_status launch(cocob_backend *base, const char *name, cocob_span logits,
                           cocob_span labels, cocob_span out, size_t rows, size_t classes)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    cl_kernel k;
    cocob_status s = cocob_cl_kernel(b, "softmax_xent.cl", name, &k);
    if (s != COCOB_OK)
        return s;
    const cocob_span operand[3] = {logits, labels, out};
    cl_int rc = CL_SUCCESS;
    for (cl_uint i = 0; i < 3; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 * i + 1, sizeof off, &off, rc);
    }
    cl_ulong nr = rows, nc = classes;
    rc = cocob_cl_arg(k, 6, sizeof nr, &nr, rc);
    rc = cocob_cl_arg(k, 7, sizeof nc, &nc, rc);
    if (rc != CL_SUCCESS) {
        char what[64];
        snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
        return cocob_cl_failed(base, what, rc);
    }
    return cocob_cl_launch_1d(b, k, name, rows);
}

cocob_status cocob_cl_softmax_xent(cocob_backend *base, cocob_span logits, cocob_span labels,
                                   cocob_span loss, size_t rows, size_t classes)
{
    return launch(base, "softmax_xent", logits, labels, loss, rows, classes);
}

cocob_status cocob_cl_softmax_xent_grad(cocob_backend *base, cocob_span logits, cocob_span labels,
                                        cocob_span dlogits, size_t rows, size_t classes)
{
    return launch(base, "softmax_xent_grad", logits, labels, dlogits, rows, classes);
}
