/* The optimizer settings by name: which ones each kind reads, from the
 * table that cocob_optimizer_create holds a config to (config.c), so that
 * a program (the `cocob` command's flags) need not keep its own. */
#include <string.h>

#include "optim/optimizer.h"

static const struct {
    const char *name;
    unsigned bit; /* the baselines': a USES_ bit */
    int cocob;    /* COCOB's: a field of cfg.cocob, all of which it reads */
} settings[] = {
    {"lr", USES_LR, 0},
    {"momentum", USES_MOMENTUM, 0},
    {"dampening", USES_DAMPENING, 0},
    {"nesterov", USES_NESTEROV, 0},
    {"weight_decay", USES_WEIGHT_DECAY, 1},
    {"rho", USES_RHO, 0},
    {"eps", USES_EPS, 0},
    {"beta1", USES_BETAS, 0},
    {"beta2", USES_BETAS, 0},
    {"alpha", 0, 1},
    {"initial_L", 0, 1},
    {"w", USES_W, 0},
    {"warmup_steps", USES_SCHEDULE_FREE, 0},
    {"r", USES_SCHEDULE_FREE, 0},
    {"weight_lr_power", USES_SCHEDULE_FREE, 0},
    {"reps_rel", USES_REPS_REL, 0},
    {"init_eta", USES_INIT_ETA, 0},
    {"beta3", USES_PRODIGY, 0},
    {"d0", USES_D_ADAPT, 0},
    {"d_coef", USES_PRODIGY, 0},
    {"growth_rate", USES_D_ADAPT, 0},
    {"slice_p", USES_PRODIGY, 0},
    {"decouple", USES_D_ADAPT, 0},
    {"use_bias_correction", USES_D_ADAPT, 0},
    {"safeguard_warmup", USES_PRODIGY, 0},
};

const char *cocob_optimizer_setting_name(size_t index)
{
    return index < sizeof settings / sizeof *settings ? settings[index].name : NULL;
}

int cocob_optimizer_uses(cocob_optimizer_kind kind, const char *name)
{
    for (size_t i = 0; name && i < sizeof settings / sizeof *settings; i++)
        if (strcmp(name, settings[i].name) == 0)
            return (cocob_optim_uses(kind) & settings[i].bit) != 0 ||
                   (kind == COCOB_OPTIMIZER_COCOB && settings[i].cocob);
    return 0;
}
