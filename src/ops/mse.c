/* mse's and mse_grad's validation: x and the targets are rows x cols
 * floats, the output one float per row (the loss) or one per element (dx).
 * mse's work-item reads a whole row, so no output may overlap any other
 * operand; mse_grad is held to the same, as nothing needs it in place. */
#include "ops/ops.h"
#include "ops/operands.h"

/* out is the op's output: one element per element of x with per_element,
 * else one per row. */
static cocob_status mse_validate(cocob_error *err, const char *op, cocob_span x,
                                 cocob_span targets, const char *out_name, cocob_span out,
                                 int per_element, size_t rows, size_t cols)
{
    if (!rows || !cols)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: rows %zu and cols %zu must both be nonzero", op, rows, cols);
    size_t count = 0;
    if (!size_mul(rows, cols, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu rows of %zu are more than size_t can count", op, rows, cols);
    const cocob_operand operand[3] = {
        {out_name, out, per_element ? count : rows, 1, 0},
        {"x", x, count, 0, 0},
        {"targets", targets, count, 0, 0},
    };
    cocob_status s = cocob_ops_fit(err, op, operand, 3);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, op, operand, 3);
    if (s != COCOB_OK)
        cocob_error_append(err, " (%zu rows x %zu cols)", rows, cols);
    return s;
}

cocob_status cocob_op_mse(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span loss,
                          size_t rows, size_t cols)
{
    cocob_status s = mse_validate(b->err, "mse", x, targets, "loss", loss, 0, rows, cols);
    if (s != COCOB_OK)
        return s;
    return b->iface->mse(b, x, targets, loss, rows, cols);
}

cocob_status cocob_op_mse_grad(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span dx,
                               size_t rows, size_t cols)
{
    cocob_status s = mse_validate(b->err, "mse_grad", x, targets, "dx", dx, 1, rows, cols);
    if (s != COCOB_OK)
        return s;
    return b->iface->mse_grad(b, x, targets, dx, rows, cols);
}
