/* bias_add's and bias_grad's validation, over outer x channels x inner.
 * bias_add's y may be x itself, each element being read and written by one
 * work-item alone; the bias may not overlap y, nor db dy. */
#include "ops/ops.h"
#include "ops/operands.h"

/* The tensor's elements in *count, once the sizes are nonzero and it and
 * the bias fit. */
static cocob_status bias_validate(cocob_error *err, const char *op, cocob_span data,
                                  cocob_span bias, size_t outer, size_t channels, size_t inner,
                                  size_t *count)
{
    if (!outer || !channels || !inner)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the sizes outer %zu, channels %zu and inner %zu must all be "
                          "nonzero",
                          op, outer, channels, inner);
    if (!size_mul3(outer, channels, inner, count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu x %zu x %zu elements are more than size_t can count", op,
                          outer, channels, inner);
    if (!span_holds(data, *count) || !span_holds(bias, channels))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s (%zu x %zu x %zu): the tensor needs %zu floats from offset %zu "
                          "(its buffer holds %zu) and the bias %zu from offset %zu (its buffer "
                          "holds %zu)",
                          op, outer, channels, inner, *count, data.off, span_room(data), channels,
                          bias.off, span_room(bias));
    return COCOB_OK;
}

static cocob_status bias_add_validate(cocob_error *err, cocob_activation f, cocob_span x,
                                      cocob_span bias, cocob_span y, size_t outer,
                                      size_t channels, size_t inner)
{
    if (!cocob_activation_name(f))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "bias_add: unknown activation %d",
                          (int)f);
    size_t count = 0;
    cocob_status s = bias_validate(err, "bias_add", x, bias, outer, channels, inner, &count);
    if (s == COCOB_OK)
        s = bias_validate(err, "bias_add", y, bias, outer, channels, inner, &count);
    if (s != COCOB_OK)
        return s;
    const cocob_operand operand[3] = {
        {"y", y, count, 1, 1u << 1},
        {"x", x, count, 0, 0},
        {"bias", bias, channels, 0, 0},
    };
    return cocob_ops_disjoint(err, "bias_add", operand, 3);
}

static cocob_status bias_grad_validate(cocob_error *err, cocob_span dy, cocob_span db,
                                       size_t outer, size_t channels, size_t inner)
{
    size_t count = 0;
    cocob_status s = bias_validate(err, "bias_grad", dy, db, outer, channels, inner, &count);
    if (s != COCOB_OK)
        return s;
    const cocob_operand operand[2] = {
        {"db", db, channels, 1, 0},
        {"dy", dy, count, 0, 0},
    };
    return cocob_ops_disjoint(err, "bias_grad", operand, 2);
}

cocob_status cocob_op_bias_add(cocob_backend *b, cocob_activation f, cocob_span x,
                               cocob_span bias, cocob_span y, size_t outer, size_t channels,
                               size_t inner)
{
    cocob_status s = bias_add_validate(b->err, f, x, bias, y, outer, channels, inner);
    if (s != COCOB_OK)
        return s;
    return b->iface->bias_add(b, f, x, bias, y, outer, channels, inner);
}

cocob_status cocob_op_bias_grad(cocob_backend *b, cocob_span dy, cocob_span db, size_t outer,
                                size_t channels, size_t inner)
{
    cocob_status s = bias_grad_validate(b->err, dy, db, outer, channels, inner);
    if (s != COCOB_OK)
        return s;
    return b->iface->bias_grad(b, dy, db, outer, channels, inner);
}
