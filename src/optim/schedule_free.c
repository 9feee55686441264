/* Schedule-Free SGD and AdamW (schedulefree 1.4.1): their checks, their
 * state, the scalars of each step, and the swap between the training
 * point y and the evaluation point x; the object around them is
 * optimizer.c's, the defaults config.c's. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

int cocob_optim_is_schedule_free(cocob_optimizer_kind kind)
{
    return kind == COCOB_OPTIMIZER_SF_SGD || kind == COCOB_OPTIMIZER_SF_ADAMW;
}

static int adamw(cocob_optimizer_kind kind)
{
    return kind == COCOB_OPTIMIZER_SF_ADAMW;
}

/* SGD's momentum and AdamW's beta1 play one part: the interpolation. */
static double beta1_of(const cocob_optimizer_config *cfg)
{
    return adamw(cfg->kind) ? cfg->beta1 : cfg->momentum;
}

static cocob_status out_of_range(cocob_error *err, const cocob_optimizer_config *cfg,
                                 const char *field, double value, const char *why)
{
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s must be %s, got %g",
                      cocob_optim_title(cfg->kind), field, why, value);
}

cocob_status cocob_optim_sf_check(cocob_error *err, const cocob_optimizer_config *cfg)
{
    /* The step takes lr, weight_decay and eps as floats. */
    if (!(isfinite(cfg->lr) && cfg->lr > 0 && cfg->lr <= FLT_MAX))
        return out_of_range(err, cfg, "lr", cfg->lr, "above 0 and finite as a float");
    /* x = y + (1 - 1 / beta1) (z - y): beta1 0 has no x, beta1 1 never
     * leaves y; its authors refuse both for SGD's momentum. */
    double b1 = beta1_of(cfg);
    if (!(b1 > 0 && b1 < 1))
        return out_of_range(err, cfg, adamw(cfg->kind) ? "beta1" : "momentum", b1,
                            "between 0 and 1 exclusive");
    if (adamw(cfg->kind) && !(cfg->beta2 >= 0 && cfg->beta2 < 1))
        return out_of_range(err, cfg, "beta2", cfg->beta2, "at least 0 and below 1");
    if (adamw(cfg->kind) && !(isfinite(cfg->eps) && (float)cfg->eps > 0))
        return out_of_range(err, cfg, "eps", cfg->eps,
                            "above 0 as a float: it keeps 0 / 0 out where the gradients have "
                            "been 0");
    if (!(isfinite(cfg->weight_decay) && cfg->weight_decay >= 0 && cfg->weight_decay <= FLT_MAX))
        return out_of_range(err, cfg, "weight_decay", cfg->weight_decay,
                            "at least 0 and finite as a float");
    if (!(cfg->warmup_steps >= 0 && cfg->warmup_steps <= 0x1p53 &&
          cfg->warmup_steps == floor(cfg->warmup_steps)))
        return out_of_range(err, cfg, "warmup_steps", cfg->warmup_steps,
                            "a whole number of steps, at least 0");
    if (!isfinite(cfg->r))
        return out_of_range(err, cfg, "r", cfg->r, "finite");
    if (!isfinite(cfg->weight_lr_power))
        return out_of_range(err, cfg, "weight_lr_power", cfg->weight_lr_power, "finite");
    return COCOB_OK;
}

/* z, then AdamW's exp_avg_sq, then y, kept there while x is in the weights. */
static const char *const sgd_states[] = {"z", "y"};
static const char *const adamw_states[] = {"z", "exp_avg_sq", "y"};

size_t cocob_optim_sf_state_count(cocob_optimizer_kind kind)
{
    return adamw(kind) ? 3 : 2;
}

const char *cocob_optim_sf_state_name(cocob_optimizer_kind kind, size_t state)
{
    if (state >= cocob_optim_sf_state_count(kind))
        return NULL;
    return adamw(kind) ? adamw_states[state] : sgd_states[state];
}

size_t cocob_optim_sf_y_state(const cocob_optimizer *opt)
{
    return opt->state_count - 1;
}

cocob_status cocob_optim_sf_init_state(cocob_optimizer *opt)
{
    /* Its authors' lr_max starts at -1, below any lr, so the first step's is its lr. */
    for (int j = 0; j < 2; j++)
        opt->sf_totals[j] = (struct cocob_sf_totals){0, 0.0, -1.0};
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = cocob_op_copy(opt->ctx->backend, opt->state[0], opt->offsets[i] * sizeof(float),
                          opt->params[i]->buf, 0, opt->params[i]->count * sizeof(float));
    return s;
}

/* Step t.at + 1's scalars from the sums after t.at steps, in double as the
 * package's Python floats: the scheduled lr, and the sums after it. */
static struct cocob_sf_totals advance(const cocob_optimizer_config *cfg, struct cocob_sf_totals t,
                                      double *lr, double *ckp1)
{
    double k = (double)t.at;
    double sched = k < cfg->warmup_steps ? (k + 1) / cfg->warmup_steps : 1.0;
    *lr = cfg->lr * sched;
    t.lr_max = *lr > t.lr_max ? *lr : t.lr_max;
    double weight = pow(k + 1, cfg->r) * pow(t.lr_max, cfg->weight_lr_power);
    t.weight_sum += weight;
    *ckp1 = t.weight_sum != 0 ? weight / t.weight_sum : 0;
    t.at++;
    return t;
}

/* The sums after k steps: one of the two kept, or replayed from the
 * nearest below (from the start after a resume), in the package's order,
 * so that the doubles are the very ones an unbroken run has. */
static struct cocob_sf_totals totals_after(const cocob_optimizer *opt, uint64_t k)
{
    struct cocob_sf_totals t = {0, 0.0, -1.0};
    for (int j = 0; j < 2; j++) {
        if (opt->sf_totals[j].at == k)
            return opt->sf_totals[j];
        if (opt->sf_totals[j].at < k && opt->sf_totals[j].at > t.at)
            t = opt->sf_totals[j];
    }
    double lr, ckp1;
    while (t.at < k)
        t = advance(&opt->cfg, t, &lr, &ckp1);
    return t;
}

/* Its authors' names for the figures they keep for logging. */
static const char *const scalar_names[COCOB_SF_SCALARS] = {"scheduled_lr", "weight_sum"};

const char *cocob_optim_sf_scalar_name(size_t index)
{
    return index < COCOB_SF_SCALARS ? scalar_names[index] : NULL;
}

void cocob_optim_sf_scalars(const cocob_optimizer *opt, float dst[COCOB_SF_SCALARS])
{
    /* The last step's lr, 0 before any (its authors' start). */
    const cocob_optimizer_config *c = &opt->cfg;
    double k = (double)opt->steps, lr = 0;
    if (k > 0)
        lr = c->lr * (k - 1 < c->warmup_steps ? k / c->warmup_steps : 1.0);
    dst[0] = (float)lr;
    dst[1] = (float)totals_after(opt, opt->steps).weight_sum;
}

cocob_status cocob_optim_sf_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                 cocob_span skip)
{
    const cocob_optimizer_config *c = &opt->cfg;
    struct cocob_sf_totals before = totals_after(opt, opt->steps);
    double lr, ckp1;
    struct cocob_sf_totals after = advance(c, before, &lr, &ckp1);
    opt->sf_totals[0] = before;
    opt->sf_totals[1] = after;
    double y_step = lr * (beta1_of(c) * (1 - ckp1) - 1);
    if (!isfinite(ckp1) || !(fabs(y_step) <= FLT_MAX))
        return cocob_fail(&opt->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: at step %llu the average's weight, (k + 1)^r lr_max^%g with r "
                          "%g, is beyond a double: lower r or weight_lr_power",
                          cocob_optim_title(c->kind), (unsigned long long)after.at,
                          c->weight_lr_power, c->r);
    cocob_schedule_free_args a;
    memset(&a, 0, sizeof a);
    a.w = opt->params[i]->buf;
    a.grad = grad->buf;
    a.z = opt->state[0];
    a.exp_avg_sq = adamw(c->kind) ? opt->state[1] : NULL;
    a.state_offset = opt->offsets[i];
    a.n = opt->params[i]->count;
    a.h.ckp1 = (float)ckp1;
    a.h.y_step = (float)y_step;
    a.h.lr = (float)lr;
    a.h.weight_decay = (float)c->weight_decay;
    if (adamw(c->kind)) {
        a.h.beta2 = (float)c->beta2;
        a.h.one_minus_beta2 = (float)(1 - c->beta2);
        a.h.bias_correction2 = (float)(1 - pow(c->beta2, (double)after.at));
        a.h.eps = (float)c->eps;
    }
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    return cocob_op_schedule_free_update(opt->ctx->backend, &a);
}

cocob_status cocob_optimizer_eval_weights(cocob_optimizer *opt)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (!cocob_optim_is_schedule_free(opt->cfg.kind) || opt->at_x)
        return COCOB_OK;
    cocob_backend *b = opt->ctx->backend;
    cocob_buffer *y = opt->state[cocob_optim_sf_y_state(opt)];
    /* y is kept whole before any weight moves, so that a failure part way
     * still finds it all where train_weights takes it from. */
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = cocob_op_copy(b, y, opt->offsets[i] * sizeof(float), opt->params[i]->buf, 0,
                          opt->params[i]->count * sizeof(float));
    if (s != COCOB_OK)
        return s;
    opt->at_x = 1;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++) {
        cocob_schedule_free_args a;
        memset(&a, 0, sizeof a);
        a.w = opt->params[i]->buf;
        a.z = opt->state[0];
        a.state_offset = opt->offsets[i];
        a.n = opt->params[i]->count;
        /* The package's eval(): lerp(y, z, 1 - 1 / beta1). */
        a.h.ckp1 = (float)(1 - 1 / beta1_of(&opt->cfg));
        s = cocob_op_schedule_free_update(b, &a);
    }
    return s;
}

cocob_status cocob_optimizer_train_weights(cocob_optimizer *opt)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (!opt->at_x)
        return COCOB_OK;
    cocob_backend *b = opt->ctx->backend;
    cocob_buffer *y = opt->state[cocob_optim_sf_y_state(opt)];
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = cocob_op_copy(b, opt->params[i]->buf, 0, y, opt->offsets[i] * sizeof(float),
                          opt->params[i]->count * sizeof(float));
    if (s == COCOB_OK)
        opt->at_x = 0;
    return s;
}
