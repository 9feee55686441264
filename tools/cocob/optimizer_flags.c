/* `cocob train`'s optimizer flags; see optimizer_flags.h. The settings'
 * ranges are the library's to check: cocob_optimizer_create says what is
 * wrong. */
#include "optimizer_flags.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/number.h"

/* The settings that have a flag, named as the library names them ("--lr"
 * sets "lr"): which optimizers read each is the library's to say
 * (cocob_optimizer_uses), from the table its configs are checked against. */
static const struct {
    const char *flag;
    const char *setting;
    int takes_value;
    const char *note; /* for the usage */
} flags[OPTIMIZER_FLAG_COUNT] = {
    {"--lr", "lr", 1,
     "the learning rate (dog's, prodigy's and ldog's multiply their own); COCOB-Backprop has none"},
    {"--momentum", "momentum", 1, ""},
    {"--dampening", "dampening", 1, ""},
    {"--nesterov", "nesterov", 0, "Nesterov's form"},
    {"--weight-decay", "weight_decay", 1, "coupled; adamw's and prodigy's decoupled"},
    {"--rho", "rho", 1, "rmsprop's alpha, adadelta's rho"},
    {"--eps", "eps", 1, ""},
    {"--beta1", "beta1", 1, ""},
    {"--beta2", "beta2", 1, ""},
    {"--w", "w", 1, "the initial wealth (ckt: of each weight; kt: of all)"},
    {"--warmup-steps", "warmup_steps", 1, "lr rises linearly over these steps"},
    {"--r", "r", 1, "step k weighs k^r in the average x"},
    {"--weight-lr-power", "weight_lr_power", 1, "and lr_max^X"},
    {"--reps-rel", "reps_rel", 1, "the first distance, reps_rel (1 + |x0|)"},
    {"--init-eta", "init_eta", 1, "the first step size, instead of --reps-rel's"},
    {"--beta3", "beta3", 1, "d's sums decay by X (0: the square root of beta2)"},
    {"--d0", "d0", 1, "the first d"},
    {"--d-coef", "d_coef", 1, "d's estimate times X"},
    {"--growth-rate", "growth_rate", 1, "d grows at most X-fold a step (inf: no bound)"},
    {"--slice-p", "slice_p", 1, "d's sums over every X-th weight"},
    {"--decouple", "decouple", 1, "1: AdamW's decay (prodigy's default), 0: coupled"},
    {"--use-bias-correction", "use_bias_correction", 1, "1: Adam's bias correction"},
    {"--safeguard-warmup", "safeguard_warmup", 1, "1: lr left out of d's sums"},
};
enum {
    LR,
    MOMENTUM,
    DAMPENING,
    NESTEROV,
    WEIGHT_DECAY,
    RHO,
    EPS,
    BETA1,
    BETA2,
    W,
    WARMUP_STEPS,
    R,
    WEIGHT_LR_POWER,
    REPS_REL,
    INIT_ETA,
    BETA3,
    D0,
    D_COEF,
    GROWTH_RATE,
    SLICE_P,
    DECOUPLE,
    USE_BIAS_CORRECTION,
    SAFEGUARD_WARMUP
};

/* The optimizers that read a setting, as "sgd, adam". */
static void kinds_text(const char *setting, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0; k < COCOB_OPTIMIZER_KIND_COUNT && n < cap; k++)
        if (cocob_optimizer_uses((cocob_optimizer_kind)k, setting)) {
            int w = snprintf(out + n, cap - n, "%s%s", n ? ", " : "",
                             cocob_optimizer_kind_name((cocob_optimizer_kind)k));
            n = w < 0 ? cap : n + (size_t)w;
        }
}

void optimizer_flags_usage(FILE *out)
{
    fprintf(out, "  %-18s %s\n", "--optimizer NAME",
            "cocob (the default), sgd, adagrad, "
            "rmsprop, adadelta, adam, adamw, ckt, kt, sf_sgd, sf_adamw, dog, prodigy, ldog or "
            "dadapt_adam");
    for (int k = 0; k < OPTIMIZER_FLAG_COUNT; k++) {
        char flag[32], applies[128];
        snprintf(flag, sizeof flag, "%s%s", flags[k].flag, flags[k].takes_value ? " X" : "");
        kinds_text(flags[k].setting, applies, sizeof applies);
        fprintf(out, "  %-18s %s%s%s\n", flag, applies, *flags[k].note ? "; " : "",
                flags[k].note);
    }
    fputs("  Unset settings take PyTorch's defaults (ckt's, kt's, sf_sgd's, sf_adamw's,\n"
          "  dog's, prodigy's, ldog's and dadapt_adam's their authors'); sgd needs --lr.\n"
          "  sf_sgd and sf_adamw evaluate and save the average x.\n",
          out);
}

int optimizer_flag(optimizer_flags *f, const char *flag, const char *value, FILE *err)
{
    if (strcmp(flag, "--optimizer") == 0) {
        if (!value) {
            fprintf(err, "cocob train: --optimizer wants a name\n");
            return -1;
        }
        f->optimizer = value;
        return 2;
    }
    if (strcmp(flag, "--learning-rate") == 0)
        flag = "--lr";
    for (int k = 0; k < OPTIMIZER_FLAG_COUNT; k++) {
        if (strcmp(flag, flags[k].flag) != 0)
            continue;
        if (!flags[k].takes_value) {
            f->value[k] = "1";
            return 1;
        }
        if (!value) {
            fprintf(err, "cocob train: %s wants a number\n", flag);
            return -1;
        }
        f->value[k] = value;
        return 2;
    }
    return 0;
}

int optimizer_flags_config(const optimizer_flags *f, cocob_optimizer_config *cfg, FILE *err)
{
    cocob_optimizer_kind kind = COCOB_OPTIMIZER_COCOB;
    if (f->optimizer && cocob_optimizer_kind_parse(f->optimizer, &kind) != COCOB_OK) {
        fprintf(err,
                "cocob train: no optimizer is called \"%s\"; there are cocob (the "
                "default), sgd, adagrad, rmsprop, adadelta, adam, adamw, ckt, kt, sf_sgd, "
                "sf_adamw, dog, prodigy, ldog and dadapt_adam\n",
                f->optimizer);
        return 0;
    }
    if (kind == COCOB_OPTIMIZER_CKT && f->value[LR]) {
        fprintf(err, "cocob train: cKT takes no learning rate: each weight bets the wealth "
                     "it has won so far; drop --lr (--w, the initial wealth, scales the "
                     "first steps)\n");
        return 0;
    }
    if (kind == COCOB_OPTIMIZER_KT && f->value[LR]) {
        fprintf(err, "cocob train: KT takes no learning rate: the weights bet the wealth "
                     "won so far; drop --lr (--w, the initial wealth, scales the first "
                     "steps)\n");
        return 0;
    }
    if (kind == COCOB_OPTIMIZER_COCOB && f->value[LR]) {
        fprintf(err, "cocob train: COCOB-Backprop takes no learning rate: it sets each "
                     "weight's step from the gradients it has seen (Orabona & Tommasi "
                     "2017); drop --lr, or choose a baseline with --optimizer\n");
        return 0;
    }
    cocob_optimizer_config_init(cfg, kind);
    double *field[OPTIMIZER_FLAG_COUNT] = {&cfg->lr,
                                           &cfg->momentum,
                                           &cfg->dampening,
                                           NULL,
                                           &cfg->weight_decay,
                                           &cfg->rho,
                                           &cfg->eps,
                                           &cfg->beta1,
                                           &cfg->beta2,
                                           &cfg->w,
                                           &cfg->warmup_steps,
                                           &cfg->r,
                                           &cfg->weight_lr_power,
                                           &cfg->reps_rel,
                                           &cfg->init_eta,
                                           &cfg->beta3,
                                           &cfg->d0,
                                           &cfg->d_coef,
                                           &cfg->growth_rate,
                                           &cfg->slice_p,
                                           NULL,
                                           NULL,
                                           NULL};
    int *on[OPTIMIZER_FLAG_COUNT] = {[DECOUPLE] = &cfg->decouple,
                                     [USE_BIAS_CORRECTION] = &cfg->use_bias_correction,
                                     [SAFEGUARD_WARMUP] = &cfg->safeguard_warmup};
    for (int k = 0; k < OPTIMIZER_FLAG_COUNT; k++) {
        if (!f->value[k])
            continue;
        if (!cocob_optimizer_uses(kind, flags[k].setting)) {
            char applies[128];
            kinds_text(flags[k].setting, applies, sizeof applies);
            fprintf(err, "cocob train: %s does not apply to %s; it applies to %s\n",
                    flags[k].flag, cocob_optimizer_kind_name(kind), applies);
            return 0;
        }
        if (k == NESTEROV) {
            cfg->nesterov = 1;
            continue;
        }
        /* Prodigy's and D-Adapt Adam's authors' default, no bound. */
        if (k == GROWTH_RATE && strcmp(f->value[k], "inf") == 0) {
            cfg->growth_rate = INFINITY;
            continue;
        }
        /* Every setting is at least 0; the library checks the rest of each range. */
        double v;
        cocob_number_status st = cocob_number_double(f->value[k], NULL, 0, DBL_MAX, &v);
        if (st != COCOB_NUMBER_OK) {
            char why[512];
            fprintf(err, "cocob train: %s %s\n", flags[k].flag,
                    cocob_number_why_double(st, f->value[k], 0, DBL_MAX, why, sizeof why));
            return 0;
        }
        if (k == WEIGHT_DECAY && kind == COCOB_OPTIMIZER_COCOB)
            cfg->cocob.weight_decay = v;
        else if (on[k] && v != 0 && v != 1) {
            fprintf(err, "cocob train: %s wants 0 or 1, not %s\n", flags[k].flag, f->value[k]);
            return 0;
        } else if (on[k])
            *on[k] = (int)v;
        else
            *field[k] = v;
    }
    return 1;
}
