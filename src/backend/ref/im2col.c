/* The unrolled convolution input, im2col, and its adjoint col2im: the
 * reference loops of cl/im2col.cl. col is (channels kernel_h kernel_w) rows
 * by (batch out_h out_w) columns, so that a convolution is one GEMM. */
#include "backend/ref/ref.h"

void cocob_ref_im2col(const cocob_conv_shape *s, const float *x, float *col)
{
    cocob_ref_im2col_channels(s, x, col, 0, s->channels);
}

/* The col rows of channels [first, end) alone, so that the cpu backend's
 * threads can each write channels of their own. */
void cocob_ref_im2col_channels(const cocob_conv_shape *s, const float *x, float *col,
                               size_t first, size_t end)
{
    col += first * s->kernel_h * s->kernel_w * s->batch * s->out_h * s->out_w;
    for (size_t c = first; c < end; c++)
        for (size_t ky = 0; ky < s->kernel_h; ky++)
            for (size_t kx = 0; kx < s->kernel_w; kx++)
                for (size_t n = 0; n < s->batch; n++) {
                    const float *plane = x + (n * s->channels + c) * s->height * s->width;
                    for (size_t oy = 0; oy < s->out_h; oy++) {
                        /* Unsigned, so that a row in the top padding wraps
                         * to a huge value and fails the same test as one in
                         * the bottom padding. */
                        size_t iy = oy * s->stride + ky - s->pad;
                        for (size_t ox = 0; ox < s->out_w; ox++) {
                            size_t ix = ox * s->stride + kx - s->pad;
                            *col++ = iy < s->height && ix < s->width ? plane[iy * s->width + ix]
                                                                     : 0.0f;
                        }
                    }
                }
}

/* The output position that reads input position i through kernel tap k, if
 * any: i = o stride - pad + k with 0 <= o < out. */
static int tap_source(size_t i, size_t k, size_t pad, size_t stride, size_t out, size_t *o)
{
    if (i + pad < k || (i + pad - k) % stride != 0)
        return 0;
    *o = (i + pad - k) / stride;
    return *o < out;
}

/* Each x element gathers the col entries read from it, taps in row-major
 * order; the kernel sums in the same order, so the two agree bit for bit. */
void cocob_ref_col2im(const cocob_conv_shape *s, const float *col, float *x)
{
    cocob_ref_col2im_planes(s, col, x, 0, s->batch * s->channels);
}

/* The planes [first, end) of x alone, plane n channels + c being image n's
 * channel c; each element sums its taps in the same order whatever the
 * range, so the cpu backend's threads agree with cocob_ref_col2im bit for bit. */
void cocob_ref_col2im_planes(const cocob_conv_shape *s, const float *col, float *x, size_t first,
                             size_t end)
{
    size_t positions = s->batch * s->out_h * s->out_w;
    x += first * s->height * s->width;
    for (size_t p = first; p < end; p++) {
        size_t n = p / s->channels, c = p % s->channels;
        for (size_t iy = 0; iy < s->height; iy++)
            for (size_t ix = 0; ix < s->width; ix++) {
                float sum = 0.0f;
                for (size_t ky = 0; ky < s->kernel_h; ky++) {
                    size_t oy;
                    if (!tap_source(iy, ky, s->pad, s->stride, s->out_h, &oy))
                        continue;
                    for (size_t kx = 0; kx < s->kernel_w; kx++) {
                        size_t ox;
                        if (!tap_source(ix, kx, s->pad, s->stride, s->out_w, &ox))
                            continue;
                        size_t row = (c * s->kernel_h + ky) * s->kernel_w + kx;
                        sum += col[row * positions + (n * s->out_h + oy) * s->out_w + ox];
                    }
                }
                *x++ = sum;
            }
    }
}
