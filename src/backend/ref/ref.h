/* The reference ops: plain C99 loops on host arrays, written to be read.
 * They are the spec that every kernel is checked against, so each keeps
 * the formulas in the order the papers give them. */
#ifndef COCOB_REF_REF_H
#define COCOB_REF_REF_H

#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"
#include "base/checked.h"

/* The reference backend's table: the cpu backend starts from it and
 * replaces the ops it runs faster. */
extern const cocob_backend_i cocob_ref_iface;

/* The machine's physical memory, the most ref and cpu may allocate; 0 when
 * the system will not say. */
uint64_t cocob_host_memory_bytes(void);

/* The list_devices of a registry entry whose one device is the host,
 * described by describe: ref's and cpu's. */
cocob_status cocob_host_device_list(void (*describe)(cocob_device_info *info),
                                    cocob_device_info **infos, void **own, size_t *count,
                                    cocob_error *err);

/* One COCOB-Backprop step; cl/cocob.cl holds its twin. The seven arrays
 * never overlap: restrict lets the loop be vectorised without run-time
 * checks. */
void cocob_update_ref(float *restrict w, const float *restrict grad, float *restrict w1,
                      float *restrict L, float *restrict G, float *restrict reward,
                      float *restrict theta, size_t n, float alpha, float weight_decay);

/* The baselines' steps, each in its family's file with its formula, which
 * is PyTorch 1.13's; cl/<family>.cl holds each one's twin. SGD's buf is
 * read and written only with momentum. */
void sgd_update_ref(float *restrict w, const float *restrict grad, float *restrict buf, size_t n,
                    const cocob_baseline_hyper *h);
void adagrad_update_ref(float *restrict w, const float *restrict grad, float *restrict sum,
                        size_t n, const cocob_baseline_hyper *h);
void rmsprop_update_ref(float *restrict w, const float *restrict grad, float *restrict square_avg,
                        size_t n, const cocob_baseline_hyper *h);
void adadelta_update_ref(float *restrict w, const float *restrict grad,
                         float *restrict square_avg, float *restrict acc_delta, size_t n,
                         const cocob_baseline_hyper *h);
void adam_update_ref(float *restrict w, const float *restrict grad, float *restrict exp_avg,
                     float *restrict exp_avg_sq, size_t n, const cocob_baseline_hyper *h);

/* How many of x[0..n) are NaN or infinite; cl/nonfinite.cl holds its twin. */
size_t count_nonfinite_ref(const float *x, size_t n);
/* *flag = 1 when any of x[0..n) is NaN or infinite, else *flag untouched;
 * cl/nonfinite.cl holds its twin. */
void flag_nonfinite_ref(const float *x, size_t n, int32_t *flag);
/* Whether an update's guard (skip, at skip_offset) says to leave the
 * weights and the state alone: skip is host memory on ref and cpu. */
int update_skipped_ref(const cocob_buffer *skip, size_t skip_offset);

/* The monitor's reduction; cl/stats.cl holds its twin. y and z may be NULL. */
cocob_status stats_check(cocob_error *err, cocob_span x, cocob_span y, cocob_span z, size_t n);
void stats_ref(const float *x, const float *y, const float *z, size_t n, cocob_stats *out);

/* a = b + s * c; cl/triad.cl holds its twin. */
void triad_ref(float *a, const float *b, const float *c, float s, size_t n);

/* ---- what the checks of gemm, im2col, swap_axes and maxpool share ---- */


/* Where a span's elements start in host memory, as floats or as int32
 * indices: for ref and cpu, whose buffers are host memory. */
static inline float *span_floats(cocob_span s)
{
    return (float *)s.buf->handle + s.off;
}

static inline int32_t *span_ints(cocob_span s)
{
    return (int32_t *)s.buf->handle + s.off;
}

/* Whether s's buffer holds count 4-byte elements from s.off. */
static inline int span_holds(cocob_span s, size_t count)
{
    size_t have = s.buf ? s.buf->bytes / 4 : 0;
    return s.off <= have && count <= have - s.off;
}

/* Each *_check below validates an op's arguments as backend.h states them,
 * naming the op and the sizes at fault; both backends call it first. */

/* C = alpha op(A) op(B) + beta C, row-major, cache-blocked; beta = 0 writes
 * C without reading it. On OpenCL, CLBlast. */
cocob_status gemm_check(cocob_error *err, int trans_a, int trans_b, size_t M, size_t N, size_t K,
                        cocob_span A, size_t lda, cocob_span B, size_t ldb, cocob_span C,
                        size_t ldc);
void gemm_ref(int trans_a, int trans_b, size_t M, size_t N, size_t K, float alpha, const float *A,
              size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc);

/* The unrolled convolution input and its adjoint; cl/im2col.cl holds their
 * twins. op names the caller in messages. */
cocob_status conv_shape_check(cocob_error *err, const char *op, const cocob_conv_shape *s,
                              cocob_span x, cocob_span col);
void im2col_ref(const cocob_conv_shape *s, const float *x, float *col);
void col2im_ref(const cocob_conv_shape *s, const float *col, float *x);
/* The same loops over channels [first, end) and over planes (n channels + c)
 * [first, end) alone: what the cpu backend gives each thread. */
void im2col_channels_ref(const cocob_conv_shape *s, const float *x, float *col, size_t first,
                         size_t end);
void col2im_planes_ref(const cocob_conv_shape *s, const float *col, float *x, size_t first,
                       size_t end);

/* y[j][i][k] = x[i][j][k]; cl/swap_axes.cl holds its twin. */
cocob_status swap_axes_check(cocob_error *err, cocob_span x, cocob_span y, size_t a, size_t bb,
                             size_t inner);
void swap_axes_ref(const float *x, float *y, size_t a, size_t bb, size_t inner);
/* The rows y[j] for j in [first, end) alone: what the cpu backend gives
 * each thread. */
void swap_axes_rows_ref(const float *x, float *y, size_t a, size_t bb, size_t inner, size_t first,
                        size_t end);

/* Max-pooling and its gathered gradient; cl/maxpool.cl holds their twins.
 * in is x or dx (planes x height x width); out and idx are y or dy and idx
 * (planes x out_h x out_w). */
cocob_status pool_shape_check(cocob_error *err, const char *op, const cocob_pool_shape *s,
                              cocob_span in, cocob_span out, cocob_span idx);
void maxpool_ref(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx);
void maxpool_grad_ref(const cocob_pool_shape *s, const float *dy, const int32_t *idx, float *dx);

/* y[o][c][i] = f(x[o][c][i] + bias[c]), and db[c] = the sum of dy over o
 * and i; cl/bias.cl holds their twins. y may be x. */
cocob_status bias_add_check(cocob_error *err, cocob_activation f, cocob_span x, cocob_span bias,
                            cocob_span y, size_t outer, size_t channels, size_t inner);
cocob_status bias_grad_check(cocob_error *err, cocob_span dy, cocob_span db, size_t outer,
                             size_t channels, size_t inner);
void bias_add_ref(cocob_activation f, const float *x, const float *bias, float *y, size_t outer,
                  size_t channels, size_t inner);
void bias_grad_ref(const float *dy, float *db, size_t outer, size_t channels, size_t inner);
/* db[c] for the channels [first, end) alone: what the cpu backend gives
 * each thread. */
void bias_grad_channels_ref(const float *dy, float *db, size_t outer, size_t channels,
                            size_t inner, size_t first, size_t end);

/* relu, tanh, sigmoid and the identity, and their gradients from y;
 * cl/activation.cl holds their twins, and cl/activation_fn.cl
 * activation_apply's. activation_name is NULL for an unknown f. */
const char *activation_name(cocob_activation f);
float activation_apply(cocob_activation f, float x);
cocob_status activation_check(cocob_error *err, cocob_activation f, cocob_span x, cocob_span y,
                              size_t n);
cocob_status activation_grad_check(cocob_error *err, cocob_activation f, cocob_span y,
                                   cocob_span dy, cocob_span dx, size_t n);
void activation_ref(cocob_activation f, const float *x, float *y, size_t n);
void activation_grad_ref(cocob_activation f, const float *y, const float *dy, float *dx,
                         size_t n);

/* Per-row loss and gradient; a label outside [0, classes) makes its row
 * NaN. cl/softmax_xent.cl holds its twin. */
cocob_status softmax_xent_check(cocob_error *err, cocob_span logits, cocob_span labels,
                                cocob_span loss, cocob_span dlogits, size_t rows, size_t classes);
void softmax_xent_ref(const float *logits, const int32_t *labels, float *loss, float *dlogits,
                      size_t rows, size_t classes);

/* The first index of each row's maximum, a NaN counting as the largest;
 * cl/argmax.cl holds its twin. */
cocob_status argmax_check(cocob_error *err, cocob_span x, cocob_span out, size_t rows,
                          size_t cols);
void argmax_ref(const float *x, int32_t *out, size_t rows, size_t cols);

/* out = in * dropout_scale(p) where philox_uniform(seed, counter + i) >= p,
 * else 0: dropout (x to y) and dropout_grad (dy to dx) alike. cl/dropout.cl
 * holds its twin. op names the caller in messages. */
cocob_status dropout_check(cocob_error *err, const char *op, cocob_span in, cocob_span out,
                           size_t n, float p);
float dropout_scale(float p);
void dropout_ref(const float *in, float *out, size_t n, float p, uint64_t seed, uint64_t counter);

/* The non-finite guard's arguments, apart so that the op layer can take
 * them over: flag_nonfinite's x (n floats) and flag (one int32), and an
 * update's skip (one int32 at skip_offset, or no buffer for no guard); op
 * names the update in messages. */
cocob_status flag_nonfinite_check(cocob_error *err, cocob_span x, size_t n, cocob_span flag);
cocob_status update_skip_check(cocob_error *err, const char *op, const cocob_buffer *skip,
                               size_t skip_offset);

#endif
