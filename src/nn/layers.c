/* Each layer kind's forward and backward pass, as calls to the backend's ops.
 *
 * Layouts: activations are batch-major (N x C x H x W). A dense layer holds
 * W as units x inputs and computes y = x W^T + b. A convolution holds W as
 * F x C x KH x KW and is the backend's conv2d op family, each backend
 * choosing its own way (and scratch) to compute it. */
#include <stdio.h>
#include <string.h>

#include "base/checked.h"
#include "nn/model.h"
#include "nn/spec.h"
#include "ops/ops.h"

static cocob_span at(cocob_buffer *buf, size_t off)
{
    return (cocob_span){buf, off};
}

/* The buffers a step reads and writes, as the plan named them. */
static cocob_buffer *input_of(cocob_model *m, const plan_step *st)
{
    return st->in == PLAN_INPUT ? m->x : m->layers[st->in].y;
}

/* NULL when the input is the batch, whose gradient nobody needs. */
static cocob_buffer *input_grad_of(cocob_model *m, const plan_step *st)
{
    return st->in == PLAN_INPUT ? NULL : m->layers[st->in].dy;
}

static cocob_conv_shape conv_shape(const model_layer *l, size_t n)
{
    return (cocob_conv_shape){n,
                              l->in.c,
                              l->in.h,
                              l->in.w,
                              l->desc.kernel_h,
                              l->desc.kernel_w,
                              l->desc.stride,
                              l->desc.pad,
                              l->out.h,
                              l->out.w,
                              l->desc.units};
}

static cocob_pool_shape pool_shape(const model_layer *l, size_t n)
{
    return (cocob_pool_shape){n * l->in.c,    l->in.h,  l->in.w, l->desc.kernel_h,
                              l->desc.stride, l->out.h, l->out.w};
}

cocob_status cocob_layer_alloc(cocob_model *m, const plan_step *st, size_t n)
{
    size_t i = st->layer;
    model_layer *l = &m->layers[i], *o = &m->layers[st->out];
    cocob_backend *b = m->ctx->backend;
    size_t out;
    if (!size_mul3(n, cocob_shape_size(l->out), sizeof(float), &out)) {
        char name[64];
        cocob_layer_name(&l->desc, name, sizeof name);
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "layer %zu (%s): a batch of %zu needs more bytes than memory can "
                          "address",
                          i, name, n);
    }
    cocob_status s = COCOB_OK;
    /* A fused activation's y takes the output; the layer's own dy still
     * holds the gradient before the activation. */
    if (o == l)
        s = b->iface->alloc(b, out, &l->y);
    if (s == COCOB_OK)
        s = b->iface->alloc(b, out, &l->dy);
    if (s == COCOB_OK && l->desc.kind == COCOB_LAYER_MAXPOOL)
        s = b->iface->alloc(b, out, &l->idx);
    if (s == COCOB_OK && o != l)
        s = b->iface->alloc(b, out, &o->y);
    if (s == COCOB_OK && o != l)
        s = b->iface->alloc(b, out, &o->dy);
    return s;
}

void cocob_layer_free(cocob_model *m, size_t i)
{
    model_layer *l = &m->layers[i];
    cocob_backend *b = m->ctx->backend;
    cocob_buffer **own[] = {&l->y, &l->dy, &l->idx};
    for (size_t k = 0; k < sizeof own / sizeof *own; k++) {
        if (*own[k])
            b->iface->free(b, *own[k]);
        *own[k] = NULL;
    }
}

/* Tells the backend what its next ops are for: verify mode names it. */
static void label(cocob_backend *b, const model_layer *l, size_t i, const char *pass)
{
    char name[64];
    cocob_layer_name(&l->desc, name, sizeof name);
    snprintf(b->where, sizeof b->where, "layer %zu (%s), %s", i, name, pass);
}

cocob_status cocob_layer_forward(cocob_model *m, const plan_step *st, size_t n, int training)
{
    model_layer *l = &m->layers[st->layer];
    cocob_backend *b = m->ctx->backend;
    label(b, l, st->layer, "forward");
    cocob_buffer *x = input_of(m, st), *y = m->layers[st->out].y;
    cocob_buffer *W = m->param_arena->buf;
    size_t in = cocob_shape_size(l->in), out = cocob_shape_size(l->out);
    cocob_status s;
    switch (l->desc.kind) {
    case COCOB_LAYER_DENSE:
        s = cocob_op_gemm(b, 0, 1, n, out, in, 1.0f, at(x, 0), in, at(W, l->w_off), in, 0.0f,
                          at(y, 0), out);
        if (s == COCOB_OK)
            s = cocob_op_bias_add(b, st->act, at(y, 0), at(W, l->b_off), at(y, 0), n, out, 1);
        return s;
    case COCOB_LAYER_CONV: {
        cocob_conv_shape cs = conv_shape(l, n);
        s = cocob_op_conv2d(b, &cs, at(x, 0), at(W, l->w_off), at(y, 0));
        if (s == COCOB_OK)
            s = cocob_op_bias_add(b, st->act, at(y, 0), at(W, l->b_off), at(y, 0), n,
                                  l->desc.units, l->out.h * l->out.w);
        return s;
    }
    case COCOB_LAYER_MAXPOOL: {
        cocob_pool_shape ps = pool_shape(l, n);
        s = cocob_op_maxpool(b, &ps, at(x, 0), at(y, 0), at(l->idx, 0));
        if (s == COCOB_OK && st->act != COCOB_ACT_IDENTITY)
            s = cocob_op_activation(b, st->act, at(y, 0), at(y, 0), n * out);
        return s;
    }
    case COCOB_LAYER_RELU:
    case COCOB_LAYER_TANH:
    case COCOB_LAYER_SIGMOID:
        return cocob_op_activation(b, st->act, at(x, 0), at(l->y, 0), n * out);
    case COCOB_LAYER_DROPOUT:
        if (!training)
            return cocob_op_copy(b, l->y, 0, x, 0, n * out * sizeof(float));
        /* Each call draws fresh counters, so no two steps share a mask; the
         * backward pass replays this one. */
        size_t before = m->shard ? m->shard->first : 0, all = m->shard ? m->shard->total : n;
        l->dropout_counter = m->draws + before * out;
        m->draws += all * out;
        return cocob_op_dropout(b, at(x, 0), at(l->y, 0), n * out, l->desc.rate, m->seed,
                                l->dropout_counter);
    case COCOB_LAYER_FLATTEN: break; /* a view: the plan gives it no step */
    }
    return COCOB_ERR_INVALID_ARGUMENT;
}

cocob_status cocob_layer_backward(cocob_model *m, const plan_step *st, size_t n)
{
    model_layer *l = &m->layers[st->layer];
    cocob_backend *b = m->ctx->backend;
    cocob_buffer *x = input_of(m, st), *dx = input_grad_of(m, st);
    cocob_buffer *W = m->param_arena->buf, *dW = m->grad_arena->buf;
    size_t in = cocob_shape_size(l->in), out = cocob_shape_size(l->out);
    cocob_status s;
    if (st->out != st->layer) {
        /* The fused activation's gradient first, named as its own layer's. */
        const model_layer *a = &m->layers[st->out];
        label(b, a, st->out, "backward");
        s = cocob_op_activation_grad(b, st->act, at(a->y, 0), at(a->dy, 0), at(l->dy, 0),
                                     n * out);
        if (s != COCOB_OK)
            return s;
    }
    label(b, l, st->layer, "backward");
    switch (l->desc.kind) {
    case COCOB_LAYER_DENSE:
        s = cocob_op_gemm(b, 1, 0, out, in, n, 1.0f, at(l->dy, 0), out, at(x, 0), in, 0.0f,
                          at(dW, l->w_off), in);
        if (s == COCOB_OK)
            s = cocob_op_bias_grad(b, at(l->dy, 0), at(dW, l->b_off), n, out, 1);
        if (s == COCOB_OK && dx)
            s = cocob_op_gemm(b, 0, 0, n, in, out, 1.0f, at(l->dy, 0), out, at(W, l->w_off), in,
                              0.0f, at(dx, 0), in);
        return s;
    case COCOB_LAYER_CONV: {
        cocob_conv_shape cs = conv_shape(l, n);
        s = cocob_op_bias_grad(b, at(l->dy, 0), at(dW, l->b_off), n, l->desc.units,
                               l->out.h * l->out.w);
        if (s == COCOB_OK)
            s = cocob_op_conv2d_grad_weights(b, &cs, at(l->dy, 0), at(x, 0), at(dW, l->w_off));
        if (s == COCOB_OK && dx)
            s = cocob_op_conv2d_grad_input(b, &cs, at(l->dy, 0), at(W, l->w_off), at(dx, 0));
        return s;
    }
    case COCOB_LAYER_MAXPOOL: {
        if (!dx)
            return COCOB_OK;
        cocob_pool_shape ps = pool_shape(l, n);
        return cocob_op_maxpool_grad(b, &ps, at(l->dy, 0), at(l->idx, 0), at(dx, 0));
    }
    case COCOB_LAYER_RELU:
    case COCOB_LAYER_TANH:
    case COCOB_LAYER_SIGMOID:
        if (!dx)
            return COCOB_OK;
        return cocob_op_activation_grad(b, st->act, at(l->y, 0), at(l->dy, 0), at(dx, 0),
                                        n * out);
    case COCOB_LAYER_DROPOUT:
        if (!dx)
            return COCOB_OK;
        return cocob_op_dropout_grad(b, at(l->dy, 0), at(dx, 0), n * out, l->desc.rate, m->seed,
                                     l->dropout_counter);
    case COCOB_LAYER_FLATTEN: break; /* a view: the plan gives it no step */
    }
    return COCOB_ERR_INVALID_ARGUMENT;
}
