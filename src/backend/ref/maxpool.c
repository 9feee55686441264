/* Max-pooling and its gradient, the reference loops of cl/maxpool.cl. */
#include <math.h>

#include "backend/ref/ref.h"

cocob_status pool_shape_check(cocob_error *err, const char *op, const cocob_pool_shape *s,
                              cocob_span in, cocob_span out, cocob_span idx)
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
    size_t plane, in_count, out_count;
    /* idx names a position within its plane as an int32. */
    if (!size_mul(s->height, s->width, &plane) || plane > INT32_MAX)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: a %zu x %zu plane has more positions than an int32 index can name",
                          op, s->height, s->width);
    if (!size_mul(s->planes, plane, &in_count) || !size_mul(s->planes, out_h * out_w, &out_count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu planes of %zu x %zu are more elements than size_t can count",
                          op, s->planes, s->height, s->width);
    if (!span_holds(in, in_count) || !span_holds(out, out_count) || !span_holds(idx, out_count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu planes of %zu x %zu pooled to %zu x %zu need %zu input "
                          "elements from offset %zu (the buffer holds %zu) and %zu output and "
                          "index elements from offsets %zu and %zu (the buffers hold %zu and %zu)",
                          op, s->planes, s->height, s->width, out_h, out_w, in_count, in.off,
                          in.buf ? in.buf->bytes / 4 : 0, out_count, out.off, idx.off,
                          out.buf ? out.buf->bytes / 4 : 0, idx.buf ? idx.buf->bytes / 4 : 0);
    return COCOB_OK;
}

/* Windows are scanned in row-major order and only a strictly larger value
 * takes over, so the first maximum wins a tie. A NaN counts as larger than
 * any number, so that a NaN in the input reaches the output, as in PyTorch,
 * rather than vanishing inside a window. */
void maxpool_ref(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx)
{
    size_t plane = s->height * s->width;
    for (size_t p = 0; p < s->planes; p++, x += plane)
        for (size_t oy = 0; oy < s->out_h; oy++)
            for (size_t ox = 0; ox < s->out_w; ox++) {
                size_t top = oy * s->stride, left = ox * s->stride;
                size_t best_at = top * s->width + left;
                float best = x[best_at];
                for (size_t ky = 0; ky < s->size; ky++)
                    for (size_t kx = 0; kx < s->size; kx++) {
                        size_t at = (top + ky) * s->width + left + kx;
                        if (x[at] > best || (isnan(x[at]) && !isnan(best))) {
                            best = x[at];
                            best_at = at;
                        }
                    }
                *y++ = best;
                *idx++ = (int32_t)best_at;
            }
}

/* The windows [*first, *end) along one axis that contain input position i:
 * those o with o stride <= i < o stride + size, o < out. */
static void windows_over(size_t i, size_t size, size_t stride, size_t out, size_t *first,
                         size_t *end)
{
    *first = i < size ? 0 : (i - size) / stride + 1;
    *end = i / stride + 1 < out ? i / stride + 1 : out;
}

/* Each input position sums, in row-major window order, the dy of the
 * windows that chose it; overlapping windows (stride < size) are just more
 * terms, and the kernel adds them in the same order. */
void maxpool_grad_ref(const cocob_pool_shape *s, const float *dy, const int32_t *idx,
                      float *dx)
{
    size_t out_plane = s->out_h * s->out_w;
    for (size_t p = 0; p < s->planes; p++, dy += out_plane, idx += out_plane)
        for (size_t iy = 0; iy < s->height; iy++)
            for (size_t ix = 0; ix < s->width; ix++) {
                size_t oy0, oy1, ox0, ox1;
                windows_over(iy, s->size, s->stride, s->out_h, &oy0, &oy1);
                windows_over(ix, s->size, s->stride, s->out_w, &ox0, &ox1);
                int32_t here = (int32_t)(iy * s->width + ix);
                float sum = 0.0f;
                for (size_t oy = oy0; oy < oy1; oy++)
                    for (size_t ox = ox0; ox < ox1; ox++)
                        if (idx[oy * s->out_w + ox] == here)
                            sum += dy[oy * s->out_w + ox];
                *dx++ = sum;
            }
}
