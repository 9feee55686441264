/* DoG and L-DoG: their checks, their one state buffer, their four scalars
 * (L-DoG's for each tensor) and their step; the object around them is
 * optimizer.c's, their defaults config.c's, the pass that updates their
 * scalars lr_free.c's. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "optim/optimizer.h"
#include "ops/ops.h"

const char *const cocob_optim_dog_state_names[COCOB_DOG_STATES] = {
    [COCOB_DOG_X0] = "init_buffer",
};

static const char *const scalar_names[COCOB_DOG_SCALARS] = {
    [COCOB_DOG_RBAR] = "rbar",
    [COCOB_DOG_G] = "G",
    [COCOB_DOG_ETA] = "eta",
    [COCOB_DOG_FIRST] = "first_step",
};

int cocob_optim_is_dog(cocob_optimizer_kind kind)
{
    return kind == COCOB_OPTIMIZER_DOG || kind == COCOB_OPTIMIZER_LDOG;
}

/* value finite, within a float, and at least 0 (above it where strict). */
static cocob_status check(cocob_error *err, const cocob_optimizer_config *cfg, const char *field,
                          double value, int strict, const char *why)
{
    if (isfinite(value) && fabs(value) <= FLT_MAX && (strict ? value > 0 : value >= 0))
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s must be %s and at most %g, got %g",
                      cocob_optim_title(cfg->kind), field, why, (double)FLT_MAX, value);
}

cocob_status cocob_optim_dog_check(cocob_error *err, const cocob_optimizer_config *cfg)
{
    /* Its authors' checks (dog.py): lr above 0, weight_decay at least 0,
     * init_eta above 0 where given (0 here is None, which then needs
     * reps_rel above 0). eps they leave free but for G above 0; here it
     * must be above 0, so that a first gradient of 0 cannot divide by 0. */
    cocob_status s = check(err, cfg, "lr", cfg->lr, 1, "above 0 (its authors advise 1)");
    if (s == COCOB_OK)
        s = check(err, cfg, "weight_decay", cfg->weight_decay, 0, "at least 0");
    if (s == COCOB_OK)
        s = check(err, cfg, "eps", cfg->eps, 1, "above 0");
    if (s == COCOB_OK)
        s = check(err, cfg, "init_eta", cfg->init_eta, 0, "above 0, or 0 for none,");
    if (s == COCOB_OK)
        s = check(err, cfg, "reps_rel", cfg->reps_rel, cfg->init_eta == 0,
                  cfg->init_eta == 0 ? "above 0 (1e-6 advised, 1e-4 with batch normalization)"
                                     : "at least 0 (init_eta overrides it)");
    return s;
}

const char *cocob_optim_dog_scalar_name(const cocob_optimizer *opt, size_t index)
{
    return opt->scalar_names ? opt->scalar_names[index] : scalar_names[index];
}

/* "eta.3", the layer's index after the name, so that the monitor's log
 * columns (opt.eta.3) stay apart; a model's layer k is its tensor k
 * (cocob_model_tensor_name). */
static cocob_status name_layers(cocob_optimizer *opt)
{
    size_t count = opt->scalar_count;
    opt->scalar_names = malloc(count * sizeof *opt->scalar_names);
    if (!opt->scalar_names)
        return cocob_fail(&opt->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "out of host memory (L-DoG's scalar names)");
    for (size_t k = 0; k < count; k++)
        snprintf(opt->scalar_names[k], sizeof *opt->scalar_names, "%s.%zu",
                 scalar_names[k % COCOB_DOG_SCALARS], k / COCOB_DOG_SCALARS);
    return COCOB_OK;
}

cocob_status cocob_optim_dog_init_state(cocob_optimizer *opt)
{
    /* L-DoG's layers are the runs: each parameter tensor, and each of a
     * model's tensors within its arena, as its authors' are the model's. */
    int ldog = opt->cfg.kind == COCOB_OPTIMIZER_LDOG;
    cocob_status s = ldog ? cocob_optim_lr_free_layers(opt) : COCOB_OK;
    size_t n = ldog ? opt->run_count : 1, count = 0;
    if (s == COCOB_OK && !size_mul(n, COCOB_DOG_SCALARS, &count))
        s = cocob_fail(&opt->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                       "L-DoG: %zu layers' scalars overflow", n);
    if (s == COCOB_OK)
        s = cocob_optim_lr_free_create(opt, count);
    for (size_t i = 0; i < n && s == COCOB_OK; i++)
        s = cocob_op_fill(opt->ctx->backend, opt->scalars,
                          COCOB_DOG_SCALARS * i + COCOB_DOG_FIRST, 1.0f, 1);
    if (s == COCOB_OK && ldog)
        s = name_layers(opt);
    if (s == COCOB_OK)
        s = cocob_optim_copy_params(opt, opt->state[COCOB_DOG_X0]);
    return s;
}

cocob_status cocob_optim_dog_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                  cocob_span skip)
{
    cocob_dog_args a;
    memset(&a, 0, sizeof a);
    a.w = opt->params[i]->buf;
    a.grad = grad->buf;
    a.n = opt->params[i]->count;
    a.weight_decay = (float)opt->cfg.weight_decay;
    a.scalars = opt->scalars;
    a.eta_offset = COCOB_DOG_ETA;
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    if (opt->cfg.kind != COCOB_OPTIMIZER_LDOG)
        return cocob_op_dog_update(opt->ctx->backend, &a);
    /* L-DoG: DoG's update over each of the parameter's layers, with its eta. */
    cocob_status s = COCOB_OK;
    for (size_t k = 0; k < opt->run_count && s == COCOB_OK; k++) {
        if (opt->runs[k].param != i)
            continue;
        a.w_offset = a.grad_offset = opt->runs[k].at;
        a.n = opt->runs[k].count;
        a.eta_offset = COCOB_DOG_SCALARS * k + COCOB_DOG_ETA;
        s = cocob_op_dog_update(opt->ctx->backend, &a);
    }
    return s;
}
