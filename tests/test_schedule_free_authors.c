/* cocob's Schedule-Free SGD and AdamW, through the optimizer API on ref and
 * on the device under test, against their authors' own: schedulefree
 * 1.4.1's SGDScheduleFree and AdamWScheduleFree in float32, as
 * tests/fixtures/lr_free/sf_*.txt record them, from the same initial
 * weights and on the same gradients (the fixed sequence) or the same data
 * (the mlp): after every step y (the weights), z, AdamW's exp_avg_sq, and
 * x, the evaluation point (cocob_optimizer_eval_weights, which the next
 * step undoes), with the mlp's loss at y before the step and at x after
 * (tests/lr_free_check.c). */
#include "lr_free_check.h"

static const char *const cases[] = {"fixed_grad", "mlp"};

static void configure(const lr_fixture *f, cocob_optimizer_config *cfg)
{
    /* The authors' defaults are cocob's: a wrong one fails at step 1. */
    ck_assert(cfg->lr == lr_fixture_number(f, "lr", 0) &&
              cfg->weight_decay == lr_fixture_number(f, "weight_decay", 0) &&
              cfg->warmup_steps == lr_fixture_number(f, "warmup_steps", 0) &&
              cfg->r == lr_fixture_number(f, "r", 0) &&
              cfg->weight_lr_power == lr_fixture_number(f, "weight_lr_power", 0));
    if (cfg->kind == COCOB_OPTIMIZER_SF_ADAMW)
        ck_assert(cfg->beta1 == lr_fixture_number(f, "betas", 0) &&
                  cfg->beta2 == lr_fixture_number(f, "betas", 1) &&
                  cfg->eps == lr_fixture_number(f, "eps", 0));
    else
        ck_assert(cfg->momentum == lr_fixture_number(f, "momentum", 0));
}

/* The tolerances, twice the float32-vs-float64 gaps, as
 * tests/test_ckt_authors.c argues. Here cocob's operations are the
 * package's, in its order, but not all its roundings: torch's vector loops
 * fuse the multiply-add of lerp and of add/sub with alpha into one
 * rounding, where cocob (and OpenCL with contraction off) rounds the
 * product too; that is within the same scale, and is why even the fixed
 * gradients are not compared bit for bit on ref (measured: the largest
 * relative gaps are printed at the end of each case). Every state but y,
 * the last, is the authors' by name; Schedule-Free has no device
 * scalars. */
static const lr_fixture_check check[] = {
    {
        .method = "sf_sgd",
        .kind = COCOB_OPTIMIZER_SF_SGD,
        .configure = configure,
        .states = 2,
        .authors_states = 1,
        .eval = 1,
    },
    {
        .method = "sf_adamw",
        .kind = COCOB_OPTIMIZER_SF_ADAMW,
        .configure = configure,
        .states = 3,
        .authors_states = 2,
        .eval = 1,
    },
};

static void run(const char *selector, int i)
{
    lr_fixture_compare(&check[i / 2], selector, cases[i % 2]);
}

int main(void)
{
    return test_run(lr_fixture_suite("schedule_free_authors", run, 4));
}
