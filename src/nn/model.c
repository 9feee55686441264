/* Building a model: layers, shape inference, parameters and their
 * initialisation, and the summary a user reads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/model.h"
#include "nn/spec.h"
#include "base/philox.h"

cocob_layer cocob_dense(size_t units)
{
    return (cocob_layer){.kind = COCOB_LAYER_DENSE, .units = units};
}

cocob_layer cocob_conv2d(size_t filters, size_t kernel_h, size_t kernel_w, size_t stride,
                         size_t pad)
{
    return (cocob_layer){.kind = COCOB_LAYER_CONV,
                         .units = filters,
                         .kernel_h = kernel_h,
                         .kernel_w = kernel_w,
                         .stride = stride,
                         .pad = pad};
}

cocob_layer cocob_maxpool(size_t size, size_t stride)
{
    return (cocob_layer){.kind = COCOB_LAYER_MAXPOOL,
                         .kernel_h = size,
                         .kernel_w = size,
                         .stride = stride};
}

cocob_layer cocob_relu(void)
{
    return (cocob_layer){.kind = COCOB_LAYER_RELU};
}
cocob_layer cocob_tanh(void)
{
    return (cocob_layer){.kind = COCOB_LAYER_TANH};
}
cocob_layer cocob_sigmoid(void)
{
    return (cocob_layer){.kind = COCOB_LAYER_SIGMOID};
}
cocob_layer cocob_flatten(void)
{
    return (cocob_layer){.kind = COCOB_LAYER_FLATTEN};
}

cocob_layer cocob_dropout(float rate)
{
    return (cocob_layer){.kind = COCOB_LAYER_DROPOUT, .rate = rate};
}

cocob_status cocob_model_create(cocob_context *ctx, size_t channels, size_t height, size_t width,
                                cocob_model **out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!channels || !height || !width || channels > 65536 || height > 65536 || width > 65536)
        return cocob_fail(&ctx->err, COCOB_ERR_SHAPE, "model: bad input shape %zux%zux%zu",
                          channels, height, width);
    cocob_model *m = calloc(1, sizeof *m);
    if (!m)
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    m->ctx = ctx;
    m->input = (cocob_shape){channels, height, width};
    *out = m;
    return COCOB_OK;
}

const char *cocob_loss_name(cocob_loss loss)
{
    switch (loss) {
    case COCOB_LOSS_XENT: return "xent";
    case COCOB_LOSS_MSE: return "mse";
    }
    return NULL;
}

cocob_status cocob_model_set_loss(cocob_model *m, cocob_loss loss)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (!cocob_loss_name(loss))
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "model: unknown loss %d (COCOB_LOSS_XENT or COCOB_LOSS_MSE)",
                          (int)loss);
    /* The plan made by cocob_model_init has chosen its loss ops. */
    if (m->param_arena)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "model: the loss (%s) must be chosen before cocob_model_init",
                          cocob_loss_name(loss));
    m->loss_kind = loss;
    return COCOB_OK;
}

cocob_loss cocob_model_loss(const cocob_model *m)
{
    return m ? m->loss_kind : COCOB_LOSS_XENT;
}

static cocob_shape last_shape(const cocob_model *m)
{
    return m->count ? m->layers[m->count - 1].out : m->input;
}

/* The output shape of layer d on input in, or an error naming the layer. */
static cocob_status infer(cocob_model *m, const cocob_layer *d, cocob_shape in, cocob_shape *out,
                          size_t *w_count, size_t *b_count)
{
    char name[64];
    cocob_layer_name(d, name, sizeof name);
    cocob_error *err = &m->ctx->err;
    size_t index = m->count, in_size = cocob_shape_size(in);
    *w_count = *b_count = 0;
    *out = in;
    switch (d->kind) {
    case COCOB_LAYER_DENSE:
        if (d->units == 0 || d->units > LAYER_MAX_UNITS || in_size > (1u << 26))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "layer %zu (%s): %zu inputs to %zu units "
                              "is out of range",
                              index, name, in_size, d->units);
        *out = (cocob_shape){d->units, 1, 1};
        *w_count = d->units * in_size;
        *b_count = d->units;
        return COCOB_OK;
    case COCOB_LAYER_CONV: {
        const struct {
            const char *what;
            size_t value, min, max;
        } part[] = {{"filters", d->units, 1, LAYER_MAX_FILTERS},
                    {"kernel height", d->kernel_h, 1, LAYER_MAX_WINDOW},
                    {"kernel width", d->kernel_w, 1, LAYER_MAX_WINDOW},
                    {"stride", d->stride, 1, LAYER_MAX_WINDOW},
                    {"pad", d->pad, 0, LAYER_MAX_WINDOW}};
        for (size_t k = 0; k < sizeof part / sizeof *part; k++)
            if (part[k].value < part[k].min || part[k].value > part[k].max)
                return cocob_fail(err, COCOB_ERR_SHAPE,
                                  "layer %zu (%s): the %s is %zu; it "
                                  "must be from %zu to %zu",
                                  index, name, part[k].what, part[k].value, part[k].min,
                                  part[k].max);
        if (in.h + 2 * d->pad < d->kernel_h || in.w + 2 * d->pad < d->kernel_w)
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "layer %zu (%s): input %zux%zux%zu is "
                              "smaller than the %zux%zu kernel with pad %zu",
                              index, name, in.c, in.h, in.w, d->kernel_h, d->kernel_w, d->pad);
        *out = (cocob_shape){d->units, (in.h + 2 * d->pad - d->kernel_h) / d->stride + 1,
                             (in.w + 2 * d->pad - d->kernel_w) / d->stride + 1};
        *w_count = d->units * in.c * d->kernel_h * d->kernel_w;
        *b_count = d->units;
        return COCOB_OK;
    }
    case COCOB_LAYER_MAXPOOL:
        if (!d->kernel_h || !d->stride || d->kernel_h > LAYER_MAX_WINDOW ||
            d->stride > LAYER_MAX_WINDOW)
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "layer %zu (%s): the window and the stride "
                              "must be from 1 to %d",
                              index, name, LAYER_MAX_WINDOW);
        if (in.h < d->kernel_h || in.w < d->kernel_w)
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "layer %zu (%s): input %zux%zux%zu is "
                              "smaller than the %zux%zu window",
                              index, name, in.c, in.h, in.w, d->kernel_h, d->kernel_w);
        *out = (cocob_shape){in.c, (in.h - d->kernel_h) / d->stride + 1,
                             (in.w - d->kernel_w) / d->stride + 1};
        return COCOB_OK;
    case COCOB_LAYER_DROPOUT:
        if (!(d->rate >= 0.0f && d->rate < 1.0f))
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "layer %zu (%s): the dropout "
                              "rate must be in [0, 1), got %g",
                              index, name, d->rate);
        return COCOB_OK;
    case COCOB_LAYER_FLATTEN: *out = (cocob_shape){in_size, 1, 1}; return COCOB_OK;
    case COCOB_LAYER_RELU:
    case COCOB_LAYER_TANH:
    case COCOB_LAYER_SIGMOID: return COCOB_OK;
    }
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "layer %zu: unknown kind %d", index,
                      (int)d->kind);
}

cocob_status cocob_model_add(cocob_model *m, cocob_layer layer)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (m->param_arena)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "model: layers must be added before cocob_model_init");
    cocob_shape in = last_shape(m), out;
    size_t wc, bc;
    cocob_status s = infer(m, &layer, in, &out, &wc, &bc);
    if (s != COCOB_OK)
        return s;
    model_layer *grown = realloc(m->layers, (m->count + 1) * sizeof *grown);
    if (!grown)
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    m->layers = grown;
    model_layer *l = &m->layers[m->count++];
    memset(l, 0, sizeof *l);
    l->desc = layer;
    l->in = in;
    l->out = out;
    l->w_off = m->params;
    l->w_count = wc;
    l->b_off = m->params + wc;
    l->b_count = bc;
    m->params += wc + bc;
    return COCOB_OK;
}

size_t cocob_model_param_count(const cocob_model *m)
{
    return m ? m->params : 0;
}

size_t cocob_model_tensor_count(const cocob_model *m)
{
    size_t n = 0;
    for (size_t i = 0; m && i < m->count; i++)
        n += (m->layers[i].w_count > 0) + (m->layers[i].b_count > 0);
    return n;
}

cocob_status cocob_model_tensor_name(const cocob_model *m, size_t i, char *out, size_t cap)
{
    if (!m || !out || !cap)
        return COCOB_ERR_INVALID_ARGUMENT;
    for (size_t k = 0, seen = 0; k < m->count; k++) {
        const model_layer *l = &m->layers[k];
        char kind[64];
        cocob_layer_name(&l->desc, kind, sizeof kind);
        kind[strcspn(kind, ":")] = '\0';
        for (int b = 0; b < 2; b++) {
            if (!(b ? l->b_count : l->w_count) || seen++ != i)
                continue;
            snprintf(out, cap, "l%zu.%.24s.%c", k, kind, b ? 'b' : 'w');
            return COCOB_OK;
        }
    }
    return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                      "model: no parameter tensor %zu; there are %zu", i,
                      cocob_model_tensor_count(m));
}

size_t cocob_model_outputs(const cocob_model *m)
{
    return m ? cocob_shape_size(last_shape(m)) : 0;
}

cocob_tensor *cocob_model_params(cocob_model *m)
{
    return m ? m->param_arena : NULL;
}

cocob_tensor *cocob_model_grads(cocob_model *m)
{
    return m ? m->grad_arena : NULL;
}

/* The next layer that computes something, skipping views. */
static const model_layer *next_compute(const cocob_model *m, size_t i)
{
    for (size_t j = i + 1; j < m->count; j++)
        if (m->layers[j].desc.kind != COCOB_LAYER_FLATTEN)
            return &m->layers[j];
    return NULL;
}

static void drop_arenas(cocob_model *m)
{
    cocob_tensor_destroy(m->param_arena);
    cocob_tensor_destroy(m->grad_arena);
    m->param_arena = m->grad_arena = NULL;
}

/* The arena's tensors, for the optimizers that treat each apart (L-DoG). */
static cocob_status mark_pieces(cocob_model *m)
{
    cocob_tensor *t = m->param_arena;
    size_t n = cocob_model_tensor_count(m);
    if (!(t->pieces = malloc(n * sizeof *t->pieces)))
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "out of host memory (the model's %zu tensors)", n);
    for (size_t i = 0; i < m->count; i++) {
        if (m->layers[i].w_count)
            t->pieces[t->piece_count++] = m->layers[i].w_count;
        if (m->layers[i].b_count)
            t->pieces[t->piece_count++] = m->layers[i].b_count;
    }
    return COCOB_OK;
}

cocob_status cocob_model_init(cocob_model *m, uint64_t seed)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_error *err = &m->ctx->err;
    if (m->param_arena)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "model: already initialised");
    if (m->params == 0)
        return cocob_fail(err, COCOB_ERR_SHAPE, "model: no layer has parameters to train");
    if (m->layers[m->count - 1].desc.kind == COCOB_LAYER_FLATTEN)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "model: the last layer, flatten, only reshapes: end with the layer "
                          "that makes the outputs, such as dense:10");
    /* The device's arenas first: a model too large for the device is then
     * refused, naming the device's limit, before the host fills a copy. */
    cocob_status s = cocob_tensor_create(m->ctx, m->params, &m->param_arena);
    if (s == COCOB_OK)
        s = cocob_tensor_create(m->ctx, m->params, &m->grad_arena);
    float *host = NULL;
    if (s != COCOB_OK)
        cocob_error_append(err, " (the model's %zu parameters, or their gradients)", m->params);
    if (s == COCOB_OK)
        s = mark_pieces(m);
    if (s == COCOB_OK && !(host = calloc(m->params, sizeof *host)))
        s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory for %zu parameters",
                       m->params);
    if (s != COCOB_OK) {
        drop_arenas(m);
        return s;
    }
    for (size_t i = 0; i < m->count; i++) {
        const model_layer *l = &m->layers[i];
        if (!l->w_count)
            continue;
        size_t taps = l->desc.kind == COCOB_LAYER_CONV ? l->desc.kernel_h * l->desc.kernel_w : 1;
        double fan_in = (double)(l->w_count / l->desc.units);
        double fan_out = (double)(l->desc.units * taps);
        const model_layer *next = next_compute(m, i);
        /* He for ReLU, which zeroes half its inputs and so needs twice the
         * variance; Glorot for the rest. */
        double limit = next && next->desc.kind == COCOB_LAYER_RELU
                           ? sqrt(6.0 / fan_in)
                           : sqrt(6.0 / (fan_in + fan_out));
        for (size_t k = 0; k < l->w_count; k++) {
            double u = cocob_philox_uniform(seed, l->w_off + k);
            host[l->w_off + k] = (float)((2.0 * u - 1.0) * limit);
        }
    }
    s = cocob_tensor_upload(m->param_arena, host, m->params);
    free(host);
    if (s == COCOB_OK)
        s = cocob_plan_build(m);
    if (s != COCOB_OK) {
        drop_arenas(m);
        return s;
    }
    /* Dropout draws from its own stream, not the one the weights came from. */
    m->seed = seed ^ 0xD1B54A32D192ED03ULL;
    return COCOB_OK;
}

size_t cocob_model_summary(const cocob_model *m, char *buf, size_t cap)
{
    if (buf && cap)
        buf[0] = '\0';
    if (!m)
        return 0;
    /* Counted past cap, as snprintf counts, so that the caller learns the
     * size a whole table needs. */
    size_t used = 0;
#define PUT(...)                                                           \
    do {                                                                   \
        int w = snprintf(buf && used < cap ? buf + used : NULL,            \
                         buf && used < cap ? cap - used : 0, __VA_ARGS__); \
        used += w > 0 ? (size_t)w : 0;                                     \
    } while (0)
    PUT("%-3s %-22s %-16s %12s\n", "#", "layer", "output", "parameters");
    PUT("%-3s %-22s %zux%zux%-12zu %12s\n", "", "input", m->input.c, m->input.h, m->input.w, "");
    for (size_t i = 0; i < m->count; i++) {
        const model_layer *l = &m->layers[i];
        char name[64], shape[48];
        cocob_layer_name(&l->desc, name, sizeof name);
        snprintf(shape, sizeof shape, "%zux%zux%zu", l->out.c, l->out.h, l->out.w);
        PUT("%-3zu %-22s %-16s %12zu\n", i, name, shape, l->w_count + l->b_count);
    }
    PUT("total parameters: %zu\n", m->params);
#undef PUT
    return used;
}

void cocob_model_destroy(cocob_model *m)
{
    if (!m)
        return;
    cocob_backend *b = m->ctx->backend;
    for (size_t i = 0; i < m->count; i++)
        cocob_layer_free(m, i);
    cocob_buffer *own[] = {m->x, m->labels, m->targets, m->loss, m->predicted};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (own[i])
            b->iface->free(b, own[i]);
    cocob_tensor_destroy(m->param_arena);
    cocob_tensor_destroy(m->grad_arena);
    free(m->host);
    cocob_plan_free(&m->plan);
    free(m->layers);
    free(m);
}
