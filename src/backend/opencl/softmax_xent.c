/* Launches cl/softmax_xent.cl's softmax_xent and softmax_xent_grad, a
 * work-item a row. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_softmax_xent(cocob_backend *base, cocob_span logits, cocob_span labels,
                                   cocob_span loss, size_t rows, size_t classes)
{
    const cocob_span operand[3] = {logits, labels, loss};
    return cocob_cl_launch_rows(base, "softmax_xent.cl", "softmax_xent", operand, 3, rows,
                                classes, rows);
}

cocob_status cocob_cl_softmax_xent_grad(cocob_backend *base, cocob_span logits, cocob_span labels,
                                        cocob_span dlogits, size_t rows, size_t classes)
{
    const cocob_span operand[3] = {logits, labels, dlogits};
    return cocob_cl_launch_rows(base, "softmax_xent.cl", "softmax_xent_grad", operand, 3, rows,
                                classes, rows);
}
