/* COCOB-Backprop: its defaults, its five state buffers, and its step on
 * whichever backend the context holds. The object around it is
 * optimizer.c's. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

const char *const cocob_optim_cocob_state_names[COCOB_STATE_COUNT] = {"w1", "L", "G", "reward",
                                                                      "theta"};

void cocob_optim_cocob_defaults(cocob_cocob_config *cfg)
{
    cfg->alpha = 100.0f;
    cfg->initial_L = 1e-8f;
    cfg->weight_decay = 0;
}

cocob_status cocob_optim_cocob_check(cocob_error *err, const cocob_cocob_config *cfg)
{
    if (!isfinite(cfg->alpha) || cfg->alpha <= 0.0f)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB: alpha must be finite and above 0, got %g", cfg->alpha);
    if (!isfinite(cfg->initial_L) || cfg->initial_L <= 0.0f)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB: initial_L must be finite and above 0 (L divides), got %g",
                          cfg->initial_L);
    /* The step takes it as a float: one beyond a float's range would be infinite there. */
    if (!isfinite(cfg->weight_decay) || cfg->weight_decay < 0 || cfg->weight_decay > FLT_MAX)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB: weight_decay must be at least 0 and at most %g, got %g",
                          (double)FLT_MAX, cfg->weight_decay);
    return COCOB_OK;
}

cocob_status cocob_optim_cocob_init_state(cocob_optimizer *opt)
{
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = cocob_op_fill(b, opt->state[COCOB_STATE_L], 0, opt->cfg.cocob.initial_L,
                                   opt->total);
    if (s == COCOB_OK)
        s = cocob_optim_copy_params(opt, opt->state[COCOB_STATE_W1]);
    return s;
}

cocob_status cocob_optim_cocob_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                    cocob_span skip)
{
    cocob_update_args a;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        a.state[k] = opt->state[k];
    a.alpha = opt->cfg.cocob.alpha;
    a.weight_decay = (float)opt->cfg.cocob.weight_decay;
    a.w = opt->params[i]->buf;
    a.grad = grad->buf;
    a.state_offset = opt->offsets[i];
    a.n = opt->params[i]->count;
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    cocob_backend *b = opt->ctx->backend;
    return cocob_op_cocob_update(b, &a);
}
