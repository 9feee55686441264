/* DoG: its checks, its one state buffer, its four scalars and its step;
 * the object around it is optimizer.c's, its defaults config.c's, the pass
 * that updates its scalars lr_free.c's. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

const char *const cocob_optim_dog_state_names[COCOB_DOG_STATES] = {
    [COCOB_DOG_X0] = "init_buffer",
};

const char *const cocob_optim_dog_scalar_names[COCOB_DOG_SCALARS] = {
    [COCOB_DOG_RBAR] = "rbar",
    [COCOB_DOG_G] = "G",
    [COCOB_DOG_ETA] = "eta",
    [COCOB_DOG_FIRST] = "first_step",
};

/* value finite, within a float, and at least 0 (above it where strict). */
static cocob_status check(cocob_error *err, const char *field, double value, int strict,
                          const char *why)
{
    if (isfinite(value) && fabs(value) <= FLT_MAX && (strict ? value > 0 : value >= 0))
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                      "DoG: %s must be %s and at most %g, got %g", field, why, (double)FLT_MAX,
                      value);
}

cocob_status cocob_optim_dog_check(cocob_error *err, const cocob_optimizer_config *cfg)
{
    /* Its authors' checks (dog.py): lr above 0, weight_decay at least 0,
     * init_eta above 0 where given (0 here is None, which then needs
     * reps_rel above 0). eps they leave free but for G above 0; here it
     * must be above 0, so that a first gradient of 0 cannot divide by 0. */
    cocob_status s = check(err, "lr", cfg->lr, 1, "above 0 (its authors advise 1)");
    if (s == COCOB_OK)
        s = check(err, "weight_decay", cfg->weight_decay, 0, "at least 0");
    if (s == COCOB_OK)
        s = check(err, "eps", cfg->eps, 1, "above 0");
    if (s == COCOB_OK)
        s = check(err, "init_eta", cfg->init_eta, 0, "above 0, or 0 for none,");
    if (s == COCOB_OK)
        s = check(err, "reps_rel", cfg->reps_rel, cfg->init_eta == 0,
                  cfg->init_eta == 0 ? "above 0 (1e-6 advised, 1e-4 with batch normalization)"
                                     : "at least 0 (init_eta overrides it)");
    return s;
}

cocob_status cocob_optim_dog_init_state(cocob_optimizer *opt)
{
    cocob_status s = cocob_optim_lr_free_create(opt, COCOB_DOG_SCALARS);
    if (s == COCOB_OK)
        s = cocob_op_fill(opt->ctx->backend, opt->scalars, COCOB_DOG_FIRST, 1.0f, 1);
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
    return cocob_op_dog_update(opt->ctx->backend, &a);
}
