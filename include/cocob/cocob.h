/* cocob: neural-network training with the coin-betting optimizer
 * COCOB-Backprop (Orabona & Tommasi, NeurIPS 2017), on any OpenCL device or
 * on the plain-C reference.
 *
 * Every call that can fail returns a cocob_status. The context keeps a
 * readable message for the last failure: cocob_context_error(). No call
 * aborts or exits. A function's result, when it has one besides the
 * status, is its last parameter; every object is freed by its _destroy.
 * The benchmarks, GEMM tuning and verify run are in cocob/tools.h.
 *
 * Threads. A context, and everything made with it (tensors, models,
 * optimizers), is used by one thread at a time: they share the context's
 * device queue and its last-error message, and nothing in them is locked.
 * Distinct contexts may be used from distinct threads at once: no state is
 * shared between contexts but what is safe to share: the test-only fault
 * counters (atomic), the program cache and GEMM parameters on disk (each
 * file written whole under a temporary name, then renamed), the OpenCL
 * driver, and on the cpu device OpenBLAS and OpenMP's threads, whose cores
 * the contexts then contend for. One caveat: CLBlast before 1.6.1 (Debian
 * 12 ships 1.5.3) fails a GEMM whose kernel binary another thread cached
 * at the same moment, so the first GEMMs of two contexts on one OpenCL
 * device, run at once in two threads, can fail there.
 * The log callback is called on the thread that made the call that logs.
 * Calls read the environment (COCOB_*, and HOME and XDG_CACHE_HOME for the
 * program cache) with getenv: do not change it (setenv, putenv) from another
 * thread while one runs. The functions that take no object (cocob_version,
 * cocob_status_name, cocob_now, the *_init functions, the layer
 * constructors, cocob_devices_query) may be called from any thread. */
#ifndef COCOB_COCOB_H
#define COCOB_COCOB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define COCOB_API
#else
/* The shared library exports the public API alone; everything else stays hidden. */
#define COCOB_API __attribute__((visibility("default")))
#endif

#define COCOB_VERSION_MAJOR 0
#define COCOB_VERSION_MINOR 1
#define COCOB_VERSION_PATCH 0

/* The library's version, "MAJOR.MINOR.PATCH": that of the library linked,
 * which may differ from the COCOB_VERSION_* of the header compiled with. */
COCOB_API const char *cocob_version(void);

typedef enum cocob_status {
    COCOB_OK = 0,
    COCOB_ERR_INVALID_ARGUMENT, /* a NULL, a zero length, a bad value */
    COCOB_ERR_SHAPE,            /* lengths or counts that do not agree */
    COCOB_ERR_OUT_OF_MEMORY,    /* host or device memory */
    COCOB_ERR_NO_DEVICE,        /* the selector matched no device */
    COCOB_ERR_OPENCL,           /* an OpenCL call failed; the message names it */
    COCOB_ERR_BUILD,            /* a kernel failed to build; the message holds the log */
    COCOB_ERR_DEVICE_LIMIT,     /* a request beyond what the device allows */
    COCOB_ERR_IO,               /* a file could not be read or written */
    COCOB_ERR_UNSUPPORTED,      /* the backend or build lacks the feature */
    COCOB_ERR_NONFINITE,        /* a NaN or an infinity where only finite numbers make sense */
    COCOB_ERR_VERIFY,           /* verify mode: the device's result is not the reference's */
    COCOB_ERR_INTERRUPTED       /* stopped on the caller's request (should_stop) before the end */
} cocob_status;

/* A short fixed name for a status, such as "COCOB_ERR_BUILD". */
COCOB_API const char *cocob_status_name(cocob_status s);

/* ---- Logging ---------------------------------------------------------- */

typedef enum cocob_log_level {
    COCOB_LOG_DEBUG = 0,
    COCOB_LOG_INFO,
    COCOB_LOG_WARN,
    COCOB_LOG_ERROR,
    COCOB_LOG_OFF
} cocob_log_level;

typedef void (*cocob_log_fn)(cocob_log_level level, const char *message, void *user);

/* ---- Devices ---------------------------------------------------------- */

typedef enum cocob_device_type {
    COCOB_DEVICE_REF = 0, /* the plain-C reference backend */
    COCOB_DEVICE_GPU_DISCRETE,
    COCOB_DEVICE_GPU_INTEGRATED, /* a GPU that shares the host's memory */
    COCOB_DEVICE_ACCELERATOR,
    COCOB_DEVICE_CPU /* the cpu backend, or an OpenCL CPU device such as PoCL */
} cocob_device_type;

/* "discrete GPU", "integrated GPU", "accelerator", "CPU", "reference". */
COCOB_API const char *cocob_device_type_name(cocob_device_type t);

typedef struct cocob_device_info {
    char selector[32]; /* "ref", "cpu" or "opencl:P:D" */
    cocob_device_type type;
    int platform_index; /* -1 for ref and cpu */
    int device_index;   /* -1 for ref and cpu */
    char name[256];
    char vendor[256];
    char driver_version[128];
    char platform_name[256];
    char platform_version[256];
    char opencl_version[128];   /* CL_DEVICE_VERSION */
    char opencl_c_version[128]; /* CL_DEVICE_OPENCL_C_VERSION */
    unsigned compute_units;
    unsigned clock_mhz;
    uint64_t global_mem_bytes;
    uint64_t max_alloc_bytes;
    uint64_t local_mem_bytes;
    size_t max_work_group_size;   /* and no more than CL_DEVICE_MAX_WORK_ITEM_SIZES[0] */
    unsigned mem_base_addr_align; /* bytes (CL_DEVICE_MEM_BASE_ADDR_ALIGN is in bits) */
    int host_unified_memory;      /* CL_DEVICE_HOST_UNIFIED_MEMORY: it shares the host's memory */
    int fp16;                     /* cl_khr_fp16 */
    int fp64;                     /* cl_khr_fp64, or a CL_DEVICE_DOUBLE_FP_CONFIG */
} cocob_device_info;

/* A snapshot of the devices. Its readers (count, get, note, error) may run
 * in several threads at once; select records its failure in the list, so
 * it needs the list to itself, as destroy does. */
typedef struct cocob_device_list cocob_device_list;

/* Lists the reference backend and every OpenCL device. With no OpenCL
 * platform (or a build without OpenCL) the list holds ref alone and
 * cocob_device_list_note() says why; that is not a failure. On failure
 * *out may still be set: read cocob_device_list_error(), then free it. */
COCOB_API cocob_status cocob_devices_query(cocob_device_list **out);

/* The OPENBLAS_CORETYPE under which the cpu device's OpenBLAS would use this
 * CPU's vector units, when it did not recognise the CPU by itself and fell
 * back to kernels without AVX2 (Debian's 0.3.21 on newer Xeons); NULL when
 * its choice is fine or there is no cpu device. OpenBLAS reads the variable
 * when it loads, so only a process started with it set benefits: the
 * `cocob` command restarts itself with it. */
COCOB_API const char *cocob_openblas_coretype_hint(void);
COCOB_API size_t cocob_device_list_count(const cocob_device_list *list);
COCOB_API const cocob_device_info *cocob_device_list_get(const cocob_device_list *list, size_t i);
/* Why OpenCL devices are missing, or NULL when nothing is amiss. */
COCOB_API const char *cocob_device_list_note(const cocob_device_list *list);
COCOB_API const char *cocob_device_list_error(const cocob_device_list *list);
COCOB_API void cocob_device_list_destroy(cocob_device_list *list);
/* The index of the device a selector picks (see cocob_options.device), with a
 * line on why in why. A selector that matches nothing fails, and the error
 * lists the devices there are. */
COCOB_API cocob_status cocob_device_list_select(cocob_device_list *list, const char *selector,
                                                char *why, size_t why_cap, size_t *index);

/* ---- Context ---------------------------------------------------------- */

/* One device, opened: one thread at a time (see Threads, at the top). */
typedef struct cocob_context cocob_context;

/* Verify mode runs every op on the chosen device and on the C reference.
 * STOP fails the first op whose result on the device differs from the
 * reference's beyond the op's tolerance, with COCOB_ERR_VERIFY and a message
 * naming the op, the layer, the tensor, the index and both values. RECORD
 * keeps going and tallies each op and shape (cocob/tools.h). Either way
 * each op's outputs are then set to the reference's, so every op starts from
 * the same inputs on both and a divergence is pinned on the op that made it. */
typedef enum cocob_verify_mode {
    COCOB_VERIFY_OFF = 0,
    COCOB_VERIFY_STOP,
    COCOB_VERIFY_RECORD
} cocob_verify_mode;

typedef struct cocob_options {
    /* Which device: "auto", "ref", "opencl", "opencl:P:D", "gpu", "cpu", or a
     * case-insensitive part of a device's name. NULL reads $COCOB_DEVICE,
     * and "auto" when that is unset. */
    const char *device;
    cocob_log_fn log; /* NULL writes to stderr */
    void *log_user;
    cocob_log_level log_level; /* messages below this level are dropped */
    /* OFF reads $COCOB_VERIFY: 1 is STOP. */
    cocob_verify_mode verify;
} cocob_options;

/* Fills in the defaults: device NULL, log to stderr, level COCOB_LOG_INFO. */
COCOB_API void cocob_options_init(cocob_options *opts);

/* Opens the chosen device. As with sqlite3_open, a failure that is not out of
 * memory still sets *out, so that cocob_context_error() can say what went
 * wrong; the caller destroys it either way. */
COCOB_API cocob_status cocob_context_create(const cocob_options *opts, cocob_context **out);
COCOB_API void cocob_context_destroy(cocob_context *ctx);
/* The message of the last failure on this context, "" when none. */
COCOB_API const char *cocob_context_error(const cocob_context *ctx);
/* The device in use, or NULL when creation failed. */
COCOB_API const cocob_device_info *cocob_context_device(const cocob_context *ctx);
/* Waits until every queued operation has finished. */
COCOB_API cocob_status cocob_context_finish(cocob_context *ctx);

/* How many kernel programs the context has built from source, and how many
 * it loaded from the program cache, so far: whether a run paid for builds.
 * Both 0 on a device that runs no kernels (ref). */
COCOB_API void cocob_context_programs(const cocob_context *ctx, unsigned *built,
                                      unsigned *cached);
/* The bytes of device memory the context's tensors, models and optimizers
 * hold now, and the most they have held at once since the context was
 * made. Buffers a driver or library keeps for itself (CLBlast's scratch, the
 * kernels) are not counted; under verify, the device's side alone. Both 0
 * for NULL. */
COCOB_API void cocob_context_device_bytes(const cocob_context *ctx, uint64_t *now,
                                          uint64_t *peak);
/* Seconds on a monotonic clock, the one the library times with; only
 * differences mean anything. */
COCOB_API double cocob_now(void);

/* ---- Tensors ---------------------------------------------------------- */

/* A run of floats in the context's device memory. Tensors, models and
 * optimizers belong to their context: destroy them before it, and call
 * them only while no other thread is using the context. */
typedef struct cocob_tensor cocob_tensor;

/* A new tensor of count floats, set to zero. */
COCOB_API cocob_status cocob_tensor_create(cocob_context *ctx, size_t count, cocob_tensor **out);
COCOB_API void cocob_tensor_destroy(cocob_tensor *t);
COCOB_API size_t cocob_tensor_count(const cocob_tensor *t);
COCOB_API cocob_status cocob_tensor_upload(cocob_tensor *t, const float *src, size_t count);
COCOB_API cocob_status cocob_tensor_download(const cocob_tensor *t, float *dst, size_t count);
COCOB_API cocob_status cocob_tensor_fill(cocob_tensor *t, float value);
COCOB_API cocob_status cocob_tensor_copy(cocob_tensor *dst, const cocob_tensor *src);

/* ---- The COCOB-Backprop optimizer --------------------------------------- */

typedef struct cocob_cocob_config {
    float alpha;     /* caps the first steps' size at 1/alpha; default 100 */
    float initial_L; /* the starting value of L, keeps 0/0 away; default 1e-8 */
    /* Coupled: adds weight_decay * w to each gradient; default 0. A double,
     * as the baselines' is; the step rounds it to a float once. */
    double weight_decay;
} cocob_cocob_config;

/* The five per-parameter buffers of COCOB-Backprop. */
typedef enum cocob_cocob_state {
    COCOB_STATE_W1 = 0, /* the weights when the optimizer was created */
    COCOB_STATE_L,      /* the largest |g| seen */
    COCOB_STATE_G,      /* the sum of |g| */
    COCOB_STATE_REWARD, /* the wealth won so far, never below 0 */
    COCOB_STATE_THETA,  /* the sum of the negative gradients */
    COCOB_STATE_COUNT
} cocob_cocob_state;

/* ---- The optimizers ------------------------------------------------------ */

/* COCOB-Backprop and the baselines its paper compares it with, each as
 * PyTorch 1.13's torch.optim documents it; then the learning-rate-free
 * methods that came after, each as its authors' code computes it. */
typedef enum cocob_optimizer_kind {
    COCOB_OPTIMIZER_COCOB = 0,
    COCOB_OPTIMIZER_SGD,     /* momentum, dampening and Nesterov's form optional */
    COCOB_OPTIMIZER_ADAGRAD, /* lr_decay 0, initial accumulator 0 */
    COCOB_OPTIMIZER_RMSPROP, /* not centred, no momentum */
    COCOB_OPTIMIZER_ADADELTA,
    COCOB_OPTIMIZER_ADAM,        /* with bias correction; weight decay coupled */
    COCOB_OPTIMIZER_ADAMW,       /* Adam with decoupled weight decay */
    COCOB_OPTIMIZER_CKT,         /* coordinate-wise KT betting: bremen79/parameterfree's cKT
                               * (commit d8155ff), Orabona's book, section 9.3 */
    COCOB_OPTIMIZER_KT,          /* Krichevsky-Trofimov betting with one wealth for all the
                               * weights: parameterfree 0.0.1's KT, Orabona & Pal 2016 */
    COCOB_OPTIMIZER_SF_SGD,      /* Schedule-Free SGD: schedulefree 1.4.1's SGDScheduleFree */
    COCOB_OPTIMIZER_SF_ADAMW,    /* Schedule-Free AdamW: schedulefree 1.4.1's AdamWScheduleFree */
    COCOB_OPTIMIZER_DOG,         /* Distance over Gradients: dog-optimizer 1.0.3's DoG, one step
                               * size for all the weights, Ivgi, Hinder & Carmon 2023 */
    COCOB_OPTIMIZER_PRODIGY,     /* Prodigy: prodigyopt 1.1.2's Prodigy, Adam with a step size
                                  * D-Adaptation's way, Mishchenko & Defazio 2023 */
    COCOB_OPTIMIZER_LDOG,        /* Layer-wise DoG: dog-optimizer 1.0.3's LDoG, DoG's step size
                                  * for each parameter tensor apart */
    COCOB_OPTIMIZER_DADAPT_ADAM, /* D-Adaptation's Adam: dadaptation 3.2's DAdaptAdam,
                                  * Defazio & Mishchenko 2023 */
    COCOB_OPTIMIZER_KIND_COUNT
} cocob_optimizer_kind;

/* "cocob", "sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "ckt",
 * "kt", "sf_sgd", "sf_adamw", "dog", "prodigy", "ldog" or "dadapt_adam";
 * NULL for a value outside the enum. */
COCOB_API const char *cocob_optimizer_kind_name(cocob_optimizer_kind kind);
/* The kind a name (as above, in any case) stands for. */
COCOB_API cocob_status cocob_optimizer_kind_parse(const char *name, cocob_optimizer_kind *out);

/* Which optimizer, and its settings. The baselines' are PyTorch's, in its
 * names and meanings, and double as PyTorch's are, so that 1 - rho and
 * the bias corrections round as they do there. A field the kind does not
 * use must stay 0, as cocob_optimizer_config_init leaves it. */
typedef struct cocob_optimizer_config {
    cocob_optimizer_kind kind;
    cocob_cocob_config cocob; /* COCOB's settings alone; it has no learning rate */
    double lr;                /* every baseline; SGD's has no default */
    double momentum;          /* SGD */
    double dampening;         /* SGD */
    int nesterov;             /* SGD: needs momentum and no dampening */
    double weight_decay;      /* baselines: coupled (joins the gradient); AdamW: decoupled,
                                * each step first scales w by 1 - lr * weight_decay */
    double rho;               /* RMSProp's alpha, Adadelta's rho */
    double eps;               /* AdaGrad, RMSProp, Adadelta, Adam, AdamW; above 0 */
    double beta1, beta2;      /* Adam, AdamW */
    double w;                 /* cKT's initial wealth, each weight's: the first step moves
                               * a weight by -w g / 2 (g its gradient), and each later bet
                               * is the wealth won so far times the mean negative gradient;
                               * above 0 (at 0 nothing ever moves). Its authors' name.
                               * KT's likewise, but one wealth for all the weights. */
    /* Schedule-Free SGD and AdamW, with its authors' names and meanings: lr
     * is the step size itself (SGD 1.0, AdamW 0.0025); SGD's momentum (0.9,
     * between 0 and 1 exclusive) and AdamW's beta1 (0.9) set where the
     * weights are evaluated, x = y + (1 - 1 / beta1) (z - y); AdamW reads
     * beta2 (0.999) and eps (1e-8); weight_decay (0) times y joins SGD's
     * gradient, and AdamW's once normalised. */
    double warmup_steps;    /* lr rises linearly over this many steps; a whole number, 0 none */
    double r;               /* step k weighs k^r in the average (0: all alike) */
    double weight_lr_power; /* and lr_max^weight_lr_power (2) */
    double reps_rel;        /* DoG's first distance, reps_rel (1 + |x0|); above 0 */
    double init_eta;        /* DoG's first step size where above 0, instead of reps_rel's;
                               * 0 is its authors' None. DoG's lr multiplies its step size
                               * (its authors': leave 1), its eps starts G (1e-8). */
    /* Prodigy, with its authors' names and defaults: lr (1) multiplies its
     * step size d; beta1 0.9, beta2 0.999, eps 1e-8 Adam's; weight_decay
     * (0) decoupled, as AdamW's, unless decouple is 0. D-Adapt Adam, with
     * its authors' names and defaults, has the same lr, betas, eps and
     * weight_decay, and of these fields d0, growth_rate, decouple (0 its
     * default: the decay joins the gradient) and use_bias_correction. */
    double beta3;            /* d's sums decay by beta3; 0 is its authors' None, sqrt(beta2) */
    double d0;               /* the first d (1e-6); above 0 */
    double d_coef;           /* d's estimate times this (1) */
    double growth_rate;      /* d grows at most this-fold a step: infinity (the default) is
                              * no bound */
    double slice_p;          /* d's sums over every slice_p-th weight of each tensor (1) */
    int decouple;            /* 1 (Prodigy's default): AdamW's decay, else it joins the
                              * gradient */
    int use_bias_correction; /* 1: Adam's bias correction in the step size; 0 the default */
    int safeguard_warmup;    /* 1: s and d's sums leave lr out; 0 the default */
} cocob_optimizer_config;

/* kind's defaults, PyTorch's: SGD lr unset (0: it must be chosen);
 * AdaGrad lr 1e-2, eps 1e-10; RMSProp lr 1e-2, rho 0.99, eps 1e-8;
 * Adadelta lr 1, rho 0.9, eps 1e-6; Adam lr 1e-3, betas 0.9 and 0.999,
 * eps 1e-8; AdamW the same with weight_decay 1e-2; COCOB its own; cKT and KT
 * their authors', w 1e-4 and weight_decay 0 (coupled), and no learning rate;
 * Schedule-Free's its authors', as the fields above say; DoG and L-DoG
 * their authors', reps_rel 1e-6, lr 1, weight_decay 0 (coupled), eps 1e-8,
 * init_eta 0 (none); Prodigy and D-Adapt Adam their authors', as the fields
 * above say. */
COCOB_API void cocob_optimizer_config_init(cocob_optimizer_config *cfg,
                                           cocob_optimizer_kind kind);

/* The settings by the names of their fields: "lr", "momentum", "dampening",
 * "nesterov", "weight_decay", "rho", "eps", "beta1", "beta2", COCOB's
 * "alpha" and "initial_L" (which, with its "weight_decay", are in
 * cfg.cocob), cKT's "w", Schedule-Free's "warmup_steps", "r" and
 * "weight_lr_power", DoG's "reps_rel" and "init_eta", Prodigy's "beta3",
 * "d0", "d_coef", "growth_rate", "slice_p", "decouple",
 * "use_bias_correction" and "safeguard_warmup", of which D-Adapt Adam's are
 * "d0", "growth_rate", "decouple" and "use_bias_correction". The index-th
 * name; NULL past the last. */
COCOB_API const char *cocob_optimizer_setting_name(size_t index);
/* 1 when kind reads the setting called name; 0 when it has no use for it
 * (cocob_optimizer_create refuses it set), or no such kind or setting
 * exists. */
COCOB_API int cocob_optimizer_uses(cocob_optimizer_kind kind, const char *name);

/* An optimizer, with its context's threading (see Threads, at the top). */
typedef struct cocob_optimizer cocob_optimizer;

/* An optimizer of any kind over count parameter tensors, which must
 * outlive it; cfg NULL is COCOB's defaults. COCOB's w1 is the tensors'
 * values now. A setting out of range, or set where the kind has no use
 * for it, is an error naming both. */
COCOB_API cocob_status cocob_optimizer_create(cocob_context *ctx,
                                              const cocob_optimizer_config *cfg, size_t count,
                                              cocob_tensor *const *params, cocob_optimizer **out);
COCOB_API void cocob_optimizer_destroy(cocob_optimizer *opt);

/* One step: grads[i] is the gradient of the loss for params[i], same length.
 * A gradient holding a NaN or an infinity is refused with COCOB_ERR_NONFINITE
 * before anything moves: one bad value would poison the state for good
 * (COCOB's G and theta, Adam's averages). */
COCOB_API cocob_status cocob_optimizer_step(cocob_optimizer *opt,
                                            const cocob_tensor *const *grads);
COCOB_API void cocob_optimizer_get_config(const cocob_optimizer *opt,
                                          cocob_optimizer_config *out);
/* Schedule-Free trains at one point, y, the weights, and is evaluated at
 * another, x, the average of its iterates. This puts x in the weights
 * (the authors' optimizer.eval()); the next step, or
 * cocob_optimizer_train_weights, puts y back, exactly (y is kept aside).
 * cocob_train calls it before each evaluation and checkpoint and leaves x
 * in the weights when it returns, so that what is evaluated, predicted and
 * saved is x. Does nothing for the other kinds, or where x is already
 * there. Queued: it does not wait for the device. */
COCOB_API cocob_status cocob_optimizer_eval_weights(cocob_optimizer *opt);
/* Puts the training point y back in the weights (optimizer.train()); does
 * nothing where it is there already, as for the other kinds. */
COCOB_API cocob_status cocob_optimizer_train_weights(cocob_optimizer *opt);
/* One line such as "Adam (lr 0.001, betas 0.9 0.999, eps 1e-08)". */
COCOB_API void cocob_optimizer_describe(const cocob_optimizer *opt, char *buf, size_t cap);
/* The steps taken so far: Adam's t. */
COCOB_API uint64_t cocob_optimizer_steps(const cocob_optimizer *opt);

/* The per-parameter state buffers, by index from 0, named as PyTorch's
 * state_dict names them: COCOB's w1, L, G, reward, theta (in
 * cocob_cocob_state's order: COCOB_STATE_L is L's index); SGD's
 * momentum_buffer (none without momentum); AdaGrad's sum; RMSProp's
 * square_avg; Adadelta's square_avg and acc_delta; Adam's and AdamW's
 * exp_avg and exp_avg_sq; cKT's sum_negative_gradients, reward, t (as a
 * float) and x0, its authors' names; KT's x0 and theta; Schedule-Free
 * SGD's z and y, AdamW's z, exp_avg_sq and y: y, the training point, is
 * read from the weights while they hold it, and from where
 * cocob_optimizer_eval_weights keeps it while they hold x (a checkpoint
 * saves it so). */
COCOB_API size_t cocob_optimizer_state_count(const cocob_optimizer *opt);
/* NULL for an index past the last. */
COCOB_API const char *cocob_optimizer_state_name(const cocob_optimizer *opt, size_t state);
/* Copies state buffer `state` of params[index] to the host. */
COCOB_API cocob_status cocob_optimizer_read_state(const cocob_optimizer *opt, size_t state,
                                                  size_t index, float *dst, size_t count);

/* The scalars a kind keeps for all its parameters at once, on the device
 * beside its state, which each step updates there without the host
 * waiting: KT's wealth and iter (1 plus the steps taken); DoG's rbar, G,
 * eta and first_step; L-DoG's the same four for each parameter tensor i,
 * named "rbar.i", "G.i", "eta.i" and "first_step.i"; Schedule-Free's,
 * which the host works out from the step count, scheduled_lr (the last
 * step's lr, 0 before any) and weight_sum; Prodigy's d, d_max,
 * d_numerator, d_denom, d_hat, k, taken, dlr and bias_correction; D-Adapt
 * Adam's d, numerator_weighted, k, dlr, step_dlr and taken (taken is 0
 * after a step its authors return from early, the denominator being 0);
 * none for the other kinds. */
COCOB_API size_t cocob_optimizer_scalar_count(const cocob_optimizer *opt);
/* NULL for an index past the last. */
COCOB_API const char *cocob_optimizer_scalar_name(const cocob_optimizer *opt, size_t index);
/* Copies all count of them (cocob_optimizer_scalar_count's) to dst,
 * waiting for the device where they are there: for telemetry, at the
 * caller's own points. */
COCOB_API cocob_status cocob_optimizer_read_scalars(const cocob_optimizer *opt, float *dst,
                                                    size_t count);

/* ---- Models ------------------------------------------------------------- */

typedef enum cocob_layer_kind {
    COCOB_LAYER_DENSE = 0, /* any input, read as a flat vector per example */
    COCOB_LAYER_CONV,      /* 2-D convolution, NCHW */
    COCOB_LAYER_MAXPOOL,
    COCOB_LAYER_RELU,
    COCOB_LAYER_TANH,
    COCOB_LAYER_SIGMOID,
    COCOB_LAYER_DROPOUT, /* active in training only */
    COCOB_LAYER_FLATTEN  /* a view: C x H x W becomes one axis, nothing moves */
} cocob_layer_kind;

/* A layer's description; the functions below fill one in. */
typedef struct cocob_layer {
    cocob_layer_kind kind;
    size_t units;              /* dense: outputs; conv: filters */
    size_t kernel_h, kernel_w; /* conv kernel; maxpool window (square) */
    size_t stride, pad;        /* conv and maxpool */
    float rate;                /* dropout: the probability of dropping */
} cocob_layer;

COCOB_API cocob_layer cocob_dense(size_t units);
/* pad (k - 1) / 2 keeps the size at stride 1 ("same" for odd k). */
COCOB_API cocob_layer cocob_conv2d(size_t filters, size_t kernel_h, size_t kernel_w,
                                   size_t stride, size_t pad);
COCOB_API cocob_layer cocob_maxpool(size_t size, size_t stride);
COCOB_API cocob_layer cocob_relu(void);
COCOB_API cocob_layer cocob_tanh(void);
COCOB_API cocob_layer cocob_sigmoid(void);
COCOB_API cocob_layer cocob_dropout(float rate);
COCOB_API cocob_layer cocob_flatten(void);

/* A sequential model, with its context's threading (see Threads, at the top). */
typedef struct cocob_model cocob_model;

/* An empty sequential model for inputs of channels x height x width. */
COCOB_API cocob_status cocob_model_create(cocob_context *ctx, size_t channels, size_t height,
                                          size_t width, cocob_model **out);
COCOB_API void cocob_model_destroy(cocob_model *m);
/* Appends a layer, its shape inferred from the layer before; a layer that
 * cannot take that input is an error naming the layer and the shapes. */
COCOB_API cocob_status cocob_model_add(cocob_model *m, cocob_layer layer);
/* Appends the layers of a spec: "mlp" (784-1000-1000-10 with ReLU), "cnn"
 * (the paper's MNIST CNN), or a list such as
 * "conv:32x5x5,relu,maxpool:2,dense:10". Items: dense:N, conv:FxKHxKW with
 * optional :sS (stride, default 1) and :pP (pad, default "same"),
 * maxpool:K with optional :sS (default K), relu, tanh, sigmoid, dropout:P,
 * flatten. A bad item is an error that quotes it and its position. */
COCOB_API cocob_status cocob_model_add_spec(cocob_model *m, const char *spec);
/* Allocates the parameters and draws them from seed: He-uniform for a layer
 * followed by ReLU, Glorot-uniform otherwise, biases 0. Call once, after
 * the last layer. */
COCOB_API cocob_status cocob_model_init(cocob_model *m, uint64_t seed);
COCOB_API size_t cocob_model_param_count(const cocob_model *m);
/* The parameter tensors, layer by layer, weights then biases: how many,
 * and the name of tensor i, "l<layer>.<kind>.w" or ".b", such as
 * "l0.dense.w", which the monitor and its CSV columns use. */
COCOB_API size_t cocob_model_tensor_count(const cocob_model *m);
COCOB_API cocob_status cocob_model_tensor_name(const cocob_model *m, size_t i, char *out,
                                               size_t cap);
/* The shape of one input, as cocob_model_create was given it: what a
 * loaded model takes. */
COCOB_API void cocob_model_input_shape(const cocob_model *m, size_t *channels, size_t *height,
                                       size_t *width);
/* The number of outputs per example: the classes, for a classifier. */
COCOB_API size_t cocob_model_outputs(const cocob_model *m);
/* A table of the layers, their output shapes and parameter counts, cut to
 * fit cap bytes. Returns the length of the whole table, as snprintf does:
 * a return of cap or more means it was cut, and buf NULL only measures. */
COCOB_API size_t cocob_model_summary(const cocob_model *m, char *buf, size_t cap);
/* All parameters, and their gradients, each one tensor: give the first to
 * an optimizer, the second to its step. Valid after cocob_model_init. */
COCOB_API cocob_tensor *cocob_model_params(cocob_model *m);
COCOB_API cocob_tensor *cocob_model_grads(cocob_model *m);

/* The loss a model trains on: softmax cross-entropy of its outputs against
 * int32 labels (a classifier), or the mean squared error of its outputs
 * against float targets (a regression), averaged over every output of
 * every example, as PyTorch's MSELoss. */
typedef enum cocob_loss { COCOB_LOSS_XENT, COCOB_LOSS_MSE } cocob_loss;

/* Chooses m's loss; call before cocob_model_init. The default is
 * COCOB_LOSS_XENT. */
COCOB_API cocob_status cocob_model_set_loss(cocob_model *m, cocob_loss loss);
COCOB_API cocob_loss cocob_model_loss(const cocob_model *m);
/* "xent" or "mse", as the command's --loss takes them; NULL for another value. */
COCOB_API const char *cocob_loss_name(cocob_loss loss);


/* ---- A model on the caller's arrays -------------------------------------- */

/* count examples the caller holds: x, count x C x H x W floats in the
 * model's input shape (tabular data is 1 x 1 x F); labels, count int32 class
 * indices, for a classifier; targets, count x outputs floats, for a
 * regression model. The arrays are only read, and only during the call. */
typedef struct cocob_batch {
    const float *x;
    const int32_t *labels;
    const float *targets;
    size_t count;
} cocob_batch;

/* One training step on the whole batch: forward, the loss, backward and
 * opt's step (opt made over cocob_model_params(m)), with dropout; *loss
 * gets the batch's mean loss. Any count from 1 to COCOB_BATCH_MAX is one
 * step, never split, since a split would be several steps: the model's
 * batch buffers grow to the largest count it has seen and stay that size,
 * and a count too large for the device fails naming the device's limit,
 * with no weight changed. The batch holds what the model's loss takes:
 * labels for COCOB_LOSS_XENT, each from 0 to outputs - 1 (the first that
 * is not is named by its index), or targets for COCOB_LOSS_MSE; the wrong
 * kind is an error naming both. As in cocob_train by
 * default, a loss or gradient that is NaN or infinite fails with
 * COCOB_ERR_NONFINITE, naming the first layer where it shows (or the
 * input), and no weight or optimizer state moves: the caller may go on
 * with the next batch, which is what cocob_train's skip_nonfinite does.
 * x itself is not scanned on the host for NaN: that check is the step's
 * own, on the device. */
COCOB_API cocob_status cocob_model_train_batch(cocob_model *m, cocob_optimizer *opt,
                                               const cocob_batch *batch, double *loss);

typedef enum cocob_output {
    COCOB_OUTPUT_LOGITS = 0,   /* the last layer's outputs */
    COCOB_OUTPUT_PROBABILITIES /* their softmax, computed as the loss computes it */
} cocob_output;

/* The outputs for count inputs x (count x C x H x W), without dropout,
 * into out, count x cocob_model_outputs(m) floats. The inputs go through
 * in batches of the model's current buffers, or of 256 when they are
 * smaller, so that a large count costs no more device memory. An input
 * that is NaN or infinite is refused, naming the example and the value's
 * place in it, since nothing downstream would catch it. */
COCOB_API cocob_status cocob_model_predict(cocob_model *m, const float *x, size_t count,
                                           cocob_output what, float *out);

/* What cocob_model_evaluate measures; a figure that does not apply to the
 * model's loss is NaN: accuracy for a classifier, rmse and r2 (the
 * coefficient of determination) for a regression model. */
typedef struct cocob_evaluation {
    double loss; /* the mean over the examples */
    double accuracy, rmse, r2;
} cocob_evaluation;

/* The mean loss and accuracy of m on data, without dropout, in batches
 * as cocob_model_predict takes them; the same path as cocob_evaluate.
 * The inputs and the labels are checked as cocob_model_predict and
 * cocob_model_train_batch check them. */
COCOB_API cocob_status cocob_model_evaluate(cocob_model *m, const cocob_batch *data,
                                            cocob_evaluation *out);

/* ---- Data sets -------------------------------------------------------- */

/* Labelled images in host memory: pixels in [0, 1] (x / 255), stored
 * N x C x H x W as the files' bytes and turned into floats a batch at a
 * time, and an int32 label per image; or, made from a
 * program's arrays or a CSV file, any finite features with labels or
 * float targets. Once loaded it is
 * bound to no context: training and evaluation only read it, so several
 * threads (several contexts) may do so at once; truncate and destroy need
 * it to themselves. */
typedef struct cocob_dataset cocob_dataset;

typedef enum cocob_split { COCOB_SPLIT_TRAIN, COCOB_SPLIT_TEST } cocob_split;

/* Loads a split from whatever dir holds: MNIST-style IDX files
 * (train-images-idx3-ubyte and train-labels-idx1-ubyte for training,
 * t10k-... for testing, each plain or with .gz), else CIFAR-10 binary
 * batches (data_batch_1.bin .. data_batch_5.bin for training, test_batch.bin
 * for testing), in dir or in dir/cifar-10-batches-bin. Finding neither is an
 * error that lists the names looked for. */
COCOB_API cocob_status cocob_dataset_load(cocob_context *ctx, const char *dir, cocob_split split,
                                          cocob_dataset **out);
/* The same, keeping only the first max_count examples (0: all): only they
 * are inflated and held, so a large file costs what the examples used do.
 * Past them, IDX files are not read at all (a file cut or damaged after
 * them loads), while CIFAR-10 batches are read through, to refuse a damaged
 * one. Loading every example reads every byte, and refuses a truncated or
 * overlong file. */
COCOB_API cocob_status cocob_dataset_load_first(cocob_context *ctx, const char *dir,
                                                cocob_split split, size_t max_count,
                                                cocob_dataset **out);
/* An IDX images file (magic 0x00000803) and its labels (0x00000801), plain
 * or gzipped. */
COCOB_API cocob_status cocob_dataset_load_idx(cocob_context *ctx, const char *images_path,
                                              const char *labels_path, cocob_dataset **out);
/* CIFAR-10 binary batches, their records joined in the order given. */
COCOB_API cocob_status cocob_dataset_load_cifar(cocob_context *ctx, const char *const *paths,
                                                size_t count, cocob_dataset **out);

/* Arrays a program already holds, for cocob_dataset_from_memory: count
 * examples of channels x height x width floats each (tabular data is
 * 1 x 1 x features), stored one example after another, with either an
 * int32 class label per example (classification) or outputs float targets
 * per example (regression), never both. */
typedef struct cocob_dataset_arrays {
    size_t count;
    size_t channels, height, width;
    const float *features; /* count x channels x height x width, finite */
    const int32_t *labels; /* count, each in [0, classes); NULL for regression */
    size_t classes;        /* with labels; 0: the largest label + 1 */
    const float *targets;  /* count x outputs, finite; NULL for classification */
    size_t outputs;        /* with targets, at least 1 */
    /* 0: the data set copies the arrays, which the caller may then free.
     * 1: it borrows them: no copy is made, and the caller keeps them alive
     * and unchanged until cocob_dataset_destroy, which does not free them;
     * cocob never writes to a borrowed array. */
    int borrow;
} cocob_dataset_arrays;

/* Zeroes a: no arrays, copied. */
COCOB_API void cocob_dataset_arrays_init(cocob_dataset_arrays *a);

/* A data set of the caller's arrays, copied or borrowed as a->borrow says.
 * Refused, with a message naming the input and the index at fault: a count
 * or a shape of 0 or one whose bytes overflow size_t, a NULL features
 * array, labels and targets both or neither, a label below 0 or not below
 * classes ("labels[17] is 12, but classes is 10"), and a NaN or an
 * infinity in the features or the targets ("features[3][41] is NaN").
 * A classification set reports its classes (cocob_dataset_classes) and 0
 * outputs; a regression set 0 classes and its outputs. */
COCOB_API cocob_status cocob_dataset_from_memory(cocob_context *ctx,
                                                 const cocob_dataset_arrays *a,
                                                 cocob_dataset **out);

/* What a CSV file's target column holds. */
typedef enum cocob_task {
    COCOB_TASK_CLASSIFY, /* classes: numbers or any text */
    COCOB_TASK_REGRESS   /* a float target per row (outputs 1) */
} cocob_task;

/* The most classes a CSV file's target column may hold for
 * COCOB_TASK_CLASSIFY. */
#define COCOB_CSV_MAX_CLASSES 1000

/* A CSV file (RFC 4180: quoted fields, CRLF or LF; plain or gzipped): a
 * header row naming the columns, then one row per example. target names
 * the column to learn; every other column, in the file's order, is a
 * feature: the examples are tabular, 1 x 1 x (columns - 1). Every feature
 * cell (and, to regress, every target cell) must be a finite decimal
 * number. To classify, the target column's distinct values, numbers or
 * text, become classes 0, 1, ... in sorted order (numerically when all are
 * numbers, else by their bytes), as scikit-learn's LabelEncoder does;
 * cocob_dataset_class_name gives them back. Refused, naming the file, the
 * row (1 is the header) and the column (its number from 1, and its name):
 * a row with more or fewer cells than the header, an empty cell, a cell
 * that is not a number (nan and inf included), more than
 * COCOB_CSV_MAX_CLASSES classes; and an empty file, a header without rows,
 * a target that is no column, or no column besides the target.
 * classes_of, when not NULL, is a set read from CSV to classify (the
 * training file's) whose classes this one takes, so that a test file's
 * class indices mean what the training file's do; a target that is none of
 * its classes is refused, naming the row. */
COCOB_API cocob_status cocob_dataset_load_csv(cocob_context *ctx, const char *path,
                                              const char *target, cocob_task task,
                                              const cocob_dataset *classes_of,
                                              cocob_dataset **out);
/* The text of class index of a data set read from CSV, as the file wrote
 * it; NULL for any other set, or an index past the last class. */
COCOB_API const char *cocob_dataset_class_name(const cocob_dataset *d, size_t index);

/* Splits d in two copies: after a shuffle drawn from seed, the last
 * fraction of its examples (rounded, at least 1) go to *test, the rest, in
 * the shuffled order, to *train. fraction is above 0 and below 1, and both
 * parts must hold an example. The shuffle is another stream than
 * cocob_train's for the same seed. Class names go with both. */
COCOB_API cocob_status cocob_dataset_holdout(cocob_context *ctx, const cocob_dataset *d,
                                             double fraction, uint64_t seed,
                                             cocob_dataset **train, cocob_dataset **test);
COCOB_API void cocob_dataset_destroy(cocob_dataset *d);
COCOB_API size_t cocob_dataset_count(const cocob_dataset *d);
COCOB_API void cocob_dataset_shape(const cocob_dataset *d, size_t *channels, size_t *height,
                                   size_t *width);
COCOB_API size_t cocob_dataset_classes(const cocob_dataset *d);
/* The float targets per example of a regression set; 0 for a
 * classification set. */
COCOB_API size_t cocob_dataset_outputs(const cocob_dataset *d);
/* Keeps the first count examples (0 < count <= the current count), for
 * quick runs on a subset. */
COCOB_API cocob_status cocob_dataset_truncate(cocob_context *ctx, cocob_dataset *d, size_t count);

/* ---- Training ------------------------------------------------------------ */

/* After each training step, for a progress display. */
typedef struct cocob_step_report {
    size_t epoch, epochs;
    size_t batch, batches;      /* this epoch's batch (from 1) and how many */
    size_t step;                /* steps so far, over all epochs */
    double loss;                /* the epoch's running mean */
    double examples_per_second; /* this epoch's */
    double elapsed_seconds, eta_seconds;
} cocob_step_report;

/* After each epoch and its evaluation. Also when the epoch's checkpoint
 * save or its evaluation fails, before cocob_train returns that failure,
 * with test_loss and test_accuracy -1: the epoch's training is reported,
 * and saved first, whatever fails after it. */
typedef struct cocob_epoch_report {
    size_t epoch, epochs, steps;
    double train_loss;               /* the mean over the epoch's examples */
    double test_loss, test_accuracy; /* on the whole test set; -1 without one */
    /* A regression model's root mean squared error and R^2 on the test set,
     * over every output; -1 for a classifier (whose accuracy is above), or
     * without a test set. R^2 is NaN where the test targets are constant. */
    double test_rmse, test_r2;
    double seconds; /* training only, not the evaluation */
    double examples_per_second;
    size_t skipped; /* batches dropped for NaN or infinity (skip_nonfinite) */
} cocob_epoch_report;

/* ---- The training monitor ---------------------------------------------- */

/* One parameter tensor at one step, the things to watch in COCOB: the range
 * of its gradients, from which COCOB takes its scale; COCOB's L, the
 * largest |g| each weight has seen; the effective learning rate, the step
 * each weight took over its gradient, |w_after - w_before| / |g| (over the
 * weights whose g is not 0); the weights' norm; and the drift from where
 * the run started, ||w - w_start||. */
typedef struct cocob_tensor_stats {
    char name[48]; /* "l0.dense.w": layer, kind, w or b */
    size_t count;
    double g_min, g_mean, g_max; /* of |g| */
    double L_mean, L_max;        /* COCOB only; NaN for a baseline */
    double lr_mean, lr_median, lr_max;
    double w_norm, drift;
} cocob_tensor_stats;

typedef struct cocob_monitor_report {
    size_t epoch, step, total_steps; /* the step just taken */
    size_t count;
    const cocob_tensor_stats *tensors; /* layer by layer, weights then biases */
} cocob_monitor_report;

/* ---- Checkpoints --------------------------------------------------------- */

/* Where a training run is. */
typedef struct cocob_progress {
    uint64_t epoch;        /* epochs finished */
    uint64_t step;         /* steps taken in the epoch under way; 0 between epochs */
    uint64_t total_steps;  /* steps taken in all */
    uint64_t shuffle_seed; /* cocob_train_options.seed */
    /* What the steps above mean: a resumed run must take the same batches
     * of the same data, so cocob_train refuses a resume where these differ
     * from its own. */
    uint64_t batch;            /* cocob_train_options.batch */
    uint64_t examples;         /* the training examples */
    uint64_t data_fingerprint; /* cocob_train's digest of the training data */
} cocob_progress;

/* Saves m's weights, the whole state of opt (made over cocob_model_params(m)),
 * dropout's generator and the progress to path, in a format with a magic, a
 * version, the model's shapes and a CRC-32 per section. It writes a
 * temporary file, fsyncs it and renames it over path, so that path always
 * holds a whole checkpoint, even if the process dies mid-save. A symlink at
 * path stays one (the file it names is replaced), a file there keeps its
 * mode, and the temporary files of killed saves are removed. cocob_train
 * resumes only from a checkpoint whose progress names its batch size,
 * example count and data fingerprint, as its own saves do. A Schedule-Free
 * opt is first put at its evaluation point (cocob_optimizer_eval_weights):
 * the weights saved are x, what a model loaded for inference must hold,
 * and y is saved in its state, so that a resume goes on exactly. */
COCOB_API cocob_status cocob_checkpoint_save(const char *path, cocob_model *m,
                                             cocob_optimizer *opt,
                                             const cocob_progress *progress);
/* Restores what cocob_checkpoint_save saved into m and opt, made and
 * initialised as for the saved run. Only a regular file is read. A damaged
 * file (cut, a length or a byte changed: "is damaged: ..."), one of another
 * version, or one made for another model, loss or optimizer (naming what
 * differs, with both values) is an error that says which, and leaves m and opt as
 * they were. */
COCOB_API cocob_status cocob_checkpoint_load(const char *path, cocob_model *m,
                                             cocob_optimizer *opt, cocob_progress *progress);

/* ---- Saved models -------------------------------------------------------- */

/* Saves m's layers, its input shape, its loss and its weights to path, for
 * inference or further training, with no optimizer state: the magic
 * "COCOBMDL", a version and CRC-checked sections, as checkpoints are made,
 * and replaced whole as cocob_checkpoint_save replaces its file. */
COCOB_API cocob_status cocob_model_save(const cocob_model *m, const char *path);
/* A model rebuilt from a file cocob_model_save wrote, or from a checkpoint
 * (its model and weights; its optimizer state and progress are not read),
 * ready for cocob_model_predict or training with a new optimizer. The model
 * keeps the loss the file records; an older checkpoint (version 2) records
 * none and loads with softmax cross-entropy's (its logits are right
 * whatever the loss). Only a regular file is read. A damaged file ("is damaged: ..."), one of another
 * version or of neither kind, or a layer list that does not build, is an
 * error naming the file and what is wrong; *out is then NULL. */
COCOB_API cocob_status cocob_model_load(cocob_context *ctx, const char *path, cocob_model **out);

/* The largest batch cocob_train, cocob_evaluate and cocob_bench_train (tools.h) take.
 * A batch larger than the data set is the whole set, and the host memory
 * held for it follows the examples there are, not the number asked for. */
#define COCOB_BATCH_MAX ((size_t)1 << 31)

/* Where a data-parallel run's steps spend their time (cocob_comm.times),
 * summed over the steps. backward runs from the loss's gradient to the
 * last bucket's start, the starts included; communication from the first
 * bucket's start to the last one found done; exposed is the part of it
 * after backward, which the step waits for. Without start_sum, the whole
 * sum comes after backward and is all exposed. */
typedef struct cocob_comm_times {
    double backward, communication, exposed;
    size_t steps, buckets;
} cocob_comm_times;

/* Data-parallel training: what cocob_train needs from the processes' own
 * communication (the command gives it MPI's; a program may give its own).
 * Every rank calls cocob_train with the same options, model, optimizer and
 * data (each reads all of it and takes its own share of every batch), and
 * calls the hooks below in the same order, so that they must be collective
 * calls: each returns only once every rank has made the same call, or fails.
 * A hook returns 0 on success; any other value fails cocob_train on that
 * rank with COCOB_ERR_IO, and the program must then end the whole job (as
 * MPI_Abort does), since the other ranks wait in their next hook. */
typedef struct cocob_comm {
    int rank; /* this process's, from 0 */
    int size; /* the ranks, at least 1 */
    /* Sums count floats in place across the ranks: on return every rank
     * holds the same sums, bit for bit, whatever order they were added in
     * (MPI_Allreduce with MPI_SUM does). That order is the hook's: the
     * training repeats bit for bit from run to run only where it is fixed
     * (the command's --deterministic adds in rank order; MPI_Allreduce's
     * may follow the job's size, the message's length or the network). */
    int (*allreduce_sum)(float *values, size_t count, void *user);
    /* Compares value across the ranks: *differs is the lowest rank whose
     * value is not rank 0's, or -1 when all are the same, on every rank. */
    int (*agree)(uint64_t value, int *differs, void *user);
    void *user;
    /* The weights are compared after every epoch; with this set, after
     * every step too, at the cost of reading them from the device (the
     * command sets it under --verify). */
    int check_every_step;
    /* Optional, both or neither: the sum above without waiting, so that it
     * runs while backward goes on. The gradient is summed in buckets of
     * whole layers, from the last layer back, each started once backward
     * has finished its layers. start_sum begins the sum of count floats
     * in place and sets *request (NULL: already done); finish_sum with wait
     * 0 lets it progress (MPI's nonblocking collectives move on only inside
     * MPI calls) and sets *done, with wait 1 returns once it is done; a
     * request once done is finished and not passed again. Every rank gets
     * the same bits, as from allreduce_sum. NULL: the whole gradient is
     * summed with allreduce_sum after backward. */
    int (*start_sum)(float *values, size_t count, void **request, void *user);
    int (*finish_sum)(void *request, int wait, int *done, void *user);
    /* When not NULL, every step adds its seconds here. */
    struct cocob_comm_times *times;
} cocob_comm;

typedef struct cocob_train_options {
    size_t epochs; /* default 1 */
    size_t batch;  /* default 100, at most COCOB_BATCH_MAX; the last,
                                       partial batch is used */
    uint64_t seed; /* the shuffle's; default 1 */
    void (*on_step)(const cocob_step_report *r, void *user);
    void (*on_epoch)(const cocob_epoch_report *r, void *user);
    void *user;
    /* Saved after every epoch, and every checkpoint_every steps when that
     * is not 0; NULL saves nothing. A path that cannot be written fails
     * before the first step. */
    const char *checkpoint;
    size_t checkpoint_every;
    /* Continues the run saved there: the weights, the optimizer, the
     * generators and the place in the data, so that it goes on exactly as
     * the saved run would have. A checkpoint made with another batch size,
     * number of examples or data is refused (COCOB_ERR_INVALID_ARGUMENT,
     * naming both values), since its steps would mean other examples. NULL
     * starts afresh. */
    const char *resume;
    /* A batch whose loss or gradient is NaN or infinite stops the run with
     * COCOB_ERR_NONFINITE, naming the layer, the epoch and the step; with
     * this set it is dropped instead, untouched weights and all, and
     * counted in the epoch's report. */
    int skip_nonfinite;
    /* The monitor: called with every parameter tensor's statistics after
     * each epoch's last step, or every monitor_every steps when that is not
     * 0. NULL measures nothing and costs nothing. The statistics are
     * reductions on the device (the stats op); the median alone is taken on
     * the host, from the tensor's steps and gradients. */
    void (*on_monitor)(const cocob_monitor_report *r, void *user);
    size_t monitor_every;
    /* Asked after each step and between epochs, with user; when it returns
     * non-zero the run stops there, saves the checkpoint (when one is set)
     * at that very step, in the format checkpoint_every writes, so that a
     * resume goes on exactly, and returns COCOB_ERR_INTERRUPTED with a
     * message saying where it stopped and what was saved. A stop asked
     * during an epoch's last step comes after that epoch's save, evaluation
     * and report. The library installs no signal handler: a program that
     * wants Ctrl-C to stop cleanly sets a volatile sig_atomic_t in its own
     * handler and returns it here. NULL never stops. */
    int (*should_stop)(void *user);
    /* NULL: one process. Otherwise the run is data-parallel across
     * comm->size ranks: batch stays the global batch, and each rank takes a
     * contiguous share of it (the shares differ by at most one example; a
     * batch, the last included, must hold at least one example per rank).
     * The shuffle follows seed on every rank. Each rank's gradient, scaled by
     * its share of the batch, is summed across the ranks, so that every rank
     * takes the same step, that of one process on the whole batch up to the
     * order of the sums. The test set is evaluated in shares too, the
     * losses' and correct predictions' sums summed: one process's figures
     * up to the sums' order and the loss's sum rounded to float on each
     * rank. The reports are the whole batch's, on every rank;
     * rank 0 alone writes checkpoints; a resume may use another number of
     * ranks. The options, the data and the initial weights are compared
     * across the ranks before the first step, and the weights after each
     * epoch: a difference is COCOB_ERR_INVALID_ARGUMENT naming the rank. A
     * should_stop on any rank stops every rank after the same step. */
    const cocob_comm *comm;
} cocob_train_options;

COCOB_API void cocob_train_options_init(cocob_train_options *o);

/* Trains m with softmax cross-entropy on train's labels (a model whose
 * loss is another is refused, naming both), stepping opt (made over
 * cocob_model_params(m)), and evaluates on test (may be NULL) after each
 * epoch. A failure names the epoch and the step, or says "during the test
 * evaluation". With skip_nonfinite, an epoch whose every batch was dropped
 * fails with COCOB_ERR_NONFINITE and is not saved. */
COCOB_API cocob_status cocob_train(cocob_model *m, cocob_optimizer *opt,
                                   const cocob_dataset *train, const cocob_dataset *test,
                                   const cocob_train_options *o);

/* The mean loss and the accuracy of m on d, without dropout. */
COCOB_API cocob_status cocob_evaluate(cocob_model *m, const cocob_dataset *d, size_t batch,
                                      double *loss, double *accuracy);

#ifdef __cplusplus
}
#endif
#endif
