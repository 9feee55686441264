/* COCOB-Backprop: its defaults, its five state buffers, and its step on
 * whichever backend the context holds. The object around it is
 * optimizer.c's. */
#include <math.h>
#include <string.h>

#include "optim/optimizer.h"

const char *const optim_cocob_state_names[COCOB_STATE_COUNT] = {"w1", "L", "G", "reward",
                                                                "theta"};

void cocob_cocob_config_init(cocob_cocob_config *cfg)
{
    cfg->alpha = 100.0f;
    cfg->initial_L = 1e-8f;
    cfg->weight_decay = 0.0f;
}

cocob_status optim_cocob_check(cocob_error *err, const cocob_cocob_config *cfg)
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

cocob_status optim_cocob_init_state(cocob_optimizer *opt)
{
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = b->iface->fill(b, opt->state[COCOB_STATE_L], 0, opt->cfg.cocob.initial_L,
                                    opt->total);
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = b->iface->copy(b, opt->state[COCOB_STATE_W1], opt->offsets[i] * sizeof(float),
                           opt->params[i]->buf, 0, opt->params[i]->count * sizeof(float));
    return s;
}

cocob_status cocob_optimizer_create_cocob(cocob_context *ctx, const cocob_cocob_config *cfg,
                                          size_t count, cocob_tensor *const *params,
                                          cocob_optimizer **out)
{
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_COCOB);
    if (cfg)
        c.cocob = *cfg;
    return cocob_optimizer_create(ctx, &c, count, params, out);
}

cocob_status optim_cocob_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                              cocob_span skip)
{
    cocob_update_args a;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        a.state[k] = opt->state[k];
    a.alpha = opt->cfg.cocob.alpha;
    a.weight_decay = opt->cfg.cocob.weight_decay;
    a.w = opt->params[i]->buf;
    a.grad = grad->buf;
    a.state_offset = opt->offsets[i];
    a.n = opt->params[i]->count;
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    cocob_backend *b = opt->ctx->backend;
    return b->iface->cocob_update(b, &a);
}

cocob_status cocob_optimizer_read_state(const cocob_optimizer *opt, cocob_cocob_state which,
                                        size_t index, float *dst, size_t count)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (opt->cfg.kind != COCOB_OPTIMIZER_COCOB)
        return cocob_fail(&opt->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "read_state reads COCOB-Backprop's buffers, and this optimizer is "
                          "%s: use cocob_optimizer_read_state_buffer",
                          optim_title(opt->cfg.kind));
    if ((int)which < 0 || which >= COCOB_STATE_COUNT)
        return cocob_fail(&opt->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB read_state: state %d does not exist (there are %d)", (int)which,
                          COCOB_STATE_COUNT);
    return cocob_optimizer_read_state_buffer(opt, (size_t)which, index, dst, count);
}
