/* `cocob bench update`: the optimizer step's bandwidth against a triad's. */
#include <string.h>
#include <time.h>

#include "core/internal.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum { BLOCKS = 5, N_BUFFERS = 10 };

/* Runs the op `iterations` times and waits for the device; returns seconds. */
static cocob_status time_block(cocob_backend *b, int triad, cocob_buffer **buf, size_t n,
                               int iterations, double *seconds)
{
    cocob_update_args a;
    memset(&a, 0, sizeof a);
    a.w = buf[0];
    a.grad = buf[1];
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        a.state[k] = buf[2 + k];
    a.n = n;
    a.alpha = 100.0f;
    double t0 = now();
    cocob_status s = COCOB_OK;
    for (int i = 0; i < iterations && s == COCOB_OK; i++)
        s = triad ? b->iface->triad(b, buf[7], buf[8], buf[9], 0.5f, n)
                  : b->iface->cocob_update(b, &a);
    if (s == COCOB_OK)
        s = b->iface->finish(b);
    *seconds = now() - t0;
    return s;
}

cocob_status cocob_bench_update(cocob_context *ctx, size_t size, int iterations,
                                cocob_bench_update_result *out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (size == 0 || iterations < 1)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "bench update: size and iterations must be at least 1");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[N_BUFFERS] = {0};
    cocob_status s = COCOB_OK;
    for (int i = 0; i < N_BUFFERS && s == COCOB_OK; i++)
        s = b->iface->alloc(b, size * sizeof(float), &buf[i]);
    /* Zero gradients and L = 1 keep every value finite however many steps
     * run (a constant gradient grows the reward until it overflows), so the
     * timing is never that of infinities or denormals. */
    if (s == COCOB_OK)
        s = b->iface->fill(b, buf[2 + COCOB_STATE_L], 0, 1.0f, size);
    double warm;
    if (s == COCOB_OK)
        s = time_block(b, 0, buf, size, 1, &warm);
    if (s == COCOB_OK)
        s = time_block(b, 1, buf, size, 1, &warm);
    double best[2] = {0, 0};
    for (int block = 0; block < 2 * BLOCKS && s == COCOB_OK; block++) {
        int triad = block % 2;
        double t;
        s = time_block(b, triad, buf, size, iterations, &t);
        if (block < 2 || t < best[triad])
            best[triad] = t;
    }
    for (int i = 0; i < N_BUFFERS; i++)
        if (buf[i])
            b->iface->free(b, buf[i]);
    if (s != COCOB_OK)
        return s;
    out->size = size;
    out->update_seconds = best[0] / iterations;
    out->triad_seconds = best[1] / iterations;
    out->update_gbps = 12.0 * sizeof(float) * (double)size / out->update_seconds / 1e9;
    out->triad_gbps = 3.0 * sizeof(float) * (double)size / out->triad_seconds / 1e9;
    return COCOB_OK;
}
