/* softmax_xent's and softmax_xent_grad's validation: logits are rows x
 * classes floats, labels (int32) one per row, and the output one float per
 * row (the loss) or one per logit (dlogits). A row's work-item reads its
 * whole row of logits, so no output may overlap any other operand. */
#include "ops/ops.h"
#include "ops/operands.h"

/* out is the op's output: one element per logit with out_per_logit, else one per row. */
static cocob_status softmax_xent_validate(cocob_error *err, const char *op, cocob_span logits,
                                          cocob_span labels, const char *out_name, cocob_span out,
                                          int out_per_logit, size_t rows, size_t classes)
{
    if (!rows || !classes)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: rows %zu and classes %zu must both be nonzero", op, rows, classes);
    size_t count = 0;
    if (!size_mul(rows, classes, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu rows of %zu classes are more than size_t can count", op, rows,
                          classes);
    const cocob_operand operand[3] = {
        {out_name, out, out_per_logit ? count : rows, 1, 0},
        {"logits", logits, count, 0, 0},
        {"labels", labels, rows, 0, 0},
    };
    cocob_status s = cocob_ops_fit(err, op, operand, 3);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, op, operand, 3);
    if (s != COCOB_OK)
        cocob_error_append(err, " (%zu rows x %zu classes)", rows, classes);
    return s;
}

cocob_status cocob_op_softmax_xent(cocob_backend *b, cocob_span logits, cocob_span labels,
                                   cocob_span loss, size_t rows, size_t classes)
{
    cocob_status s = softmax_xent_validate(b->err, "softmax_xent", logits, labels, "loss", loss,
                                           0, rows, classes);
    if (s != COCOB_OK)
        return s;
    return b->iface->softmax_xent(b, logits, labels, loss, rows, classes);
}

cocob_status cocob_op_softmax_xent_grad(cocob_backend *b, cocob_span logits, cocob_span labels,
                                        cocob_span dlogits, size_t rows, size_t classes)
{
    cocob_status s = softmax_xent_validate(b->err, "softmax_xent_grad", logits, labels, "dlogits",
                                           dlogits, 1, rows, classes);
    if (s != COCOB_OK)
        return s;
    return b->iface->softmax_xent_grad(b, logits, labels, dlogits, rows, classes);
}
