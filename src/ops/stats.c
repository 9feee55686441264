/* The monitor's reduction's validation: x, and y and z where their buffers
 * are not NULL, hold n floats each. Nothing is written to a buffer. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status stats_validate(cocob_error *err, cocob_span x, cocob_span y, cocob_span z,
                                   size_t n, const cocob_stats *out)
{
    if (!n || !x.buf || !out)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "stats: needs x, at least one element (n = %zu) and somewhere to put "
                          "the answer",
                          n);
    const cocob_span spans[] = {x, y, z};
    const char *const names[] = {"x", "y", "z"};
    for (int k = 0; k < 3; k++)
        if (spans[k].buf && !span_holds(spans[k], n))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "stats: %s needs %zu floats from offset %zu; its buffer holds %zu",
                              names[k], n, spans[k].off, span_room(spans[k]));
    return COCOB_OK;
}

cocob_status cocob_op_stats(cocob_backend *b, cocob_span x, cocob_span y, cocob_span z, size_t n,
                            cocob_stats *out)
{
    cocob_status s = stats_validate(b->err, x, y, z, n, out);
    if (s != COCOB_OK)
        return s;
    return b->iface->stats(b, x, y, z, n, out);
}
