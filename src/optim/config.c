/* The settings of every kind: names, PyTorch's defaults, the checks, and
 * the one-line description. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "optim/optimizer.h"

static const char *const names[COCOB_OPTIMIZER_KIND_COUNT] = {
    "cocob", "sgd",    "adagrad",  "rmsprop", "adadelta", "adam", "adamw",      "ckt",
    "kt",    "sf_sgd", "sf_adamw", "dog",     "prodigy",  "ldog", "dadapt_adam"};
static const char *const titles[COCOB_OPTIMIZER_KIND_COUNT] = {"COCOB-Backprop",
                                                               "SGD",
                                                               "AdaGrad",
                                                               "RMSProp",
                                                               "Adadelta",
                                                               "Adam",
                                                               "AdamW",
                                                               "cKT",
                                                               "KT",
                                                               "Schedule-Free SGD",
                                                               "Schedule-Free AdamW",
                                                               "DoG",
                                                               "Prodigy",
                                                               "L-DoG",
                                                               "D-Adapt Adam"};

static int known(cocob_optimizer_kind kind)
{
    return (int)kind >= 0 && kind < COCOB_OPTIMIZER_KIND_COUNT;
}

const char *cocob_optimizer_kind_name(cocob_optimizer_kind kind)
{
    return known(kind) ? names[kind] : NULL;
}

const char *cocob_optim_title(cocob_optimizer_kind kind)
{
    return known(kind) ? titles[kind] : "an unknown optimizer";
}

cocob_status cocob_optimizer_kind_parse(const char *name, cocob_optimizer_kind *out)
{
    for (int k = 0; name && out && k < COCOB_OPTIMIZER_KIND_COUNT; k++)
        if (strcasecmp(name, names[k]) == 0) {
            *out = (cocob_optimizer_kind)k;
            return COCOB_OK;
        }
    return COCOB_ERR_INVALID_ARGUMENT;
}

void cocob_optimizer_config_init(cocob_optimizer_config *cfg, cocob_optimizer_kind kind)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->kind = kind;
    cocob_optim_cocob_defaults(&cfg->cocob);
    switch (kind) {
    case COCOB_OPTIMIZER_ADAGRAD:
        cfg->lr = 1e-2;
        cfg->eps = 1e-10;
        break;
    case COCOB_OPTIMIZER_RMSPROP:
        cfg->lr = 1e-2;
        cfg->rho = 0.99;
        cfg->eps = 1e-8;
        break;
    case COCOB_OPTIMIZER_ADADELTA:
        cfg->lr = 1.0;
        cfg->rho = 0.9;
        cfg->eps = 1e-6;
        break;
    case COCOB_OPTIMIZER_ADAM:
    case COCOB_OPTIMIZER_ADAMW:
        cfg->lr = 1e-3;
        cfg->beta1 = 0.9;
        cfg->beta2 = 0.999;
        cfg->eps = 1e-8;
        cfg->weight_decay = kind == COCOB_OPTIMIZER_ADAMW ? 1e-2 : 0;
        break;
    case COCOB_OPTIMIZER_CKT:
    case COCOB_OPTIMIZER_KT: cfg->w = 1e-4; break;
    /* Its authors' (schedulefree 1.4.1). */
    case COCOB_OPTIMIZER_SF_SGD:
        cfg->lr = 1.0;
        cfg->momentum = 0.9;
        cfg->weight_lr_power = 2;
        break;
    case COCOB_OPTIMIZER_SF_ADAMW:
        cfg->lr = 0.0025;
        cfg->beta1 = 0.9;
        cfg->beta2 = 0.999;
        cfg->eps = 1e-8;
        cfg->weight_lr_power = 2;
        break;
    case COCOB_OPTIMIZER_DOG:
    case COCOB_OPTIMIZER_LDOG:
        cfg->reps_rel = 1e-6;
        cfg->lr = 1.0;
        cfg->eps = 1e-8;
        break;
    /* Its authors' (prodigyopt 1.1.2). */
    case COCOB_OPTIMIZER_PRODIGY:
        cfg->lr = 1.0;
        cfg->beta1 = 0.9;
        cfg->beta2 = 0.999;
        cfg->eps = 1e-8;
        cfg->decouple = 1;
        cfg->d0 = 1e-6;
        cfg->d_coef = 1.0;
        cfg->growth_rate = INFINITY;
        cfg->slice_p = 1;
        break;
    /* Its authors' (dadaptation 3.2). */
    case COCOB_OPTIMIZER_DADAPT_ADAM:
        cfg->lr = 1.0;
        cfg->beta1 = 0.9;
        cfg->beta2 = 0.999;
        cfg->eps = 1e-8;
        cfg->d0 = 1e-6;
        cfg->growth_rate = INFINITY;
        break;
    default: /* COCOB has its own settings; SGD's lr has no default */ break;
    }
}

static const unsigned uses[COCOB_OPTIMIZER_KIND_COUNT] = {
    [COCOB_OPTIMIZER_COCOB] = 0,
    [COCOB_OPTIMIZER_SGD] = USES_LR | USES_MOMENTUM | USES_DAMPENING | USES_NESTEROV |
                            USES_WEIGHT_DECAY,
    [COCOB_OPTIMIZER_ADAGRAD] = USES_LR | USES_WEIGHT_DECAY | USES_EPS,
    [COCOB_OPTIMIZER_RMSPROP] = USES_LR | USES_WEIGHT_DECAY | USES_RHO | USES_EPS,
    [COCOB_OPTIMIZER_ADADELTA] = USES_LR | USES_WEIGHT_DECAY | USES_RHO | USES_EPS,
    [COCOB_OPTIMIZER_ADAM] = USES_LR | USES_WEIGHT_DECAY | USES_EPS | USES_BETAS,
    [COCOB_OPTIMIZER_ADAMW] = USES_LR | USES_WEIGHT_DECAY | USES_EPS | USES_BETAS,
    [COCOB_OPTIMIZER_CKT] = USES_WEIGHT_DECAY | USES_W,
    [COCOB_OPTIMIZER_KT] = USES_WEIGHT_DECAY | USES_W,
    [COCOB_OPTIMIZER_SF_SGD] = USES_LR | USES_MOMENTUM | USES_WEIGHT_DECAY | USES_SCHEDULE_FREE,
    [COCOB_OPTIMIZER_SF_ADAMW] = USES_LR | USES_WEIGHT_DECAY | USES_EPS | USES_BETAS |
                                 USES_SCHEDULE_FREE,
    [COCOB_OPTIMIZER_DOG] = USES_LR | USES_WEIGHT_DECAY | USES_EPS | USES_REPS_REL |
                            USES_INIT_ETA,
    [COCOB_OPTIMIZER_PRODIGY] = USES_LR | USES_WEIGHT_DECAY | USES_EPS | USES_BETAS |
                                USES_D_ADAPT | USES_PRODIGY,
    [COCOB_OPTIMIZER_LDOG] = USES_LR | USES_WEIGHT_DECAY | USES_EPS | USES_REPS_REL |
                             USES_INIT_ETA,
    [COCOB_OPTIMIZER_DADAPT_ADAM] = USES_LR | USES_WEIGHT_DECAY | USES_EPS | USES_BETAS |
                                    USES_D_ADAPT,
};

unsigned cocob_optim_uses(cocob_optimizer_kind kind)
{
    return known(kind) ? uses[kind] : 0;
}

/* A setting the kind has no use for must be 0; a NaN is not. */
static cocob_status unused(cocob_error *err, const cocob_optimizer_config *cfg, unsigned bit,
                           const char *field, double value)
{
    if (uses[cfg->kind] & bit || value == 0)
        return COCOB_OK;
    if (cfg->kind == COCOB_OPTIMIZER_COCOB && bit == USES_LR)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "COCOB-Backprop takes no learning rate: it sets each weight's step "
                          "from the gradients it has seen (Orabona & Tommasi 2017); leave lr "
                          "0, or choose a baseline kind");
    if (cfg->kind == COCOB_OPTIMIZER_CKT && bit == USES_LR)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "cKT takes no learning rate: each weight bets its wealth won so far "
                          "(its authors' code exposes none); leave lr 0, and set w, the "
                          "initial wealth, to scale the first steps");
    if (cfg->kind == COCOB_OPTIMIZER_KT && bit == USES_LR)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "KT takes no learning rate: the weights bet the wealth won so far "
                          "(its authors' code exposes none); leave lr 0, and set w, the "
                          "initial wealth, to scale the first steps");
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                      "%s has no use for %s (set to %g); leave it 0%s", titles[cfg->kind], field,
                      value,
                      cfg->kind == COCOB_OPTIMIZER_COCOB ? ": COCOB's settings are in cfg.cocob"
                                                         : "");
}

/* lo <= value <= hi, or value < hi where open_hi, and finite. */
static cocob_status in_range(cocob_error *err, const cocob_optimizer_config *cfg,
                             const char *field, double value, double lo, double hi, int open_hi,
                             const char *why)
{
    if (isfinite(value) && value >= lo && (open_hi ? value < hi : value <= hi))
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s must be %s, got %g",
                      titles[cfg->kind], field, why, value);
}

cocob_status cocob_optim_check_config(cocob_error *err, const cocob_optimizer_config *cfg)
{
    if (!known(cfg->kind))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "optimizer kind %d does not exist (there are %d)", (int)cfg->kind,
                          COCOB_OPTIMIZER_KIND_COUNT);
    cocob_status s = unused(err, cfg, USES_LR, "lr", cfg->lr);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_MOMENTUM, "momentum", cfg->momentum);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_DAMPENING, "dampening", cfg->dampening);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_NESTEROV, "nesterov", cfg->nesterov);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_WEIGHT_DECAY, "weight_decay", cfg->weight_decay);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_RHO, "rho", cfg->rho);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_EPS, "eps", cfg->eps);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_BETAS, "beta1", cfg->beta1);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_BETAS, "beta2", cfg->beta2);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_W, "w", cfg->w);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_SCHEDULE_FREE, "warmup_steps", cfg->warmup_steps);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_SCHEDULE_FREE, "r", cfg->r);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_SCHEDULE_FREE, "weight_lr_power", cfg->weight_lr_power);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_REPS_REL, "reps_rel", cfg->reps_rel);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_INIT_ETA, "init_eta", cfg->init_eta);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_PRODIGY, "beta3", cfg->beta3);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_D_ADAPT, "d0", cfg->d0);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_PRODIGY, "d_coef", cfg->d_coef);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_D_ADAPT, "growth_rate", cfg->growth_rate);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_PRODIGY, "slice_p", cfg->slice_p);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_D_ADAPT, "decouple", cfg->decouple);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_D_ADAPT, "use_bias_correction", cfg->use_bias_correction);
    if (s == COCOB_OK)
        s = unused(err, cfg, USES_PRODIGY, "safeguard_warmup", cfg->safeguard_warmup);
    if (s != COCOB_OK)
        return s;
    if (cfg->kind == COCOB_OPTIMIZER_COCOB)
        return cocob_optim_cocob_check(err, &cfg->cocob);
    if (cfg->kind == COCOB_OPTIMIZER_CKT || cfg->kind == COCOB_OPTIMIZER_KT)
        return cocob_optim_ckt_check(err, cfg);
    if (cocob_optim_is_schedule_free(cfg->kind))
        return cocob_optim_sf_check(err, cfg);
    if (cocob_optim_is_dog(cfg->kind))
        return cocob_optim_dog_check(err, cfg);
    if (cfg->kind == COCOB_OPTIMIZER_PRODIGY)
        return cocob_optim_prodigy_check(err, cfg);
    if (cfg->kind == COCOB_OPTIMIZER_DADAPT_ADAM)
        return cocob_optim_dadapt_adam_check(err, cfg);

    if (cfg->kind == COCOB_OPTIMIZER_SGD && cfg->lr == 0)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "SGD: lr must be set: SGD has no default learning rate");
    unsigned u = uses[cfg->kind];
    if (!(isfinite(cfg->lr) && cfg->lr > 0))
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                       "%s: lr must be finite and above 0, got %g", titles[cfg->kind], cfg->lr);
    if (s == COCOB_OK)
        s = in_range(err, cfg, "weight_decay", cfg->weight_decay, 0, INFINITY, 1,
                     "finite and at least 0");
    if (s == COCOB_OK && u & USES_MOMENTUM)
        s = in_range(err, cfg, "momentum", cfg->momentum, 0, INFINITY, 1,
                     "finite and at least 0");
    if (s == COCOB_OK && u & USES_DAMPENING)
        s = in_range(err, cfg, "dampening", cfg->dampening, 0, 1, 0, "from 0 to 1");
    if (s == COCOB_OK && u & USES_NESTEROV && cfg->nesterov != 0 && cfg->nesterov != 1)
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "SGD: nesterov must be 0 or 1, got %d",
                       cfg->nesterov);
    if (s == COCOB_OK && u & USES_NESTEROV && cfg->nesterov &&
        (!(cfg->momentum > 0) || cfg->dampening != 0))
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                       "SGD: Nesterov's form needs momentum above 0 (got %g) and no dampening "
                       "(got %g)",
                       cfg->momentum, cfg->dampening);
    if (s == COCOB_OK && u & USES_RHO)
        s = in_range(err, cfg, "rho", cfg->rho, 0, 1, 0, "from 0 to 1");
    /* PyTorch allows eps 0, but then a coordinate whose gradients have all
     * been 0 divides 0 by 0 and its weight becomes NaN. */
    if (s == COCOB_OK && u & USES_EPS && !(isfinite(cfg->eps) && cfg->eps > 0))
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                       "%s: eps must be finite and above 0, got %g: it keeps 0 / 0 out where "
                       "the gradients have been 0",
                       titles[cfg->kind], cfg->eps);
    if (s == COCOB_OK && u & USES_BETAS)
        s = in_range(err, cfg, "beta1", cfg->beta1, 0, 1, 1, "at least 0 and below 1");
    if (s == COCOB_OK && u & USES_BETAS)
        s = in_range(err, cfg, "beta2", cfg->beta2, 0, 1, 1, "at least 0 and below 1");
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

void cocob_optimizer_describe(const cocob_optimizer *opt, char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return;
    *buf = '\0';
    if (!opt)
        return;
    const cocob_optimizer_config *c = &opt->cfg;
    size_t n = 0;
    if (c->kind == COCOB_OPTIMIZER_COCOB) {
        append(buf, cap, &n, "COCOB-Backprop (alpha %g", c->cocob.alpha);
        /* The float the step uses: a double between two floats may print otherwise. */
        if ((float)c->cocob.weight_decay != 0)
            append(buf, cap, &n, ", weight decay %g", (float)c->cocob.weight_decay);
        append(buf, cap, &n, ")");
        return;
    }
    if (c->kind == COCOB_OPTIMIZER_CKT || c->kind == COCOB_OPTIMIZER_KT) {
        /* The floats the step uses, as COCOB's weight decay above. */
        append(buf, cap, &n, "%s (w %g", titles[c->kind], (float)c->w);
        if ((float)c->weight_decay != 0)
            append(buf, cap, &n, ", weight decay %g", (float)c->weight_decay);
        append(buf, cap, &n, ")");
        return;
    }
    if (cocob_optim_is_dog(c->kind)) {
        /* The floats the step uses, as above. */
        if (c->init_eta > 0)
            append(buf, cap, &n, "%s (init_eta %g", titles[c->kind], (float)c->init_eta);
        else
            append(buf, cap, &n, "%s (reps_rel %g", titles[c->kind], (float)c->reps_rel);
        if ((float)c->lr != 1.0f)
            append(buf, cap, &n, ", lr %g", (float)c->lr);
        append(buf, cap, &n, ", eps %g", (float)c->eps);
        if ((float)c->weight_decay != 0)
            append(buf, cap, &n, ", weight decay %g", (float)c->weight_decay);
        append(buf, cap, &n, ")");
        return;
    }
    if (c->kind == COCOB_OPTIMIZER_DADAPT_ADAM) {
        /* The floats the step uses, as above. */
        append(buf, cap, &n, "D-Adapt Adam (d0 %g", (float)c->d0);
        if ((float)c->lr != 1.0f)
            append(buf, cap, &n, ", lr %g", (float)c->lr);
        append(buf, cap, &n, ", betas %g %g, eps %g", (float)c->beta1, (float)c->beta2,
               (float)c->eps);
        if ((float)c->weight_decay != 0)
            append(buf, cap, &n, ", %sweight decay %g", c->decouple ? "decoupled " : "",
                   (float)c->weight_decay);
        if (c->use_bias_correction)
            append(buf, cap, &n, ", bias correction");
        if (isfinite(c->growth_rate))
            append(buf, cap, &n, ", growth_rate %g", (float)c->growth_rate);
        append(buf, cap, &n, ")");
        return;
    }
    if (c->kind == COCOB_OPTIMIZER_PRODIGY) {
        cocob_optim_prodigy_describe(c, buf, cap);
        return;
    }
    unsigned u = uses[c->kind];
    append(buf, cap, &n, "%s (lr %g", titles[c->kind], c->lr);
    if (u & USES_MOMENTUM)
        append(buf, cap, &n, ", momentum %g", c->momentum);
    if (c->dampening != 0)
        append(buf, cap, &n, ", dampening %g", c->dampening);
    if (c->nesterov)
        append(buf, cap, &n, ", Nesterov");
    if (u & USES_RHO)
        append(buf, cap, &n, ", rho %g", c->rho);
    if (u & USES_BETAS)
        append(buf, cap, &n, ", betas %g %g", c->beta1, c->beta2);
    if (u & USES_EPS)
        append(buf, cap, &n, ", eps %g", c->eps);
    if (c->weight_decay != 0)
        append(buf, cap, &n, ", %sweight decay %g",
               c->kind == COCOB_OPTIMIZER_ADAMW ? "decoupled " : "", c->weight_decay);
    if (u & USES_SCHEDULE_FREE && c->warmup_steps != 0)
        append(buf, cap, &n, ", warmup %g steps", c->warmup_steps);
    if (u & USES_SCHEDULE_FREE && c->r != 0)
        append(buf, cap, &n, ", r %g", c->r);
    if (u & USES_SCHEDULE_FREE)
        append(buf, cap, &n, ", weight_lr_power %g", c->weight_lr_power);
    append(buf, cap, &n, ")");
}
