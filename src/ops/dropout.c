/* dropout's and dropout_grad's validation: n floats in, n out, the output
 * the input itself or apart from it, since each element is read and written
 * by one work-item alone. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status dropout_validate(cocob_error *err, const char *op, const char *in_name,
                                     cocob_span in, const char *out_name, cocob_span out,
                                     size_t n, float p)
{
    if (!(p >= 0.0f && p < 1.0f))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the drop probability %g is outside [0, 1)", op, (double)p);
    if (!n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: the length must be nonzero", op);
    if (!span_holds(in, n) || !span_holds(out, n))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %s and %s need %zu floats each, from offsets %zu and %zu; "
                          "their buffers hold %zu and %zu",
                          op, in_name, out_name, n, in.off, out.off, span_room(in),
                          span_room(out));
    const cocob_operand operand[2] = {{in_name, in, n, 0, 0}, {out_name, out, n, 1, 1u << 0}};
    return cocob_ops_disjoint(err, op, operand, 2);
}

cocob_status cocob_op_dropout(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                              uint64_t seed, uint64_t counter)
{
    cocob_status s = dropout_validate(b->err, "dropout", "x", x, "y", y, n, p);
    if (s != COCOB_OK)
        return s;
    return b->iface->dropout(b, x, y, n, p, seed, counter);
}

cocob_status cocob_op_dropout_grad(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                   float p, uint64_t seed, uint64_t counter)
{
    cocob_status s = dropout_validate(b->err, "dropout_grad", "dy", dy, "dx", dx, n, p);
    if (s != COCOB_OK)
        return s;
    return b->iface->dropout_grad(b, dy, dx, n, p, seed, counter);
}
