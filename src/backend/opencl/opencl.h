/* The OpenCL backend's private pieces: device discovery, program build and
 * cache, and the backend itself. */
#ifndef COCOB_OPENCL_OPENCL_H
#define COCOB_OPENCL_OPENCL_H

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include "backend/backend.h"
#include "base/gemm_file.h"

/* "CL_OUT_OF_RESOURCES" and the like; "unknown OpenCL error" otherwise. */
const char *cocob_cl_error_name(cl_int code);

/* ---- devices.c ---- */

typedef struct cocob_cl_device {
    cl_platform_id platform;
    cl_device_id device;
    cocob_device_info info;
    int correct_divide; /* CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT */
    /* CL_DEVICE_HOST_UNIFIED_MEMORY. In a backend's own copy, whether its
     * buffers are host-visible and moved by mapping, which COCOB_UNIFIED=off
     * and =on decide instead. */
    int host_unified;
} cocob_cl_device;

/* Every device of every platform, in platform order. No platform at all
 * (-1001 from the ICD loader) is not a failure: *count is 0 and note says so. */
cocob_status cocob_cl_devices(cocob_cl_device **out, size_t *count, char *note, size_t note_cap,
                              cocob_error *err);

/* ---- the backend ---- */

/* What happened to programs, so that tests and --verbose can see the cache. */
typedef struct cocob_cl_stats {
    unsigned builds_from_source;
    unsigned cache_hits;
    unsigned cache_writes;
    unsigned cache_rejected; /* entries found corrupt or unusable, then rebuilt */
} cocob_cl_stats;

typedef struct cocob_cl_kernel_slot {
    const char *file; /* static strings: the op's own literals */
    const char *name;
    cl_kernel kernel;
} cocob_cl_kernel_slot;

/* The GEMM's tiles and parameters: see base/gemm_file.h. */
typedef cocob_gemm_tile cocob_cl_tile;
typedef cocob_gemm_params cocob_cl_gemm_params;

typedef struct cocob_cl_backend {
    cocob_backend base;
    cocob_cl_device dev;
    cl_context context;
    cl_command_queue queue;
    cl_program *programs; /* one per kernel file, built on first use */
    cocob_cl_kernel_slot *kernels;
    size_t kernel_count;
    cl_mem partials;       /* count_nonfinite's per-group sums, made on first use */
    cl_mem stats_partials; /* stats' per-group partials, made on first use */
    /* conv2d's scratch, grown as needed: conv2d_grad_weights' per-slice
     * sums, and padded copies of an input and of a gradient. */
    cl_mem conv_scratch[3];
    size_t conv_scratch_bytes[3];
    char options[512];
    cocob_cl_gemm_params gemm; /* the defaults, or what `cocob tune` stored */
    int clblast_used;          /* CLBlast has built programs for this context */
    /* No stored parameters: the first gemm tunes first, for about this
     * many seconds (COCOB_CL_GEMM_FIRST_USE_SECONDS); 0 when nothing is
     * pending. */
    double gemm_tune_seconds;
    cocob_cl_stats stats;
} cocob_cl_backend;

static inline cl_mem cocob_cl_mem(const cocob_buffer *buf)
{
    return (cl_mem)buf->handle;
}

/* Records a failed OpenCL call, naming the call, the device and the error. */
cocob_status cocob_cl_failed(cocob_backend *b, const char *what, cl_int rc);

/* ---- program.c: one program per file of cl/, built on first use ---- */

/* The kernel files, in the order they were embedded, such as "cocob.cl". */
size_t cocob_cl_file_count(void);
const char *cocob_cl_file_name(size_t i);

/* Reads a file's source: from $COCOB_KERNEL_DIR when set, else the copy
 * embedded at build time. *src is malloc'd. */
cocob_status cocob_cl_source(const char *file, char **src, size_t *len, cocob_error *err);

/* The build options for a device: -cl-std=CL1.2, strict IEEE maths, and the
 * device-specific defines, all decided here and nowhere else. */
void cocob_cl_build_options(const cocob_cl_device *dev, char *out, size_t cap);

/* The program of a kernel file, built (or loaded from the cache) on first
 * use. Every program starts with the prelude, philox.cl. */
cocob_status cocob_cl_program(cocob_cl_backend *b, const char *file, cl_program *out);

/* The options a file's program is built with: the device's, and for gemm.cl
 * its tiles as defines. */
void cocob_cl_program_options(const cocob_cl_backend *b, const char *file, char *out, size_t cap);

/* Releases a file's program and kernels, so that the next use rebuilds them
 * with the options in effect then. */
void cocob_cl_forget_program(cocob_cl_backend *b, const char *file);

/* The kernel called name in file, created once and kept. */
cocob_status cocob_cl_kernel(cocob_cl_backend *b, const char *file, const char *name,
                             cl_kernel *out);

/* ---- launch.c ---- */

/* Sets argument i unless an earlier one failed; returns the first failure. */
cl_int cocob_cl_arg(cl_kernel k, cl_uint i, size_t size, const void *value, cl_int rc);
/* Sets an update kernel's guard, arguments i (the buffer, NULL for none) and
 * i + 1 (its offset), as cocob_cl_arg does. */
cl_int cocob_cl_skip_args(cl_kernel k, cl_uint i, const cocob_buffer *skip, size_t skip_offset,
                          cl_int rc);
/* Sets the arguments the fused updates open with (cl/cocob.cl, ckt.cl,
 * kt.cl), from 0: w and its offset, the gradient and its offset, the
 * states buffers in turn, their shared offset, and n; *next is the index
 * after them. */
cl_int cocob_cl_update_args(cl_kernel k, const cocob_buffer *w, size_t w_offset,
                            const cocob_buffer *grad, size_t grad_offset,
                            cocob_buffer *const *state, int states, size_t state_offset, size_t n,
                            cl_uint *next);

/* The largest work-group size the kernel (CL_KERNEL_WORK_GROUP_SIZE) and the
 * device (CL_DEVICE_MAX_WORK_GROUP_SIZE) allow. */
cocob_status cocob_cl_group_limit(cocob_cl_backend *b, cl_kernel k, size_t *out);
/* The largest work-group size the kernel (CL_KERNEL_WORK_GROUP_SIZE) and the
 * device (CL_DEVICE_MAX_WORK_GROUP_SIZE) allow, at most 256, and for which
 * local_per_item bytes of __local scratch per work-item fit beside the
 * kernel's own (CL_KERNEL_LOCAL_MEM_SIZE, CL_DEVICE_LOCAL_MEM_SIZE); a
 * power of two when pow2 is set (tree reductions need one). A device that
 * cannot hold one work-item's scratch is an error naming name. */
cocob_status cocob_cl_group_size(cocob_cl_backend *b, cl_kernel k, const char *name, int pow2,
                                 size_t local_per_item, size_t *out);
/* What a tree reduction's launch needs (count_nonfinite, stats): its
 * per-group partials buffer of bytes, made on first use and kept in
 * *partials (what names it in a failure), a power-of-two group size with
 * local_per_item bytes of scratch each, and enough groups for n elements,
 * at most most_groups. */
cocob_status cocob_cl_reduction(cocob_cl_backend *b, cl_kernel k, const char *name,
                                size_t local_per_item, cl_mem *partials, size_t bytes,
                                const char *what, size_t n, size_t most_groups, size_t *local,
                                size_t *groups);

cocob_status cocob_cl_enqueue(cocob_cl_backend *b, cl_kernel k, const char *name, size_t global,
                              size_t local);

/* One work-item per element, for kernels that test i < n. */
cocob_status cocob_cl_launch_1d(cocob_cl_backend *b, cl_kernel k, const char *name, size_t n);

/* A rows-by-columns kernel (argmax, mse, softmax_xent): file's kernel name
 * takes each of the count operands as buffer and offset, then rows and
 * cols, and is launched over items work-items. */
cocob_status cocob_cl_launch_rows(cocob_backend *base, const char *file, const char *name,
                                  const cocob_span *operand, cl_uint count, size_t rows,
                                  size_t cols, size_t items);

/* ---- the ops, each in the file of its name ---- */

cocob_status cocob_cl_cocob_update(cocob_backend *b, const cocob_update_args *a);
/* Sets a baseline kernel's common arguments (w, the gradient, `states` state
 * buffers, offsets and n), then its float scalars and its int flags, in
 * order, and launches it over n (baseline.c). */
cocob_status cocob_cl_baseline_launch(cocob_backend *b, const char *file, const char *kernel,
                                      const cocob_baseline_args *a, int states,
                                      const float *scalars, int count, const cl_int *flags,
                                      int flag_count);
cocob_status cocob_cl_sgd_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_cl_adagrad_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_cl_rmsprop_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_cl_adadelta_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_cl_adam_update(cocob_backend *b, const cocob_baseline_args *a);
cocob_status cocob_cl_ckt_update(cocob_backend *b, const cocob_ckt_args *a);
cocob_status cocob_cl_kt_update(cocob_backend *b, const cocob_kt_args *a);
cocob_status cocob_cl_dog_update(cocob_backend *b, const cocob_dog_args *a);
cocob_status cocob_cl_lr_free_reduce(cocob_backend *b, const cocob_lr_free_reduce_args *a);
cocob_status cocob_cl_lr_free_finalize(cocob_backend *b, const cocob_lr_free_finalize_args *a);
cocob_status cocob_cl_prodigy_accumulate(cocob_backend *b,
                                         const cocob_prodigy_accumulate_args *a);
cocob_status cocob_cl_prodigy_update(cocob_backend *b, const cocob_prodigy_update_args *a);
cocob_status cocob_cl_dadapt_adam_accumulate(cocob_backend *b,
                                             const cocob_dadapt_adam_accumulate_args *a);
cocob_status cocob_cl_dadapt_adam_update(cocob_backend *b,
                                         const cocob_dadapt_adam_update_args *a);
cocob_status cocob_cl_schedule_free_update(cocob_backend *b, const cocob_schedule_free_args *a);
cocob_status cocob_cl_stats_op(cocob_backend *b, cocob_span x, cocob_span y, cocob_span z,
                               size_t n, cocob_stats *out);
cocob_status cocob_cl_count_nonfinite(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                      size_t n, size_t *count);
cocob_status cocob_cl_flag_nonfinite(cocob_backend *b, cocob_span x, size_t n, cocob_span flag);
cocob_status cocob_cl_triad(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                            const cocob_buffer *c, float s, size_t n);
cocob_status cocob_cl_gemm(cocob_backend *b, int trans_a, int trans_b, size_t M, size_t N,
                           size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                           size_t ldb, float beta, cocob_span C, size_t ldc);
cocob_status cocob_cl_conv2d(cocob_backend *b, const cocob_conv_shape *s, cocob_span x,
                             cocob_span w, cocob_span y);
cocob_status cocob_cl_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *s,
                                        cocob_span dy, cocob_span w, cocob_span dx);
cocob_status cocob_cl_conv2d_grad_weights(cocob_backend *b, const cocob_conv_shape *s,
                                          cocob_span dy, cocob_span x, cocob_span dw);
cocob_status cocob_cl_maxpool(cocob_backend *b, const cocob_pool_shape *s, cocob_span x,
                              cocob_span y, cocob_span idx);
cocob_status cocob_cl_maxpool_grad(cocob_backend *b, const cocob_pool_shape *s, cocob_span dy,
                                   cocob_span idx, cocob_span dx);
cocob_status cocob_cl_bias_add(cocob_backend *b, cocob_activation f, cocob_span x,
                               cocob_span bias, cocob_span y, size_t outer, size_t channels,
                               size_t inner);
cocob_status cocob_cl_bias_grad(cocob_backend *b, cocob_span dy, cocob_span db, size_t outer,
                                size_t channels, size_t inner);
cocob_status cocob_cl_activation(cocob_backend *b, cocob_activation f, cocob_span x, cocob_span y,
                                 size_t n);
cocob_status cocob_cl_activation_grad(cocob_backend *b, cocob_activation f, cocob_span y,
                                      cocob_span dy, cocob_span dx, size_t n);
cocob_status cocob_cl_softmax_xent(cocob_backend *b, cocob_span logits, cocob_span labels,
                                   cocob_span loss, size_t rows, size_t classes);
cocob_status cocob_cl_softmax_xent_grad(cocob_backend *b, cocob_span logits, cocob_span labels,
                                        cocob_span dlogits, size_t rows, size_t classes);
cocob_status cocob_cl_mse(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span loss,
                          size_t rows, size_t cols);
cocob_status cocob_cl_mse_grad(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span dx,
                               size_t rows, size_t cols);
cocob_status cocob_cl_argmax(cocob_backend *b, cocob_span x, cocob_span out, size_t rows,
                             size_t cols);
cocob_status cocob_cl_dropout(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                              uint64_t seed, uint64_t counter);
cocob_status cocob_cl_dropout_grad(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                   float p, uint64_t seed, uint64_t counter);

/* ---- gemm.c, gemm_params.c, gemm_table.c, gemm_tune.c: the GEMM's parameters ---- */

/* The built-in table's entry for d's class of device (CPU, NVIDIA, AMD or
 * Intel GPU, anything else), and the class's name. have_clblast: whether the
 * build has CLBlast, which a GPU's entry then names. */
const char *cocob_cl_gemm_table(const cocob_device_info *d, int have_clblast,
                                cocob_gemm_params *out);

/* The table's entry when it is within lim; else the smallest tile, which is
 * within any device's limits, with why saying what did not fit ("" when it
 * did). Returns the class's name, or "safe default". */
const char *cocob_cl_gemm_table_fitted(const cocob_device_info *d, const cocob_gemm_limits *lim,
                                       cocob_gemm_params *out, char *why, size_t cap);

/* What dev allows a parameters file or table entry to ask for; device_line
 * (at least 1024 bytes) receives the line a file must hold. */
void cocob_cl_gemm_limits(const cocob_cl_device *dev, char *device_line, size_t cap,
                          cocob_gemm_limits *lim);

/* The table's entry for dev, as cocob_cl_gemm_table_fitted gives it. */
void cocob_cl_gemm_default(const cocob_cl_device *dev, cocob_cl_gemm_params *out);

/* "-DGEMM_OUTER_TM=4 ...", for gemm.cl's build. */
void cocob_cl_gemm_defines(const cocob_cl_gemm_params *p, char *out, size_t cap);

/* "clblast" or "outer 4x2x16/1 dot 4x2x16/1" (tm x nv x vw / group). */
void cocob_cl_gemm_describe(const cocob_cl_gemm_params *p, char *out, size_t cap);

/* Lets go of what CLBlast keeps for b's context, before it is released. */
void cocob_cl_gemm_release(cocob_cl_backend *b);

/* Puts p in effect for the following gemm calls. */
void cocob_cl_gemm_use(cocob_cl_backend *b, const cocob_cl_gemm_params *p);

/* The device's parameters file beside the program cache, keyed like a
 * program by the device's name, driver and platform. Returns 0 when the
 * cache is off or has no folder. */
int cocob_cl_gemm_params_path(const cocob_cl_device *dev, char *out, size_t cap);

/* Returns 1 with *p filled, 0 when there is no file, -1 when it is unreadable
 * or corrupt (reason says how, naming the file). */
int cocob_cl_gemm_params_read(const char *path, const cocob_cl_device *dev,
                              cocob_cl_gemm_params *p, char *reason, size_t reason_cap);

/* Writes through a temporary file and a rename. Returns 0 on success. */
int cocob_cl_gemm_params_write(const char *path, const cocob_cl_device *dev,
                               const cocob_cl_gemm_params *p, char *reason, size_t reason_cap);

/* At backend creation: the stored parameters when there are good ones, the
 * defaults otherwise, with a warning naming a bad file. With no file at all,
 * and COCOB_GEMM_TUNE not off, the first gemm call tunes first. */
void cocob_cl_gemm_load(cocob_cl_backend *b);

/* The first-use tuning's bound on its own wall time, builds included: a few
 * seconds is unnoticed beside a training run's start (data loading, the
 * kernels' first builds), and on PoCL it takes in the table's entry and two
 * or three tiles more, a candidate's build and timing taking about 0.7 s. A
 * candidate started before the bound runs to its end, and the first always
 * runs: it is what the run would otherwise use. */
#define COCOB_CL_GEMM_FIRST_USE_SECONDS 3.0

/* The first-use tuning: a few candidates from the table's entry on, within
 * a few seconds, stored as `cocob tune` stores its result and put in effect.
 * Never fails: a failure is logged and the table's entry kept. */
void cocob_cl_gemm_first_use_tune(cocob_cl_backend *b);

/* `cocob tune` and `cocob bench gemm` on b: see cocob_tune_gemm. */
cocob_status cocob_cl_gemm_tune(cocob_cl_backend *b, size_t max_candidates,
                                cocob_gemm_tuning *out);
cocob_status cocob_cl_gemm_bench(cocob_cl_backend *b, cocob_bench_gemm_result *out);

/* The backend as an OpenCL one, or NULL when it is another kind. */
cocob_cl_backend *cocob_cl_backend_of(cocob_backend *b);

cocob_status cocob_cl_backend_create(const cocob_cl_device *dev, cocob_error *err,
                                     const cocob_logger *log, cocob_backend **out);


/* ---- cache.c: built programs on disk ---- */

/* The cache folder: $COCOB_CACHE_DIR, $XDG_CACHE_HOME/cocob, ~/.cache/cocob.
 * Returns 0 when the cache is off (COCOB_CACHE=off) or no folder is known. */
int cocob_cl_cache_dir(char *out, size_t cap);
/* Once a process, a warning that the cache is off though no setting asked
 * for that: HOME unset, or a cache path too long. */
void cocob_cl_cache_warn_off(const cocob_logger *log);

/* The entry's file name: a hash of everything the binary depends on. */
void cocob_cl_cache_key(const cocob_cl_device *dev, const char *options, const char *src,
                        size_t src_len, char out[33]);

/* Reads an entry. Returns 1 with *bin malloc'd when it is whole, 0 when absent,
 * -1 when it exists but is corrupt (reason says how). */
int cocob_cl_cache_read(const char *dir, const char *key, unsigned char **bin, size_t *len,
                        char *reason, size_t reason_cap);

/* Writes an entry whole (base/replace.h), so that a reader never sees half
 * of one. Returns 0 on success; reason says why not. */
int cocob_cl_cache_write(const char *dir, const char *key, const unsigned char *bin, size_t len,
                         char *reason, size_t reason_cap);

/* mkdir -p; 0 on success. */
int cocob_cl_make_dirs(const char *dir);

#endif
