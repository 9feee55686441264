/* The optimizer object all kinds share, and what each kind's file gives
 * optimizer.c: cocob.c COCOB-Backprop's part, ckt.c cKT's, kt.c KT's, dog.c DoG's,
 * prodigy.c Prodigy's, lr_free.c the device scalars' passes, baselines.c the baselines',
 * config.c the settings of every kind. */
#ifndef COCOB_OPTIM_OPTIMIZER_H
#define COCOB_OPTIM_OPTIMIZER_H

#include "runtime/handles.h"

/* The most state buffers a kind keeps: COCOB's five. */
enum { OPTIM_MAX_STATES = COCOB_STATE_COUNT };

/* count floats of parameter param from its float at: the unit the
 * global-scalar kinds' sums are cut by, a whole parameter each but for
 * L-DoG, whose layers are a model arena's tensors (cocob_tensor's pieces). */
typedef struct cocob_optim_run {
    size_t param, at, count;
} cocob_optim_run;

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
    /* The global-scalar kinds' (KT's) scalars, floats that stay on the
     * device, and the scratch of their sums: run r's parts runs of
     * COCOB_REDUCE_SUMS at part_offsets[r]; all NULL and 0 for the rest. */
    size_t scalar_count;
    cocob_buffer *scalars;
    cocob_buffer *partials;
    size_t run_count;
    cocob_optim_run *runs;
    size_t *parts, *part_offsets;
    size_t part_total;
    /* L-DoG's scalar names, "rbar.0" to "first_step.N": NULL for the rest. */
    char (*scalar_names)[32];
    /* Schedule-Free: the weights hold x, the evaluation point, and y is in
     * its state; the next step puts y back first. */
    int at_x;
    /* Schedule-Free's running sums after `at` steps, the last two worked
     * out, so that a step taken back, or resumed, finds or replays them. */
    struct cocob_sf_totals {
        uint64_t at;
        double weight_sum, lr_max;
    } sf_totals[2];
};

/* ---- optimizer.c ---- */

/* Queues the step of every parameter behind the guard at skip, an int32 the
 * caller has cleared (and may have flagged already, as the model flags its
 * loss): each gradient's flag_nonfinite is or-ed into it, and each update
 * leaves its weights and state alone when it is set. Nothing waits for the
 * device. The step counts as taken; a caller that then reads the flag set
 * calls cocob_optim_unstep, so that a skipped step is as if never taken. */
cocob_status cocob_optim_step_guarded(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                      cocob_span skip);
void cocob_optim_unstep(cocob_optimizer *opt);

/* Copies every parameter's values into its run of the state buffer dst:
 * the x0 of the kinds that keep one. */
cocob_status cocob_optim_copy_params(cocob_optimizer *opt, cocob_buffer *dst);

/* ---- config.c ---- */

/* The settings of cocob_optimizer_config each kind reads, as bits; COCOB's
 * own, in cfg.cocob, are outside them. */
enum {
    USES_LR = 1 << 0,
    USES_MOMENTUM = 1 << 1,
    USES_DAMPENING = 1 << 2,
    USES_NESTEROV = 1 << 3,
    USES_WEIGHT_DECAY = 1 << 4,
    USES_RHO = 1 << 5,
    USES_EPS = 1 << 6,
    USES_BETAS = 1 << 7,
    USES_W = 1 << 8,
    USES_REPS_REL = 1 << 9,
    USES_INIT_ETA = 1 << 10,
    USES_SCHEDULE_FREE = 1 << 11, /* warmup_steps, r, weight_lr_power */
    /* d0, growth_rate, decouple, use_bias_correction: D-Adaptation's, which
     * Prodigy and D-Adapt Adam share */
    USES_D_ADAPT = 1 << 12,
    /* beta3, d_coef, slice_p, safeguard_warmup: Prodigy's own */
    USES_PRODIGY = 1 << 13
};
/* The USES_ bits of kind: the table that cocob_optim_check_config holds a
 * config to and settings.c answers from; 0 for no such kind. */
unsigned cocob_optim_uses(cocob_optimizer_kind kind);

/* "COCOB-Backprop", "SGD", "AdaGrad", ...: the name messages use. */
const char *cocob_optim_title(cocob_optimizer_kind kind);
/* Every setting in range, and none set that the kind has no use for. */
cocob_status cocob_optim_check_config(cocob_error *err, const cocob_optimizer_config *cfg);

/* ---- cocob.c ---- */

void cocob_optim_cocob_defaults(cocob_cocob_config *cfg);
cocob_status cocob_optim_cocob_check(cocob_error *err, const cocob_cocob_config *cfg);
extern const char *const cocob_optim_cocob_state_names[COCOB_STATE_COUNT];
/* w1 from the parameters' values, L from initial_L; the rest stay 0. */
cocob_status cocob_optim_cocob_init_state(cocob_optimizer *opt);
/* The step of params[i] behind the guard at skip, its gradient's shape
 * already checked. */
cocob_status cocob_optim_cocob_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                    cocob_span skip);

/* ---- ckt.c ---- */

/* w and weight_decay in range: finite, w above 0, neither past a float. */
cocob_status cocob_optim_ckt_check(cocob_error *err, const cocob_optimizer_config *cfg);
extern const char *const cocob_optim_ckt_state_names[COCOB_CKT_STATES];
/* x0 from the parameters' values, reward from w, t 1; the sum stays 0. */
cocob_status cocob_optim_ckt_init_state(cocob_optimizer *opt);
/* The step of params[i] behind the guard at skip, its gradient's shape
 * already checked. */
cocob_status cocob_optim_ckt_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                  cocob_span skip);

/* ---- kt.c ---- */

extern const char *const cocob_optim_kt_state_names[COCOB_KT_STATES];
extern const char *const cocob_optim_kt_scalar_names[COCOB_KT_SCALARS];
/* x0 from the parameters' values, wealth from w, iter 1; theta stays 0. */
cocob_status cocob_optim_kt_init_state(cocob_optimizer *opt);
/* The step of params[i] behind the guard at skip, after this step's
 * cocob_optim_lr_free_scalars. */
cocob_status cocob_optim_kt_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                 cocob_span skip);

/* ---- dog.c: DoG's and L-DoG's ---- */
/* DoG or L-DoG: L-DoG is DoG's four scalars for each parameter tensor,
 * tensor i's at COCOB_DOG_SCALARS i, each folded from its own sums. */
int cocob_optim_is_dog(cocob_optimizer_kind kind);
/* reps_rel, lr, eps, init_eta and weight_decay in range. */
cocob_status cocob_optim_dog_check(cocob_error *err, const cocob_optimizer_config *cfg);
extern const char *const cocob_optim_dog_state_names[COCOB_DOG_STATES];
/* DoG's "rbar", ...; L-DoG's "rbar.0", ... with the tensor's index. */
const char *cocob_optim_dog_scalar_name(const cocob_optimizer *opt, size_t index);
/* x0 from the parameters' values, each first_step 1; rbar, G and eta 0;
 * L-DoG's scalar names. */
cocob_status cocob_optim_dog_init_state(cocob_optimizer *opt);
/* The step of params[i] behind the guard at skip, after this step's
 * cocob_optim_lr_free_scalars. */
cocob_status cocob_optim_dog_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                  cocob_span skip);
/* ---- dadapt_adam.c ---- */
/* lr, betas, eps, weight_decay, d0 and growth_rate in range, decouple and
 * use_bias_correction 0 or 1. */
cocob_status cocob_optim_dadapt_adam_check(cocob_error *err, const cocob_optimizer_config *cfg);
extern const char *const cocob_optim_dadapt_adam_state_names[COCOB_DADAPT_ADAM_STATES];
extern const char *const cocob_optim_dadapt_adam_scalar_names[COCOB_DADAPT_ADAM_SCALARS];
/* The states at 0; d from d0 and the first dlr from it. */
cocob_status cocob_optim_dadapt_adam_init_state(cocob_optimizer *opt);
/* Queues every parameter's accumulate, then the fold into the scalars,
 * behind the guard at skip; nothing waits for the device. */
cocob_status cocob_optim_dadapt_adam_scalars(cocob_optimizer *opt,
                                             const cocob_tensor *const *grads, cocob_span skip);
/* The update of params[i] behind the guard at skip, after the fold. */
cocob_status cocob_optim_dadapt_adam_step(cocob_optimizer *opt, size_t i, cocob_span skip);

/* ---- prodigy.c ---- */
/* Its settings in range, as its authors check them and so that the floats
 * the device reads stay finite. */
cocob_status cocob_optim_prodigy_check(cocob_error *err, const cocob_optimizer_config *cfg);
/* The one-line description, as cocob_optimizer_describe's. */
void cocob_optim_prodigy_describe(const cocob_optimizer_config *cfg, char *buf, size_t cap);
extern const char *const cocob_optim_prodigy_state_names[COCOB_PRODIGY_STATES];
extern const char *const cocob_optim_prodigy_scalar_names[COCOB_PRODIGY_SCALARS];
/* p0 from the parameters' values, d and d_max d0, the bias correction of
 * the first step; the rest 0. */
cocob_status cocob_optim_prodigy_init_state(cocob_optimizer *opt);
/* The pass over every parameter and the fold that move d, before any
 * update; nothing waits for the device. */
cocob_status cocob_optim_prodigy_scalars(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                         cocob_span skip);
/* The step of params[i] behind the guard at skip, after this step's
 * cocob_optim_prodigy_scalars. */
cocob_status cocob_optim_prodigy_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                      cocob_span skip);

/* ---- lr_free.c ---- */

/* The runs: each parameter's pieces, where it has them, else the
 * parameter. Before cocob_optim_lr_free_create, which otherwise makes a
 * run of each parameter. */
cocob_status cocob_optim_lr_free_layers(cocob_optimizer *opt);
/* Cuts each run into parts and makes the partials' and the scalars'
 * buffers (scalar_count of them, zeros). */
cocob_status cocob_optim_lr_free_create(cocob_optimizer *opt, size_t scalar_count);
void cocob_optim_lr_free_destroy(cocob_optimizer *opt);
/* Queues the pass before the updates of a step: every parameter's sums
 * against x0 (a state buffer laid out as the parameters), then the fold
 * that updates method's scalars, left alone when the guard at skip is set;
 * the settings method reads are opt's (DoG's weight decay joins g).
 * Nothing waits for the device. */
cocob_status cocob_optim_lr_free_scalars(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                         const cocob_buffer *x0, cocob_lr_free_method method,
                                         cocob_span skip);
/* ---- schedule_free.c ---- */

int cocob_optim_is_schedule_free(cocob_optimizer_kind kind);
/* The settings in range: lr, momentum or the betas, eps, weight_decay,
 * warmup_steps, r, weight_lr_power. */
cocob_status cocob_optim_sf_check(cocob_error *err, const cocob_optimizer_config *cfg);
size_t cocob_optim_sf_state_count(cocob_optimizer_kind kind);
/* NULL past the last. */
const char *cocob_optim_sf_state_name(cocob_optimizer_kind kind, size_t state);
/* z from the parameters' values (exp_avg_sq stays 0), the sums at 0. */
cocob_status cocob_optim_sf_init_state(cocob_optimizer *opt);
/* The step of params[i] behind the guard at skip, its gradient's shape
 * already checked and y in the weights. */
cocob_status cocob_optim_sf_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                 cocob_span skip);
/* The index of the state that holds y while the weights hold x. */
size_t cocob_optim_sf_y_state(const cocob_optimizer *opt);
/* Its scalars, for the monitor: the host's, worked out from the step count
 * (no device read): scheduled_lr (the last step's) and weight_sum. */
enum { COCOB_SF_SCALARS = 2 };
/* NULL past the last. */
const char *cocob_optim_sf_scalar_name(size_t index);
void cocob_optim_sf_scalars(const cocob_optimizer *opt, float dst[COCOB_SF_SCALARS]);

/* ---- baselines.c ---- */

size_t cocob_optim_baseline_state_count(const cocob_optimizer_config *cfg);
/* NULL past the last. */
const char *cocob_optim_baseline_state_name(const cocob_optimizer_config *cfg, size_t state);
/* The step of params[i] behind the guard at skip, its gradient's shape
 * already checked; every state starts at 0, as PyTorch's do. */
cocob_status cocob_optim_baseline_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                       cocob_span skip);

#endif
