/* argmax's validation: x is rows x cols floats, out one int32 per row, and
 * out may not overlap x. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status argmax_validate(cocob_error *err, cocob_span x, cocob_span out, size_t rows,
                                    size_t cols)
{
    if (!rows || !cols)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "argmax: rows %zu and cols %zu must both be nonzero", rows, cols);
    if (cols - 1 > INT32_MAX)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "argmax: a row of %zu has more columns than an int32 index can name",
                          cols);
    size_t count = 0;
    if (!size_mul(rows, cols, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "argmax: %zu rows of %zu are more than size_t can count", rows, cols);
    if (!span_holds(x, count) || !span_holds(out, rows))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "argmax (%zu x %zu): x needs %zu floats from offset %zu (its buffer "
                          "holds %zu) and out %zu indices from offset %zu (its buffer holds %zu)",
                          rows, cols, count, x.off, span_room(x), rows, out.off, span_room(out));
    const cocob_operand operand[2] = {{"out", out, rows, 1, 0}, {"x", x, count, 0, 0}};
    return cocob_ops_disjoint(err, "argmax", operand, 2);
}

cocob_status cocob_op_argmax(cocob_backend *b, cocob_span x, cocob_span out, size_t rows,
                             size_t cols)
{
    cocob_status s = argmax_validate(b->err, x, out, rows, cols);
    if (s != COCOB_OK)
        return s;
    return b->iface->argmax(b, x, out, rows, cols);
}
