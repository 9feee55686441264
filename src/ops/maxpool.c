/* maxpool's and maxpool_grad's validation. A window reads elements other
 * windows read, and an input position gathers from several windows, so no
 * output may overlap another operand. */
#include "ops/ops.h"
#include "ops/operands.h"

/* in is x or dx (planes x height x width); out and idx are y or dy and idx
 * (planes x out_h x out_w). Their elements in *in_count and *out_count. */
static cocob_status pool_shape_validate(cocob_error *err, const char *op,
                                        const cocob_pool_shape *s, cocob_span in, cocob_span out,
                                        cocob_span idx, size_t *in_count, size_t *out_count)
{
    if (!s->planes || !s->height || !s->width || !s->size || !s->stride)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: planes %zu, height %zu, width %zu, size %zu and stride %zu must "
                          "all be nonzero",
                          op, s->planes, s->height, s->width, s->size, s->stride);
    if (s->size > s->height || s->size > s->width)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: a %zu x %zu window does not fit a %zu x %zu plane", op, s->size,
                          s->size, s->height, s->width);
    size_t out_h = (s->height - s->size) / s->stride + 1;
    size_t out_w = (s->width - s->size) / s->stride + 1;
    if (s->out_h != out_h || s->out_w != out_w)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: the output is given as %zu x %zu, but %zu x %zu windows at stride "
                          "%zu over a %zu x %zu plane give %zu x %zu",
                          op, s->out_h, s->out_w, s->size, s->size, s->stride, s->height,
                          s->width, out_h, out_w);
    size_t plane;
    /* idx names a position within its plane as an int32. */
    if (!size_mul(s->height, s->width, &plane) || plane > INT32_MAX)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: a %zu x %zu plane has more positions than an int32 index can name",
                          op, s->height, s->width);
    if (!size_mul(s->planes, plane, in_count) || !size_mul(s->planes, out_h * out_w, out_count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu planes of %zu x %zu are more elements than size_t can count",
                          op, s->planes, s->height, s->width);
    if (!span_holds(in, *in_count) || !span_holds(out, *out_count) ||
        !span_holds(idx, *out_count))
        return cocob_fail(
            err, COCOB_ERR_SHAPE,
            "%s: %zu planes of %zu x %zu pooled to %zu x %zu need %zu input "
            "elements from offset %zu (the buffer holds %zu) and %zu output and "
            "index elements from offsets %zu and %zu (the buffers hold %zu and %zu)",
            op, s->planes, s->height, s->width, out_h, out_w, *in_count, in.off, span_room(in),
            *out_count, out.off, idx.off, span_room(out), span_room(idx));
    return COCOB_OK;
}

cocob_status cocob_op_maxpool(cocob_backend *b, const cocob_pool_shape *s, cocob_span x,
                              cocob_span y, cocob_span idx)
{
    size_t in_count = 0, out_count = 0;
    cocob_status st = pool_shape_validate(b->err, "maxpool", s, x, y, idx, &in_count, &out_count);
    if (st != COCOB_OK)
        return st;
    const cocob_operand operand[3] = {{"y", y, out_count, 1, 0},
                                      {"idx", idx, out_count, 1, 0},
                                      {"x", x, in_count, 0, 0}};
    st = cocob_ops_disjoint(b->err, "maxpool", operand, 3);
    if (st != COCOB_OK)
        return st;
    return b->iface->maxpool(b, s, x, y, idx);
}

cocob_status cocob_op_maxpool_grad(cocob_backend *b, const cocob_pool_shape *s, cocob_span dy,
                                   cocob_span idx, cocob_span dx)
{
    size_t in_count = 0, out_count = 0;
    cocob_status st = pool_shape_validate(b->err, "maxpool_grad", s, dx, dy, idx, &in_count,
                                          &out_count);
    if (st != COCOB_OK)
        return st;
    const cocob_operand operand[3] = {{"dx", dx, in_count, 1, 0},
                                      {"dy", dy, out_count, 0, 0},
                                      {"idx", idx, out_count, 0, 0}};
    st = cocob_ops_disjoint(b->err, "maxpool_grad", operand, 3);
    if (st != COCOB_OK)
        return st;
    return b->iface->maxpool_grad(b, s, dy, idx, dx);
}
