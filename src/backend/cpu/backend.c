/* The cpu backend: ref's table, with GEMM from OpenBLAS and the loops that
 * take time split over OpenMP threads. Each split op runs the very loop of
 * src/backend/ref, or one of maxpool.c and elementwise.c that computes the
 * same to the bit, on disjoint ranges, cut along an axis where every output
 * is computed as ref computes it: elements, rows, channels or planes, never
 * the terms of a sum. So every op but gemm and the convolutions (conv2d.c,
 * OpenBLAS's GEMMs image by image) equals ref bit for bit. */
#include <cblas.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"
#include "base/checked.h"

/* The table is the backend's own: ref's, with the ops below put in. */
typedef struct cpu_backend {
    cocob_backend base; /* first, so that a cocob_backend * is a cpu_backend * */
    cocob_backend_i iface;
    float *scratch; /* the convolutions' */
    size_t scratch_floats;
} cpu_backend;

cocob_status cocob_cpu_scratch(cocob_backend *b, size_t threads, size_t per, float **out)
{
    cpu_backend *c = (cpu_backend *)b;
    size_t floats, bytes;
    if (!size_mul(threads, per, &floats) || !size_mul(floats, sizeof(float), &bytes))
        return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY,
                          "cpu: a convolution's scratch, %zu threads x %zu floats, is more than "
                          "memory can address",
                          threads, per);
    if (floats > c->scratch_floats) {
        float *grown = malloc(bytes);
        if (!grown)
            return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY,
                              "cpu: out of host memory for a convolution's scratch, %zu bytes "
                              "(%zu threads x %zu floats)",
                              bytes, threads, per);
        free(c->scratch);
        c->scratch = grown;
        c->scratch_floats = floats;
    }
    *out = c->scratch;
    return COCOB_OK;
}

static void cpu_destroy(cocob_backend *b)
{
    free(((cpu_backend *)b)->scratch);
    free(b);
}

static float *floats(const cocob_buffer *buf, size_t offset)
{
    return (float *)buf->handle + offset;
}

/* ---- elementwise: chunks of the same elements ---- */

typedef struct fill_args {
    float *p, value;
} fill_args;

static void fill_chunk(void *arg, size_t first, size_t end)
{
    fill_args *a = arg;
    for (size_t i = first; i < end; i++)
        a->p[i] = a->value;
}

static cocob_status cpu_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                             size_t count)
{
    (void)b;
    fill_args a = {floats(dst, offset), value};
    cocob_cpu_for(count, 1, fill_chunk, &a);
    return COCOB_OK;
}

static void update_chunk(void *arg, size_t first, size_t end)
{
    const cocob_update_args *a = arg;
    size_t s = a->state_offset + first;
    cocob_ref_cocob_update(
        floats(a->w, a->w_offset + first), floats(a->grad, a->grad_offset + first),
        floats(a->state[COCOB_STATE_W1], s), floats(a->state[COCOB_STATE_L], s),
        floats(a->state[COCOB_STATE_G], s), floats(a->state[COCOB_STATE_REWARD], s),
        floats(a->state[COCOB_STATE_THETA], s), end - first, a->alpha, a->weight_decay);
}

static cocob_status cpu_cocob_update(cocob_backend *b, const cocob_update_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->n, 1, update_chunk, (void *)a);
    return COCOB_OK;
}

/* The baselines' steps: ref's own op on each chunk, its offsets moved. */
typedef struct baseline_split {
    cocob_backend *b;
    const cocob_baseline_args *a;
    cocob_status (*op)(cocob_backend *b, const cocob_baseline_args *a);
} baseline_split;

static void baseline_chunk(void *arg, size_t first, size_t end)
{
    const baseline_split *bs = arg;
    cocob_baseline_args part = *bs->a;
    part.w_offset += first;
    part.grad_offset += first;
    part.state_offset += first;
    part.n = end - first;
    bs->op(bs->b, &part);
}

#define CPU_BASELINE(name)                                                         \
    static cocob_status cpu_##name(cocob_backend *b, const cocob_baseline_args *a) \
    {                                                                              \
        if (cocob_ref_update_skipped(a->skip, a->skip_offset))                     \
            return COCOB_OK;                                                       \
        baseline_split bs = {b, a, cocob_ref_iface.name};                          \
        cocob_cpu_for(a->n, 1, baseline_chunk, &bs);                               \
        return COCOB_OK;                                                           \
    }
CPU_BASELINE(sgd_update)
CPU_BASELINE(adagrad_update)
CPU_BASELINE(rmsprop_update)
CPU_BASELINE(adadelta_update)
CPU_BASELINE(adam_update)
#undef CPU_BASELINE

static void ckt_chunk(void *arg, size_t first, size_t end)
{
    const cocob_ckt_args *a = arg;
    size_t s = a->state_offset + first;
    cocob_ref_ckt_update(floats(a->w, a->w_offset + first),
                         floats(a->grad, a->grad_offset + first),
                         floats(a->state[COCOB_CKT_SUM], s),
                         floats(a->state[COCOB_CKT_REWARD], s), floats(a->state[COCOB_CKT_T], s),
                         floats(a->state[COCOB_CKT_X0], s), end - first, a->weight_decay);
}

static cocob_status cpu_ckt_update(cocob_backend *b, const cocob_ckt_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->n, 1, ckt_chunk, (void *)a);
    return COCOB_OK;
}

static void kt_chunk(void *arg, size_t first, size_t end)
{
    const cocob_kt_args *a = arg;
    size_t s = a->state_offset + first;
    cocob_ref_kt_update(floats(a->w, a->w_offset + first),
                        floats(a->grad, a->grad_offset + first),
                        floats(a->state[COCOB_KT_THETA], s), floats(a->state[COCOB_KT_X0], s),
                        end - first, a->weight_decay, floats(a->scalars, a->scalars_offset));
}

static cocob_status cpu_kt_update(cocob_backend *b, const cocob_kt_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->n, 1, kt_chunk, (void *)a);
    return COCOB_OK;
}

static void dog_chunk(void *arg, size_t first, size_t end)
{
    const cocob_dog_args *a = arg;
    cocob_ref_dog_update(floats(a->w, a->w_offset + first),
                         floats(a->grad, a->grad_offset + first), end - first, a->weight_decay,
                         floats(a->scalars, a->eta_offset));
}

static cocob_status cpu_dog_update(cocob_backend *b, const cocob_dog_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->n, 1, dog_chunk, (void *)a);
    return COCOB_OK;
}

static void reduce_chunk(void *arg, size_t first, size_t end)
{
    const cocob_lr_free_reduce_args *a = arg;
    cocob_ref_lr_free_reduce(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                             floats(a->x0, a->x0_offset), a->n, a->weight_decay, a->parts, first,
                             end, floats(a->partials, a->partials_offset));
}

/* A thread a run of parts: each part's sums are ref's, whoever sums it. */
static cocob_status cpu_lr_free_reduce(cocob_backend *b, const cocob_lr_free_reduce_args *a)
{
    (void)b;
    cocob_cpu_for(a->parts, a->n / a->parts + 1, reduce_chunk, (void *)a);
    return COCOB_OK;
}

static void prodigy_accumulate_chunk(void *arg, size_t first, size_t end)
{
    const cocob_prodigy_accumulate_args *a = arg;
    size_t s = a->state_offset;
    cocob_ref_prodigy_accumulate(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                                 floats(a->state[COCOB_PRODIGY_P0], s),
                                 floats(a->state[COCOB_PRODIGY_EXP_AVG], s),
                                 floats(a->state[COCOB_PRODIGY_EXP_AVG_SQ], s),
                                 floats(a->state[COCOB_PRODIGY_S], s), a->n, &a->h,
                                 floats(a->scalars, a->scalars_offset), a->parts, first, end,
                                 floats(a->partials, a->partials_offset));
}

/* A thread a run of parts, as lr_free_reduce: each part's sums ref's. */
static cocob_status cpu_prodigy_accumulate(cocob_backend *b,
                                           const cocob_prodigy_accumulate_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->parts, a->n / a->parts + 1, prodigy_accumulate_chunk, (void *)a);
    return COCOB_OK;
}

static void prodigy_update_chunk(void *arg, size_t first, size_t end)
{
    const cocob_prodigy_update_args *a = arg;
    size_t s = a->state_offset + first;
    cocob_ref_prodigy_update(floats(a->w, a->w_offset + first),
                             floats(a->grad, a->grad_offset + first), floats(a->exp_avg, s),
                             floats(a->exp_avg_sq, s), end - first, &a->h,
                             floats(a->scalars, a->scalars_offset));
}

static cocob_status cpu_prodigy_update(cocob_backend *b, const cocob_prodigy_update_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->n, 1, prodigy_update_chunk, (void *)a);
    return COCOB_OK;
}

static void dadapt_adam_accumulate_chunk(void *arg, size_t first, size_t end)
{
    const cocob_dadapt_adam_accumulate_args *a = arg;
    size_t s = a->state_offset;
    cocob_ref_dadapt_adam_accumulate(a, floats(a->w, a->w_offset),
                                     floats(a->grad, a->grad_offset),
                                     floats(a->state[COCOB_DADAPT_ADAM_EXP_AVG], s),
                                     floats(a->state[COCOB_DADAPT_ADAM_EXP_AVG_SQ], s),
                                     floats(a->state[COCOB_DADAPT_ADAM_S], s),
                                     *floats(a->scalars, a->dlr_offset), first, end,
                                     floats(a->partials, a->partials_offset));
}

/* A thread a run of parts, as lr_free_reduce's: the sums are ref's. */
static cocob_status cpu_dadapt_adam_accumulate(cocob_backend *b,
                                               const cocob_dadapt_adam_accumulate_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->parts, a->n / a->parts + 1, dadapt_adam_accumulate_chunk, (void *)a);
    return COCOB_OK;
}

static void dadapt_adam_update_chunk(void *arg, size_t first, size_t end)
{
    const cocob_dadapt_adam_update_args *a = arg;
    size_t s = a->state_offset + first;
    cocob_ref_dadapt_adam_update(floats(a->w, a->w_offset + first), floats(a->state[0], s),
                                 floats(a->state[1], s), end - first, a->eps, a->decay,
                                 floats(a->scalars, a->scalars_offset));
}

static cocob_status cpu_dadapt_adam_update(cocob_backend *b,
                                           const cocob_dadapt_adam_update_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->n, 1, dadapt_adam_update_chunk, (void *)a);
    return COCOB_OK;
}

static void schedule_free_chunk(void *arg, size_t first, size_t end)
{
    const cocob_schedule_free_args *a = arg;
    size_t s = a->state_offset + first;
    cocob_ref_schedule_free_update(floats(a->w, a->w_offset + first),
                                   a->grad ? floats(a->grad, a->grad_offset + first) : NULL,
                                   floats(a->z, s),
                                   a->exp_avg_sq ? floats(a->exp_avg_sq, s) : NULL, end - first,
                                   &a->h);
}

static cocob_status cpu_schedule_free_update(cocob_backend *b, const cocob_schedule_free_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_cpu_for(a->n, 1, schedule_free_chunk, (void *)a);
    return COCOB_OK;
}

typedef struct nonfinite_args {
    const float *x;
    size_t count;
} nonfinite_args;

static void nonfinite_chunk(void *arg, size_t first, size_t end)
{
    nonfinite_args *a = arg;
    size_t here = cocob_ref_count_nonfinite(a->x + first, end - first);
    /* A sum of integers: exact in any order. */
#pragma omp atomic
    a->count += here;
}

typedef struct flag_args {
    const float *x;
    int32_t *flag;
} flag_args;

static void flag_chunk(void *arg, size_t first, size_t end)
{
    flag_args *a = arg;
    if (cocob_ref_count_nonfinite(a->x + first, end - first)) {
        /* Every chunk that finds one writes the same 1. */
#pragma omp atomic write
        *a->flag = 1;
    }
}

static cocob_status cpu_flag_nonfinite(cocob_backend *b, cocob_span x, size_t n, cocob_span flag)
{
    (void)b;
    flag_args a = {floats(x.buf, x.off), (int32_t *)(void *)floats(flag.buf, flag.off)};
    cocob_cpu_for(n, 1, flag_chunk, &a);
    return COCOB_OK;
}

static cocob_status cpu_count_nonfinite(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                        size_t n, size_t *count)
{
    (void)b;
    nonfinite_args a = {floats(x, offset), 0};
    cocob_cpu_for(n, 1, nonfinite_chunk, &a);
    *count = a.count;
    return COCOB_OK;
}

typedef struct triad_args {
    float *a;
    const float *b, *c;
    float s;
} triad_args;

static void triad_chunk(void *arg, size_t first, size_t end)
{
    triad_args *t = arg;
    cocob_ref_triad(t->a + first, t->b + first, t->c + first, t->s, end - first);
}

static cocob_status cpu_triad(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                              const cocob_buffer *c, float s, size_t n)
{
    (void)b;
    triad_args t = {floats(a, 0), floats(bb, 0), floats(c, 0), s};
    cocob_cpu_for(n, 1, triad_chunk, &t);
    return COCOB_OK;
}

/* activation, activation_grad, dropout and dropout_grad. */
typedef struct unary_args {
    cocob_activation f;
    const float *y; /* activation_grad's y */
    const float *in;
    float *out;
    float p; /* dropout's */
    uint64_t seed, counter;
} unary_args;

static void activation_chunk(void *arg, size_t first, size_t end)
{
    unary_args *a = arg;
    cocob_cpu_activation_run(a->f, a->in + first, a->out + first, end - first);
}

static cocob_status cpu_activation(cocob_backend *b, cocob_activation f, cocob_span x,
                                   cocob_span y, size_t n)
{
    (void)b;
    unary_args a = {.f = f, .in = span_floats(x), .out = span_floats(y)};
    cocob_cpu_for(n, 1, activation_chunk, &a);
    return COCOB_OK;
}

static void activation_grad_chunk(void *arg, size_t first, size_t end)
{
    unary_args *a = arg;
    cocob_cpu_activation_grad_run(a->f, a->y + first, a->in + first, a->out + first, end - first);
}

static cocob_status cpu_activation_grad(cocob_backend *b, cocob_activation f, cocob_span y,
                                        cocob_span dy, cocob_span dx, size_t n)
{
    (void)b;
    unary_args a = {.f = f, .y = span_floats(y), .in = span_floats(dy), .out = span_floats(dx)};
    cocob_cpu_for(n, 1, activation_grad_chunk, &a);
    return COCOB_OK;
}

/* The mask is a function of the element's index, counter + i, so a chunk
 * starting at first draws from counter + first. */
static void dropout_chunk(void *arg, size_t first, size_t end)
{
    unary_args *a = arg;
    cocob_cpu_dropout_run(a->in + first, a->out + first, end - first, a->p, a->seed,
                          a->counter + first);
}

static void dropout_on(cocob_span in, cocob_span out, size_t n, float p, uint64_t seed,
                       uint64_t counter)
{
    unary_args a = {.in = span_floats(in),
                    .out = span_floats(out),
                    .p = p,
                    .seed = seed,
                    .counter = counter};
    cocob_cpu_for(n, 1, dropout_chunk, &a);
}

static cocob_status cpu_dropout(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                                uint64_t seed, uint64_t counter)
{
    (void)b;
    dropout_on(x, y, n, p, seed, counter);
    return COCOB_OK;
}

static cocob_status cpu_dropout_grad(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                     float p, uint64_t seed, uint64_t counter)
{
    (void)b;
    dropout_on(dy, dx, n, p, seed, counter);
    return COCOB_OK;
}

/* ---- rows, channels and planes ---- */

/* bias_add and bias_grad, over outer x channels x inner. */
typedef struct bias_args {
    cocob_activation f;
    const float *x, *bias;
    float *y;
    size_t channels, inner;
    size_t outer; /* bias_grad's */
} bias_args;

static void bias_add_chunk(void *arg, size_t first, size_t end)
{
    bias_args *a = arg;
    size_t at = first * a->channels * a->inner;
    cocob_cpu_bias_add_rows(a->f, a->x + at, a->bias, a->y + at, end - first, a->channels,
                            a->inner);
}

static cocob_status cpu_bias_add(cocob_backend *b, cocob_activation f, cocob_span x,
                                 cocob_span bias, cocob_span y, size_t outer, size_t channels,
                                 size_t inner)
{
    (void)b;
    bias_args a = {.f = f,
                   .x = span_floats(x),
                   .bias = span_floats(bias),
                   .y = span_floats(y),
                   .channels = channels,
                   .inner = inner};
    cocob_cpu_for(outer, channels * inner, bias_add_chunk, &a);
    return COCOB_OK;
}

/* Cut along channels, not along the sum over outer and inner, so that each
 * db[c] adds its terms in ref's order. */
static void bias_grad_chunk(void *arg, size_t first, size_t end)
{
    bias_args *a = arg;
    cocob_cpu_bias_grad_channels(a->x, a->y, a->outer, a->channels, a->inner, first, end);
}

static cocob_status cpu_bias_grad(cocob_backend *b, cocob_span dy, cocob_span db, size_t outer,
                                  size_t channels, size_t inner)
{
    (void)b;
    bias_args a = {.x = span_floats(dy),
                   .y = span_floats(db),
                   .channels = channels,
                   .inner = inner,
                   .outer = outer};
    cocob_cpu_for(channels, outer * inner, bias_grad_chunk, &a);
    return COCOB_OK;
}

typedef struct rows_args {
    const float *x;
    float *y;
    int32_t *idx;
    size_t cols;
} rows_args;

static void argmax_chunk(void *arg, size_t first, size_t end)
{
    rows_args *a = arg;
    cocob_ref_argmax(a->x + first * a->cols, a->idx + first, end - first, a->cols);
}

static cocob_status cpu_argmax(cocob_backend *b, cocob_span x, cocob_span out, size_t rows,
                               size_t cols)
{
    (void)b;
    rows_args a = {.x = span_floats(x), .idx = span_ints(out), .cols = cols};
    cocob_cpu_for(rows, cols, argmax_chunk, &a);
    return COCOB_OK;
}

/* Max-pooling's planes are independent: a chunk is the same shape with
 * fewer planes. */
typedef struct pool_args {
    const cocob_pool_shape *s;
    const float *in;
    float *out;
    int32_t *idx;
} pool_args;

static cocob_pool_shape planes_of(const cocob_pool_shape *s, size_t first, size_t end)
{
    cocob_pool_shape part = *s;
    part.planes = end - first;
    return part;
}

static void maxpool_chunk(void *arg, size_t first, size_t end)
{
    pool_args *a = arg;
    cocob_pool_shape part = planes_of(a->s, first, end);
    size_t out = first * a->s->out_h * a->s->out_w;
    cocob_cpu_maxpool_planes(&part, a->in + first * a->s->height * a->s->width, a->out + out,
                             a->idx + out);
}

static cocob_status cpu_maxpool(cocob_backend *b, const cocob_pool_shape *sh, cocob_span x,
                                cocob_span y, cocob_span idx)
{
    (void)b;
    pool_args a = {sh, span_floats(x), span_floats(y), span_ints(idx)};
    cocob_cpu_for(sh->planes, sh->out_h * sh->out_w * sh->size * sh->size, maxpool_chunk, &a);
    return COCOB_OK;
}

static void maxpool_grad_chunk(void *arg, size_t first, size_t end)
{
    pool_args *a = arg;
    cocob_pool_shape part = planes_of(a->s, first, end);
    size_t out = first * a->s->out_h * a->s->out_w;
    cocob_cpu_maxpool_grad_planes(&part, a->in + out, a->idx + out,
                                  a->out + first * a->s->height * a->s->width);
}

static cocob_status cpu_maxpool_grad(cocob_backend *b, const cocob_pool_shape *sh, cocob_span dy,
                                     cocob_span idx, cocob_span dx)
{
    (void)b;
    pool_args a = {sh, span_floats(dy), span_floats(dx), span_ints(idx)};
    cocob_cpu_for(sh->planes, sh->height * sh->width, maxpool_grad_chunk, &a);
    return COCOB_OK;
}

/* ---- the backend ---- */

void cocob_cpu_device_info(cocob_device_info *info)
{
    memset(info, 0, sizeof *info);
    strcpy(info->selector, "cpu");
    info->type = COCOB_DEVICE_CPU;
    info->platform_index = -1;
    info->device_index = -1;
    int threads = omp_get_max_threads();
    /* Which OpenBLAS the loader found: Debian's OpenMP and pthreads builds
     * share a soname, and only the OpenMP one shares our thread pool. */
    int parallel = openblas_get_parallel();
    snprintf(info->name, sizeof info->name, "CPU (OpenBLAS %s, %d thread%s)",
             parallel == 2   ? "OpenMP"
             : parallel == 1 ? "pthreads"
                             : "sequential",
             threads, threads == 1 ? "" : "s");
    strcpy(info->vendor, "cocob");
    snprintf(info->driver_version, sizeof info->driver_version, "%s", openblas_get_config());
    snprintf(info->platform_name, sizeof info->platform_name, "OpenBLAS (%s kernels), OpenMP",
             openblas_get_corename());
    info->compute_units = (unsigned)threads;
    info->fp64 = 1;
    info->global_mem_bytes = cocob_host_memory_bytes();
}

/* OpenBLAS picks its kernels by CPU model when it loads. Debian's 0.3.21
 * does not know some newer Xeons and falls back to its SSE3 kernels
 * (Prescott): 16-43 GFLOP/s at the MLP's shapes on this project's 2-core
 * Xeon, against 130-210 with its AVX-512 ones (SkylakeX). Only the
 * environment, read at load, can change the choice. */
const char *cocob_openblas_coretype_hint(void)
{
    const char *better = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                         : __builtin_cpu_supports("avx2")  ? "Haswell"
                                                           : NULL;
    return better && strcmp(openblas_get_corename(), "Prescott") == 0 ? better : NULL;
}

static void warn_slow_kernels(const cocob_logger *log)
{
    const char *better = cocob_openblas_coretype_hint();
    if (better)
        cocob_log(log, COCOB_LOG_WARN,
                  "cpu: OpenBLAS did not recognise this CPU and uses its %s kernels, without "
                  "AVX2; GEMM runs several times faster with OPENBLAS_CORETYPE=%s set in the "
                  "environment",
                  openblas_get_corename(), better);
}

/* softmax_xent, mse and their gradients stay ref's: a gradient divides by
 * the row count, so a chunk of rows is not a smaller call, and at rows x
 * outputs (100 x 10 for the MLP) they cost a thousandth of the GEMM before
 * them. */
cocob_status cocob_cpu_backend_create(cocob_error *err, const cocob_logger *log,
                                      cocob_backend **out)
{
    cpu_backend *c = calloc(1, sizeof *c);
    if (!c)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "cpu: out of host memory");
    c->iface = cocob_ref_iface;
    c->iface.destroy = cpu_destroy;
    c->iface.fill = cpu_fill;
    c->iface.cocob_update = cpu_cocob_update;
    c->iface.count_nonfinite = cpu_count_nonfinite;
    c->iface.flag_nonfinite = cpu_flag_nonfinite;
    c->iface.gemm = cocob_cpu_gemm;
    c->iface.conv2d = cocob_cpu_conv2d;
    c->iface.conv2d_grad_input = cocob_cpu_conv2d_grad_input;
    c->iface.conv2d_grad_weights = cocob_cpu_conv2d_grad_weights;
    c->iface.maxpool = cpu_maxpool;
    c->iface.maxpool_grad = cpu_maxpool_grad;
    c->iface.bias_add = cpu_bias_add;
    c->iface.bias_grad = cpu_bias_grad;
    c->iface.activation = cpu_activation;
    c->iface.activation_grad = cpu_activation_grad;
    c->iface.argmax = cpu_argmax;
    c->iface.dropout = cpu_dropout;
    c->iface.dropout_grad = cpu_dropout_grad;
    c->iface.triad = cpu_triad;
    c->iface.dadapt_adam_accumulate = cpu_dadapt_adam_accumulate;
    c->iface.dadapt_adam_update = cpu_dadapt_adam_update;
    c->iface.sgd_update = cpu_sgd_update;
    c->iface.adagrad_update = cpu_adagrad_update;
    c->iface.rmsprop_update = cpu_rmsprop_update;
    c->iface.adadelta_update = cpu_adadelta_update;
    c->iface.adam_update = cpu_adam_update;
    c->iface.ckt_update = cpu_ckt_update;
    c->iface.kt_update = cpu_kt_update;
    c->iface.dog_update = cpu_dog_update;
    c->iface.lr_free_reduce = cpu_lr_free_reduce;
    c->iface.prodigy_accumulate = cpu_prodigy_accumulate;
    c->iface.prodigy_update = cpu_prodigy_update;
    c->iface.schedule_free_update = cpu_schedule_free_update;
    c->base.iface = &c->iface;
    c->base.err = err;
    c->base.log = log;
    cocob_cpu_device_info(&c->base.info);
    warn_slow_kernels(log);
    *out = &c->base;
    return COCOB_OK;
}
