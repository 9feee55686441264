/* The optimizer object all kinds share, and what each kind's file gives
 * optimizer.c: cocob.c COCOB-Backprop's part, baselines.c the baselines',
 * config.c the settings of every kind. */
#ifndef COCOB_OPTIM_OPTIMIZER_H
#define COCOB_OPTIM_OPTIMIZER_H

#include "runtime/handles.h"

/* The most state buffers a kind keeps: COCOB's five. */
enum { OPTIM_MAX_STATES = COCOB_STATE_COUNT };

/* Each state buffer is one arena as long as all the parameters together;
 * parameter i owns the run that starts at offsets[i], so that a step is
 * one launch per parameter tensor, one for a model. */
struct cocob_optimizer {
    cocob_context *ctx;
    cocob_optimizer_config cfg;
    size_t count;
    cocob_tensor **params;
    size_t *offsets;
    size_t total;
    uint64_t steps; /* taken; the one under way is steps + 1 */
    size_t state_count;
    cocob_buffer *state[OPTIM_MAX_STATES];
    cocob_buffer *flag; /* cocob_optimizer_step's guard: one int32 */
};

/* ---- optimizer.c ---- */

/* Queues the step of every parameter behind the guard at skip, an int32 the
 * caller has cleared (and may have flagged already, as the model flags its
 * loss): each gradient's flag_nonfinite is or-ed into it, and each update
 * leaves its weights and state alone when it is set. Nothing waits for the
 * device. The step counts as taken; a caller that then reads the flag set
 * calls optim_unstep, so that a skipped step is as if never taken. */
cocob_status optim_step_guarded(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                cocob_span skip);
void optim_unstep(cocob_optimizer *opt);

/* ---- config.c ---- */

/* "COCOB-Backprop", "SGD", "AdaGrad", ...: the name messages use. */
const char *optim_title(cocob_optimizer_kind kind);
/* Every setting in range, and none set that the kind has no use for. */
cocob_status optim_check_config(cocob_error *err, const cocob_optimizer_config *cfg);

/* ---- cocob.c ---- */

cocob_status optim_cocob_check(cocob_error *err, const cocob_cocob_config *cfg);
extern const char *const optim_cocob_state_names[COCOB_STATE_COUNT];
/* w1 from the parameters' values, L from initial_L; the rest stay 0. */
cocob_status optim_cocob_init_state(cocob_optimizer *opt);
/* The step of params[i] behind the guard at skip, its gradient's shape
 * already checked. */
cocob_status optim_cocob_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                              cocob_span skip);

/* ---- baselines.c ---- */

size_t optim_baseline_state_count(const cocob_optimizer_config *cfg);
/* NULL past the last. */
const char *optim_baseline_state_name(const cocob_optimizer_config *cfg, size_t state);
/* The step of params[i] behind the guard at skip, its gradient's shape
 * already checked; every state starts at 0, as PyTorch's do. */
cocob_status optim_baseline_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                 cocob_span skip);

#endif
