/* The baselines' state buffers, and their step: the scalars worked out in
 * double, as PyTorch 1.13 works them out in Python, rounded to float once,
 * then one fused launch over the parameter's run of the arenas. */
#include <math.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

/* PyTorch's state_dict names, in the order of cocob_baseline_args.state. */
static const char *const state_names[COCOB_OPTIMIZER_KIND_COUNT][COCOB_BASELINE_MAX_STATES] = {
    [COCOB_OPTIMIZER_SGD] = {"momentum_buffer", NULL},
    [COCOB_OPTIMIZER_ADAGRAD] = {"sum", NULL},
    [COCOB_OPTIMIZER_RMSPROP] = {"square_avg", NULL},
    [COCOB_OPTIMIZER_ADADELTA] = {"square_avg", "acc_delta"},
    [COCOB_OPTIMIZER_ADAM] = {"exp_avg", "exp_avg_sq"},
    [COCOB_OPTIMIZER_ADAMW] = {"exp_avg", "exp_avg_sq"},
};

size_t cocob_optim_baseline_state_count(const cocob_optimizer_config *cfg)
{
    /* SGD keeps no buffer without momentum, as PyTorch keeps None. */
    if (cfg->kind == COCOB_OPTIMIZER_SGD && cfg->momentum == 0)
        return 0;
    size_t n = 0;
    while (n < COCOB_BASELINE_MAX_STATES && state_names[cfg->kind][n])
        n++;
    return n;
}

const char *cocob_optim_baseline_state_name(const cocob_optimizer_config *cfg, size_t state)
{
    return state < cocob_optim_baseline_state_count(cfg) ? state_names[cfg->kind][state] : NULL;
}

/* The scalars of step t (from 1). */
static cocob_baseline_hyper hyper(const cocob_optimizer_config *c, uint64_t t)
{
    cocob_baseline_hyper h;
    memset(&h, 0, sizeof h);
    h.lr = (float)c->lr;
    h.weight_decay = (float)c->weight_decay;
    h.eps = (float)c->eps;
    h.shrink = 1.0f;
    switch (c->kind) {
    case COCOB_OPTIMIZER_SGD:
        h.momentum = (float)c->momentum;
        h.one_minus_dampening = (float)(1 - c->dampening);
        h.nesterov = c->nesterov;
        h.first = t == 1;
        break;
    case COCOB_OPTIMIZER_RMSPROP:
    case COCOB_OPTIMIZER_ADADELTA:
        h.rho = (float)c->rho;
        h.one_minus_rho = (float)(1 - c->rho);
        break;
    case COCOB_OPTIMIZER_ADAM:
    case COCOB_OPTIMIZER_ADAMW:
        if (c->kind == COCOB_OPTIMIZER_ADAMW) {
            h.shrink = (float)(1 - c->lr * c->weight_decay);
            h.weight_decay = 0.0f;
        }
        h.beta1 = (float)c->beta1;
        h.one_minus_beta1 = (float)(1 - c->beta1);
        h.beta2 = (float)c->beta2;
        h.one_minus_beta2 = (float)(1 - c->beta2);
        h.lr = (float)(c->lr / (1 - pow(c->beta1, (double)t)));
        h.bias2_sqrt = (float)sqrt(1 - pow(c->beta2, (double)t));
        break;
    default: break;
    }
    return h;
}

cocob_status cocob_optim_baseline_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                       cocob_span skip)
{
    cocob_baseline_args a;
    memset(&a, 0, sizeof a);
    a.w = opt->params[i]->buf;
    a.grad = grad->buf;
    for (size_t k = 0; k < opt->state_count; k++)
        a.state[k] = opt->state[k];
    a.state_offset = opt->offsets[i];
    a.n = opt->params[i]->count;
    a.h = hyper(&opt->cfg, opt->steps + 1);
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    cocob_backend *b = opt->ctx->backend;
    switch (opt->cfg.kind) {
    case COCOB_OPTIMIZER_SGD: return cocob_op_sgd_update(b, &a);
    case COCOB_OPTIMIZER_ADAGRAD: return cocob_op_adagrad_update(b, &a);
    case COCOB_OPTIMIZER_RMSPROP: return cocob_op_rmsprop_update(b, &a);
    case COCOB_OPTIMIZER_ADADELTA: return cocob_op_adadelta_update(b, &a);
    default: /* Adam and AdamW: cocob_optim_check_config let no other kind through */
        return cocob_op_adam_update(b, &a);
    }
}
