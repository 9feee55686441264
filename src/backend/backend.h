/* The private interface every backend fills: buffers and ops.
 *
 * The core sees only this table, so a new backend (or the verifying backend
 * that runs two side by side) plugs in without the core knowing its
 * internals. Every member is required
 * (tests/test_ops.c checks each backend's table). A member trusts its
 * arguments: callers go through the op layer (src/ops/ops.h), which has
 * validated them. */
#ifndef COCOB_BACKEND_BACKEND_H
#define COCOB_BACKEND_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "cocob/cocob.h"
#include "cocob/tools.h"
#include "base/error.h"
#include "base/log.h"

/* A block of device memory. handle is the backend's own: host memory for ref,
 * a cl_mem for opencl. */
typedef struct cocob_buffer {
    void *handle;
    size_t bytes;
} cocob_buffer;

/* One COCOB-Backprop step over n elements. Offsets count floats. The five
 * state buffers share one offset, since each is an arena as long as the
 * parameters it tracks. */
typedef struct cocob_update_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *state[COCOB_STATE_COUNT];
    size_t state_offset;
    size_t n;
    float alpha;
    float weight_decay;
    /* The guard: when skip is not NULL and the int32 at skip_offset in it is
     * not 0 (flag_nonfinite set it), the op leaves w and every state as they
     * are. Read on the device, so the host need not wait to decide. */
    const cocob_buffer *skip;
    size_t skip_offset;
} cocob_update_args;

/* The scalars of a baseline optimizer's step, rounded to float once by the
 * caller, which works them out in double from the configuration as PyTorch
 * does in Python: every backend then gets the same ones. Each op reads the
 * ones its formula (in src/backend/ref/<family>.c) names. */
typedef struct cocob_baseline_hyper {
    float lr;           /* the step's scale; Adam's is lr / (1 - beta1^t) */
    float weight_decay; /* coupled: weight_decay * w joins the gradient */
    float eps;
    float momentum; /* SGD */
    float one_minus_dampening;
    int nesterov;
    int first; /* SGD: the first step, which starts the buffer at g */
    float rho; /* RMSProp's alpha, Adadelta's rho */
    float one_minus_rho;
    float beta1, one_minus_beta1, beta2, one_minus_beta2; /* Adam */
    float bias2_sqrt;                                     /* Adam: sqrt(1 - beta2^t) */
    float shrink; /* Adam: w is first scaled by it, 1 - lr weight_decay for
                            * AdamW's decoupled decay, 1 for Adam */
} cocob_baseline_hyper;

/* Most state buffers a baseline keeps: Adadelta's two, Adam's two. */
enum { COCOB_BASELINE_MAX_STATES = 2 };

/* One step of a baseline over n elements; offsets count floats, and the
 * state buffers share one, as COCOB's do. */
typedef struct cocob_baseline_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *state[COCOB_BASELINE_MAX_STATES];
    size_t state_offset;
    size_t n;
    cocob_baseline_hyper h;
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_baseline_args;

/* cKT's state buffers, in its authors' order (parameterfree's ckt.py). */
enum {
    COCOB_CKT_SUM = 0, /* the sum of the negative gradients */
    COCOB_CKT_REWARD,  /* the wealth: w, plus every bet's gain -g (x - x0) */
    COCOB_CKT_T,       /* 1 plus the steps whose gradient here was not 0, as a float */
    COCOB_CKT_X0,      /* the weights when the optimizer was created */
    COCOB_CKT_STATES
};

/* One cKT step over n elements; offsets count floats, and the four state
 * buffers share one, as COCOB's do. */
typedef struct cocob_ckt_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *state[COCOB_CKT_STATES];
    size_t state_offset;
    size_t n;
    float weight_decay;       /* coupled: weight_decay * w joins the gradient */
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_ckt_args;

/* KT's state buffers, in its authors' order (parameterfree's kt.py). */
enum {
    COCOB_KT_X0 = 0, /* the weights when the optimizer was created */
    COCOB_KT_THETA,  /* minus the sum of the gradients (weight decay's part included) */
    COCOB_KT_STATES
};

/* KT's scalars, one for all the parameters, floats on the device: the
 * wealth (w plus every step's gain <g, x0 - x>) and 1 plus the steps taken. */
enum { COCOB_KT_WEALTH = 0, COCOB_KT_ITER, COCOB_KT_SCALARS };

/* One KT step over n elements, after this step's lr_free_finalize: the bet
 * is scalars' wealth / iter. Offsets count floats; the states share one. */
typedef struct cocob_kt_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *state[COCOB_KT_STATES];
    size_t state_offset;
    size_t n;
    float weight_decay; /* coupled, added after the gain is taken, as its authors' */
    const cocob_buffer *scalars;
    size_t scalars_offset;
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_kt_args;

/* DoG's state buffer: the weights when the optimizer was created, its
 * authors' init_buffer. */
enum { COCOB_DOG_X0 = 0, COCOB_DOG_STATES };

/* DoG's scalars, floats on the device: rbar (the largest distance from x0
 * so far), G (the sum of the squared gradient norms, eps added once), eta
 * (this step's step size) and first_step (1 until a step is taken: its
 * authors' _first_step, which their state_dict keeps too). */
enum { COCOB_DOG_RBAR = 0, COCOB_DOG_G, COCOB_DOG_ETA, COCOB_DOG_FIRST, COCOB_DOG_SCALARS };

/* One DoG step over n elements, after this step's lr_free_finalize:
 * w -= eta (grad + weight_decay w), eta the scalar at scalars + offset. */
typedef struct cocob_dog_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    size_t n;
    float weight_decay; /* coupled, in G too, as its authors' */
    const cocob_buffer *scalars;
    size_t eta_offset;
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_dog_args;

/* Prodigy's state buffers: the weights when the optimizer was created (its
 * authors' p0), Adam's two moments scaled by d, and s, the decayed sum of
 * the scaled gradients. With slice_p above 1 only every slice_p-th element
 * of a tensor keeps an s (the rest stay 0) and joins the sums. */
enum {
    COCOB_PRODIGY_P0 = 0,
    COCOB_PRODIGY_EXP_AVG,
    COCOB_PRODIGY_EXP_AVG_SQ,
    COCOB_PRODIGY_S,
    COCOB_PRODIGY_STATES
};

/* Prodigy's scalars, floats on the device, its authors' names: d (the
 * estimate), d_max, d_numerator, d_denom, d_hat, k (steps taken), then
 * taken (1 when the last step moved the weights: its authors return before
 * the update while d_denom is 0), dlr (the last step's d lr times the bias
 * correction) and bias_correction (the next step's, 1 unless asked for). */
enum {
    COCOB_PRODIGY_D = 0,
    COCOB_PRODIGY_D_MAX,
    COCOB_PRODIGY_D_NUMERATOR,
    COCOB_PRODIGY_D_DENOM,
    COCOB_PRODIGY_D_HAT,
    COCOB_PRODIGY_K,
    COCOB_PRODIGY_TAKEN,
    COCOB_PRODIGY_DLR,
    COCOB_PRODIGY_BIAS_CORRECTION,
    COCOB_PRODIGY_SCALARS
};

/* The two sums prodigy_accumulate writes for each part, in a run of
 * COCOB_REDUCE_SUMS as lr_free_reduce's (the rest 0), so that one
 * lr_free_finalize folds either. */
enum { COCOB_PRODIGY_DOT = 0, COCOB_PRODIGY_ABS_S };

/* Prodigy's settings as its update passes read them: floats, and the
 * switches as 0 or 1. */
typedef struct cocob_prodigy_hyper {
    float lr, beta1, beta2, beta3, eps, weight_decay, d0;
    int decouple, safeguard_warmup;
    unsigned slice_p;
} cocob_prodigy_hyper;

/* Prodigy's first pass over one tensor of n elements, before this step's
 * lr_free_finalize, with the step's d and dlr = d lr bias_correction from
 * the scalars (g is the gradient, plus weight_decay w unless decoupled):
 *     exp_avg = beta1 exp_avg + d (1 - beta1) g
 *     exp_avg_sq = beta2 exp_avg_sq + d^2 (1 - beta2) g^2
 *     s = beta3 s + (d / d0) dlr g   (d / d0 d where safeguard_warmup)
 * (s only at every slice_p-th element), and per part, as lr_free_reduce's
 * parts, <g, p0 - w> and sum |s| over those elements. The guard leaves
 * the state alone. */
typedef struct cocob_prodigy_accumulate_args {
    const cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *state[COCOB_PRODIGY_STATES]; /* p0 read only */
    size_t state_offset;
    size_t n;
    size_t parts;
    cocob_buffer *partials;
    size_t partials_offset;
    const cocob_buffer *scalars;
    size_t scalars_offset;
    cocob_prodigy_hyper h;
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_prodigy_accumulate_args;

/* Prodigy's weight step, after this step's lr_free_finalize, where taken:
 * with d the new estimate and dlr the step's,
 *     w = w - weight_decay dlr w              where decoupled
 *     w = w - dlr exp_avg / (sqrt(exp_avg_sq) + d eps)
 * and with beta1 0, d g in place of exp_avg, as its authors'. */
typedef struct cocob_prodigy_update_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    const cocob_buffer *exp_avg;
    const cocob_buffer *exp_avg_sq;
    size_t state_offset;
    size_t n;
    const cocob_buffer *scalars;
    size_t scalars_offset;
    cocob_prodigy_hyper h;
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_prodigy_update_args;

/* The sums lr_free_reduce writes for each part of a tensor, in this order,
 * with x the weights and g the gradient plus weight_decay x. */
enum {
    COCOB_REDUCE_GAIN = 0, /* <g, x0 - x>: KT's gain, D-Adaptation's numerator */
    COCOB_REDUCE_GG,       /* <g, g>: DoG's G */
    COCOB_REDUCE_DD,       /* <x - x0, x - x0>: DoG's distance, squared */
    COCOB_REDUCE_XX,       /* <x, x>: DoG's first rbar, from |x0| */
    COCOB_REDUCE_SUMS
};

/* The global-scalar methods' first pass over one tensor: its n elements cut
 * into parts runs of ceil(n / parts) (the last may be shorter or empty),
 * each run's COCOB_REDUCE_SUMS sums written at partials + offset + COCOB_REDUCE_SUMS p.
 * Parts make the work spread over the device while the sums' order stays
 * the same on every device. */
typedef struct cocob_lr_free_reduce_args {
    const cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    const cocob_buffer *x0;
    size_t x0_offset;
    size_t n;
    size_t parts;
    cocob_buffer *partials;
    size_t partials_offset;
    float weight_decay; /* joins g in the sums; KT's 0, its decay joins after its gain */
} cocob_lr_free_reduce_args;

/* Which method's scalars lr_free_finalize updates. */
typedef enum cocob_lr_free_method {
    COCOB_LR_FREE_KT = 0,
    COCOB_LR_FREE_DOG,
    COCOB_LR_FREE_PRODIGY,
    COCOB_LR_FREE_DADAPT_ADAM,
    COCOB_LR_FREE_METHODS
} cocob_lr_free_method;

/* The second pass: folds parts runs of sums at partials + offset, in their
 * order, and updates the method's scalars_count scalars; a skipped step
 * leaves them alone. */
typedef struct cocob_lr_free_finalize_args {
    cocob_lr_free_method method;
    const cocob_buffer *partials;
    size_t partials_offset;
    size_t parts;
    cocob_buffer *scalars;
    size_t scalars_offset;
    size_t scalars_count;
    const cocob_buffer *skip;
    size_t skip_offset;
    /* DoG's settings, 0 for KT: the first rbar is reps_rel (1 + |x0|), eta
     * lr rbar / sqrt(G), G starts at eps, and init_eta, where above 0, is
     * the first eta (its authors then take reps_rel 0). */
    float reps_rel, lr, eps, init_eta;
    /* Prodigy's (lr above too): d_numerator decays by beta3, d_hat is
     * d_coef d_numerator / d_denom, d grows by at most growth_rate (may be
     * infinite) a step; the next bias correction is from beta1 and beta2
     * where use_bias_correction. */
    float d0, d_coef, growth_rate, beta1, beta2, beta3;
    int use_bias_correction;
    /* D-Adapt Adam's (lr, growth_rate and use_bias_correction above too),
     * 0 for the others: sqrt_beta2 (its authors' beta2^0.5) and
     * 1 - sqrt_beta2, and, where use_bias_correction is 1, 1 - beta1 and
     * 1 - beta2 for the next step's sqrt(1 - beta2^(k+1)) /
     * (1 - beta1^(k+1)); each worked out in double and rounded once, since
     * 1 - a float near 1 would keep few digits. */
    float sqrt_beta2, one_minus_sqrt_beta2, one_minus_beta1, one_minus_beta2;
} cocob_lr_free_finalize_args;

/* D-Adapt Adam's state buffers, in its authors' order (dadaptation 3.2's
 * dadapt_adam.py). */
enum {
    COCOB_DADAPT_ADAM_EXP_AVG = 0, /* the first moment, each gradient weighed by its dlr */
    COCOB_DADAPT_ADAM_EXP_AVG_SQ,  /* the second moment */
    COCOB_DADAPT_ADAM_S,           /* the weighted sum of dlr times the gradients */
    COCOB_DADAPT_ADAM_STATES
};

/* D-Adapt Adam's scalars, floats on the device: d (the distance estimate),
 * numerator_weighted, k (the steps taken), dlr (d lr, times the bias
 * correction where on: the next step's), step_dlr (the dlr of the step
 * just folded, which decoupled decay reads) and taken (1 when the step
 * just folded moved the weights: its authors return before the update
 * while sum |s| is 0). */
enum {
    COCOB_DADAPT_ADAM_D = 0,
    COCOB_DADAPT_ADAM_NUMERATOR,
    COCOB_DADAPT_ADAM_K,
    COCOB_DADAPT_ADAM_DLR,
    COCOB_DADAPT_ADAM_STEP_DLR,
    COCOB_DADAPT_ADAM_TAKEN,
    COCOB_DADAPT_ADAM_SCALARS
};

/* The sums dadapt_adam_accumulate writes for each part, at the places of
 * lr_free_reduce's first two (the partials are shared, COCOB_REDUCE_SUMS
 * floats a part): <g, s / (sqrt(exp_avg_sq) + eps)> before the moments
 * move, and sum |s| after. */
enum { COCOB_DADAPT_SUM_NUMERATOR = 0, COCOB_DADAPT_SUM_S_L1 = 1 };

/* D-Adapt Adam's pass before lr_free_finalize over one tensor, parts as
 * lr_free_reduce's: with dlr the scalar at scalars + dlr_offset and
 * g = grad + weight_decay w, each part's numerator sum (old state), then
 * exp_avg = beta1 exp_avg + dlr (1 - beta1) g,
 * exp_avg_sq = beta2 exp_avg_sq + (1 - beta2) g g,
 * s = sqrt_beta2 s + dlr (1 - sqrt_beta2) g, and each part's sum |s|.
 * A set guard leaves the state and the partials alone. The sums' other
 * two places are left as they are (zeros from alloc). */
typedef struct cocob_dadapt_adam_accumulate_args {
    const cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *state[COCOB_DADAPT_ADAM_STATES];
    size_t state_offset;
    size_t n;
    size_t parts;
    cocob_buffer *partials;
    size_t partials_offset;
    const cocob_buffer *scalars;
    size_t dlr_offset;
    /* Each 1 - beta worked out in double and rounded once, as the finalize's. */
    float beta1, beta2, sqrt_beta2, one_minus_beta1, one_minus_beta2, one_minus_sqrt_beta2;
    float eps;
    float weight_decay;       /* coupled (decouple off); 0 where decoupled */
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_dadapt_adam_accumulate_args;

/* D-Adapt Adam's update after lr_free_finalize, when the scalar taken is
 * set: w -= decay step_dlr w (decoupled decay; decay 0 otherwise), then
 * w -= exp_avg / (sqrt(exp_avg_sq) + eps). scalars + scalars_offset holds
 * the method's scalars. */
typedef struct cocob_dadapt_adam_update_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *state[2]; /* exp_avg, exp_avg_sq */
    size_t state_offset;
    size_t n;
    float eps;
    float decay; /* decoupled weight decay; 0 where coupled */
    const cocob_buffer *scalars;
    size_t scalars_offset;
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_dadapt_adam_update_args;

/* One Schedule-Free step over n elements (schedulefree 1.4.1's
 * SGDScheduleFree and AdamWScheduleFree, the formula in
 * ref/schedule_free.c). The scalars are the host's, worked out in double
 * from the step count and the settings and rounded once, as the package's
 * Python floats are when they meet a float32 tensor. */
typedef struct cocob_schedule_free_hyper {
    float ckp1;         /* y moves this far towards z first: lerp(y, z, ckp1) */
    float y_step;       /* then y += y_step g: lr (beta1 (1 - ckp1) - 1) */
    float lr;           /* and z -= lr g; lr is the warmed-up (scheduled) one */
    float weight_decay; /* coupled, at the y before the step: SGD's before the
                         * gradient is used, AdamW's after it is normalised */
    float beta2, one_minus_beta2, bias_correction2, eps; /* AdamW */
} cocob_schedule_free_hyper;

/* w is y, the training point. exp_avg_sq NULL: SGD. grad NULL: no step,
 * w = lerp(w, z, ckp1) alone, which with ckp1 = 1 - 1 / beta1 turns y into
 * x, the evaluation point (the package's eval()); nothing else is read. */
typedef struct cocob_schedule_free_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *z, *exp_avg_sq;
    size_t state_offset;
    size_t n;
    cocob_schedule_free_hyper h;
    const cocob_buffer *skip; /* the guard, as cocob_update_args' */
    size_t skip_offset;
} cocob_schedule_free_args;

/* Where an op's operand starts: a buffer and an offset counted in elements.
 * Every element is 4 bytes: a float, or an int32 for labels and indices. */
typedef struct cocob_span {
    cocob_buffer *buf;
    size_t off;
} cocob_span;

/* IDENTITY lets bias_add stand alone when no activation follows a layer. */
typedef enum cocob_activation {
    COCOB_ACT_RELU = 0,
    COCOB_ACT_TANH,
    COCOB_ACT_SIGMOID,
    COCOB_ACT_IDENTITY
} cocob_activation;

/* A convolution's input (NCHW), window and filters. out_h = (height + 2 pad -
 * kernel_h) / stride + 1, and likewise out_w; the caller fills them in. */
typedef struct cocob_conv_shape {
    size_t batch, channels, height, width;
    size_t kernel_h, kernel_w, stride, pad;
    size_t out_h, out_w;
    size_t filters;
} cocob_conv_shape;

/* Max-pooling over planes (batch x channels) of height x width, no padding;
 * out_h = (height - size) / stride + 1, and likewise out_w. */
typedef struct cocob_pool_shape {
    size_t planes, height, width;
    size_t size, stride;
    size_t out_h, out_w;
} cocob_pool_shape;

/* What the stats op returns: the smallest, the sum, the largest and the sum
 * of squares of the values it kept, and how many it kept. */
typedef struct cocob_stats {
    double min, sum, max, sum_sq;
    size_t count;
} cocob_stats;

/* "relu", "tanh", "sigmoid", "identity"; NULL for an unknown f. */
const char *cocob_activation_name(cocob_activation f);
/* What dropout scales a kept element by: 1 / (1 - p), rounded once. */
float cocob_dropout_scale(float p);

typedef struct cocob_backend cocob_backend;

typedef struct cocob_backend_i {
    void (*destroy)(cocob_backend *b);

    cocob_status (*alloc)(cocob_backend *b, size_t bytes, cocob_buffer **out);
    void (*free)(cocob_backend *b, cocob_buffer *buf);
    cocob_status (*upload)(cocob_backend *b, cocob_buffer *dst, size_t offset_bytes,
                           const void *src, size_t bytes);
    /* Queues the copy and returns without waiting for it: src must stay as
     * it is until a later download or finish returns, which waits for every
     * command queued before it. A backend without a queue copies at once. */
    cocob_status (*upload_queued)(cocob_backend *b, cocob_buffer *dst, size_t offset_bytes,
                                  const void *src, size_t bytes);
    /* Blocks until the data is on the host. */
    cocob_status (*download)(cocob_backend *b, const cocob_buffer *src, size_t offset_bytes,
                             void *dst, size_t bytes);
    cocob_status (*copy)(cocob_backend *b, cocob_buffer *dst, size_t dst_offset_bytes,
                         const cocob_buffer *src, size_t src_offset_bytes, size_t bytes);
    cocob_status (*fill)(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                         size_t count);
    cocob_status (*finish)(cocob_backend *b);

    /* The fused COCOB-Backprop step: ref/cocob.c and cl/cocob.cl. */
    cocob_status (*cocob_update)(cocob_backend *b, const cocob_update_args *a);
    /* The baselines' fused steps, one family each: ref/<family>.c gives the
     * formula, PyTorch 1.13's. state[0] is SGD's momentum buffer (NULL
     * without momentum), AdaGrad's sum, RMSProp's and Adadelta's square_avg,
     * Adam's exp_avg; state[1] Adadelta's acc_delta, Adam's exp_avg_sq. */
    cocob_status (*sgd_update)(cocob_backend *b, const cocob_baseline_args *a);
    cocob_status (*adagrad_update)(cocob_backend *b, const cocob_baseline_args *a);
    cocob_status (*rmsprop_update)(cocob_backend *b, const cocob_baseline_args *a);
    cocob_status (*adadelta_update)(cocob_backend *b, const cocob_baseline_args *a);
    /* Adam and AdamW: AdamW's decay is shrink, Adam's weight_decay. */
    cocob_status (*adam_update)(cocob_backend *b, const cocob_baseline_args *a);
    /* Coordinate-wise Krichevsky-Trofimov betting (cKT), the formula in
     * ref/ckt.c, its authors': g = grad + weight_decay w; sum -= g;
     * reward -= g (w - x0); t += (g != 0); w = reward sum / t + x0. */
    cocob_status (*ckt_update)(cocob_backend *b, const cocob_ckt_args *a);
    /* KT (parameterfree's kt.py), the formula in ref/kt.c: g = grad +
     * weight_decay w; theta -= g; w = theta wealth / iter + x0. */
    cocob_status (*kt_update)(cocob_backend *b, const cocob_kt_args *a);
    /* DoG (dog-optimizer 1.0.3), the formula in ref/dog.c: w -= eta (grad +
     * weight_decay w), eta from lr_free_finalize. */
    cocob_status (*dog_update)(cocob_backend *b, const cocob_dog_args *a);
    /* The global-scalar methods' two passes before their updates, nothing
     * waiting for the device: ref/lr_free.c and cl/lr_free.cl. */
    cocob_status (*lr_free_reduce)(cocob_backend *b, const cocob_lr_free_reduce_args *a);
    cocob_status (*lr_free_finalize)(cocob_backend *b, const cocob_lr_free_finalize_args *a);
    /* How many of the n floats at offset are NaN or infinite; waits for the
     * answer. ref/nonfinite.c and cl/nonfinite.cl. */
    cocob_status (*count_nonfinite)(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                    size_t n, size_t *count);
    /* Sets the int32 at flag to 1 when any of the n floats of x is NaN or
     * infinite, and leaves it as it was otherwise: flags of several spans
     * add up (an or) in one int32, which a fill with 0 clears. Does not wait;
     * the updates' skip reads it on the device. Family nonfinite. */
    cocob_status (*flag_nonfinite)(cocob_backend *b, cocob_span x, size_t n, cocob_span flag);
    /* Schedule-Free SGD and AdamW, and their evaluation point: the formula
     * in ref/schedule_free.c, the package's order of operations. */
    cocob_status (*schedule_free_update)(cocob_backend *b, const cocob_schedule_free_args *a);
    /* Prodigy (prodigyopt 1.1.2): the pass before lr_free_finalize and the
     * step after it, the formulas in ref/prodigy.c. */
    cocob_status (*prodigy_accumulate)(cocob_backend *b, const cocob_prodigy_accumulate_args *a);
    cocob_status (*prodigy_update)(cocob_backend *b, const cocob_prodigy_update_args *a);
    /* ---- the layers' ops; each has src/ops/<op>.c (its validation),
     * ref/<op>.c, cl/<op>.cl, opencl/<op>.c and tests/test_<op>.c, the file
     * named after the op's family ---- */

    /* C = alpha op(A) op(B) + beta C, row-major, op(X) being X or its
     * transpose; op(A) is M x K, op(B) is K x N, C is M x N. Family gemm; on
     * OpenCL, CLBlast. */
    cocob_status (*gemm)(cocob_backend *b, int trans_a, int trans_b, size_t M, size_t N, size_t K,
                         float alpha, cocob_span A, size_t lda, cocob_span B, size_t ldb,
                         float beta, cocob_span C, size_t ldc);
    /* y[o][c][i] = f(x[o][c][i] + bias[c]) over outer x channels x inner; y
     * may be x. The activation is fused in so that a layer's output is
     * written once, not written, read and written again. Family bias. */
    cocob_status (*bias_add)(cocob_backend *b, cocob_activation f, cocob_span x, cocob_span bias,
                             cocob_span y, size_t outer, size_t channels, size_t inner);
    /* db[c] = the sum over o and i of dy[o][c][i], overwriting db; a tree
     * reduction, no atomics. Family bias. */
    cocob_status (*bias_grad)(cocob_backend *b, cocob_span dy, cocob_span db, size_t outer,
                              size_t channels, size_t inner);
    /* y = f(x) elementwise; y may be x. Family activation. */
    cocob_status (*activation)(cocob_backend *b, cocob_activation f, cocob_span x, cocob_span y,
                               size_t n);
    /* dx = f'(x) dy, with f' written from y = f(x); dx may be dy. Family activation. */
    cocob_status (*activation_grad)(cocob_backend *b, cocob_activation f, cocob_span y,
                                    cocob_span dy, cocob_span dx, size_t n);
    /* For each row r of logits[rows][classes] and its int32 label:
     * loss[r] = logsumexp(row) - row[label]. Family softmax_xent. */
    cocob_status (*softmax_xent)(cocob_backend *b, cocob_span logits, cocob_span labels,
                                 cocob_span loss, size_t rows, size_t classes);
    /* The gradient of the mean of softmax_xent's losses:
     * dlogits[r][c] = (softmax(row)[c] - (c == label)) / rows. Family softmax_xent. */
    cocob_status (*softmax_xent_grad)(cocob_backend *b, cocob_span logits, cocob_span labels,
                                      cocob_span dlogits, size_t rows, size_t classes);
    /* For each row r of x[rows][cols] and its float targets t[rows][cols]:
     * loss[r] = sum_c (x[r][c] - t[r][c])^2 / cols, so that the mean over
     * rows is PyTorch's MSELoss. Family mse. */
    cocob_status (*mse)(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span loss,
                        size_t rows, size_t cols);
    /* The gradient of the mean of mse's losses: dx = 2 (x - t) / (rows cols).
     * Family mse. */
    cocob_status (*mse_grad)(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span dx,
                             size_t rows, size_t cols);
    /* out[r] (int32) = the first index of the largest value of row r. Family argmax. */
    cocob_status (*argmax)(cocob_backend *b, cocob_span x, cocob_span out, size_t rows,
                           size_t cols);
    /* y[i] = x[i] / (1 - p) where philox_uniform(seed, counter + i) >= p, else 0;
     * y may be x. Family dropout. */
    cocob_status (*dropout)(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                            uint64_t seed, uint64_t counter);
    /* dx[i] = dy[i] through the same mask and scale; dx may be dy. Family dropout. */
    cocob_status (*dropout_grad)(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                 float p, uint64_t seed, uint64_t counter);
    /* y (batch x filters x out_h x out_w) = x (batch x channels x height x
     * width) convolved with w (filters x channels x kernel_h x kernel_w), 0
     * outside the image, overwriting y: y[n][f][oy][ox] = the sum over c, ky,
     * kx, in that order, of w[f][c][ky][kx] x[n][c][oy stride - pad +
     * ky][ox stride - pad + kx]. Family conv2d. */
    cocob_status (*conv2d)(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                           cocob_span w, cocob_span y);
    /* conv2d's adjoint in its input: dx from dy and w, overwriting dx. Family
     * conv2d. */
    cocob_status (*conv2d_grad_input)(cocob_backend *b, const cocob_conv_shape *s, cocob_span dy,
                                      cocob_span w, cocob_span dx);
    /* conv2d's adjoint in its weights, summed over the batch: dw from dy and
     * x, overwriting dw. Family conv2d. */
    cocob_status (*conv2d_grad_weights)(cocob_backend *b, const cocob_conv_shape *s,
                                        cocob_span dy, cocob_span x, cocob_span dw);
    /* y = the max of each window; idx (int32) = where in its plane it was, the
     * first on ties. Family maxpool. */
    cocob_status (*maxpool)(cocob_backend *b, const cocob_pool_shape *s, cocob_span x,
                            cocob_span y, cocob_span idx);
    /* dx[p][i] = the sum of dy[p][o] over the windows o whose idx is i,
     * overwriting dx; gathered, so no atomics. Family maxpool. */
    cocob_status (*maxpool_grad)(cocob_backend *b, const cocob_pool_shape *s, cocob_span dy,
                                 cocob_span idx, cocob_span dx);

    /* The training monitor's reduction: over the n elements, of
     * v = |x - y| / |z|, y's buffer NULL meaning 0 and z's 1, keeping only
     * elements whose z is not 0; waits for the answer. Gives a gradient's
     * range (x = g), a norm (x = w), a drift (x = w, y = w1) and an
     * effective step size (x = w after, y = w before, z = g). Family stats. */
    cocob_status (*stats)(cocob_backend *b, cocob_span x, cocob_span y, cocob_span z, size_t n,
                          cocob_stats *out);

    /* a = b + s * c over n floats, the bandwidth yardstick: ref/triad.c and cl/triad.cl. */
    cocob_status (*triad)(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                          const cocob_buffer *c, float s, size_t n);

    /* D-Adapt Adam (dadaptation 3.2), the formulas in ref/dadapt_adam.c:
     * the pass that moves its state and sums its numerator and sum |s|
     * before lr_free_finalize, and the update after it. */
    cocob_status (*dadapt_adam_accumulate)(cocob_backend *b,
                                           const cocob_dadapt_adam_accumulate_args *a);
    cocob_status (*dadapt_adam_update)(cocob_backend *b, const cocob_dadapt_adam_update_args *a);
} cocob_backend_i;

struct cocob_backend {
    const cocob_backend_i *iface;
    cocob_device_info info;
    cocob_error *err; /* the owning context's: failures are written here */
    const cocob_logger *log;
    /* What the ops now running are for, such as "layer 2 (dense:64),
     * forward", set by the core: the verifying backend names it when an op
     * diverges. "" when unknown. */
    char where[96];
    /* Bytes in the buffers alloc made and free has not freed: with the
     * device's memory (info.global_mem_bytes), it says before a driver or
     * malloc does whether one more buffer can fit. */
    size_t live_bytes;
    /* Scratch the backend keeps for itself across ops (OpenCL's convolution
     * copies), apart from live_bytes so that a test can still see every
     * buffer freed; it counts in the room alloc checks and in the peak. */
    size_t scratch_bytes;
    size_t peak_bytes; /* the most live + scratch has been: cocob_context_device_bytes */
};

static inline void cocob_backend_note_peak(cocob_backend *b)
{
    if (b->live_bytes + b->scratch_bytes > b->peak_bytes)
        b->peak_bytes = b->live_bytes + b->scratch_bytes;
}

/* Counts a buffer alloc made, in live_bytes and the peak. */
static inline void cocob_backend_count_alloc(cocob_backend *b, size_t bytes)
{
    b->live_bytes += bytes;
    cocob_backend_note_peak(b);
}

cocob_status cocob_ref_backend_create(cocob_error *err, const cocob_logger *log,
                                      cocob_backend **out);
/* The verifying backend over dev, which it then owns (src/backend/check). */
cocob_status cocob_verify_backend_create(cocob_backend *dev, cocob_verify_mode mode,
                                         cocob_error *err, const cocob_logger *log,
                                         cocob_backend **out);
/* Its tally; NULL and 0 for any other backend. */
const cocob_verify_row *cocob_verify_backend_rows(const cocob_backend *b, size_t *count);
/* Its mode; COCOB_VERIFY_OFF for any other backend. */
cocob_verify_mode cocob_verify_backend_mode(const cocob_backend *b);
/* Fills the device description of the reference backend. */
void cocob_ref_device_info(cocob_device_info *info);

#endif
