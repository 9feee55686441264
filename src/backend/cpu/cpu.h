/* The cpu backend: the reference ops on host memory, GEMM from OpenBLAS and
 * the other loops split over OpenMP threads. */
#ifndef COCOB_CPU_CPU_H
#define COCOB_CPU_CPU_H

#include <stddef.h>

#include "backend/backend.h"

cocob_status cocob_cpu_backend_create(cocob_error *err, const cocob_logger *log,
                                      cocob_backend **out);
/* Fills the device description of the cpu backend. */
void cocob_cpu_device_info(cocob_device_info *info);

/* What the cpu backend's ops share. */

/* Runs fn(arg, first, end) over [0, items) cut into contiguous chunks, one
 * per thread, at the same time; each item is about cost elements of work,
 * and a problem too small to gain from threads runs whole on the caller. A
 * chunk is a range of the ref loop's own, so the results are ref's. */
typedef void (*cpu_chunk_fn)(void *arg, size_t first, size_t end);
void cocob_cpu_for(size_t items, size_t cost, cpu_chunk_fn fn, void *arg);

cocob_status cocob_cpu_gemm(cocob_backend *b, int trans_a, int trans_b, size_t M, size_t N,
                            size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                            size_t ldb, float beta, cocob_span C, size_t ldc);

/* threads x per floats of scratch that the backend owns, grown on demand
 * and kept until it is destroyed: ops call one at a time, so one scratch
 * serves them all. */
cocob_status cocob_cpu_scratch(cocob_backend *b, size_t threads, size_t per, float **out);

/* ref's loops of the same names, faster for the common cases and equal to
 * them bit for bit: maxpool.c and elementwise.c. */
void cocob_cpu_maxpool_planes(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx);
void cocob_cpu_maxpool_grad_planes(const cocob_pool_shape *s, const float *dy, const int32_t *idx,
                                   float *dx);
void cocob_cpu_bias_add_rows(cocob_activation f, const float *x, const float *bias, float *y,
                             size_t outer, size_t channels, size_t inner);
void cocob_cpu_activation_run(cocob_activation f, const float *x, float *y, size_t n);
void cocob_cpu_activation_grad_run(cocob_activation f, const float *y, const float *dy, float *dx,
                                   size_t n);
/* The same sums as cocob_ref_bias_grad_channels, in the same order, each
 * channel's a chain of dependent adds: several channels' chains run side by
 * side, where ref waits out each add's latency. */
void cocob_cpu_bias_grad_channels(const float *dy, float *db, size_t outer, size_t channels,
                                  size_t inner, size_t first, size_t end);
/* cocob_ref_dropout, in dropout.c. */
void cocob_cpu_dropout_run(const float *in, float *out, size_t n, float p, uint64_t seed,
                           uint64_t counter);

/* The convolutions, in conv2d.c. */
cocob_status cocob_cpu_conv2d(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                              cocob_span w, cocob_span y);
cocob_status cocob_cpu_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *s,
                                         cocob_span dy, cocob_span w, cocob_span dx);
cocob_status cocob_cpu_conv2d_grad_weights(cocob_backend *b, const cocob_conv_shape *s,
                                           cocob_span dy, cocob_span x, cocob_span dw);

#endif
