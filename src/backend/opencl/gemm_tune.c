/* `cocob tune` and `cocob bench gemm`: GEMM timed at the shapes of one MLP
 * training step, for each candidate set of parameters on one device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/opencl/opencl.h"

/* A 784-1000-1000-10 MLP at batch 100, as src/nn/layers.c calls GEMM:
 * forward y = x W^T, then dW = dy^T x, then dx = dy W (none for the input). */
static const cocob_gemm_shape shapes[COCOB_GEMM_SHAPES] = {
    {0, 1, 100, 1000, 784},  {0, 1, 100, 1000, 1000}, {0, 1, 100, 10, 1000},
    {1, 0, 1000, 784, 100},  {1, 0, 1000, 1000, 100}, {1, 0, 10, 1000, 100},
    {0, 0, 100, 1000, 1000}, {0, 0, 100, 1000, 10},
};

/* The largest operand above, in floats. */
enum { OPERAND_FLOATS = 1000 * 1000 };

/* A shape is timed over at least this long, so that a launch's own cost and
 * the clock's grain are small beside it. */
#define MIN_SECONDS 0.04

/* The first-use tuning (its bound is in opencl.h) times each shape for a
 * quarter of the full search's minimum, trading precision for the three or
 * four candidates it has time for; `cocob tune` measures again at length. */
#define FIRST_USE_MIN_SECONDS 0.01
#define FIRST_USE_CANDIDATES 8

enum { FINAL_BLOCKS = 3, BENCH_BLOCKS = 3 };

/* Tiles tried, in the order tried, so that a short run still tries the
 * likeliest: those that did best on PoCL first. Every one keeps at most 16
 * vectors of partial sums, which fits the 32 vector registers of AVX-512
 * with room for the operands. */
static const cocob_cl_tile tiles[] = {
    {4, 2, 16, 0}, {8, 1, 16, 0}, {8, 2, 16, 0}, {6, 2, 16, 0}, {2, 2, 16, 0},  {4, 1, 16, 0},
    {2, 4, 16, 0}, {4, 4, 8, 0},  {8, 2, 8, 0},  {4, 4, 16, 0}, {12, 1, 16, 0}, {16, 1, 16, 0},
    {4, 2, 8, 0},  {6, 1, 16, 0}, {3, 2, 16, 0}, {2, 8, 8, 0},
};

static int is_dot(const cocob_gemm_shape *sh)
{
    return !sh->trans_a && sh->trans_b;
}

static double flops(const cocob_gemm_shape *sh)
{
    return 2.0 * (double)sh->M * (double)sh->N * (double)sh->K;
}

typedef struct operands {
    cocob_buffer *A, *B, *C;
} operands;

static cocob_status operands_new(cocob_cl_backend *b, operands *o)
{
    cocob_backend *base = &b->base;
    memset(o, 0, sizeof *o);
    float *host = malloc(OPERAND_FLOATS * sizeof *host);
    if (!host)
        return cocob_fail(base->err, COCOB_ERR_OUT_OF_MEMORY, "gemm tuning: out of host memory");
    /* Values in [-1, 1), so that no timing is of infinities or denormals. */
    for (size_t i = 0; i < OPERAND_FLOATS; i++)
        host[i] = (float)((i * 7919u) % 2001u) / 1000.0f - 1.0f;
    cocob_buffer **bufs[3] = {&o->A, &o->B, &o->C};
    cocob_status s = COCOB_OK;
    for (int i = 0; i < 3 && s == COCOB_OK; i++) {
        s = base->iface->alloc(base, OPERAND_FLOATS * sizeof(float), bufs[i]);
        if (s == COCOB_OK)
            s = base->iface->upload(base, *bufs[i], 0, host, OPERAND_FLOATS * sizeof(float));
    }
    free(host);
    return s;
}

static void operands_free(cocob_cl_backend *b, operands *o)
{
    cocob_buffer *bufs[3] = {o->A, o->B, o->C};
    for (int i = 0; i < 3; i++)
        if (bufs[i])
            b->base.iface->free(&b->base, bufs[i]);
}

static cocob_status gemm_once(cocob_cl_backend *b, const cocob_gemm_shape *sh, const operands *o)
{
    cocob_span A = {o->A, 0}, B = {o->B, 0}, C = {o->C, 0};
    return b->base.iface->gemm(&b->base, sh->trans_a, sh->trans_b, sh->M, sh->N, sh->K, 1.0f, A,
                               sh->trans_a ? sh->M : sh->K, B, sh->trans_b ? sh->K : sh->N, 0.0f,
                               C, sh->N);
}

/* Seconds per call: one call first, which builds what it needs, then blocks
 * of doubling length until one lasts MIN_SECONDS. */
static cocob_status time_shape(cocob_cl_backend *b, const cocob_gemm_shape *sh, const operands *o,
                               double min_seconds, double *seconds)
{
    cocob_status s = gemm_once(b, sh, o);
    if (s == COCOB_OK)
        s = b->base.iface->finish(&b->base);
    for (long calls = 1; s == COCOB_OK; calls *= 2) {
        double t0 = cocob_now();
        for (long i = 0; i < calls && s == COCOB_OK; i++)
            s = gemm_once(b, sh, o);
        if (s == COCOB_OK)
            s = b->base.iface->finish(&b->base);
        double t = cocob_now() - t0;
        if (t >= min_seconds || calls >= (1L << 20)) {
            *seconds = t / (double)calls;
            break;
        }
    }
    return s;
}

/* Times p at every shape into t, keeping each shape's best over earlier
 * calls with the same t. A failure of p itself (a build, a launch) is
 * recorded in t and logged; only the operands' own failures are returned. */
static void time_params(cocob_cl_backend *b, const cocob_cl_gemm_params *p, const operands *o,
                        double min_seconds, cocob_gemm_timing *t)
{
    cocob_cl_gemm_use(b, p);
    cocob_cl_gemm_describe(p, t->name, sizeof t->name);
    double total_flops = 0;
    t->seconds = 0;
    for (int i = 0; i < COCOB_GEMM_SHAPES; i++) {
        double sec;
        if (time_shape(b, &shapes[i], o, min_seconds, &sec) != COCOB_OK) {
            t->ok = 0;
            cocob_log(b->base.log, COCOB_LOG_WARN, "gemm tuning: %s fails: %s", t->name,
                      b->base.err->message);
            return;
        }
        double g = flops(&shapes[i]) / sec / 1e9;
        if (g > t->gflops[i])
            t->gflops[i] = g;
        t->seconds += flops(&shapes[i]) / t->gflops[i] / 1e9;
        total_flops += flops(&shapes[i]);
    }
    t->ok = 1;
    t->gflops_all = total_flops / t->seconds / 1e9;
}

/* The seconds a timing spends on the shapes of one form. */
static double form_seconds(const cocob_gemm_timing *t, int dot)
{
    double sec = 0;
    for (int i = 0; i < COCOB_GEMM_SHAPES; i++)
        if (is_dot(&shapes[i]) == dot)
            sec += flops(&shapes[i]) / t->gflops[i] / 1e9;
    return sec;
}

/* The candidates in the order tried, at most cap: base, CLBlast where the
 * build has it and base is not it (on a CPU only for the full search, as
 * it lost there by a factor of three), then the tiles. */
static size_t candidates(const cocob_cl_backend *b, const cocob_cl_gemm_params *base, int full,
                         cocob_cl_gemm_params *cand, size_t cap)
{
    /* A CPU runs a tile per group best (PoCL then runs it as straight-line
     * vector code); a GPU needs groups, of a size its driver picks or 64. */
    static const unsigned cpu_groups[] = {1}, gpu_groups[] = {0, 64};
    int cpu = b->dev.info.type == COCOB_DEVICE_CPU;
    const unsigned *groups = cpu ? cpu_groups : gpu_groups;
    size_t group_count = cpu ? 1 : 2;
    size_t n = 0;
    cand[n++] = *base;
#ifdef COCOB_HAVE_CLBLAST
    if (!base->clblast && (full || !cpu) && n < cap)
        cand[n++] = (cocob_cl_gemm_params){1, {0, 0, 0, 0}, {0, 0, 0, 0}};
#endif
    for (size_t t = 0; t < sizeof tiles / sizeof *tiles; t++)
        for (size_t g = 0; g < group_count && n < cap; g++) {
            cocob_cl_tile tile = tiles[t];
            tile.group = groups[g];
            if (b->dev.info.max_work_group_size && tile.group > b->dev.info.max_work_group_size)
                continue;
            cocob_cl_gemm_params p = {0, tile, tile};
            if (!base->clblast && memcmp(&p, base, sizeof p) == 0)
                continue;
            cand[n++] = p;
        }
    return n;
}

cocob_status cocob_cl_gemm_tune(cocob_cl_backend *b, size_t max_candidates,
                                cocob_gemm_tuning *out)
{
    /* This search replaces the first-use one. */
    b->gemm_tune_seconds = 0;
    memset(out, 0, sizeof *out);
    memcpy(out->shapes, shapes, sizeof shapes);
    cocob_cl_gemm_params base_params, cand[COCOB_GEMM_MAX_CANDIDATES];
    cocob_cl_gemm_default(&b->dev, &base_params);
    size_t n = candidates(b, &base_params, 1, cand, COCOB_GEMM_MAX_CANDIDATES);
    if (max_candidates && max_candidates < n)
        n = max_candidates;
    out->candidate_count = n;

    operands o;
    cocob_status s = operands_new(b, &o);
    if (s != COCOB_OK) {
        operands_free(b, &o);
        return s;
    }
    size_t best[2] = {n, n}; /* the outer and dot forms' fastest kernel candidates */
    for (size_t c = 0; c < n; c++) {
        cocob_gemm_timing *t = &out->candidates[c];
        time_params(b, &cand[c], &o, MIN_SECONDS, t);
        cocob_log(b->base.log, COCOB_LOG_DEBUG, "gemm tuning: %s: %.1f GFLOP/s", t->name,
                  t->gflops_all);
        for (int dot = 0; dot < 2 && t->ok && !cand[c].clblast; dot++)
            if (best[dot] == n ||
                form_seconds(t, dot) < form_seconds(&out->candidates[best[dot]], dot))
                best[dot] = c;
    }
    /* Each form's fastest tile together, then it and the default again in
     * alternating blocks, since the machine's load drifts over a run; the
     * default wins unless they beat it. */
    cocob_cl_gemm_params winner = base_params, mixed = base_params;
    if (best[0] < n && best[1] < n)
        mixed = (cocob_cl_gemm_params){0, cand[best[0]].outer, cand[best[1]].dot};
    for (int block = 0; block < FINAL_BLOCKS; block++) {
        time_params(b, &base_params, &o, MIN_SECONDS, &out->base);
        time_params(b, &mixed, &o, MIN_SECONDS, &out->tuned);
    }
    if (out->tuned.ok && (!out->base.ok || out->tuned.seconds < out->base.seconds))
        winner = mixed;
    else
        out->tuned = out->base;
    operands_free(b, &o);
    cocob_cl_gemm_use(b, &winner);
    if (!out->tuned.ok)
        return cocob_fail(b->base.err, COCOB_ERR_OPENCL,
                          "gemm tuning on %s: no candidate ran, the default (%s) included; the "
                          "log says why",
                          b->base.info.name, out->base.name);
    char reason[4400];
    if (!cocob_cl_gemm_params_path(&b->dev, out->path, sizeof out->path))
        return cocob_fail(b->base.err, COCOB_ERR_IO,
                          "gemm tuning: the program cache is off (COCOB_CACHE) or has no "
                          "folder (set COCOB_CACHE_DIR or HOME), so the parameters have "
                          "nowhere to go");
    if (cocob_cl_gemm_params_write(out->path, &b->dev, &winner, reason, sizeof reason) != 0)
        return cocob_fail(b->base.err, COCOB_ERR_IO, "gemm tuning: %s", reason);
    return COCOB_OK;
}

cocob_status cocob_cl_gemm_bench(cocob_cl_backend *b, cocob_bench_gemm_result *out)
{
    /* Before the file is read, so that a first run compares the table's
     * entry with what the first-use tuning stored. */
    if (b->gemm_tune_seconds > 0)
        cocob_cl_gemm_first_use_tune(b);
    memset(out, 0, sizeof *out);
    memcpy(out->shapes, shapes, sizeof shapes);
    cocob_cl_gemm_params base_params, tuned_params;
    cocob_cl_gemm_default(&b->dev, &base_params);
    char reason[4400];
    if (cocob_cl_gemm_params_path(&b->dev, out->path, sizeof out->path)) {
        int found = cocob_cl_gemm_params_read(out->path, &b->dev, &tuned_params, reason,
                                              sizeof reason);
        if (found < 0)
            cocob_log(b->base.log, COCOB_LOG_WARN, "gemm parameters: %s", reason);
        out->has_tuned = found > 0;
    }
    cocob_cl_gemm_params in_effect = b->gemm;
    operands o;
    cocob_status s = operands_new(b, &o);
    /* Blocks alternate between the two, so that a stretch of noise from
     * the rest of the machine hits both alike; the best block counts. */
    for (int block = 0; block < BENCH_BLOCKS && s == COCOB_OK; block++) {
        time_params(b, &base_params, &o, MIN_SECONDS, &out->base);
        if (out->has_tuned)
            time_params(b, &tuned_params, &o, MIN_SECONDS, &out->tuned);
        if (!out->base.ok || (out->has_tuned && !out->tuned.ok))
            s = cocob_fail(b->base.err, COCOB_ERR_OPENCL,
                           "bench gemm on %s: %s fails; the log "
                           "says why",
                           b->base.info.name, out->base.ok ? out->tuned.name : out->base.name);
    }
    operands_free(b, &o);
    cocob_cl_gemm_use(b, &in_effect);
    return s;
}

/* The kernel candidates' fastest outer and dot tiles together, or CLBlast
 * where it was faster still; 0 when nothing ran. */
static int first_use_winner(const cocob_cl_gemm_params *cand, const cocob_gemm_timing *t,
                            size_t n, cocob_cl_gemm_params *winner)
{
    size_t best[2] = {n, n}, clblast = n;
    for (size_t c = 0; c < n; c++) {
        if (!t[c].ok)
            continue;
        if (cand[c].clblast) {
            clblast = c;
            continue;
        }
        for (int dot = 0; dot < 2; dot++)
            if (best[dot] == n || form_seconds(&t[c], dot) < form_seconds(&t[best[dot]], dot))
                best[dot] = c;
    }
    double kernel = best[0] < n ? form_seconds(&t[best[0]], 0) + form_seconds(&t[best[1]], 1) : 0;
    if (clblast < n && (best[0] == n || t[clblast].seconds < kernel))
        *winner = cand[clblast];
    else if (best[0] < n)
        *winner = (cocob_cl_gemm_params){0, cand[best[0]].outer, cand[best[1]].dot};
    else
        return 0;
    return 1;
}

void cocob_cl_gemm_first_use_tune(cocob_cl_backend *b)
{
    double t0 = cocob_now(), budget = b->gemm_tune_seconds;
    b->gemm_tune_seconds = 0;
    cocob_cl_gemm_params entry = b->gemm, cand[FIRST_USE_CANDIDATES], winner;
    char path[4200], reason[4400], how[128];
    /* Another context on the device may have tuned since this one began. */
    if (!cocob_cl_gemm_params_path(&b->dev, path, sizeof path))
        return;
    if (cocob_cl_gemm_params_read(path, &b->dev, &winner, reason, sizeof reason) > 0) {
        cocob_cl_gemm_use(b, &winner);
        return;
    }
    cocob_gemm_timing *t = calloc(FIRST_USE_CANDIDATES, sizeof *t);
    operands o = {0};
    cocob_status s = t ? operands_new(b, &o)
                       : cocob_fail(b->base.err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    size_t n = candidates(b, &entry, 0, cand, FIRST_USE_CANDIDATES), tried = 0;
    for (double last = 0; s == COCOB_OK && tried < n; tried++) {
        double start = cocob_now();
        if (tried > 0 && start - t0 + last > budget)
            break;
        time_params(b, &cand[tried], &o, FIRST_USE_MIN_SECONDS, &t[tried]);
        last = cocob_now() - start;
    }
    operands_free(b, &o);
    int found = s == COCOB_OK && first_use_winner(cand, t, tried, &winner);
    free(t);
    cocob_cl_gemm_describe(&entry, how, sizeof how);
    if (!found) {
        cocob_cl_gemm_use(b, &entry);
        cocob_log(b->base.log, COCOB_LOG_WARN,
                  "gemm: first-use tuning on %s failed (%s); using the built-in table's "
                  "parameters (%s)",
                  b->base.info.name, s == COCOB_OK ? "no candidate ran" : b->base.err->message,
                  how);
        return;
    }
    cocob_cl_gemm_use(b, &winner);
    cocob_cl_gemm_describe(&winner, how, sizeof how);
    if (cocob_cl_gemm_params_write(path, &b->dev, &winner, reason, sizeof reason) != 0) {
        cocob_log(b->base.log, COCOB_LOG_WARN,
                  "gemm: first-use tuning on %s chose %s, for this run only: %s",
                  b->base.info.name, how, reason);
        return;
    }
    cocob_log(b->base.log, COCOB_LOG_INFO,
              "gemm: first use of %s: tried %zu parameter sets in %.1f s, stored %s in %s "
              "(`cocob tune` searches further; COCOB_GEMM_TUNE=off skips this)",
              b->base.info.name, tried, cocob_now() - t0, how, path);
}
