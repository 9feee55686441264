/* swap_axes's validation: x and y are a x bb x inner floats each, and y may
 * not overlap x, an element of y being read from elsewhere in x. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status swap_axes_validate(cocob_error *err, cocob_span x, cocob_span y, size_t a,
                                       size_t bb, size_t inner)
{
    if (!a || !bb || !inner)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "swap_axes: the sizes %zu x %zu x %zu must all be nonzero", a, bb,
                          inner);
    size_t count = 0;
    if (!size_mul3(a, bb, inner, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "swap_axes: %zu x %zu x %zu elements are more than size_t can count", a,
                          bb, inner);
    if (!span_holds(x, count) || !span_holds(y, count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "swap_axes (%zu x %zu x %zu): x and y need %zu floats each, from "
                          "offsets %zu and %zu; their buffers hold %zu and %zu",
                          a, bb, inner, count, x.off, y.off, span_room(x), span_room(y));
    const cocob_operand operand[2] = {{"y", y, count, 1, 0}, {"x", x, count, 0, 0}};
    return cocob_ops_disjoint(err, "swap_axes", operand, 2);
}

cocob_status cocob_op_swap_axes(cocob_backend *b, cocob_span x, cocob_span y, size_t a, size_t bb,
                                size_t inner)
{
    cocob_status s = swap_axes_validate(b->err, x, y, a, bb, inner);
    if (s != COCOB_OK)
        return s;
    return b->iface->swap_axes(b, x, y, a, bb, inner);
}
