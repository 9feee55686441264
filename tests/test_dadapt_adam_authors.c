/* cocob's D-Adapt Adam step, through the optimizer API on ref and on the
 * device under test, against its authors' own: dadaptation 3.2's
 * DAdaptAdam (dadaptation/dadapt_adam.py) in float32, as
 * tests/fixtures/lr_free/dadapt_adam_*.txt record it: the weights, the
 * states exp_avg, exp_avg_sq and s, and the scalars d, k and
 * numerator_weighted, each step (tests/lr_free_check.c). */
#include <math.h>
#include <stdio.h>

#include "lr_free_check.h"

static void configure(const lr_fixture *f, cocob_optimizer_config *cfg)
{
    /* The authors' defaults are cocob's: a wrong d0 fails at step 1. */
    ck_assert(cfg->lr == lr_fixture_number(f, "lr", 0) &&
              cfg->beta1 == lr_fixture_number(f, "betas", 0) &&
              cfg->beta2 == lr_fixture_number(f, "betas", 1) &&
              cfg->eps == lr_fixture_number(f, "eps", 0) &&
              cfg->weight_decay == lr_fixture_number(f, "weight_decay", 0) &&
              cfg->d0 == lr_fixture_number(f, "d0", 0) &&
              cfg->growth_rate == lr_fixture_number(f, "growth_rate", 0));
    ck_assert_str_eq(lr_fixture_setting(f, "decouple"), "false");
    ck_assert_str_eq(lr_fixture_setting(f, "use_bias_correction"), "false");
    ck_assert(cfg->decouple == 0 && cfg->use_bias_correction == 0);
}

/* d and numerator_weighted are float32 scalars in cocob's device buffer,
 * where the authors keep Python doubles (their float32 run rounds only
 * the two sums, <g, s / denom> and sum |s|, to float). cocob's d_hat is
 * nw / ((1 - sqrt_beta2) s_l1) through about ten float roundings of
 * 2^-24 each: each part's two sums, their fold, dlr times the numerator,
 * the two products and the sum of nw, the product below and the quotient,
 * and the two constants, which cancel only in part. So d is held to twice
 * its gap plus ROUNDINGS units of 2^-24 (the gap alone, 3.5e-8 in
 * fixed_grad, is less than one float rounding). numerator_weighted is 0
 * after the first step (s starts at 0) and then a sum whose terms cancel
 * to values far below its largest (down to 1e-19 against 1e-13 in
 * fixed_grad): so it is held, as its gap is measured, to twice its gap
 * times its largest size over the run. dlr, step_dlr and taken are
 * cocob's: with lr 1 and no bias correction dlr is d itself, step_dlr the
 * d before the step, and every step is taken (the first gradients are not
 * 0). */
enum { ROUNDINGS = 10 };
typedef struct {
    double largest, tol, worst, tol_d, worst_d;
    float d_before;
} numerator_check;

static void after_step(const lr_fixture_run *r, void *data)
{
    numerator_check *n = data;
    const lr_fixture_scalar *fs = lr_fixture_scalar_of(r->f, "numerator_weighted");
    ck_assert(fs);
    if (r->step == 0) {
        n->largest = 0;
        n->worst = 0;
        n->d_before = 1e-6f;
        for (size_t t = 0; t < r->f->steps; t++)
            n->largest = fmax(n->largest, fabs(r->f->run[LR_FIXTURE_F32][t].scalar[fs->offset]));
        n->tol = 2 * lr_fixture_gap_of(r->f, "scalar:numerator_weighted");
        n->tol_d = 2 * lr_fixture_gap_of(r->f, "scalar:d") + ROUNDINGS * 0x1p-24;
        n->worst_d = 0;
    }
    const lr_fixture_scalar *fd = lr_fixture_scalar_of(r->f, "d");
    ck_assert(fd);
    float sc[COCOB_DADAPT_ADAM_SCALARS];
    ck_assert_int_eq(cocob_optimizer_read_scalars(r->opt, sc, COCOB_DADAPT_ADAM_SCALARS),
                     COCOB_OK);
    double want = r->f->run[LR_FIXTURE_F32][r->step].scalar[fs->offset],
           d = fabs(sc[COCOB_DADAPT_ADAM_NUMERATOR] - want) / n->largest;
    n->worst = fmax(n->worst, d);
    double want_d = r->f->run[LR_FIXTURE_F32][r->step].scalar[fd->offset],
           dd = fabs(sc[COCOB_DADAPT_ADAM_D] - want_d) / want_d;
    n->worst_d = fmax(n->worst_d, dd);
    ck_assert_msg(dd <= n->tol_d, "%s on %s, step %zu: d %.9g, the authors' %.17g (%.3g > %.3g)",
                  r->file, r->selector, r->step + 1, sc[COCOB_DADAPT_ADAM_D], want_d, dd,
                  n->tol_d);
    ck_assert_msg(d <= n->tol, "%s on %s, step %zu: numerator_weighted %.9g, the authors' %.17g",
                  r->file, r->selector, r->step + 1, sc[COCOB_DADAPT_ADAM_NUMERATOR], want);
    ck_assert_msg(sc[COCOB_DADAPT_ADAM_TAKEN] == 1 &&
                      sc[COCOB_DADAPT_ADAM_DLR] == sc[COCOB_DADAPT_ADAM_D] &&
                      sc[COCOB_DADAPT_ADAM_STEP_DLR] == n->d_before,
                  "%s on %s, step %zu: taken %g, dlr %g (d %g), step_dlr %g (d before %g)",
                  r->file, r->selector, r->step + 1, sc[COCOB_DADAPT_ADAM_TAKEN],
                  sc[COCOB_DADAPT_ADAM_DLR], sc[COCOB_DADAPT_ADAM_D],
                  sc[COCOB_DADAPT_ADAM_STEP_DLR], n->d_before);
    n->d_before = sc[COCOB_DADAPT_ADAM_D];
}

static void after_run(const lr_fixture_run *r, void *data)
{
    const numerator_check *n = data;
    printf("dadapt_adam %s on %s: numerator_weighted %.3g of its largest (tol %.3g), d %.3g "
           "(tol %.3g)\n",
           r->mlp ? "mlp" : "fixed_grad", r->selector, n->worst, n->tol, n->worst_d, n->tol_d);
}

/* The tolerances, twice the float32-vs-float64 gaps. cocob's float32
 * differs from the authors' in its sums (each part's <g, s / denom> and
 * sum |s| in double, rounded once, then added in float, where torch sums
 * each tensor in float and adds the tensors in double) and in its step's
 * factors (d lr (1 - beta1) is one rounding of a double there, two
 * float roundings here); both are a few roundings, within the gaps
 * (1.35e-7 of the weights in fixed_grad, 1e-6 of s). */
static const char *const scalars[] = {"k", NULL};
static numerator_check numerator;
static const lr_fixture_check check = {
    .method = "dadapt_adam",
    .kind = COCOB_OPTIMIZER_DADAPT_ADAM,
    .configure = configure,
    .states = COCOB_DADAPT_ADAM_STATES,
    .authors_states = COCOB_DADAPT_ADAM_STATES,
    .scalars = COCOB_DADAPT_ADAM_SCALARS,
    .authors_scalar = scalars,
    .exact_param = LR_EXACT_NEVER,
    .after_step = after_step,
    .after_run = after_run,
    .data = &numerator,
};

static const char *const cases[] = {"fixed_grad", "mlp"};

static void run(const char *selector, int i)
{
    lr_fixture_compare(&check, selector, cases[i]);
}

int main(void)
{
    return test_run(lr_fixture_suite("dadapt_adam_authors", run, 2));
}
