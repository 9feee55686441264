/* cocob's DoG step, through the optimizer API on ref and on the device
 * under test, against its authors' own: dog-optimizer 1.0.3's DoG
 * (dog/dog.py) in float32, as tests/fixtures/lr_free/dog_*.txt record it,
 * from the same initial weights and on the same gradients (the fixed
 * sequence) or the same data (the mlp): the weights, the state
 * (init_buffer, x0) and the device scalars rbar, G and eta, each step
 * (tests/lr_free_check.c). tests/test_kt_authors.c does the same for KT. */
#include "lr_free_check.h"

static const char *const cases[] = {"fixed_grad", "mlp"};

static void configure(const lr_fixture *f, cocob_optimizer_config *cfg)
{
    /* The authors' defaults are cocob's: a wrong reps_rel fails at step 1. */
    ck_assert(cfg->reps_rel == lr_fixture_number(f, "reps_rel", 0) &&
              cfg->lr == lr_fixture_number(f, "lr", 0) &&
              cfg->weight_decay == lr_fixture_number(f, "weight_decay", 0) &&
              cfg->eps == lr_fixture_number(f, "eps", 0));
    ck_assert_str_eq(lr_fixture_setting(f, "init_eta"), "none");
    ck_assert(cfg->init_eta == 0);
}

/* The tolerances, twice the float32-vs-float64 gaps: cocob's float32
 * differs from the authors' in how it sums: |x0|, <g, g> and |x - x0|^2 in
 * double over each part of a tensor, rounded once, then added in float
 * (torch takes each tensor's norm in float and the norm of the norms); on
 * a device the parts' sums are float too (tests/test_lr_free.c bounds
 * them). Those roundings are far below the gap of rbar and eta (5.1e-3
 * fixed_grad, 6.7e-4 mlp), which comes from x - x0 after first steps of
 * about reps_rel = 1e-6 keeping only a digit or two of weights near 0.5;
 * G's gap (about 2.5e-7) is a few roundings of float sums, and cocob's G,
 * summed in double per part, is within it. A gap of 0 (x0, a copy) asks
 * for equality. On ref the weights are the authors' bits, both cases
 * (measured): eta within a few roundings of theirs, and the step the same
 * two float roundings, give the same floats. cocob's state buffer and
 * scalars carry the authors' names; eta is a list of one value per tensor
 * there, all the same. cocob's fourth scalar, first_step, is their
 * _first_step, which their fixtures do not record: it must read 0 after
 * any step. */
static const char *const scalars[] = {"rbar", "G", "eta", NULL};
static const lr_fixture_own_scalar own[] = {{"first_step", 0}, {NULL, 0}};
static const lr_fixture_check check = {
    .method = "dog",
    .kind = COCOB_OPTIMIZER_DOG,
    .configure = configure,
    .states = 1,
    .authors_states = 1,
    .scalars = 4,
    .authors_scalar = scalars,
    .scalar_listed_per_tensor = 1,
    .own_scalar = own,
    .exact_param = LR_EXACT_ALWAYS,
};

static void run(const char *selector, int i)
{
    lr_fixture_compare(&check, selector, cases[i]);
}

int main(void)
{
    return test_run(lr_fixture_suite("dog_authors", run, 2));
}
