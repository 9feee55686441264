/* cocob's diagnostics, the `cocob` command's bench, tune and verify: the
 * optimizer step's and GEMM's speed, GEMM tuning, training steps' rate, and
 * every op on the device against the C reference. They take a context and
 * share its threading (see cocob.h). */
#ifndef COCOB_TOOLS_H
#define COCOB_TOOLS_H

#include "cocob/cocob.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Verify: the device against the C reference ------------------------- */

/* One op at one shape, over every call of it: the largest absolute error,
 * the largest error relative to the op's magnitude (|reference|, or for a
 * sum the sum of its terms' sizes), the tolerance on that, and whether every
 * element was within it. */
typedef struct cocob_verify_row {
    char op[32];
    char shape[64];
    double max_abs_err, max_rel_err, tolerance;
    size_t elements, calls;
    int pass;
} cocob_verify_row;

/* What a context made with COCOB_VERIFY_RECORD has tallied so far; NULL and
 * 0 for any other context. Valid until the context is destroyed. */
COCOB_API const cocob_verify_row *cocob_verify_rows(const cocob_context *ctx, size_t *count);

/* Runs every op, forward, backward and optimizer step, at several shapes: a
 * few training and evaluation steps of small models that use every layer,
 * on random data. ctx must be made with COCOB_VERIFY_RECORD; the results are
 * then in cocob_verify_rows. */
COCOB_API cocob_status cocob_verify_run(cocob_context *ctx);

/* ---- Benchmarks --------------------------------------------------------- */

/* The optimizer step against the plainest memory-bound kernel, side by side
 * on the context's device. Each is timed over blocks of `iterations` launches,
 * the blocks alternating; the best block of each counts, as in STREAM. */
typedef struct cocob_bench_update_result {
    size_t size;           /* elements */
    double update_seconds; /* one COCOB step over size elements */
    double update_gbps;    /* 7 floats read and 5 written per element */
    double triad_seconds;  /* one a = b + s * c over size elements */
    double triad_gbps;     /* 2 floats read and 1 written per element */
} cocob_bench_update_result;

COCOB_API cocob_status cocob_bench_update(cocob_context *ctx, size_t size, int iterations,
                                          cocob_bench_update_result *out);

/* ---- GEMM tuning (OpenCL) ------------------------------------------------ */

enum { COCOB_GEMM_SHAPES = 8, COCOB_GEMM_MAX_CANDIDATES = 48 };

/* op(A) is M x K, op(B) K x N; the shapes are one training step's GEMMs of
 * a 784-1000-1000-10 MLP at batch 100. */
typedef struct cocob_gemm_shape {
    int trans_a, trans_b;
    size_t M, N, K;
} cocob_gemm_shape;

typedef struct cocob_gemm_timing {
    char name[128]; /* "clblast", "outer 4x2x16 dot 4x2x16 group 1" */
    int ok;         /* 0: it failed to build or run, as logged */
    double gflops[COCOB_GEMM_SHAPES];
    double seconds;    /* every shape once, as in one training step */
    double gflops_all; /* all the shapes' work over seconds */
} cocob_gemm_timing;

typedef struct cocob_gemm_tuning {
    cocob_gemm_shape shapes[COCOB_GEMM_SHAPES];
    size_t candidate_count;
    cocob_gemm_timing candidates[COCOB_GEMM_MAX_CANDIDATES]; /* [0] is the default */
    cocob_gemm_timing base, tuned; /* the default and the winner, timed again
                                           side by side */
    char path[4096];               /* the parameters file written */
} cocob_gemm_tuning;

/* Times GEMM candidates on the context's OpenCL device (at most
 * max_candidates of them, 0 for all, the default always first), stores the
 * fastest beside the program cache and puts it in effect; later contexts on
 * the device load it. COCOB_ERR_UNSUPPORTED on other devices. */
COCOB_API cocob_status cocob_tune_gemm(cocob_context *ctx, size_t max_candidates,
                                       cocob_gemm_tuning *out);

/* The default GEMM and the stored one side by side, shape by shape, the two
 * alternating; has_tuned is 0 when nothing is stored (tuned is then unset). */
typedef struct cocob_bench_gemm_result {
    cocob_gemm_shape shapes[COCOB_GEMM_SHAPES];
    cocob_gemm_timing base, tuned;
    int has_tuned;
    char path[4096]; /* where the stored parameters are looked for */
} cocob_bench_gemm_result;

COCOB_API cocob_status cocob_bench_gemm(cocob_context *ctx, cocob_bench_gemm_result *out);

/* `cocob bench train`: a training step's rate, and where its time goes. The
 * rate comes from a plain run; the split from a second run that waits for
 * the device after each phase, so that each phase is timed alone. Then the
 * update's bandwidth floor, from a triad (as cocob_bench_update's) over as
 * many floats as the model has parameters, so that the floor and the step
 * share a size, and the device's load at the time. */
typedef struct cocob_bench_train_result {
    size_t steps, batch;
    double examples_per_second;
    double data, forward, backward, update; /* seconds per step */
    size_t parameters;
    double triad_gbps;
    double floor; /* seconds: 48 bytes a parameter at triad_gbps */
} cocob_bench_train_result;

COCOB_API cocob_status cocob_bench_train(cocob_context *ctx, const char *spec,
                                         const cocob_dataset *data, size_t batch, size_t steps,
                                         cocob_bench_train_result *out);

#ifdef __cplusplus
}
#endif
#endif
