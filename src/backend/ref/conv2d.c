/* The direct convolution and its two adjoints: the reference loops of
 * cl/conv2d.cl and src/backend/cpu/conv2d.c. Each output element sums its
 * terms in the order and the grouping that cocob_ref_gemm gave them when a
 * convolution was im2col, a GEMM and col2im, padding taps included as
 * products with 0, so that training on ref kept its numbers to the bit. */
#include "backend/ref/ref.h"

/* x[n][c][iy][ix], 0 where (iy, ix) lies in the padding. Unsigned, so that
 * a row in the top padding wraps to a huge value and fails the same test
 * as one in the bottom padding. */
static float pixel(const cocob_conv_shape *s, const float *x, size_t n, size_t c, size_t iy,
                   size_t ix)
{
    if (iy >= s->height || ix >= s->width)
        return 0.0f;
    return x[((n * s->channels + c) * s->height + iy) * s->width + ix];
}

void cocob_ref_conv2d(const cocob_conv_shape *s, const float *x, const float *w, float *y)
{
    size_t positions = s->out_h * s->out_w;
    for (size_t n = 0; n < s->batch; n++)
        for (size_t f = 0; f < s->filters; f++) {
            float *plane = y + (n * s->filters + f) * positions;
            for (size_t p = 0; p < positions; p++)
                plane[p] = 0.0f;
            /* Tap by tap across the plane, as the GEMM's rows of W scaled
             * rows of the unrolled input: each element still sums c, ky,
             * kx in order. */
            const float *wf = w + f * s->channels * s->kernel_h * s->kernel_w;
            for (size_t c = 0; c < s->channels; c++)
                for (size_t ky = 0; ky < s->kernel_h; ky++)
                    for (size_t kx = 0; kx < s->kernel_w; kx++) {
                        float a = *wf++;
                        for (size_t oy = 0; oy < s->out_h; oy++) {
                            size_t iy = oy * s->stride + ky - s->pad;
                            for (size_t ox = 0; ox < s->out_w; ox++)
                                plane[oy * s->out_w + ox] +=
                                    a * pixel(s, x, n, c, iy, ox * s->stride + kx - s->pad);
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

/* Each dx element gathers, taps in row-major order, the products that read
 * it, each tap's summed over the filters first: W^T dy and then col2im. */
void cocob_ref_conv2d_grad_input(const cocob_conv_shape *s, const float *dy, const float *w,
                                 float *dx)
{
    size_t positions = s->out_h * s->out_w, taps = s->channels * s->kernel_h * s->kernel_w;
    for (size_t n = 0; n < s->batch; n++)
        for (size_t c = 0; c < s->channels; c++)
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
                            const float *wt = w + (c * s->kernel_h + ky) * s->kernel_w + kx;
                            const float *d =
                                dy + n * s->filters * positions + oy * s->out_w + ox;
                            float g = 0.0f;
                            for (size_t f = 0; f < s->filters; f++)
                                g += wt[f * taps] * d[f * positions];
                            sum += g;
                        }
                    }
                    *dx++ = sum;
                }
}

/* dw[f][c][ky][kx] sums, over the batch's positions in order, dy times the
 * pixel the tap read; in runs of COCOB_REF_GEMM_KC positions, each run
 * summed alone and then added to the total, as cocob_ref_gemm's K blocks. */
void cocob_ref_conv2d_grad_weights(const cocob_conv_shape *s, const float *dy, const float *x,
                                   float *dw)
{
    size_t positions = s->out_h * s->out_w;
    for (size_t f = 0; f < s->filters; f++)
        for (size_t c = 0; c < s->channels; c++)
            for (size_t ky = 0; ky < s->kernel_h; ky++)
                for (size_t kx = 0; kx < s->kernel_w; kx++) {
                    float total = 0.0f, run = 0.0f;
                    size_t in_run = 0;
                    for (size_t n = 0; n < s->batch; n++) {
                        const float *d = dy + (n * s->filters + f) * positions;
                        for (size_t oy = 0; oy < s->out_h; oy++) {
                            size_t iy = oy * s->stride + ky - s->pad;
                            for (size_t ox = 0; ox < s->out_w; ox++) {
                                run += d[oy * s->out_w + ox] *
                                       pixel(s, x, n, c, iy, ox * s->stride + kx - s->pad);
                                if (++in_run == COCOB_REF_GEMM_KC) {
                                    total += run;
                                    run = 0.0f;
                                    in_run = 0;
                                }
                            }
                        }
                    }
                    if (in_run)
                        total += run;
                    *dw++ = total;
                }
}
