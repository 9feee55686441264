/* cocob's cKT step, through the optimizer API on ref and on the device
 * under test, against its authors' own: bremen79/parameterfree's cKT
 * (commit d8155ff, parameterfree/ckt.py) in float32, as
 * tests/fixtures/lr_free/ckt_*.txt record it, from the same initial
 * weights and on the same gradients (the fixed sequence) or the same data
 * (the mlp) (tests/lr_free_check.c). tests/test_cocob_authors.c does the
 * same for COCOB. */
#include "lr_free_check.h"

static const char *const cases[] = {"fixed_grad", "mlp"};

static void configure(const lr_fixture *f, cocob_optimizer_config *cfg)
{
    /* The group's lr multiplies the gradient: cocob has none, so it must be 1. */
    const lr_fixture_scalar *lr = lr_fixture_scalar_of(f, "lr");
    ck_assert_ptr_nonnull(lr);
    ck_assert(f->run[LR_FIXTURE_F32][0].scalar[lr->offset] == 1.0);
    /* The authors' defaults are cocob's: a wrong w fails at step 1. */
    ck_assert(cfg->w == lr_fixture_number(f, "w", 0) &&
              cfg->weight_decay == lr_fixture_number(f, "weight_decay", 0));
}

/* The tolerances, twice the float32-vs-float64 gaps: cocob's step does
 * the authors' five operations in their order, one rounding each; its mlp
 * gradient is rounded once, from double, rather than in every layer. The
 * reward's gap is large (6.3e-5) because it sums g (w - x0), and w - x0
 * after steps of about w = 1e-4 keeps only the few digits of the weights'
 * float32 below 0.5. A gap of 0 (t, which counts, and x0, a copy) asks
 * for equality. On the fixed gradients, ref does the authors' float32
 * operations in their order on the very same floats: it must give their
 * very bits, weights and state (the mlp's gradients are cocob's own).
 * cocob's state buffers carry the authors' names; cKT has no device
 * scalars. */
static const lr_fixture_check check = {
    .method = "ckt",
    .kind = COCOB_OPTIMIZER_CKT,
    .configure = configure,
    .states = 4,
    .authors_states = 4,
    .exact_param = LR_EXACT_FIXED_GRAD,
    .exact_state = LR_EXACT_FIXED_GRAD,
};

static void run(const char *selector, int i)
{
    lr_fixture_compare(&check, selector, cases[i]);
}

int main(void)
{
    return test_run(lr_fixture_suite("ckt_authors", run, 2));
}
