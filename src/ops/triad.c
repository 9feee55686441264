/* triad's validation: a = b + s c over n floats from each buffer's start;
 * a may be b or c itself, each element being read and written by one
 * work-item alone. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status triad_validate(cocob_error *err, cocob_buffer *a, const cocob_buffer *bb,
                                   const cocob_buffer *c, size_t n)
{
    if (!n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "triad: the length must be nonzero");
    const cocob_operand operand[3] = {
        {"a", {a, 0}, n, 1, 1u << 1 | 1u << 2},
        {"b", {(cocob_buffer *)bb, 0}, n, 0, 0},
        {"c", {(cocob_buffer *)c, 0}, n, 0, 0},
    };
    cocob_status s = cocob_ops_fit(err, "triad", operand, 3);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "triad", operand, 3);
    return s;
}

cocob_status cocob_op_triad(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                            const cocob_buffer *c, float s, size_t n)
{
    cocob_status st = triad_validate(b->err, a, bb, c, n);
    if (st != COCOB_OK)
        return st;
    return b->iface->triad(b, a, bb, c, s, n);
}
