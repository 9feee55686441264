/* COCOB-Backprop: its defaults, its five state buffers, and its step on
 * whichever backend the context holds.
 *
 * Each state buffer is one arena as long as all the parameters together;
 * parameter i owns the run that starts at offsets[i]. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

struct cocob_optimizer {
    cocob_context *ctx;
    cocob_cocob_config cfg;
    size_t count;
    cocob_tensor **params;
    size_t *offsets;
    size_t total;
    cocob_buffer *state[COCOB_STATE_COUNT];
};

void cocob_cocob_config_init(cocob_cocob_config *cfg)
{
    cfg->alpha = 100.0f;
    cfg->initial_L = 1e-8f;
    cfg->weight_decay = 0.0f;
}

static cocob_status check_config(cocob_error *err, const cocob_cocob_config *cfg)
{
    if (!isfinite(cfg->alpha) || cfg->alpha <= 0.0f)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB: alpha must be finite and above 0, got %g", cfg->alpha);
    if (!isfinite(cfg->initial_L) || cfg->initial_L <= 0.0f)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB: initial_L must be finite and above 0 (L divides), got %g",
                          cfg->initial_L);
    if (!isfinite(cfg->weight_decay) || cfg->weight_decay < 0.0f)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB: weight_decay must be finite and at least 0, got %g",
                          cfg->weight_decay);
    return COCOB_OK;
}

void cocob_optimizer_destroy(cocob_optimizer *opt)
{
    if (!opt)
        return;
    cocob_backend *b = opt->ctx->backend;
    for (int i = 0; i < COCOB_STATE_COUNT; i++)
        if (opt->state[i])
            b->iface->free(b, opt->state[i]);
    free(opt->params);
    free(opt->offsets);
    free(opt);
}

static cocob_status init_state(cocob_optimizer *opt)
{
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = COCOB_OK;
    for (int i = 0; i < COCOB_STATE_COUNT && s == COCOB_OK; i++)
        s = b->iface->alloc(b, opt->total * sizeof(float), &opt->state[i]);
    if (s == COCOB_OK)
        s = b->iface->fill(b, opt->state[COCOB_STATE_L], 0, opt->cfg.initial_L, opt->total);
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = b->iface->copy(b, opt->state[COCOB_STATE_W1], opt->offsets[i] * sizeof(float),
                           opt->params[i]->buf, 0, opt->params[i]->count * sizeof(float));
    return s;
}

cocob_status cocob_optimizer_create_cocob(cocob_context *ctx, const cocob_cocob_config *cfg,
                                          size_t count, cocob_tensor *const *params,
                                          cocob_optimizer **out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    cocob_cocob_config defaults;
    if (!cfg) {
        cocob_cocob_config_init(&defaults);
        cfg = &defaults;
    }
    cocob_status s = check_config(&ctx->err, cfg);
    if (s != COCOB_OK)
        return s;
    if (count == 0 || !params)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB: no parameter tensors given");
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        if (!params[i] || params[i]->ctx != ctx)
            return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                              "COCOB: parameter %zu is %s", i,
                              params[i] ? "from another context" : "NULL");
        if (params[i]->count > SIZE_MAX / sizeof(float) - total)
            return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                              "COCOB: the parameters hold more floats than memory can");
        total += params[i]->count;
    }
    cocob_optimizer *opt = calloc(1, sizeof *opt);
    if (opt) {
        opt->params = malloc(count * sizeof *opt->params);
        opt->offsets = malloc(count * sizeof *opt->offsets);
    }
    if (!opt || !opt->params || !opt->offsets) {
        if (opt) {
            free(opt->params);
            free(opt->offsets);
        }
        free(opt);
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    }
    opt->ctx = ctx;
    opt->cfg = *cfg;
    opt->count = count;
    opt->total = total;
    for (size_t i = 0, at = 0; i < count; at += params[i]->count, i++) {
        opt->params[i] = params[i];
        opt->offsets[i] = at;
    }
    s = init_state(opt);
    if (s != COCOB_OK) {
        cocob_optimizer_destroy(opt);
        return s;
    }
    *out = opt;
    return COCOB_OK;
}

cocob_status cocob_optimizer_step(cocob_optimizer *opt, const cocob_tensor *const *grads)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_context *ctx = opt->ctx;
    if (!grads)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT, "COCOB step: no gradients");
    /* Every gradient is checked before any parameter moves, so that a bad
     * call leaves the model as it was. */
    for (size_t i = 0; i < opt->count; i++) {
        if (!grads[i] || grads[i]->ctx != ctx)
            return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                              "COCOB step: gradient %zu is %s", i,
                              grads[i] ? "from another context" : "NULL");
        if (grads[i]->count != opt->params[i]->count)
            return cocob_fail(&ctx->err, COCOB_ERR_SHAPE,
                              "COCOB step: gradient %zu has %zu floats, its parameter %zu", i,
                              grads[i]->count, opt->params[i]->count);
    }
    cocob_backend *b = ctx->backend;
    for (size_t i = 0; i < opt->count; i++) {
        size_t bad = 0;
        cocob_status s = b->iface->count_nonfinite(b, grads[i]->buf, 0, grads[i]->count, &bad);
        if (s != COCOB_OK)
            return s;
        if (bad)
            return cocob_fail(&ctx->err, COCOB_ERR_NONFINITE,
                              "COCOB step: gradient %zu holds %zu NaN or infinite value(s) "
                              "among %zu; the step was not taken, weights and state are "
                              "unchanged",
                              i, bad, grads[i]->count);
    }
    cocob_update_args a;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        a.state[k] = opt->state[k];
    a.alpha = opt->cfg.alpha;
    a.weight_decay = opt->cfg.weight_decay;
    for (size_t i = 0; i < opt->count; i++) {
        a.w = opt->params[i]->buf;
        a.grad = grads[i]->buf;
        a.state_offset = opt->offsets[i];
        a.n = opt->params[i]->count;
        cocob_status s = b->iface->cocob_update(b, &a);
        if (s != COCOB_OK)
            return s;
    }
    return COCOB_OK;
}

cocob_status cocob_optimizer_read_state(const cocob_optimizer *opt, cocob_cocob_state which,
                                        size_t index, float *dst, size_t count)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_context *ctx = opt->ctx;
    if ((int)which < 0 || which >= COCOB_STATE_COUNT || index >= opt->count || !dst)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB read_state: state %d of parameter %zu does not exist (%zu "
                          "parameters)",
                          (int)which, index, opt->count);
    if (count != opt->params[index]->count)
        return cocob_fail(&ctx->err, COCOB_ERR_SHAPE,
                          "COCOB read_state: %zu floats asked of parameter %zu, which has %zu",
                          count, index, opt->params[index]->count);
    cocob_backend *b = ctx->backend;
    return b->iface->download(b, opt->state[which], opt->offsets[index] * sizeof(float), dst,
                              count * sizeof(float));
}
