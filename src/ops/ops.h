/* The op layer: one function per member of the backend table
 * (src/backend/backend.h) that takes operands. Each validates its arguments
 * once, for every backend (sizes, that each span lies within its buffer,
 * with overflow-checked arithmetic, leading dimensions, shapes, and that no
 * output overlaps another operand unless the op is declared in place for
 * that very span), fails naming the op and the argument at fault, and only
 * then calls the backend, which trusts what it is given. The core, the
 * optimizers, the monitor and the diagnostics call these, never the table's
 * ops (alloc, free, finish and destroy, which take no spans, they call
 * directly); only a backend built over others (verify) calls their tables. */
#ifndef COCOB_OPS_OPS_H
#define COCOB_OPS_OPS_H

#include "backend/backend.h"

/* ---- buffers; offsets and lengths count bytes, fill's floats ---- */
cocob_status cocob_op_upload(cocob_backend *b, cocob_buffer *dst, size_t offset_bytes,
                             const void *src, size_t bytes);
/* Returns before the copy is done: src must stay as it is until a later
 * download or finish returns (backend.h). */
cocob_status cocob_op_upload_queued(cocob_backend *b, cocob_buffer *dst, size_t offset_bytes,
                                    const void *src, size_t bytes);
cocob_status cocob_op_download(cocob_backend *b, const cocob_buffer *src, size_t offset_bytes,
                               void *dst, size_t bytes);
/* dst and src may not overlap: OpenCL refuses such a copy. */
cocob_status cocob_op_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_offset_bytes,
                           const cocob_buffer *src, size_t src_offset_bytes, size_t bytes);
cocob_status cocob_op_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                           size_t count);

/* ---- the optimizers' steps: w and the states are written in place ---- */
cocob_status cocob_op_cocob_update(cocob_backend *b, const cocob_update_args *a);
cocob_status cocob_op_sgd_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_op_adagrad_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_op_rmsprop_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_op_adadelta_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_op_adam_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_op_ckt_update(cocob_backend *b, const cocob_ckt_args *a);
cocob_status cocob_op_kt_update(cocob_backend *b, const cocob_kt_args *a);
cocob_status cocob_op_dog_update(cocob_backend *b, const cocob_dog_args *a);
cocob_status cocob_op_dadapt_adam_accumulate(cocob_backend *b,
                                             const cocob_dadapt_adam_accumulate_args *a);
cocob_status cocob_op_dadapt_adam_update(cocob_backend *b,
                                         const cocob_dadapt_adam_update_args *a);
cocob_status cocob_op_lr_free_reduce(cocob_backend *b, const cocob_lr_free_reduce_args *a);
cocob_status cocob_op_lr_free_finalize(cocob_backend *b, const cocob_lr_free_finalize_args *a);
cocob_status cocob_op_prodigy_accumulate(cocob_backend *b,
                                         const cocob_prodigy_accumulate_args *a);
cocob_status cocob_op_prodigy_update(cocob_backend *b, const cocob_prodigy_update_args *a);
cocob_status cocob_op_schedule_free_update(cocob_backend *b, const cocob_schedule_free_args *a);
cocob_status cocob_op_count_nonfinite(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                      size_t n, size_t *count);
/* Sets the int32 at flag to 1 when any of n floats of x is NaN or
 * infinite; never clears it. */
cocob_status cocob_op_flag_nonfinite(cocob_backend *b, cocob_span x, size_t n, cocob_span flag);

/* ---- the layers' ops ---- */
cocob_status cocob_op_gemm(cocob_backend *b, int trans_a, int trans_b, size_t M, size_t N,
                           size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                           size_t ldb, float beta, cocob_span C, size_t ldc);
/* y may be x. */
cocob_status cocob_op_bias_add(cocob_backend *b, cocob_activation f, cocob_span x,
                               cocob_span bias, cocob_span y, size_t outer, size_t channels,
                               size_t inner);
cocob_status cocob_op_bias_grad(cocob_backend *b, cocob_span dy, cocob_span db, size_t outer,
                                size_t channels, size_t inner);
/* y may be x. */
cocob_status cocob_op_activation(cocob_backend *b, cocob_activation f, cocob_span x, cocob_span y,
                                 size_t n);
/* dx may be dy. */
cocob_status cocob_op_activation_grad(cocob_backend *b, cocob_activation f, cocob_span y,
                                      cocob_span dy, cocob_span dx, size_t n);
cocob_status cocob_op_softmax_xent(cocob_backend *b, cocob_span logits, cocob_span labels,
                                   cocob_span loss, size_t rows, size_t classes);
cocob_status cocob_op_softmax_xent_grad(cocob_backend *b, cocob_span logits, cocob_span labels,
                                        cocob_span dlogits, size_t rows, size_t classes);
cocob_status cocob_op_mse(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span loss,
                          size_t rows, size_t cols);
cocob_status cocob_op_mse_grad(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span dx,
                               size_t rows, size_t cols);
cocob_status cocob_op_argmax(cocob_backend *b, cocob_span x, cocob_span out, size_t rows,
                             size_t cols);
/* y may be x. */
cocob_status cocob_op_dropout(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                              uint64_t seed, uint64_t counter);
/* dx may be dy. */
cocob_status cocob_op_dropout_grad(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                   float p, uint64_t seed, uint64_t counter);
cocob_status cocob_op_conv2d(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                             cocob_span w, cocob_span y);
cocob_status cocob_op_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *s,
                                        cocob_span dy, cocob_span w, cocob_span dx);
cocob_status cocob_op_conv2d_grad_weights(cocob_backend *b, const cocob_conv_shape *s,
                                          cocob_span dy, cocob_span x, cocob_span dw);
cocob_status cocob_op_maxpool(cocob_backend *b, const cocob_pool_shape *s, cocob_span x,
                              cocob_span y, cocob_span idx);
cocob_status cocob_op_maxpool_grad(cocob_backend *b, const cocob_pool_shape *s, cocob_span dy,
                                   cocob_span idx, cocob_span dx);
/* y's and z's buffers may be NULL. */
cocob_status cocob_op_stats(cocob_backend *b, cocob_span x, cocob_span y, cocob_span z, size_t n,
                            cocob_stats *out);
/* a may be bb or c. */
cocob_status cocob_op_triad(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                            const cocob_buffer *c, float s, size_t n);

#endif
