/* softmax_xent's validation: logits and dlogits are rows x classes floats,
 * labels (int32) and loss one per row. A row's work-item reads its whole
 * row of logits while writing dlogits, so no output may overlap any other
 * operand. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status softmax_xent_validate(cocob_error *err, cocob_span logits, cocob_span labels,
                                          cocob_span loss, cocob_span dlogits, size_t rows,
                                          size_t classes)
{
    if (!rows || !classes)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "softmax_xent: rows %zu and classes %zu must both be nonzero", rows,
                          classes);
    size_t count = 0;
    if (!size_mul(rows, classes, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "softmax_xent: %zu rows of %zu classes are more than size_t can count",
                          rows, classes);
    if (!span_holds(logits, count) || !span_holds(dlogits, count) || !span_holds(labels, rows) ||
        !span_holds(loss, rows))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "softmax_xent (%zu rows x %zu classes): logits and dlogits need %zu "
                          "floats from offsets %zu and %zu (their buffers hold %zu and %zu), "
                          "labels and loss %zu elements from offsets %zu and %zu (their buffers "
                          "hold %zu and %zu)",
                          rows, classes, count, logits.off, dlogits.off, span_room(logits),
                          span_room(dlogits), rows, labels.off, loss.off, span_room(labels),
                          span_room(loss));
    const cocob_operand operand[4] = {
        {"loss", loss, rows, 1, 0},
        {"dlogits", dlogits, count, 1, 0},
        {"logits", logits, count, 0, 0},
        {"labels", labels, rows, 0, 0},
    };
    return cocob_ops_disjoint(err, "softmax_xent", operand, 4);
}

cocob_status cocob_op_softmax_xent(cocob_backend *b, cocob_span logits, cocob_span labels,
                                   cocob_span loss, cocob_span dlogits, size_t rows,
                                   size_t classes)
{
    cocob_status s = softmax_xent_validate(b->err, logits, labels, loss, dlogits, rows, classes);
    if (s != COCOB_OK)
        return s;
    return b->iface->softmax_xent(b, logits, labels, loss, dlogits, rows, classes);
}
