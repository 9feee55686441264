/* The authors' trajectories of the learning-rate-free optimizers, read from
 * tests/fixtures/lr_free/ (made by tools/fixtures/lr_free.py; the grammar is
 * in that folder's README.md). */
#ifndef COCOB_LR_FREE_FIXTURE_H
#define COCOB_LR_FREE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

enum { LR_FIXTURE_NAME = 32, LR_FIXTURE_MAX = 16, LR_FIXTURE_F32 = 0, LR_FIXTURE_F64 = 1 };

typedef struct {
    char name[LR_FIXTURE_NAME];
    size_t ndim, dims[4];
    size_t count, offset; /* values, and where they start in the flat vector */
} lr_fixture_tensor;

typedef struct {
    char name[LR_FIXTURE_NAME];
    size_t count, offset; /* 1 for a group's scalar, one per tensor for a per-layer one */
} lr_fixture_scalar;

typedef struct {
    char name[LR_FIXTURE_NAME];
    double value;
} lr_fixture_gap;

/* One step of one run. The vectors are flat over the tensors, in the
 * fixture's order, which for the mlp case is cocob's order of parameters. */
typedef struct {
    double loss, eval_loss; /* before the step; NAN where the case has none */
    double *param;          /* after the step */
    double *eval;           /* Schedule-Free's evaluation point x; NULL otherwise */
    double *scalar;         /* the scalars, each at its lr_fixture_scalar offset */
    double *state;          /* state key k at k * params */
} lr_fixture_step;

typedef struct {
    char method[LR_FIXTURE_NAME], case_name[LR_FIXTURE_NAME];
    size_t steps, params;
    size_t tensor_count, scalar_count, scalar_values, state_count, gap_count, setting_count;
    lr_fixture_tensor tensor[LR_FIXTURE_MAX];
    lr_fixture_scalar scalar[LR_FIXTURE_MAX];
    char state_key[LR_FIXTURE_MAX][LR_FIXTURE_NAME];
    lr_fixture_gap gap[2 * LR_FIXTURE_MAX + 8];
    char setting[LR_FIXTURE_MAX][LR_FIXTURE_NAME];
    char setting_value[LR_FIXTURE_MAX][64];
    int has_eval;
    double *init; /* params values */
    double *grad; /* steps x params, the fixed_grad case; NULL otherwise */
    size_t examples, features;
    double *x; /* examples x features, the mlp case; NULL otherwise */
    int32_t *labels;
    lr_fixture_step *run[2]; /* LR_FIXTURE_F32, LR_FIXTURE_F64: steps each */
} lr_fixture;

/* Reads tests/fixtures/lr_free/<file>. Returns 0, or -1 with the reason,
 * naming the line, in why. */
int lr_fixture_load(const char *file, lr_fixture *f, char *why, size_t why_len);
void lr_fixture_free(lr_fixture *f);

/* The measured float32-vs-float64 gap of a quantity ("param", "scalar:d",
 * "max", ...), or -1 when the fixture has none. */
double lr_fixture_gap_of(const lr_fixture *f, const char *quantity);
/* The scalar's description, or NULL. */
const lr_fixture_scalar *lr_fixture_scalar_of(const lr_fixture *f, const char *name);
/* Index of a state key, or -1. */
int lr_fixture_state_of(const lr_fixture *f, const char *key);
/* A setting's text as the fixture records it, or NULL. */
const char *lr_fixture_setting(const lr_fixture *f, const char *name);

/* What the authors' checks share (tests/test_*_authors.c). */

/* max |a - b| / max |b| over n values (absolute where b is all 0): the
 * measure of the fixture's gaps. */
double lr_fixture_rel_gap(const float *a, const double *b, size_t n);
/* The mlp case's mean cross-entropy at the 23 parameters p and, into grad,
 * its gradient, in double and then rounded once to float. */
double lr_fixture_mlp_loss_grad(const lr_fixture *f, const float *p, float *grad);

#endif
