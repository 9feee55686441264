/* cocob's Prodigy step, through the optimizer API on ref and on the device
 * under test, against its authors' own: prodigyopt 1.1.2's Prodigy
 * (prodigyopt/prodigy.py) in float32, as tests/fixtures/lr_free/prodigy_*.txt
 * record it, from the same initial weights and on the same gradients (the
 * fixed sequence) or the same data (the mlp): the weights, the state (p0,
 * exp_avg, exp_avg_sq, s) and the device scalars d, d_max, d_numerator,
 * d_denom, d_hat and k, each step (tests/lr_free_check.c). */
#include <math.h>

#include "lr_free_check.h"

static const char *const cases[] = {"fixed_grad", "mlp"};

static void configure(const lr_fixture *f, cocob_optimizer_config *cfg)
{
    /* The authors' defaults are cocob's: a wrong d0 fails at step 1. */
    ck_assert(cfg->lr == lr_fixture_number(f, "lr", 0) &&
              cfg->beta1 == lr_fixture_number(f, "betas", 0) &&
              cfg->beta2 == lr_fixture_number(f, "betas", 1) &&
              cfg->eps == lr_fixture_number(f, "eps", 0) &&
              cfg->weight_decay == lr_fixture_number(f, "weight_decay", 0) &&
              cfg->d0 == lr_fixture_number(f, "d0", 0) &&
              cfg->d_coef == lr_fixture_number(f, "d_coef", 0) &&
              cfg->slice_p == lr_fixture_number(f, "slice_p", 0));
    ck_assert_str_eq(lr_fixture_setting(f, "beta3"), "none");
    ck_assert(cfg->beta3 == 0);
    ck_assert_str_eq(lr_fixture_setting(f, "growth_rate"), "inf");
    ck_assert(isinf(cfg->growth_rate));
    ck_assert_str_eq(lr_fixture_setting(f, "decouple"), "true");
    ck_assert_str_eq(lr_fixture_setting(f, "use_bias_correction"), "false");
    ck_assert_str_eq(lr_fixture_setting(f, "safeguard_warmup"), "false");
    ck_assert(cfg->decouple == 1 && cfg->use_bias_correction == 0 && cfg->safeguard_warmup == 0);
}

/* dlr is d lr of the step before the fold moved d: the d read after the
 * previous step (d0 before the first), lr and the bias correction 1. */
static void after_step(const lr_fixture_run *r, void *data)
{
    float *d_before = data, s[9];
    ck_assert_int_eq(cocob_optimizer_read_scalars(r->opt, s, 9), COCOB_OK);
    float want = r->step == 0 ? 1e-6f : *d_before;
    ck_assert_msg(s[7] == want, "%s on %s, step %zu: dlr %.9g, the d before %.9g", r->file,
                  r->selector, r->step + 1, s[7], want);
    *d_before = s[0];
}

/* The tolerances, twice the float32-vs-float64 gaps. cocob's float32
 * differs from the authors' in how it sums <g, p0 - w> and |s|: in double
 * over each part of a tensor, rounded once, then added in float (torch
 * sums each tensor in float32 and the tensors in double); on a device the
 * parts' sums are float too (tests/test_prodigy.c bounds them). And it
 * forms the coefficients (d / d0 dlr, d (1 - beta1), ...) in float where
 * the authors form them in double and round each once. Those roundings are
 * far below the gaps, at least 7e-4 for d and the states (d's estimate
 * from p0 - w after first steps of about d0 = 1e-6 keeps only a few digits
 * of weights near 0.5). p0 is a copy: equal. k counts exactly. On ref the
 * fixed gradients' weights are the authors' bits (measured; the mlp's are
 * within 1e-4). cocob's own
 * scalars: taken reads 1 after a step that moved the weights, every one
 * here; the bias correction stays 1 without use_bias_correction; dlr is
 * checked after each step. */
static const char *const scalars[] = {"d", "d_max", "d_numerator", "d_denom", "d_hat", "k", NULL};
static const lr_fixture_own_scalar own[] = {{"taken", 1}, {"bias_correction", 1}, {NULL, 0}};
static float d_before;
static const lr_fixture_check check = {
    .method = "prodigy",
    .kind = COCOB_OPTIMIZER_PRODIGY,
    .configure = configure,
    .states = 4,
    .authors_states = 4,
    .scalars = 9,
    .authors_scalar = scalars,
    .own_scalar = own,
    .after_step = after_step,
    .data = &d_before,
    .exact_param = LR_EXACT_FIXED_GRAD,
};

static void run(const char *selector, int i)
{
    lr_fixture_compare(&check, selector, cases[i]);
}

int main(void)
{
    return test_run(lr_fixture_suite("prodigy_authors", run, 2));
}
