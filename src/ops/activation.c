/* The activations' validation. Each element is read and written by one
 * work-item alone, so y may be x itself, and dx dy itself; no output may
 * partly overlap an input. */
#include "ops/ops.h"
#include "ops/operands.h"

/* n elements from each of the count operands, the first the output. */
static cocob_status elementwise_validate(cocob_error *err, const char *op, cocob_activation f,
                                         cocob_operand *operand, int count, size_t n)
{
    if (!cocob_activation_name(f))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: unknown activation %d", op,
                          (int)f);
    if (!n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s (%s): the length must be nonzero",
                          op, cocob_activation_name(f));
    for (int k = 0; k < count; k++) {
        operand[k].count = n;
        if (!span_holds(operand[k].span, n))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "%s (%s): %s needs %zu floats from offset %zu; its buffer holds %zu",
                              op, cocob_activation_name(f), operand[k].name, n,
                              operand[k].span.off, span_room(operand[k].span));
    }
    return cocob_ops_disjoint(err, op, operand, count);
}

static cocob_status activation_validate(cocob_error *err, cocob_activation f, cocob_span x,
                                        cocob_span y, size_t n)
{
    cocob_operand operand[2] = {{"x", x, 0, 0, 0}, {"y", y, 0, 1, 1u << 0}};
    return elementwise_validate(err, "activation", f, operand, 2, n);
}

static cocob_status activation_grad_validate(cocob_error *err, cocob_activation f, cocob_span y,
                                             cocob_span dy, cocob_span dx, size_t n)
{
    cocob_operand operand[3] = {{"y", y, 0, 0, 0},
                                {"dy", dy, 0, 0, 0},
                                {"dx", dx, 0, 1, 1u << 1}};
    return elementwise_validate(err, "activation_grad", f, operand, 3, n);
}

cocob_status cocob_op_activation(cocob_backend *b, cocob_activation f, cocob_span x, cocob_span y,
                                 size_t n)
{
    cocob_status s = activation_validate(b->err, f, x, y, n);
    if (s != COCOB_OK)
        return s;
    return b->iface->activation(b, f, x, y, n);
}

cocob_status cocob_op_activation_grad(cocob_backend *b, cocob_activation f, cocob_span y,
                                      cocob_span dy, cocob_span dx, size_t n)
{
    cocob_status s = activation_grad_validate(b->err, f, y, dy, dx, n);
    if (s != COCOB_OK)
        return s;
    return b->iface->activation_grad(b, f, y, dy, dx, n);
}
