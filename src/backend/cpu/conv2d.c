/* The convolution on the cpu backend: image by image, each image's input
 * unrolled (im2col) into a scratch of its thread's that stays in cache,
 * through a copy padded with zeros where the windows reach past the image,
 * then one single-threaded OpenBLAS GEMM per image, the images split over
 * the OpenMP threads. Laid out so, y_n = W col_n lands in NCHW as it is,
 * dw sums dy_n col_n^T over each thread's images and then over the threads,
 * and dx_n is col2im(W^T dy_n). OpenBLAS sums in its own order, so the
 * three match the reference to rounding; tests/test_conv2d.c states the
 * bound. The order is fixed by the thread count, so a run repeats itself. */
#include <cblas.h>
#include <limits.h>
#include <omp.h>
#include <string.h>

#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"
#include "base/checked.h"

/* The output columns [*lo, *hi) whose tap kx reads inside a row of width
 * in, i.e. 0 <= o stride + k - pad < in. */
static void inside(size_t k, size_t pad, size_t stride, size_t in, size_t out, size_t *lo,
                   size_t *hi)
{
    size_t a = pad > k ? (pad - k + stride - 1) / stride : 0;
    size_t b = in + pad > k ? (in + pad - k + stride - 1) / stride : 0;
    *lo = a < out ? a : out;
    *hi = b < out ? b : out;
    if (*hi < *lo)
        *hi = *lo;
}

/* memset for the one or two floats of padding at a row's ends, whose call
 * cost more than the stores. The tail is not a loop, which GCC would turn
 * back into a memset call. */
static void zero_row(float *to, size_t n)
{
    enum { CHUNK = 4 };
    size_t i = 0;
    for (; i + CHUNK <= n; i += CHUNK)
        memset(to + i, 0, CHUNK * sizeof *to);
    if (n - i >= 2) {
        memset(to + i, 0, 2 * sizeof *to);
        i += 2;
    }
    if (i < n)
        to[i] = 0.0f;
}

/* col (C KH KW x OH OW) = image x (C x H x W) unrolled, 0 in the padding:
 * for a stride past the kernel, whose padded image would outgrow col. */
static void unroll_direct(const cocob_conv_shape *s, const float *x, float *col)
{
    for (size_t c = 0; c < s->channels; c++)
        for (size_t ky = 0; ky < s->kernel_h; ky++)
            for (size_t kx = 0; kx < s->kernel_w; kx++) {
                size_t lo, hi;
                inside(kx, s->pad, s->stride, s->width, s->out_w, &lo, &hi);
                for (size_t oy = 0; oy < s->out_h; oy++, col += s->out_w) {
                    size_t iy = oy * s->stride + ky - s->pad;
                    if (iy >= s->height) {
                        memset(col, 0, s->out_w * sizeof *col);
                        continue;
                    }
                    zero_row(col, lo);
                    zero_row(col + hi, s->out_w - hi);
                    if (hi == lo)
                        continue;
                    const float *row = x + (c * s->height + iy) * s->width + lo * s->stride + kx -
                                       s->pad;
                    for (size_t ox = lo; ox < hi; ox++)
                        col[ox] = row[(ox - lo) * s->stride];
                }
            }
}

/* unroll_direct's adjoint: dx (C x H x W) = the sum of the col entries
 * read from each pixel. Each pixel takes its taps in the order ky, kx, as
 * cocob_ref_conv2d_grad_input adds them. */
static void roll_direct(const cocob_conv_shape *s, const float *col, float *dx)
{
    memset(dx, 0, s->channels * s->height * s->width * sizeof *dx);
    for (size_t c = 0; c < s->channels; c++)
        for (size_t ky = 0; ky < s->kernel_h; ky++)
            for (size_t kx = 0; kx < s->kernel_w; kx++) {
                size_t lo, hi;
                inside(kx, s->pad, s->stride, s->width, s->out_w, &lo, &hi);
                for (size_t oy = 0; oy < s->out_h; oy++, col += s->out_w) {
                    size_t iy = oy * s->stride + ky - s->pad;
                    if (iy >= s->height || hi == lo)
                        continue;
                    float *row = dx + (c * s->height + iy) * s->width + lo * s->stride + kx -
                                 s->pad;
                    for (size_t ox = lo; ox < hi; ox++)
                        row[(ox - lo) * s->stride] += col[ox];
                }
            }
}

/* The padded image's rows and columns: those the windows reach, from -pad
 * on. For a stride up to the kernel's, no more than col's C KH KW x OH OW. */
static void padded_size(const cocob_conv_shape *s, size_t *rows, size_t *cols)
{
    *rows = (s->out_h - 1) * s->stride + s->kernel_h;
    *cols = (s->out_w - 1) * s->stride + s->kernel_w;
}

/* to += from over a row of a few floats (14 in the CNN's second layer), in
 * a loop the compiler vectorises. (Rows are copied with memcpy, which for
 * so few floats is a handful of AVX moves.) */
static void add_floats(float *restrict to, const float *restrict from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        to[i] += from[i];
}

/* The columns [*lo, *hi) of a padded row that hold image columns 0 on. */
static void image_columns(const cocob_conv_shape *s, size_t cols, size_t *lo, size_t *hi)
{
    *lo = s->pad < cols ? s->pad : cols;
    *hi = s->width < cols - *lo ? *lo + s->width : cols;
}

/* p (C x rows x cols) = image x with zeros around it. */
static void pad_image(const cocob_conv_shape *s, const float *x, float *p)
{
    size_t rows, cols, lo, hi;
    padded_size(s, &rows, &cols);
    image_columns(s, cols, &lo, &hi);
    for (size_t c = 0; c < s->channels; c++)
        for (size_t r = 0; r < rows; r++, p += cols) {
            size_t iy = r - s->pad;
            if (iy >= s->height) {
                memset(p, 0, cols * sizeof *p);
                continue;
            }
            zero_row(p, lo);
            zero_row(p + hi, cols - hi);
            memcpy(p + lo, x + (c * s->height + iy) * s->width, (hi - lo) * sizeof *p);
        }
}

/* unroll_direct's col from the padded image p: every row a plain copy. */
static void unroll_padded(const cocob_conv_shape *s, const float *p, float *col)
{
    size_t rows, cols;
    padded_size(s, &rows, &cols);
    for (size_t c = 0; c < s->channels; c++)
        for (size_t ky = 0; ky < s->kernel_h; ky++)
            for (size_t kx = 0; kx < s->kernel_w; kx++) {
                const float *from = p + (c * rows + ky) * cols + kx;
                for (size_t oy = 0; oy < s->out_h;
                     oy++, col += s->out_w, from += s->stride * cols)
                    if (s->stride == 1)
                        memcpy(col, from, s->out_w * sizeof *col);
                    else
                        for (size_t ox = 0; ox < s->out_w; ox++)
                            col[ox] = from[ox * s->stride];
            }
}

/* roll_direct through the padded image p: the sums land in p, in the same
 * order, and its inside is dx. */
static void roll_padded(const cocob_conv_shape *s, const float *col, float *p, float *dx)
{
    size_t rows, cols, lo, hi;
    padded_size(s, &rows, &cols);
    memset(p, 0, s->channels * rows * cols * sizeof *p);
    for (size_t c = 0; c < s->channels; c++)
        for (size_t ky = 0; ky < s->kernel_h; ky++)
            for (size_t kx = 0; kx < s->kernel_w; kx++) {
                float *to = p + (c * rows + ky) * cols + kx;
                for (size_t oy = 0; oy < s->out_h; oy++, col += s->out_w, to += s->stride * cols)
                    if (s->stride == 1)
                        add_floats(to, col, s->out_w);
                    else
                        for (size_t ox = 0; ox < s->out_w; ox++)
                            to[ox * s->stride] += col[ox];
            }
    /* Rows and columns past what the windows reach take nothing. */
    image_columns(s, cols, &lo, &hi);
    for (size_t c = 0; c < s->channels; c++)
        for (size_t iy = 0; iy < s->height; iy++, dx += s->width) {
            size_t r = iy + s->pad;
            if (r >= rows) {
                memset(dx, 0, s->width * sizeof *dx);
                continue;
            }
            memcpy(dx, p + (c * rows + r) * cols + lo, (hi - lo) * sizeof *dx);
            zero_row(dx + (hi - lo), s->width - (hi - lo));
        }
}

/* What each op's per-image work needs. */
typedef struct conv_job {
    const cocob_conv_shape *s;
    const float *x, *w, *dy;
    float *out;
    float *scratch; /* per thread: an unrolled image, a padded one, then (grad_weights) a dw */
    size_t per;     /* floats of scratch per thread */
    size_t taps, positions;
    size_t padded; /* floats of the padded image; 0: unroll and roll directly */
} conv_job;

static void unroll(const conv_job *j, const float *x, float *col)
{
    if (j->padded) {
        float *p = col + j->taps * j->positions;
        pad_image(j->s, x, p);
        unroll_padded(j->s, p, col);
    } else
        unroll_direct(j->s, x, col);
}

static void roll(const conv_job *j, float *col, float *dx)
{
    if (j->padded)
        roll_padded(j->s, col, col + j->taps * j->positions, dx);
    else
        roll_direct(j->s, col, dx);
}

static void sgemm(int ta, size_t M, size_t N, size_t K, const float *A, size_t lda,
                  const float *B, size_t ldb, float beta, float *C, size_t ldc, int tb)
{
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (blasint)M, (blasint)N, (blasint)K, 1.0f, A, (blasint)lda, B, (blasint)ldb, beta,
                C, (blasint)ldc);
}

static void forward_image(const conv_job *j, size_t n, float *col)
{
    const cocob_conv_shape *s = j->s;
    unroll(j, j->x + n * s->channels * s->height * s->width, col);
    sgemm(0, s->filters, j->positions, j->taps, j->w, j->taps, col, j->positions, 0.0f,
          j->out + n * s->filters * j->positions, j->positions, 0);
}

static void grad_input_image(const conv_job *j, size_t n, float *col)
{
    const cocob_conv_shape *s = j->s;
    sgemm(1, j->taps, j->positions, s->filters, j->w, j->taps,
          j->dy + n * s->filters * j->positions, j->positions, 0.0f, col, j->positions, 0);
    roll(j, col, j->out + n * s->channels * s->height * s->width);
}

/* Adds image n's dy_n col_n^T to dw, or writes it there when first. */
static void grad_weights_image(const conv_job *j, size_t n, float *col, float *dw, int first)
{
    const cocob_conv_shape *s = j->s;
    unroll(j, j->x + n * s->channels * s->height * s->width, col);
    sgemm(0, s->filters, j->taps, j->positions, j->dy + n * s->filters * j->positions,
          j->positions, col, j->positions, first ? 0.0f : 1.0f, dw, j->taps, 1);
}

enum { FORWARD, GRAD_INPUT, GRAD_WEIGHTS };

/* Thread t of threads takes images [first, end). */
static void image_range(size_t batch, size_t t, size_t threads, size_t *first, size_t *end)
{
    size_t q = batch / threads, r = batch % threads;
    *first = t * q + (t < r ? t : r);
    *end = *first + q + (t < r);
}

static void run_images(const conv_job *j, int op, size_t t, size_t threads)
{
    size_t first, end;
    image_range(j->s->batch, t, threads, &first, &end);
    float *col = j->scratch + t * j->per;
    /* grad_weights: thread 0 sums straight into the output, the others
     * into their scratch, added in thread order afterwards. */
    float *dw = t == 0 ? j->out : col + j->taps * j->positions + j->padded;
    for (size_t n = first; n < end; n++)
        if (op == FORWARD)
            forward_image(j, n, col);
        else if (op == GRAD_INPUT)
            grad_input_image(j, n, col);
        else
            grad_weights_image(j, n, col, dw, n == first);
}

static cocob_status conv_run(cocob_backend *b, int op, const cocob_conv_shape *s, const float *x,
                             const float *w, const float *dy, float *out)
{
    const size_t most = sizeof(blasint) == sizeof(int) ? (size_t)INT_MAX : (size_t)INT64_MAX;
    conv_job j = {
        s, x, w, dy, out, NULL, 0, s->channels * s->kernel_h * s->kernel_w, s->out_h * s->out_w,
        0};
    size_t big = j.taps > j.positions ? j.taps : j.positions;
    if (big > most || s->filters > most)
        return cocob_fail(b->err, COCOB_ERR_DEVICE_LIMIT,
                          "conv2d on cpu: %zu taps, %zu positions and %zu filters must each be "
                          "at most %zu, OpenBLAS's largest size",
                          j.taps, j.positions, s->filters, most);
    size_t threads = (size_t)omp_get_max_threads();
    if (threads > s->batch)
        threads = s->batch;
    size_t rows, cols, padded;
    padded_size(s, &rows, &cols);
    if (size_mul3(s->channels, rows, cols, &padded) && padded <= j.taps * j.positions)
        j.padded = padded;
    j.per = j.taps * j.positions + j.padded;
    if (op == GRAD_WEIGHTS && threads > 1)
        j.per += s->filters * j.taps;
    cocob_status st = cocob_cpu_scratch(b, threads, j.per, &j.scratch);
    if (st != COCOB_OK)
        return st;
    if (threads <= 1) {
        run_images(&j, op, 0, 1);
        return COCOB_OK;
    }
    int nt = (int)threads;
    /* Inside the region OpenBLAS (its OpenMP build) runs on its caller's
     * thread alone. */
#pragma omp parallel num_threads(nt)
    run_images(&j, op, (size_t)omp_get_thread_num(), threads);
    if (op == GRAD_WEIGHTS) {
        size_t count = s->filters * j.taps;
        int cut = (int)threads;
#pragma omp parallel for num_threads(cut) schedule(static)
        for (long i = 0; i < (long)count; i++)
            for (size_t t = 1; t < threads; t++)
                out[i] += j.scratch[t * j.per + j.taps * j.positions + j.padded + (size_t)i];
    }
    return COCOB_OK;
}

cocob_status cocob_cpu_conv2d(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                              cocob_span w, cocob_span y)
{
    return conv_run(b, FORWARD, s, span_floats(x), span_floats(w), NULL, span_floats(y));
}

cocob_status cocob_cpu_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *s,
                                         cocob_span dy, cocob_span w, cocob_span dx)
{
    return conv_run(b, GRAD_INPUT, s, NULL, span_floats(w), span_floats(dy), span_floats(dx));
}

cocob_status cocob_cpu_conv2d_grad_weights(cocob_backend *b, const cocob_conv_shape *s,
                                           cocob_span dy, cocob_span x, cocob_span dw)
{
    return conv_run(b, GRAD_WEIGHTS, s, span_floats(x), NULL, span_floats(dy), span_floats(dw));
}
