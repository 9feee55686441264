/* count_nonfinite's validation: n floats from offset, and an answer to
 * write; flag_nonfinite's: n floats, and one int32 apart from them. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status count_nonfinite_validate(cocob_error *err, const cocob_buffer *x,
                                             size_t offset, size_t n, const size_t *count)
{
    if (!n || !count)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "count_nonfinite: needs at least one element (n = %zu) and somewhere "
                          "to put the count",
                          n);
    const cocob_operand operand = {"x", {(cocob_buffer *)x, offset}, n, 0, 0};
    return cocob_ops_fit(err, "count_nonfinite", &operand, 1);
}

cocob_status cocob_op_count_nonfinite(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                      size_t n, size_t *count)
{
    cocob_status s = count_nonfinite_validate(b->err, x, offset, n, count);
    if (s != COCOB_OK)
        return s;
    return b->iface->count_nonfinite(b, x, offset, n, count);
}

static cocob_status flag_nonfinite_validate(cocob_error *err, cocob_span x, size_t n,
                                            cocob_span flag)
{
    if (!n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "flag_nonfinite: needs at least one element (n = %zu)", n);
    const cocob_operand operand[] = {{"x", x, n, 0, 0}, {"flag", flag, 1, 1, 0}};
    cocob_status s = cocob_ops_fit(err, "flag_nonfinite", operand, 2);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "flag_nonfinite", operand, 2);
    return s;
}

cocob_status cocob_op_flag_nonfinite(cocob_backend *b, cocob_span x, size_t n, cocob_span flag)
{
    cocob_status s = flag_nonfinite_validate(b->err, x, n, flag);
    if (s != COCOB_OK)
        return s;
    return b->iface->flag_nonfinite(b, x, n, flag);
}
