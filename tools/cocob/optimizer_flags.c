/* `cocob train`'s optimizer flags; see optimizer_flags.h. The settings'
 * ranges are the library's to check: cocob_optimizer_create says what is
 * wrong. */
#include "optimizer_flags.h"

#include <float.h>
#include <stdio.h>
#include <string.h>

#include "base/number.h"

#define KIND(k) (1u << COCOB_OPTIMIZER_##k)
#define ADAMS (KIND(ADAM) | KIND(ADAMW))
#define BASELINES (KIND(SGD) | KIND(ADAGRAD) | KIND(RMSPROP) | KIND(ADADELTA) | ADAMS)

static const struct {
    const char *flag;
    unsigned kinds;     /* the optimizers it applies to */
    int takes_value;
} flags[OPTIMIZER_FLAG_COUNT] = {
    {"--lr", BASELINES, 1},
    {"--momentum", KIND(SGD), 1},
    {"--dampening", KIND(SGD), 1},
    {"--nesterov", KIND(SGD), 0},
    {"--weight-decay", KIND(COCOB) | BASELINES, 1},
    {"--rho", KIND(RMSPROP) | KIND(ADADELTA), 1},
    {"--eps", KIND(ADAGRAD) | KIND(RMSPROP) | KIND(ADADELTA) | ADAMS, 1},
    {"--beta1", ADAMS, 1},
    {"--beta2", ADAMS, 1},
};
enum { LR, MOMENTUM, DAMPENING, NESTEROV, WEIGHT_DECAY, RHO, EPS, BETA1, BETA2 };

const char optimizer_flags_usage[] =
    "  --optimizer cocob|sgd|adagrad|rmsprop|adadelta|adam|adamw   default cocob\n"
    "  --lr X            baselines only: COCOB-Backprop has no learning rate\n"
    "  --momentum X, --dampening X, --nesterov                     sgd\n"
    "  --weight-decay X  coupled; adamw's decoupled                any\n"
    "  --rho X           rmsprop's alpha, adadelta's rho           rmsprop, adadelta\n"
    "  --eps X                                                     all but sgd, cocob\n"
    "  --beta1 X, --beta2 X                                        adam, adamw\n"
    "  Unset settings take PyTorch's defaults; sgd needs --lr.\n";

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

/* The optimizers a flag applies to, as "sgd, adam". */
static void kinds_text(unsigned kinds, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0; k < COCOB_OPTIMIZER_KIND_COUNT && n < cap; k++)
        if (kinds & 1u << k) {
            int w = snprintf(out + n, cap - n, "%s%s", n ? ", " : "",
                             cocob_optimizer_kind_name((cocob_optimizer_kind)k));
            n = w < 0 ? cap : n + (size_t)w;
        }
}

int optimizer_flags_config(const optimizer_flags *f, cocob_optimizer_config *cfg, FILE *err)
{
    cocob_optimizer_kind kind = COCOB_OPTIMIZER_COCOB;
    if (f->optimizer && cocob_optimizer_kind_parse(f->optimizer, &kind) != COCOB_OK) {
        fprintf(err, "cocob train: no optimizer is called \"%s\"; there are cocob (the "
                        "default), sgd, adagrad, rmsprop, adadelta, adam and adamw\n",
                f->optimizer);
        return 0;
    }
    if (kind == COCOB_OPTIMIZER_COCOB && f->value[LR]) {
        fprintf(err, "cocob train: COCOB-Backprop takes no learning rate: it sets each "
                        "weight's step from the gradients it has seen (Orabona & Tommasi "
                        "2017); drop --lr, or choose a baseline with --optimizer\n");
        return 0;
    }
    cocob_optimizer_config_init(cfg, kind);
    double *field[OPTIMIZER_FLAG_COUNT] = {&cfg->lr,  &cfg->momentum, &cfg->dampening,
                                           NULL,      &cfg->weight_decay, &cfg->rho,
                                           &cfg->eps, &cfg->beta1,    &cfg->beta2};
    for (int k = 0; k < OPTIMIZER_FLAG_COUNT; k++) {
        if (!f->value[k])
            continue;
        if (!(flags[k].kinds & 1u << kind)) {
            char applies[128];
            kinds_text(flags[k].kinds, applies, sizeof applies);
            fprintf(err, "cocob train: %s does not apply to %s; it applies to %s\n",
                    flags[k].flag, cocob_optimizer_kind_name(kind), applies);
            return 0;
        }
        if (k == NESTEROV) {
            cfg->nesterov = 1;
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
        else
            *field[k] = v;
    }
    return 1;
}
