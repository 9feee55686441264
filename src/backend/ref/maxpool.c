/* Max-pooling and its gradient, the reference loops of cl/maxpool.cl. */
#include <math.h>

#include "backend/ref/ref.h"

/* Windows are scanned in row-major order and only a strictly larger value
 * takes over, so the first maximum wins a tie. A NaN counts as larger than
 * any number, so that a NaN in the input reaches the output, as in PyTorch,
 * rather than vanishing inside a window. */
void cocob_ref_maxpool(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx)
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
void cocob_ref_maxpool_grad(const cocob_pool_shape *s, const float *dy, const int32_t *idx,
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
