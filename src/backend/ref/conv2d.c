/* The direct convolution and its two adjoints: the reference loops of
 * cl/conv2d.cl and src/backend/cpu/conv2d.c. Each output element sums its
 * terms in the order and the grouping that cocob_ref_gemm gave them when a
 * convolution was im2col, a GEMM and col2im, padding taps included as
 * products with 0, so that training on ref kept its numbers to the bit. */
#include "backend/ref/ref.h"

/* The output columns [*lo, *hi) whose tap k reads inside a row of width
 * in: 0 <= o stride + k - pad < in. */
static void inside(const cocob_conv_shape *s, size_t k, size_t *lo, size_t *hi)
{
    size_t a = s->pad > k ? (s->pad - k + s->stride - 1) / s->stride : 0;
    size_t b = s->width + s->pad > k ? (s->width + s->pad - k + s->stride - 1) / s->stride : 0;
    *lo = a < s->out_w ? a : s->out_w;
    *hi = b < s->out_w ? b : s->out_w;
    if (*hi < *lo)
        *hi = *lo;
}

/* Row iy of image n's channel c, or NULL in the padding. Unsigned, so that
 * a row in the top padding wraps to a huge value and fails the same test
 * as one in the bottom padding. */
static const float *image_row(const cocob_conv_shape *s, const float *x, size_t n, size_t c,
                              size_t iy)
{
    return iy < s->height ? x + ((n * s->channels + c) * s->height + iy) * s->width : NULL;
}

/* The positions of an output plane unrolled and summed at a time, on the
 * stack. */
enum { CHUNK = 256 };

/* Tap (c, ky, kx)'s inputs at output positions [p0, p0 + m) of image n,
 * 0 in the padding: a piece of one row of the unrolled input. */
static void unroll(const cocob_conv_shape *s, const float *x, size_t n, size_t c, size_t ky,
                   size_t kx, size_t p0, size_t m, float *row)
{
    size_t oy = p0 / s->out_w, ox = p0 % s->out_w;
    const float *in = image_row(s, x, n, c, oy * s->stride + ky - s->pad);
    for (size_t p = 0; p < m; p++) {
        size_t ix = ox * s->stride + kx - s->pad;
        row[p] = in && ix < s->width ? in[ix] : 0.0f;
        if (++ox == s->out_w) {
            ox = 0;
            oy++;
            in = image_row(s, x, n, c, oy * s->stride + ky - s->pad);
        }
    }
}

void cocob_ref_conv2d(const cocob_conv_shape *s, const float *x, const float *w, float *y)
{
    size_t positions = s->out_h * s->out_w, taps = s->channels * s->kernel_h * s->kernel_w;
    float row[CHUNK];
    for (size_t n = 0; n < s->batch; n++)
        for (size_t p0 = 0; p0 < positions; p0 += CHUNK) {
            size_t m = positions - p0 < CHUNK ? positions - p0 : CHUNK;
            for (size_t f = 0; f < s->filters; f++)
                for (size_t p = 0; p < m; p++)
                    y[(n * s->filters + f) * positions + p0 + p] = 0.0f;
            /* Tap by tap, each filter's weight scaling the tap's row into
             * the filter's outputs, as the GEMM's rows of W scaled rows of
             * the unrolled input: each element still sums c, ky, kx in
             * order, and the inner loop runs over contiguous positions. */
            for (size_t t = 0; t < taps; t++) {
                size_t c = t / (s->kernel_h * s->kernel_w);
                size_t ky = t / s->kernel_w % s->kernel_h, kx = t % s->kernel_w;
                unroll(s, x, n, c, ky, kx, p0, m, row);
                for (size_t f = 0; f < s->filters; f++) {
                    float a = w[f * taps + t];
                    float *out = y + (n * s->filters + f) * positions + p0;
                    for (size_t p = 0; p < m; p++)
                        out[p] += a * row[p];
                }
            }
        }
}

/* Each dx element gathers, taps in row-major order, the products that read
 * it, each tap's first summed over the filters in order: W^T dy and then
 * col2im. A tap's sums are made a chunk of positions at a time and added
 * to the pixels they read, which take their taps in order all the same. */
void cocob_ref_conv2d_grad_input(const cocob_conv_shape *s, const float *dy, const float *w,
                                 float *dx)
{
    size_t positions = s->out_h * s->out_w, taps = s->channels * s->kernel_h * s->kernel_w;
    size_t image = s->channels * s->height * s->width;
    for (size_t i = 0; i < s->batch * image; i++)
        dx[i] = 0.0f;
    float g[CHUNK];
    for (size_t n = 0; n < s->batch; n++)
        for (size_t c = 0; c < s->channels; c++)
            for (size_t ky = 0; ky < s->kernel_h; ky++)
                for (size_t kx = 0; kx < s->kernel_w; kx++) {
                    const float *wt = w + (c * s->kernel_h + ky) * s->kernel_w + kx;
                    size_t lo, hi;
                    inside(s, kx, &lo, &hi);
                    for (size_t p0 = 0; p0 < positions; p0 += CHUNK) {
                        size_t m = positions - p0 < CHUNK ? positions - p0 : CHUNK;
                        for (size_t p = 0; p < m; p++)
                            g[p] = 0.0f;
                        for (size_t f = 0; f < s->filters; f++) {
                            float a = wt[f * taps];
                            const float *d = dy + (n * s->filters + f) * positions + p0;
                            for (size_t p = 0; p < m; p++)
                                g[p] += a * d[p];
                        }
                        for (size_t p = 0; p < m; p++) {
                            size_t oy = (p0 + p) / s->out_w, ox = (p0 + p) % s->out_w;
                            size_t iy = oy * s->stride + ky - s->pad;
                            if (iy < s->height && ox >= lo && ox < hi)
                                dx[n * image + (c * s->height + iy) * s->width + ox * s->stride +
                                   kx - s->pad] += g[p];
                        }
                    }
                }
}

/* Filters whose sums run side by side: each is its own chain of additions,
 * in its own order, but independent chains keep the adder busy where one
 * would wait on each addition before the next. */
enum { FILTERS_AT_ONCE = 8 };

/* dw[f][c][ky][kx] sums, over the batch's positions in order, dy times the
 * pixel the tap read; in runs of COCOB_REF_GEMM_KC positions, each run
 * summed alone and then added to the total, as cocob_ref_gemm's K blocks. */
void cocob_ref_conv2d_grad_weights(const cocob_conv_shape *s, const float *dy, const float *x,
                                   float *dw)
{
    size_t positions = s->out_h * s->out_w, kernel = s->kernel_h * s->kernel_w;
    for (size_t f0 = 0; f0 < s->filters; f0 += FILTERS_AT_ONCE) {
        size_t fs = s->filters - f0 < FILTERS_AT_ONCE ? s->filters - f0 : FILTERS_AT_ONCE;
        for (size_t c = 0; c < s->channels; c++)
            for (size_t ky = 0; ky < s->kernel_h; ky++)
                for (size_t kx = 0; kx < s->kernel_w; kx++) {
                    size_t lo, hi;
                    inside(s, kx, &lo, &hi);
                    float total[FILTERS_AT_ONCE] = {0}, run[FILTERS_AT_ONCE] = {0};
                    size_t in_run = 0;
                    for (size_t n = 0; n < s->batch; n++) {
                        const float *d = dy + (n * s->filters + f0) * positions;
                        for (size_t oy = 0; oy < s->out_h; oy++, d += s->out_w) {
                            const float *row = image_row(s, x, n, c,
                                                         oy * s->stride + ky - s->pad);
                            for (size_t ox = 0; ox < s->out_w; ox++) {
                                float v = row && ox >= lo && ox < hi
                                              ? row[ox * s->stride + kx - s->pad]
                                              : 0.0f;
                                for (size_t j = 0; j < fs; j++)
                                    run[j] += d[j * positions + ox] * v;
                                if (++in_run == COCOB_REF_GEMM_KC) {
                                    for (size_t j = 0; j < fs; j++) {
                                        total[j] += run[j];
                                        run[j] = 0.0f;
                                    }
                                    in_run = 0;
                                }
                            }
                        }
                    }
                    for (size_t j = 0; j < fs; j++)
                        dw[((f0 + j) * s->channels + c) * kernel + ky * s->kernel_w + kx] =
                            in_run ? total[j] + run[j] : total[j];
                }
    }
}
