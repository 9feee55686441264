/* D-Adapt Adam: its checks, its three state buffers, its six scalars and
 * its step; the object around it is optimizer.c's, its defaults config.c's,
 * the fold of its sums lr_free_finalize's. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

const char *const cocob_optim_dadapt_adam_state_names[COCOB_DADAPT_ADAM_STATES] = {
    [COCOB_DADAPT_ADAM_EXP_AVG] = "exp_avg",
    [COCOB_DADAPT_ADAM_EXP_AVG_SQ] = "exp_avg_sq",
    [COCOB_DADAPT_ADAM_S] = "s",
};

const char *const cocob_optim_dadapt_adam_scalar_names[COCOB_DADAPT_ADAM_SCALARS] = {
    [COCOB_DADAPT_ADAM_D] = "d",
    [COCOB_DADAPT_ADAM_NUMERATOR] = "numerator_weighted",
    [COCOB_DADAPT_ADAM_K] = "k",
    [COCOB_DADAPT_ADAM_DLR] = "dlr",
    [COCOB_DADAPT_ADAM_STEP_DLR] = "step_dlr",
    [COCOB_DADAPT_ADAM_TAKEN] = "taken",
};

/* lo < value (lo <= value where closed) and value < hi, or at most FLT_MAX
 * where hi is infinite. */
static cocob_status check(cocob_error *err, const char *field, double value, double lo,
                          int closed, double hi, const char *why)
{
    int above = closed ? value >= lo : value > lo;
    if (isfinite(value) && above && (isinf(hi) ? fabs(value) <= FLT_MAX : value < hi))
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "D-Adapt Adam: %s must be %s, got %g",
                      field, why, value);
}

static cocob_status check_flag(cocob_error *err, const char *field, int value)
{
    if (value == 0 || value == 1)
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "D-Adapt Adam: %s must be 0 or 1, got %d",
                      field, value);
}

cocob_status cocob_optim_dadapt_adam_check(cocob_error *err, const cocob_optimizer_config *cfg)
{
    /* Its authors' checks (dadapt_adam.py): d0, lr and eps above 0, betas
     * from 0 to below 1; weight_decay at least 0 and growth_rate above 0
     * (infinity allowed) here, which they leave free. */
    cocob_status s = check(err, "lr", cfg->lr, 0, 0, INFINITY, "above 0 (its authors advise 1)");
    if (s == COCOB_OK)
        s = check(err, "beta1", cfg->beta1, 0, 1, 1, "at least 0 and below 1");
    if (s == COCOB_OK)
        s = check(err, "beta2", cfg->beta2, 0, 1, 1, "at least 0 and below 1");
    if (s == COCOB_OK)
        s = check(err, "eps", cfg->eps, 0, 0, INFINITY, "above 0");
    if (s == COCOB_OK)
        s = check(err, "weight_decay", cfg->weight_decay, 0, 1, INFINITY, "at least 0");
    if (s == COCOB_OK)
        s = check(err, "d0", cfg->d0, 0, 0, INFINITY, "above 0 (1e-6 advised)");
    if (s == COCOB_OK && !(isinf(cfg->growth_rate) && cfg->growth_rate > 0))
        s = check(err, "growth_rate", cfg->growth_rate, 0, 0, INFINITY,
                  "above 0, or infinity for no bound");
    if (s == COCOB_OK)
        s = check_flag(err, "decouple", cfg->decouple);
    if (s == COCOB_OK)
        s = check_flag(err, "use_bias_correction", cfg->use_bias_correction);
    return s;
}

cocob_status cocob_optim_dadapt_adam_init_state(cocob_optimizer *opt)
{
    const cocob_optimizer_config *c = &opt->cfg;
    /* The first step's dlr as its authors work it out, in double: d0 lr,
     * times sqrt(1 - beta2) / (1 - beta1) with bias correction. */
    double dlr = c->d0 * c->lr;
    if (c->use_bias_correction)
        dlr *= sqrt(1 - c->beta2) / (1 - c->beta1);
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = cocob_optim_lr_free_create(opt, COCOB_DADAPT_ADAM_SCALARS);
    if (s == COCOB_OK)
        s = cocob_op_fill(b, opt->scalars, COCOB_DADAPT_ADAM_D, (float)c->d0, 1);
    if (s == COCOB_OK)
        s = cocob_op_fill(b, opt->scalars, COCOB_DADAPT_ADAM_DLR, (float)dlr, 1);
    return s;
}

cocob_status cocob_optim_dadapt_adam_scalars(cocob_optimizer *opt,
                                             const cocob_tensor *const *grads, cocob_span skip)
{
    const cocob_optimizer_config *c = &opt->cfg;
    double sqrt_beta2 = sqrt(c->beta2);
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++) {
        cocob_dadapt_adam_accumulate_args a;
        memset(&a, 0, sizeof a);
        a.w = opt->params[i]->buf;
        a.grad = grads[i]->buf;
        for (int k = 0; k < COCOB_DADAPT_ADAM_STATES; k++)
            a.state[k] = opt->state[k];
        a.state_offset = opt->offsets[i];
        a.n = opt->params[i]->count;
        a.parts = opt->parts[i];
        a.partials = opt->partials;
        a.partials_offset = opt->part_offsets[i];
        a.scalars = opt->scalars;
        a.dlr_offset = COCOB_DADAPT_ADAM_DLR;
        a.beta1 = (float)c->beta1;
        a.beta2 = (float)c->beta2;
        a.sqrt_beta2 = (float)sqrt_beta2;
        a.one_minus_beta1 = (float)(1 - c->beta1);
        a.one_minus_beta2 = (float)(1 - c->beta2);
        a.one_minus_sqrt_beta2 = (float)(1 - sqrt_beta2);
        a.eps = (float)c->eps;
        a.weight_decay = c->decouple ? 0 : (float)c->weight_decay;
        a.skip = skip.buf;
        a.skip_offset = skip.off;
        s = cocob_op_dadapt_adam_accumulate(b, &a);
    }
    if (s != COCOB_OK)
        return s;
    cocob_lr_free_finalize_args f = {
        .method = COCOB_LR_FREE_DADAPT_ADAM,
        .partials = opt->partials,
        .parts = opt->part_total,
        .scalars = opt->scalars,
        .scalars_count = opt->scalar_count,
        .skip = skip.buf,
        .skip_offset = skip.off,
        .lr = (float)c->lr,
        .sqrt_beta2 = (float)sqrt_beta2,
        .one_minus_sqrt_beta2 = (float)(1 - sqrt_beta2),
        .growth_rate = (float)c->growth_rate,
        .one_minus_beta1 = (float)(1 - c->beta1),
        .one_minus_beta2 = (float)(1 - c->beta2),
        .use_bias_correction = c->use_bias_correction,
    };
    return cocob_op_lr_free_finalize(b, &f);
}

cocob_status cocob_optim_dadapt_adam_step(cocob_optimizer *opt, size_t i, cocob_span skip)
{
    const cocob_optimizer_config *c = &opt->cfg;
    cocob_dadapt_adam_update_args a;
    memset(&a, 0, sizeof a);
    a.w = opt->params[i]->buf;
    a.state[0] = opt->state[COCOB_DADAPT_ADAM_EXP_AVG];
    a.state[1] = opt->state[COCOB_DADAPT_ADAM_EXP_AVG_SQ];
    a.state_offset = opt->offsets[i];
    a.n = opt->params[i]->count;
    a.eps = (float)c->eps;
    a.decay = c->decouple ? (float)c->weight_decay : 0;
    a.scalars = opt->scalars;
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    return cocob_op_dadapt_adam_update(opt->ctx->backend, &a);
}
