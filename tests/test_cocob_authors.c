/* cocob's COCOB-Backprop step, through the optimizer API on ref and on the
 * device under test, against its authors' own: parameterfree 0.0.1's
 * COCOB (Orabona's code) in float32, as tests/fixtures/lr_free/cocob_*.txt
 * record it, from the same initial weights and on the same gradients (the
 * fixed sequence) or the same data (the mlp) (tests/lr_free_check.c). */
#include <stdio.h>

#include "lr_free_check.h"

static const char *const cases[] = {"fixed_grad", "mlp"};

/* cocob's state buffers and the authors' names for the same quantities. */
static const char *const authors_key[COCOB_STATE_COUNT] = {
    [COCOB_STATE_W1] = "x0",
    [COCOB_STATE_L] = "L",
    [COCOB_STATE_G] = "grad_norm_sum",
    [COCOB_STATE_REWARD] = "reward",
    [COCOB_STATE_THETA] = "sum_negative_gradients",
};

static void configure(const lr_fixture *f, cocob_optimizer_config *cfg)
{
    /* The authors' eps is the initial L (state['L'] = eps * ones), not a
     * term in a denominator; alpha and the coupled weight decay are the
     * same settings. Only the mlp's dead ReLU unit, whose L stays eps,
     * tells the first (checked exactly below); a wrong alpha or weight
     * decay fails at step 1. */
    cfg->cocob.alpha = (float)lr_fixture_number(f, "alpha", 0);
    cfg->cocob.initial_L = (float)lr_fixture_number(f, "eps", 0);
    cfg->cocob.weight_decay = lr_fixture_number(f, "weight_decay", 0);
}

/* A coordinate whose gradient has always been 0 (the mlp's dead ReLU
 * unit) keeps the authors' initial L, eps, which the relative measure
 * cannot see beside the others: cocob's must be that same float. */
static void kept_eps(const lr_fixture_run *r, void *data)
{
    size_t *kept = data;
    const lr_fixture *f = r->f;
    float eps = (float)lr_fixture_number(f, "eps", 0), got[LR_FIXTURE_PARAMS];
    int key = lr_fixture_state_of(f, authors_key[COCOB_STATE_L]);
    const double *want = f->run[LR_FIXTURE_F32][r->step].state + (size_t)key * f->params;
    for (size_t k = 0; k < f->tensor_count; k++) {
        const lr_fixture_tensor *tk = &f->tensor[k];
        ck_assert_int_eq(cocob_optimizer_read_state(r->opt, COCOB_STATE_L, k, got, tk->count),
                         COCOB_OK);
        for (size_t i = 0; i < tk->count; i++)
            if (want[tk->offset + i] == eps) {
                ck_assert_msg(got[i] == eps,
                              "%s on %s, step %zu: L of %s[%zu] is %.9g, not eps %.9g", r->file,
                              r->selector, r->step + 1, tk->name, i, got[i], eps);
                ++*kept;
            }
    }
}

/* The mlp has such coordinates, so there the check above ran. */
static void some_kept_eps(const lr_fixture_run *r, void *data)
{
    ck_assert(!r->mlp || *(size_t *)data > 0);
}

static size_t kept;

/* The tolerances, twice the float32-vs-float64 gaps: cocob's step orders
 * the same five products and quotients differently, so its roundings are
 * as many and as large; its mlp gradient is rounded once, from double,
 * rather than in every layer. A gap of 0 (x0, and L on fixed gradients:
 * copies and maxima of the same floats) asks for equality. COCOB has no
 * device scalars. */
static const lr_fixture_check check = {
    .method = "cocob",
    .kind = COCOB_OPTIMIZER_COCOB,
    .configure = configure,
    .states = COCOB_STATE_COUNT,
    .authors_states = COCOB_STATE_COUNT,
    .state_key = authors_key,
    .after_step = kept_eps,
    .after_run = some_kept_eps,
    .data = &kept,
};

static void run(const char *selector, int i)
{
    kept = 0;
    lr_fixture_compare(&check, selector, cases[i]);
}

int main(void)
{
    return test_run(lr_fixture_suite("cocob_authors", run, 2));
}
