/* The span checks every op's validator ends with. */
#include "ops/operands.h"

cocob_status cocob_ops_fit(cocob_error *err, const char *op, const cocob_operand *operand,
                           int count)
{
    for (int k = 0; k < count; k++) {
        const cocob_operand *o = &operand[k];
        if (!o->span.buf)
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s has no buffer", op,
                              o->name);
        if (!span_holds(o->span, o->count))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "%s: %s needs %zu elements from offset %zu; its buffer holds %zu",
                              op, o->name, o->count, o->span.off, span_room(o->span));
    }
    return COCOB_OK;
}

/* Offsets and counts have been checked against their buffers, so these
 * sums cannot wrap. */
static int overlap(const cocob_operand *a, const cocob_operand *b)
{
    return a->span.buf == b->span.buf && a->count && b->count &&
           a->span.off < b->span.off + b->count && b->span.off < a->span.off + a->count;
}

static int identical(const cocob_operand *a, const cocob_operand *b)
{
    return a->span.buf == b->span.buf && a->span.off == b->span.off && a->count == b->count;
}

cocob_status cocob_ops_disjoint(cocob_error *err, const char *op, const cocob_operand *operand,
                                int count)
{
    for (int i = 0; i < count; i++) {
        const cocob_operand *w = &operand[i];
        if (!w->written)
            continue;
        for (int j = 0; j < count; j++) {
            const cocob_operand *o = &operand[j];
            /* Two written operands are one pair, looked at once. */
            if (j == i || (o->written && j < i) || !overlap(w, o))
                continue;
            int allowed = (w->may_be >> j & 1u) || (o->may_be >> i & 1u);
            if (allowed && identical(w, o))
                continue;
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "%s: %s (%zu elements from offset %zu) overlaps %s (%zu elements "
                              "from offset %zu) in one buffer; %s",
                              op, w->name, w->count, w->span.off, o->name, o->count, o->span.off,
                              allowed ? "only the very same span may be shared"
                                      : "the op cannot run in place");
        }
    }
    return COCOB_OK;
}
