/* The comparison the tests/test_*_authors.c share: a cocob optimizer,
 * through its API on ref and on the device under test, against its
 * authors' float32 trajectory in tests/fixtures/lr_free/, from the same
 * initial weights and on the same gradients (the fixed_grad case) or the
 * same data (the mlp case): the weights, the state, the device scalars and
 * Schedule-Free's evaluation point, each step, each within twice the
 * fixture's float32-vs-float64 gap (both float32 runs round the same exact
 * trajectory by about that gap, so they differ by up to twice it). This
 * holds the loop only; why a method's tolerances suffice, and its quirks,
 * are said in its test. */
#ifndef COCOB_LR_FREE_CHECK_H
#define COCOB_LR_FREE_CHECK_H

#include <stddef.h>

#include "cocob/cocob.h"
#include "lr_free_fixture.h"
#include "testutil.h"

/* The fixtures' largest case: the mlp's 23 weights. */
enum { LR_FIXTURE_PARAMS = 23 };

/* Where ref must give the authors' very floats (on a device, never). */
typedef enum { LR_EXACT_NEVER, LR_EXACT_FIXED_GRAD, LR_EXACT_ALWAYS } lr_fixture_exact;

/* A scalar of cocob's that the authors do not record, and the value it
 * must hold after any step. */
typedef struct {
    const char *name;
    float value;
} lr_fixture_own_scalar;

/* One run under way, as a method's own checks see it after a step. */
typedef struct {
    const lr_fixture *f;
    cocob_optimizer *opt;
    const char *file, *selector;
    int mlp;     /* the mlp case, else the fixed gradients */
    size_t step; /* the step just taken, from 0; f->steps after the run */
} lr_fixture_run;

typedef struct {
    const char *method; /* the fixture's method, and its files <method>_<case>.txt */
    cocob_optimizer_kind kind;
    /* Checks the authors' settings against cfg, cocob's defaults for kind,
     * and sets those that differ. */
    void (*configure)(const lr_fixture *f, cocob_optimizer_config *cfg);
    size_t states;         /* cocob_optimizer_state_count */
    size_t authors_states; /* the first ones: the fixture's state keys */
    /* The authors' key of each, or NULL: cocob's state names are theirs. */
    const char *const *state_key;
    /* cocob_optimizer_scalar_count, or with scalars_per_tensor one
     * tensor's share of it. */
    size_t scalars;
    /* cocob keeps each scalar once per tensor k, as name.k (L-DoG), which
     * the fixture lists in the same order. */
    int scalars_per_tensor;
    /* cocob's scalars the authors record, by the name both use; NULL ends. */
    const char *const *authors_scalar;
    /* The fixture lists a scalar of cocob's one once per tensor, all the
     * same value (DoG's eta). */
    int scalar_listed_per_tensor;
    /* cocob's own scalars (each tensor's, with scalars_per_tensor); a NULL
     * name ends them. */
    const lr_fixture_own_scalar *own_scalar;
    lr_fixture_exact exact_param, exact_state;
    /* Schedule-Free: x, cocob_optimizer_eval_weights, against the
     * fixture's eval, and on the mlp the loss there. */
    int eval;
    /* A method's own checks, after each step and once after the run
     * (NULL: none), with data. */
    void (*after_step)(const lr_fixture_run *r, void *data);
    void (*after_run)(const lr_fixture_run *r, void *data);
    void *data;
} lr_fixture_check;

/* Runs <c->method>_<case_name>.txt on selector and asserts all the above,
 * printing the largest gaps found beside their tolerances. */
void lr_fixture_compare(const lr_fixture_check *c, const char *selector, const char *case_name);

/* The setting's index-th number (betas has two), asserting it is there. */
double lr_fixture_number(const lr_fixture *f, const char *name, int index);

/* The suite name: same_trajectory_as_the_authors_on_ref and
 * _on_the_device, each run(selector, i) for i in [0, cases). */
Suite *lr_fixture_suite(const char *name, void (*run)(const char *selector, int i), int cases);

#endif
