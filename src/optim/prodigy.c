/* Prodigy: its checks, its four state buffers, its scalars on the device,
 * and its step: the accumulate pass over every parameter, the fold, then
 * each parameter's update. The object around it is optimizer.c's, its
 * defaults config.c's, the partials' layout lr_free.c's. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

const char *const cocob_optim_prodigy_state_names[COCOB_PRODIGY_STATES] = {
    [COCOB_PRODIGY_P0] = "p0",
    [COCOB_PRODIGY_EXP_AVG] = "exp_avg",
    [COCOB_PRODIGY_EXP_AVG_SQ] = "exp_avg_sq",
    [COCOB_PRODIGY_S] = "s",
};

const char *const cocob_optim_prodigy_scalar_names[COCOB_PRODIGY_SCALARS] = {
    [COCOB_PRODIGY_D] = "d",
    [COCOB_PRODIGY_D_MAX] = "d_max",
    [COCOB_PRODIGY_D_NUMERATOR] = "d_numerator",
    [COCOB_PRODIGY_D_DENOM] = "d_denom",
    [COCOB_PRODIGY_D_HAT] = "d_hat",
    [COCOB_PRODIGY_K] = "k",
    [COCOB_PRODIGY_TAKEN] = "taken",
    [COCOB_PRODIGY_DLR] = "dlr",
    [COCOB_PRODIGY_BIAS_CORRECTION] = "bias_correction",
};

/* lo <= value (lo < value where strict) and value below hi (at most hi
 * where closed), finite and within a float. */
static cocob_status check(cocob_error *err, const char *field, double value, double lo,
                          int strict, double hi, int closed, const char *why)
{
    if (isfinite(value) && fabs(value) <= FLT_MAX && (strict ? value > lo : value >= lo) &&
        (closed ? value <= hi : value < hi))
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "Prodigy: %s must be %s, got %g", field,
                      why, value);
}

static cocob_status check_switch(cocob_error *err, const char *field, int value)
{
    if (value == 0 || value == 1)
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "Prodigy: %s must be 0 or 1, got %d",
                      field, value);
}

cocob_status cocob_optim_prodigy_check(cocob_error *err, const cocob_optimizer_config *c)
{
    /* Its authors check d0, lr and eps above 0 and the betas from 0 to
     * below 1; the rest they leave free. Here every one is a finite float
     * (growth_rate may be infinite: its default, no bound), d_coef and
     * growth_rate above 0 so that d stays above 0, beta3 at most 1, and
     * slice_p a whole number. */
    double big = FLT_MAX;
    cocob_status s = check(err, "lr", c->lr, 0, 1, big, 1, "above 0 (its authors advise 1)");
    if (s == COCOB_OK)
        s = check(err, "beta1", c->beta1, 0, 0, 1, 0, "at least 0 and below 1");
    if (s == COCOB_OK)
        s = check(err, "beta2", c->beta2, 0, 0, 1, 0, "at least 0 and below 1");
    if (s == COCOB_OK)
        s = check(err, "beta3", c->beta3, 0, 0, 1, 1,
                  "from 0 to 1 (0 is its authors' None: the square root of beta2)");
    if (s == COCOB_OK)
        s = check(err, "eps", c->eps, 0, 1, big, 1, "finite and above 0");
    if (s == COCOB_OK)
        s = check(err, "weight_decay", c->weight_decay, 0, 0, big, 1, "finite and at least 0");
    if (s == COCOB_OK)
        s = check(err, "d0", c->d0, 0, 1, big, 1, "finite and above 0 (1e-6 advised)");
    if (s == COCOB_OK)
        s = check(err, "d_coef", c->d_coef, 0, 1, big, 1, "finite and above 0");
    if (s == COCOB_OK &&
        !(c->growth_rate > 0 && (c->growth_rate <= big || isinf(c->growth_rate))))
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                       "Prodigy: growth_rate must be above 0, or infinite for no bound, got %g",
                       c->growth_rate);
    if (s == COCOB_OK &&
        !(c->slice_p >= 1 && c->slice_p <= UINT32_MAX && c->slice_p == floor(c->slice_p)))
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                       "Prodigy: slice_p must be a whole number from 1 to %u, got %g",
                       (unsigned)UINT32_MAX, c->slice_p);
    if (s == COCOB_OK)
        s = check_switch(err, "decouple", c->decouple);
    if (s == COCOB_OK)
        s = check_switch(err, "use_bias_correction", c->use_bias_correction);
    if (s == COCOB_OK)
        s = check_switch(err, "safeguard_warmup", c->safeguard_warmup);
    return s;
}

/* Appends to buf as snprintf writes, keeping *n the length so far. */
static void append(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
    if (*n >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, cap - *n, fmt, ap);
    va_end(ap);
    *n = k < 0 ? cap : *n + (size_t)k;
}

void cocob_optim_prodigy_describe(const cocob_optimizer_config *c, char *buf, size_t cap)
{
    /* The floats the passes use; only what differs from the defaults
     * beyond d0 and the betas. */
    size_t n = 0;
    append(buf, cap, &n, "Prodigy (d0 %g, betas %g %g", (float)c->d0, (float)c->beta1,
           (float)c->beta2);
    if (c->beta3 > 0)
        append(buf, cap, &n, ", beta3 %g", (float)c->beta3);
    if ((float)c->lr != 1.0f)
        append(buf, cap, &n, ", lr %g", (float)c->lr);
    if ((float)c->d_coef != 1.0f)
        append(buf, cap, &n, ", d_coef %g", (float)c->d_coef);
    if (!isinf(c->growth_rate))
        append(buf, cap, &n, ", growth_rate %g", (float)c->growth_rate);
    if ((float)c->weight_decay != 0)
        append(buf, cap, &n, ", %sweight decay %g", c->decouple ? "decoupled " : "",
               (float)c->weight_decay);
    if (c->use_bias_correction)
        append(buf, cap, &n, ", bias correction");
    if (c->safeguard_warmup)
        append(buf, cap, &n, ", safeguard warmup");
    if (c->slice_p > 1)
        append(buf, cap, &n, ", slice_p %g", c->slice_p);
    append(buf, cap, &n, ")");
}

static float beta3(const cocob_optimizer_config *c)
{
    return (float)(c->beta3 > 0 ? c->beta3 : sqrt(c->beta2));
}

static cocob_prodigy_hyper hyper(const cocob_optimizer_config *c)
{
    return (cocob_prodigy_hyper){
        .lr = (float)c->lr,
        .beta1 = (float)c->beta1,
        .beta2 = (float)c->beta2,
        .beta3 = beta3(c),
        .eps = (float)c->eps,
        .weight_decay = (float)c->weight_decay,
        .d0 = (float)c->d0,
        .decouple = c->decouple,
        .safeguard_warmup = c->safeguard_warmup,
        .slice_p = (unsigned)c->slice_p,
    };
}

cocob_status cocob_optim_prodigy_init_state(cocob_optimizer *opt)
{
    const cocob_optimizer_config *c = &opt->cfg;
    cocob_backend *b = opt->ctx->backend;
    /* The first step's bias correction, k 0, in double as its authors'. */
    double bias = c->use_bias_correction ? sqrt(1 - c->beta2) / (1 - c->beta1) : 1;
    cocob_status s = cocob_optim_lr_free_create(opt, COCOB_PRODIGY_SCALARS);
    if (s == COCOB_OK)
        s = cocob_op_fill(b, opt->scalars, COCOB_PRODIGY_D, (float)c->d0, 2);
    if (s == COCOB_OK)
        s = cocob_op_fill(b, opt->scalars, COCOB_PRODIGY_BIAS_CORRECTION, (float)bias, 1);
    if (s == COCOB_OK)
        s = cocob_optim_copy_params(opt, opt->state[COCOB_PRODIGY_P0]);
    return s;
}

cocob_status cocob_optim_prodigy_scalars(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                         cocob_span skip)
{
    cocob_backend *b = opt->ctx->backend;
    const cocob_optimizer_config *c = &opt->cfg;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++) {
        cocob_prodigy_accumulate_args a = {
            .w = opt->params[i]->buf,
            .grad = grads[i]->buf,
            .state_offset = opt->offsets[i],
            .n = opt->params[i]->count,
            .parts = opt->parts[i],
            .partials = opt->partials,
            .partials_offset = opt->part_offsets[i],
            .scalars = opt->scalars,
            .h = hyper(c),
            .skip = skip.buf,
            .skip_offset = skip.off,
        };
        memcpy(a.state, opt->state, sizeof a.state);
        s = cocob_op_prodigy_accumulate(b, &a);
    }
    if (s != COCOB_OK)
        return s;
    cocob_lr_free_finalize_args f = {
        .method = COCOB_LR_FREE_PRODIGY,
        .partials = opt->partials,
        .parts = opt->part_total,
        .scalars = opt->scalars,
        .scalars_count = opt->scalar_count,
        .skip = skip.buf,
        .skip_offset = skip.off,
        .lr = (float)c->lr,
        .d0 = (float)c->d0,
        .d_coef = (float)c->d_coef,
        .growth_rate = (float)c->growth_rate,
        .beta1 = (float)c->beta1,
        .beta2 = (float)c->beta2,
        .beta3 = beta3(c),
        .use_bias_correction = c->use_bias_correction,
    };
    return cocob_op_lr_free_finalize(b, &f);
}

cocob_status cocob_optim_prodigy_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                      cocob_span skip)
{
    cocob_prodigy_update_args a = {
        .w = opt->params[i]->buf,
        .grad = grad->buf,
        .exp_avg = opt->state[COCOB_PRODIGY_EXP_AVG],
        .exp_avg_sq = opt->state[COCOB_PRODIGY_EXP_AVG_SQ],
        .state_offset = opt->offsets[i],
        .n = opt->params[i]->count,
        .scalars = opt->scalars,
        .h = hyper(&opt->cfg),
        .skip = skip.buf,
        .skip_offset = skip.off,
    };
    return cocob_op_prodigy_update(opt->ctx->backend, &a);
}
