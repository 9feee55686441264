/* im2col's and col2im's validation. A col element is read from many x
 * elements' neighbourhoods and an x element gathers many col elements, so
 * the output may not overlap the input at all. */
#include "ops/ops.h"
#include "ops/operands.h"

/* x's and col's elements in *x_count and *col_count. */
static cocob_status conv_shape_validate(cocob_error *err, const char *op,
                                        const cocob_conv_shape *s, cocob_span x, cocob_span col,
                                        size_t *x_count, size_t *col_count)
{
    if (!s->batch || !s->channels || !s->height || !s->width || !s->kernel_h || !s->kernel_w ||
        !s->stride)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: batch %zu, channels %zu, height %zu, width %zu, kernel %zu x %zu "
                          "and stride %zu must all be nonzero",
                          op, s->batch, s->channels, s->height, s->width, s->kernel_h,
                          s->kernel_w, s->stride);
    if (s->pad > (SIZE_MAX - s->height) / 2 || s->pad > (SIZE_MAX - s->width) / 2 ||
        s->kernel_h > s->height + 2 * s->pad || s->kernel_w > s->width + 2 * s->pad)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: a %zu x %zu kernel does not fit a %zu x %zu image padded by %zu",
                          op, s->kernel_h, s->kernel_w, s->height, s->width, s->pad);
    size_t out_h = (s->height + 2 * s->pad - s->kernel_h) / s->stride + 1;
    size_t out_w = (s->width + 2 * s->pad - s->kernel_w) / s->stride + 1;
    if (s->out_h != out_h || s->out_w != out_w)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: the output is given as %zu x %zu, but a %zu x %zu image padded "
                          "by %zu under a %zu x %zu kernel at stride %zu gives %zu x %zu",
                          op, s->out_h, s->out_w, s->height, s->width, s->pad, s->kernel_h,
                          s->kernel_w, s->stride, out_h, out_w);
    size_t planes, plane, taps, window, positions;
    if (!size_mul(s->batch, s->channels, &planes) || !size_mul(s->height, s->width, &plane) ||
        !size_mul(planes, plane, x_count) || !size_mul(s->kernel_h, s->kernel_w, &window) ||
        !size_mul(s->channels, window, &taps) || !size_mul(out_h, out_w, &positions) ||
        !size_mul(s->batch, positions, &positions) || !size_mul(taps, positions, col_count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu x %zu x %zu x %zu images under a %zu x %zu kernel have more "
                          "elements than size_t can count",
                          op, s->batch, s->channels, s->height, s->width, s->kernel_h,
                          s->kernel_w);
    if (!span_holds(x, *x_count) || !span_holds(col, *col_count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: x needs %zu floats from offset %zu (its buffer holds %zu) and col "
                          "%zu from offset %zu (its buffer holds %zu)",
                          op, *x_count, x.off, span_room(x), *col_count, col.off, span_room(col));
    return COCOB_OK;
}

cocob_status cocob_op_im2col(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                             cocob_span col)
{
    size_t x_count = 0, col_count = 0;
    cocob_status st = conv_shape_validate(b->err, "im2col", s, x, col, &x_count, &col_count);
    if (st != COCOB_OK)
        return st;
    const cocob_operand operand[2] = {{"col", col, col_count, 1, 0}, {"x", x, x_count, 0, 0}};
    st = cocob_ops_disjoint(b->err, "im2col", operand, 2);
    if (st != COCOB_OK)
        return st;
    return b->iface->im2col(b, s, x, col);
}

cocob_status cocob_op_col2im(cocob_backend *b, const cocob_conv_shape *s, cocob_span col,
                             cocob_span x)
{
    size_t x_count = 0, col_count = 0;
    cocob_status st = conv_shape_validate(b->err, "col2im", s, x, col, &x_count, &col_count);
    if (st != COCOB_OK)
        return st;
    const cocob_operand operand[2] = {{"x", x, x_count, 1, 0}, {"col", col, col_count, 0, 0}};
    st = cocob_ops_disjoint(b->err, "col2im", operand, 2);
    if (st != COCOB_OK)
        return st;
    return b->iface->col2im(b, s, col, x);
}
