/* The reference ops: plain C99 loops on host arrays, written to be read.
 * They are the spec that every kernel is checked against, so each keeps
 * the formulas in the order the papers give them. */
#ifndef COCOB_REF_REF_H
#define COCOB_REF_REF_H

#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"

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
void cocob_ref_cocob_update(float *restrict w, const float *restrict grad, float *restrict w1,
                            float *restrict L, float *restrict G, float *restrict reward,
                            float *restrict theta, size_t n, float alpha, float weight_decay);

/* The baselines' steps, each in its family's file with its formula, which
 * is PyTorch 1.13's; cl/<family>.cl holds each one's twin. SGD's buf is
 * read and written only with momentum. */
void cocob_ref_sgd_update(float *restrict w, const float *restrict grad, float *restrict buf,
                          size_t n, const cocob_baseline_hyper *h);
void cocob_ref_adagrad_update(float *restrict w, const float *restrict grad, float *restrict sum,
                              size_t n, const cocob_baseline_hyper *h);
void cocob_ref_rmsprop_update(float *restrict w, const float *restrict grad,
                              float *restrict square_avg, size_t n,
                              const cocob_baseline_hyper *h);
void cocob_ref_adadelta_update(float *restrict w, const float *restrict grad,
                               float *restrict square_avg, float *restrict acc_delta, size_t n,
                               const cocob_baseline_hyper *h);
void cocob_ref_adam_update(float *restrict w, const float *restrict grad, float *restrict exp_avg,
                           float *restrict exp_avg_sq, size_t n, const cocob_baseline_hyper *h);
/* One cKT step (ref/ckt.c gives the formula, its authors'); cl/ckt.cl
 * holds its twin. */
void cocob_ref_ckt_update(float *restrict w, const float *restrict grad, float *restrict sum,
                          float *restrict reward, float *restrict t, const float *restrict x0,
                          size_t n, float weight_decay);
/* One KT step (ref/kt.c gives the formula, its authors'), its wealth and
 * iter at scalars; cl/kt.cl holds its twin. */
void cocob_ref_kt_update(float *restrict w, const float *restrict grad, float *restrict theta,
                         const float *restrict x0, size_t n, float weight_decay,
                         const float *restrict scalars);
/* lr_free_reduce (backend.h), its parts first_part to end_part of parts
 * (partials points at part 0's sums), and lr_free_finalize; cl/lr_free.cl
 * holds their twins. */
void cocob_ref_lr_free_reduce(const float *w, const float *grad, const float *x0, size_t n,
                              float weight_decay, size_t parts, size_t first_part,
                              size_t end_part, float *partials);
/* a's method, parts and settings; its buffers as partials and scalars. */
void cocob_ref_lr_free_finalize(const cocob_lr_free_finalize_args *a, const float *partials,
                                float *scalars);
/* One DoG step (ref/dog.c gives the formula, its authors'), its eta at
 * *eta; cl/dog.cl holds its twin. */
void cocob_ref_dog_update(float *restrict w, const float *restrict grad, size_t n,
                          float weight_decay, const float *restrict eta);

/* Prodigy's pass before the fold, its parts first_part to end_part of
 * parts (partials points at part 0's sums), and its weight step; the
 * formulas in backend.h, the twins in cl/prodigy.cl. */
void cocob_ref_prodigy_accumulate(const float *w, const float *grad, const float *p0,
                                  float *exp_avg, float *exp_avg_sq, float *s, size_t n,
                                  const cocob_prodigy_hyper *h, const float *scalars,
                                  size_t parts, size_t first_part, size_t end_part,
                                  float *partials);
void cocob_ref_prodigy_update(float *restrict w, const float *restrict grad,
                              const float *restrict exp_avg, const float *restrict exp_avg_sq,
                              size_t n, const cocob_prodigy_hyper *h,
                              const float *restrict scalars);
/* D-Adapt Adam's accumulate over its parts first_part to end_part
 * (partials points at part 0's sums), dlr read from the scalars by the
 * caller, and its update, scalars the method's; ref/dadapt_adam.c gives the
 * formulas, cl/dadapt_adam.cl holds their twins. */
void cocob_ref_dadapt_adam_accumulate(const cocob_dadapt_adam_accumulate_args *a, const float *w,
                                      const float *grad, float *exp_avg, float *exp_avg_sq,
                                      float *s, float dlr, size_t first_part, size_t end_part,
                                      float *partials);
void cocob_ref_dadapt_adam_update(float *restrict w, const float *restrict exp_avg,
                                  const float *restrict exp_avg_sq, size_t n, float eps,
                                  float decay, const float *restrict scalars);

/* One Schedule-Free step, or the evaluation point where grad is NULL
 * (ref/schedule_free.c gives the formula, its authors'); v NULL is SGD.
 * cl/schedule_free.cl holds its twin. */
void cocob_ref_schedule_free_update(float *restrict w, const float *restrict grad,
                                    float *restrict z, float *restrict v, size_t n,
                                    const cocob_schedule_free_hyper *h);

/* How many of x[0..n) are NaN or infinite; cl/nonfinite.cl holds its twin. */
size_t cocob_ref_count_nonfinite(const float *x, size_t n);
/* *flag = 1 when any of x[0..n) is NaN or infinite, else *flag untouched;
 * cl/nonfinite.cl holds its twin. */
void cocob_ref_flag_nonfinite(const float *x, size_t n, int32_t *flag);
/* Whether an update's guard (skip, at skip_offset) says to leave the
 * weights and the state alone: skip is host memory on ref and cpu. */
int cocob_ref_update_skipped(const cocob_buffer *skip, size_t skip_offset);

/* The monitor's reduction; cl/stats.cl holds its twin. y and z may be NULL. */
void cocob_ref_stats(const float *x, const float *y, const float *z, size_t n, cocob_stats *out);

/* a = b + s * c; cl/triad.cl holds its twin. */
void cocob_ref_triad(float *a, const float *b, const float *c, float s, size_t n);

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

/* The functions below trust their arguments: the op layer (src/ops) has
 * validated them, sizes, spans and overlaps, before any backend runs. */

/* C = alpha op(A) op(B) + beta C, row-major, cache-blocked; beta = 0 writes
 * C without reading it. On OpenCL, CLBlast. */
void cocob_ref_gemm(int trans_a, int trans_b, size_t M, size_t N, size_t K, float alpha,
                    const float *A, size_t lda, const float *B, size_t ldb, float beta, float *C,
                    size_t ldc);

/* The K rows of op(B) that cocob_ref_gemm sums alone before adding the run
 * to C; cocob_ref_conv2d_grad_weights sums in the same runs. */
enum { COCOB_REF_GEMM_KC = 128 };

/* y = x convolved with w, and its adjoints in x and in w (summed over the
 * batch), each overwriting its output; cl/conv2d.cl holds their twins. */
void cocob_ref_conv2d(const cocob_conv_shape *s, const float *x, const float *w, float *y);
void cocob_ref_conv2d_grad_input(const cocob_conv_shape *s, const float *dy, const float *w,
                                 float *dx);
void cocob_ref_conv2d_grad_weights(const cocob_conv_shape *s, const float *dy, const float *x,
                                   float *dw);

/* Max-pooling and its gathered gradient; cl/maxpool.cl holds their twins.
 * in is x or dx (planes x height x width); out and idx are y or dy and idx
 * (planes x out_h x out_w). */
void cocob_ref_maxpool(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx);
void cocob_ref_maxpool_grad(const cocob_pool_shape *s, const float *dy, const int32_t *idx,
                            float *dx);

/* y[o][c][i] = f(x[o][c][i] + bias[c]), and db[c] = the sum of dy over o
 * and i; cl/bias.cl holds their twins. y may be x. */
void cocob_ref_bias_add(cocob_activation f, const float *x, const float *bias, float *y,
                        size_t outer, size_t channels, size_t inner);
void cocob_ref_bias_grad(const float *dy, float *db, size_t outer, size_t channels, size_t inner);
/* db[c] for the channels [first, end) alone: what the cpu backend gives
 * each thread. */
void cocob_ref_bias_grad_channels(const float *dy, float *db, size_t outer, size_t channels,
                                  size_t inner, size_t first, size_t end);

/* relu, tanh, sigmoid and the identity, and their gradients from y;
 * cl/activation.cl holds their twins, and cl/activation_fn.cl
 * activation_apply's. */
float cocob_ref_activation_apply(cocob_activation f, float x);
void cocob_ref_activation(cocob_activation f, const float *x, float *y, size_t n);
void cocob_ref_activation_grad(cocob_activation f, const float *y, const float *dy, float *dx,
                               size_t n);

/* Per-row loss, and the mean loss's gradient; a label outside [0, classes)
 * makes its row NaN. cl/softmax_xent.cl holds their twins. */
void cocob_ref_softmax_xent(const float *logits, const int32_t *labels, float *loss, size_t rows,
                            size_t classes);
void cocob_ref_softmax_xent_grad(const float *logits, const int32_t *labels, float *dlogits,
                                 size_t rows, size_t classes);

/* Per-row mean of the squared differences over cols, and the gradient of
 * their mean over rows, 2 (x - t) / (rows cols); cl/mse.cl holds their
 * twins. */
void cocob_ref_mse(const float *x, const float *targets, float *loss, size_t rows, size_t cols);
void cocob_ref_mse_grad(const float *x, const float *targets, float *dx, size_t rows,
                        size_t cols);

/* The first index of each row's maximum, a NaN counting as the largest;
 * cl/argmax.cl holds its twin. */
void cocob_ref_argmax(const float *x, int32_t *out, size_t rows, size_t cols);

/* out = in * cocob_dropout_scale(p) where philox_uniform(seed, counter + i) >= p,
 * else 0: dropout (x to y) and dropout_grad (dy to dx) alike. cl/dropout.cl
 * holds its twin. */
void cocob_ref_dropout(const float *in, float *out, size_t n, float p, uint64_t seed,
                       uint64_t counter);

#endif
