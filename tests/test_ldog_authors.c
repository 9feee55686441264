/* cocob's L-DoG step, through the optimizer API on ref and on the device
 * under test, against its authors' own: dog-optimizer 1.0.3's LDoG
 * (dog/dog.py) in float32, as tests/fixtures/lr_free/ldog_*.txt record it,
 * from the same initial weights and on the same gradients (the fixed
 * sequence) or the same data (the mlp): the weights, the state
 * (init_buffer, x0) and each tensor's device scalars rbar.k, G.k and eta.k,
 * each step (tests/lr_free_check.c). tests/test_dog_authors.c does the
 * same for DoG, whose one set of scalars L-DoG keeps for each tensor. */
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

/* The tolerances, twice the float32-vs-float64 gaps, for DoG's reasons
 * (tests/test_dog_authors.c) over each tensor apart: cocob sums |x0|,
 * <g, g> and |x - x0|^2 of a tensor in double over each part, rounded
 * once, where torch takes each tensor's norm and sum in float; those
 * roundings are far below the gaps of rbar and eta (2.0e-3 and 2.7e-3
 * fixed_grad, 4.2e-3 and 3.3e-3 mlp), from x - x0 after first steps of
 * about reps_rel (1 + |x0|) keeping a digit or two. The bias of the fixed
 * case has a gradient of 0 at step 12 while the weight's is not: its G
 * stays, its rbar and eta move on their own. On ref, and measured on PoCL
 * and the cpu backend too, the weights are the authors' bits, both cases;
 * a device is held to twice the weights' gap (2.5e-7, 4.3e-5).
 * first_step.k is the authors' _first_step, one for all there and
 * unrecorded: 0 after any step. */
static const char *const scalars[] = {"rbar", "G", "eta", NULL};
static const lr_fixture_own_scalar own[] = {{"first_step", 0}, {NULL, 0}};
static const lr_fixture_check check = {
    .method = "ldog",
    .kind = COCOB_OPTIMIZER_LDOG,
    .configure = configure,
    .states = 1,
    .authors_states = 1,
    .scalars = 4,
    .scalars_per_tensor = 1,
    .authors_scalar = scalars,
    .own_scalar = own,
    .exact_param = LR_EXACT_ALWAYS,
};

static void run(const char *selector, int i)
{
    lr_fixture_compare(&check, selector, cases[i]);
}

int main(void)
{
    return test_run(lr_fixture_suite("ldog_authors", run, 2));
}
