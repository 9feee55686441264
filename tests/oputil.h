/* What the op suites (test_activation, test_argmax, test_bias,
 * test_dropout, test_gemm, test_maxpool, test_mse, test_softmax_xent)
 * share: their layout of cases, the start and end of
 * arguments_are_checked, and a loss op run with its gradient. */
#ifndef COCOB_OPUTIL_H
#define COCOB_OPUTIL_H

#include <check.h>
#include <stddef.h>

#include "backend/backend.h"
#include "cocob/cocob.h"
#include "testutil.h"

/* An op suite named name: a "reference" case, a "device" case where the
 * build has a device, and an "arguments" case that runs args on ref (_i 0)
 * and, where there is a device, on it too (_i 1). The caller adds its other
 * tests to *ref and *dev (NULL without a device). */
Suite *op_suite(const char *name, const TTest *args, TCase **ref, TCase **dev);

/* A context on ref (i 0) or on the device under test (i 1), and *buf, a
 * buffer of floats floats on it; op_args_done frees both. */
cocob_context *op_args_context(int i, size_t floats, cocob_buffer **buf);
void op_args_done(cocob_context *ctx, cocob_buffer *buf);

typedef cocob_status (*op_loss_fn)(cocob_backend *b, cocob_span x, cocob_span t, cocob_span out,
                                   size_t rows, size_t cols);

/* A loss op and its gradient on ctx, over rows x cols of x and t_count
 * 4-byte elements of t (targets or labels): *loss and *grad get their
 * whole buffers (test_take). */
void op_run_loss(cocob_context *ctx, op_loss_fn loss_op, op_loss_fn grad_op, const float *x,
                 const void *t, size_t t_count, size_t rows, size_t cols, float **loss,
                 float **grad);

#endif
