/* What the op layer's validators share: whether a span fits in its buffer,
 * and whether an op's outputs overlap its other operands. */
#ifndef COCOB_OPS_OPERANDS_H
#define COCOB_OPS_OPERANDS_H

#include <stddef.h>

#include "backend/backend.h"
#include "base/checked.h"

/* Whether s's buffer holds count 4-byte elements from s.off. */
static inline int span_holds(cocob_span s, size_t count)
{
    size_t have = s.buf ? s.buf->bytes / 4 : 0;
    return s.off <= have && count <= have - s.off;
}

/* The 4-byte elements a buffer holds, 0 for none: for messages. */
static inline size_t span_room(cocob_span s)
{
    return s.buf ? s.buf->bytes / 4 : 0;
}

/* One operand of an op: its name in messages, where it starts, how many
 * elements from there the op may touch, whether the op writes it, and the
 * operands (bit k for operand k) it may be the very same span as, which
 * the table "Which ops may run in place" of docs/ARCHITECTURE.md allows. */
typedef struct cocob_operand {
    const char *name;
    cocob_span span;
    size_t count;
    int written;
    unsigned may_be;
} cocob_operand;

/* Fails, naming op and the operand, where an operand's buffer is absent or
 * does not hold its count from its offset. */
cocob_status cocob_ops_fit(cocob_error *err, const char *op, const cocob_operand *operand,
                           int count);

/* Fails, naming op and both operands, where a written operand overlaps
 * another operand, except where it is the very same span as one that its
 * may_be names. Call it once every operand is known to fit: a span
 * partly over another is never allowed, since an element one work-item
 * writes may be one another reads. */
cocob_status cocob_ops_disjoint(cocob_error *err, const char *op, const cocob_operand *operand,
                                int count);

#endif
