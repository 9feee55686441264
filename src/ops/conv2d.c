/* conv2d's, conv2d_grad_input's and conv2d_grad_weights' validation. Every
 * output element reads a window of one operand and a slice of the other, so
 * the output may not overlap either input at all. */
#include "ops/ops.h"
#include "ops/operands.h"

/* The element counts of the image (x or dx), the filters (w or dw) and the
 * output (y or dy). */
typedef struct conv_counts {
    size_t image, filters, output;
} conv_counts;

static cocob_status conv_shape_validate(cocob_error *err, const char *op,
                                        const cocob_conv_shape *s, conv_counts *n)
{
    if (!s->batch || !s->channels || !s->height || !s->width || !s->kernel_h || !s->kernel_w ||
        !s->stride || !s->filters)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: batch %zu, channels %zu, height %zu, width %zu, kernel %zu x %zu, "
                          "stride %zu and filters %zu must all be nonzero",
                          op, s->batch, s->channels, s->height, s->width, s->kernel_h,
                          s->kernel_w, s->stride, s->filters);
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
    size_t planes, plane, window, taps, out_planes, positions;
    if (!size_mul(s->batch, s->channels, &planes) || !size_mul(s->height, s->width, &plane) ||
        !size_mul(planes, plane, &n->image) || !size_mul(s->kernel_h, s->kernel_w, &window) ||
        !size_mul(s->channels, window, &taps) || !size_mul(s->filters, taps, &n->filters) ||
        !size_mul(s->batch, s->filters, &out_planes) || !size_mul(out_h, out_w, &positions) ||
        !size_mul(out_planes, positions, &n->output))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu x %zu x %zu x %zu images under %zu filters of %zu x %zu have "
                          "more elements than size_t can count",
                          op, s->batch, s->channels, s->height, s->width, s->filters, s->kernel_h,
                          s->kernel_w);
    return COCOB_OK;
}

/* Fits and overlaps of the three operands, operand[0] the one written. */
static cocob_status conv_operands_validate(cocob_error *err, const char *op,
                                           const cocob_operand operand[3])
{
    cocob_status st = cocob_ops_fit(err, op, operand, 3);
    if (st != COCOB_OK)
        return st;
    return cocob_ops_disjoint(err, op, operand, 3);
}

cocob_status cocob_op_conv2d(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                             cocob_span w, cocob_span y)
{
    conv_counts n = {0, 0, 0};
    cocob_status st = conv_shape_validate(b->err, "conv2d", s, &n);
    if (st != COCOB_OK)
        return st;
    const cocob_operand operand[3] = {{"y", y, n.output, 1, 0},
                                      {"x", x, n.image, 0, 0},
                                      {"w", w, n.filters, 0, 0}};
    st = conv_operands_validate(b->err, "conv2d", operand);
    if (st != COCOB_OK)
        return st;
    return b->iface->conv2d(b, s, x, w, y);
}

cocob_status cocob_op_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *s,
                                        cocob_span dy, cocob_span w, cocob_span dx)
{
    conv_counts n = {0, 0, 0};
    cocob_status st = conv_shape_validate(b->err, "conv2d_grad_input", s, &n);
    if (st != COCOB_OK)
        return st;
    const cocob_operand operand[3] = {{"dx", dx, n.image, 1, 0},
                                      {"dy", dy, n.output, 0, 0},
                                      {"w", w, n.filters, 0, 0}};
    st = conv_operands_validate(b->err, "conv2d_grad_input", operand);
    if (st != COCOB_OK)
        return st;
    return b->iface->conv2d_grad_input(b, s, dy, w, dx);
}

cocob_status cocob_op_conv2d_grad_weights(cocob_backend *b, const cocob_conv_shape *s,
                                          cocob_span dy, cocob_span x, cocob_span dw)
{
    conv_counts n = {0, 0, 0};
    cocob_status st = conv_shape_validate(b->err, "conv2d_grad_weights", s, &n);
    if (st != COCOB_OK)
        return st;
    const cocob_operand operand[3] = {{"dw", dw, n.filters, 1, 0},
                                      {"dy", dy, n.output, 0, 0},
                                      {"x", x, n.image, 0, 0}};
    st = conv_operands_validate(b->err, "conv2d_grad_weights", operand);
    if (st != COCOB_OK)
        return st;
    return b->iface->conv2d_grad_weights(b, s, dy, x, dw);
}
