/* The benchmarks: `cocob bench update`, the optimizer step's bandwidth
 * against a triad's, and `cocob bench train`, a training step's rate and
 * where its time goes. */
#include <stdlib.h>
#include <string.h>

#include "cocob/tools.h"
#include "base/checked.h"
#include "nn/model.h"
#include "data/dataset.h"
#include "ops/ops.h"
#include "optim/optimizer.h"

/* bench update's buffers: the triad's three, then the update's. */
enum {
    BLOCKS = 5,
    TRIAD_BUFFERS = 3,
    N_BUFFERS = TRIAD_BUFFERS + 2 + COCOB_STATE_COUNT,
    /* bench update's default --iterations */
    TRAIN_TRIAD_ITERATIONS = 20
};

/* Runs the update (given a) or else the triad `iterations` times and waits
 * for the device; returns seconds. The triad writes triad[0] from the pairs
 * of triad[1 .. count) in turn (count - 1 even): with more pairs it walks
 * more memory, as the update does, and since no input is ever written, the
 * values stay as finite as they started. */
static cocob_status time_block(cocob_backend *b, const cocob_update_args *a,
                               cocob_buffer *const *triad, size_t count, size_t n, int iterations,
                               double *seconds)
{
    double t0 = cocob_now();
    cocob_status s = COCOB_OK;
    size_t pairs = (count - 1) / 2;
    for (int i = 0; i < iterations && s == COCOB_OK; i++) {
        size_t in = 1 + 2 * ((size_t)i % pairs);
        s = a ? cocob_op_cocob_update(b, a)
              : cocob_op_triad(b, triad[0], triad[in], triad[in + 1], 0.5f, n);
    }
    if (s == COCOB_OK)
        s = b->iface->finish(b);
    *seconds = cocob_now() - t0;
    return s;
}

/* The best of BLOCKS blocks each of the update (when a is given) and the
 * triad, alternating, after one untimed launch of each: best[0] the
 * update's seconds a block, best[1] the triad's. */
static cocob_status best_blocks(cocob_backend *b, const cocob_update_args *a,
                                cocob_buffer *const *triad, size_t count, size_t n,
                                int iterations, double best[2])
{
    const cocob_update_args *kind[2] = {a, NULL};
    int first = a ? 0 : 1;
    double warm;
    cocob_status s = COCOB_OK;
    for (int k = first; k < 2 && s == COCOB_OK; k++)
        s = time_block(b, kind[k], triad, count, n, 1, &warm);
    int kinds = 2 - first;
    for (int block = 0; block < BLOCKS * kinds && s == COCOB_OK; block++) {
        int k = first + block % kinds;
        double t;
        s = time_block(b, kind[k], triad, count, n, iterations, &t);
        if (block < kinds || t < best[k])
            best[k] = t;
    }
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
    size_t bytes;
    if (!size_mul(size, sizeof(float), &bytes))
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "bench update: %zu floats are more bytes than memory can address",
                          size);
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[N_BUFFERS] = {0};
    cocob_status s = COCOB_OK;
    for (int i = 0; i < N_BUFFERS && s == COCOB_OK; i++)
        s = b->iface->alloc(b, bytes, &buf[i]);
    cocob_update_args a;
    memset(&a, 0, sizeof a);
    a.w = buf[TRIAD_BUFFERS];
    a.grad = buf[TRIAD_BUFFERS + 1];
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        a.state[k] = buf[TRIAD_BUFFERS + 2 + k];
    a.n = size;
    a.alpha = 100.0f;
    /* Zero gradients and L = 1 keep every value finite however many steps
     * run (a constant gradient grows the reward until it overflows), so the
     * timing is never that of infinities or denormals. */
    if (s == COCOB_OK)
        s = cocob_op_fill(b, a.state[COCOB_STATE_L], 0, 1.0f, size);
    double best[2] = {0, 0};
    if (s == COCOB_OK)
        s = best_blocks(b, &a, buf, TRIAD_BUFFERS, size, iterations, best);
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

/* The update's floor: 12 floats a parameter (7 read, 5 written) at the
 * bandwidth of a triad over as many floats. The triad runs over the
 * optimizer's five state arenas, which the timed steps are done with: new
 * buffers would add to the peak memory the bench reports (PoCL keeps what
 * it frees), and these are the very bytes the update walks. It writes one
 * and reads the other four by pairs, so that, like the update's seven
 * arenas, its five do not stay in a cache that three of them would fit
 * (the MLP's three are 22 MB, against this host's 32 MB L3). */
static cocob_status train_floor(cocob_optimizer *opt, cocob_bench_train_result *out)
{
    double best[2] = {0, 0};
    cocob_status s = best_blocks(opt->ctx->backend, NULL, opt->state, COCOB_STATE_COUNT,
                                 opt->total, TRAIN_TRIAD_ITERATIONS, best);
    if (s != COCOB_OK)
        return s;
    out->parameters = opt->total;
    out->triad_gbps = 3.0 * sizeof(float) * (double)opt->total /
                      (best[1] / TRAIN_TRIAD_ITERATIONS) / 1e9;
    out->floor = 12.0 * sizeof(float) * (double)opt->total / (out->triad_gbps * 1e9);
    return COCOB_OK;
}

cocob_status cocob_bench_train(cocob_context *ctx, const char *spec, const cocob_dataset *data,
                               size_t batch, size_t steps, cocob_bench_train_result *out)
{
    if (!ctx || !ctx->backend || !spec || !data || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    size_t example, xbytes, ybytes, obytes, total;
    /* data->count < batch bounds the batch by what the data set holds. */
    if (batch == 0 || steps == 0 || data->count < batch || !size_mul(steps, batch, &total))
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "bench train: %zu steps of %zu from %zu examples", steps, batch,
                          data->count);
    if (!size_mul3(data->channels, data->height, data->width, &example) ||
        !size_mul3(batch, example, sizeof(float), &xbytes) ||
        !size_mul(batch, sizeof(int32_t), &ybytes) ||
        !size_mul(data->count, sizeof(uint32_t), &obytes))
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "bench train: a batch of %zu is more bytes than memory can address",
                          batch);
    cocob_model *m = NULL;
    cocob_optimizer *opt = NULL;
    float *x = malloc(xbytes);
    int32_t *y = malloc(ybytes);
    uint32_t *order = malloc(obytes);
    cocob_status s = x && y && order
                         ? COCOB_OK
                         : cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    for (size_t i = 0; s == COCOB_OK && i < data->count; i++)
        order[i] = (uint32_t)i;
    if (s == COCOB_OK)
        s = cocob_model_create(ctx, data->channels, data->height, data->width, &m);
    if (s == COCOB_OK)
        s = cocob_model_add_spec(m, spec);
    if (s == COCOB_OK)
        s = cocob_model_init(m, 1);
    cocob_tensor *params = cocob_model_params(m);
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, NULL, 1, &params, &opt);
    size_t batches = data->count / batch;
    cocob_step_timing split = {0, 0, 0, 0};
    double plain = 0, loss;
    /* Two untimed steps build the kernels and make the buffers; then a plain
     * run for the rate, and a run that waits after each phase for the split. */
    for (int run = 0; run < 3 && s == COCOB_OK; run++) {
        size_t count = run == 0 ? 2 : steps;
        double t0 = cocob_now();
        for (size_t k = 0; k < count && s == COCOB_OK; k++) {
            double g0 = cocob_now();
            cocob_dataset_gather(data, order, (k % batches) * batch, batch, x, y);
            if (run == 2)
                split.data += cocob_now() - g0;
            s = cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, batch}, &loss,
                                 run == 2 ? &split : NULL);
        }
        if (s == COCOB_OK && run == 1)
            s = cocob_context_finish(ctx);
        if (run == 1)
            plain = cocob_now() - t0;
    }
    if (s == COCOB_OK) {
        out->steps = steps;
        out->batch = batch;
        out->examples_per_second = (double)total / plain;
        out->data = split.data / (double)steps;
        out->forward = split.forward / (double)steps;
        out->backward = split.backward / (double)steps;
        out->update = split.update / (double)steps;
        s = train_floor(opt, out);
    }
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    free(x);
    free(y);
    free(order);
    return s;
}
