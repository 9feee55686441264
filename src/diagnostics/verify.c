/* cocob verify's workload: small models that between them use every layer
 * and so every op, forward and backward, with the optimizer's step, at a
 * few batch sizes, on random data, through a context in RECORD mode. The
 * verifying backend (src/backend/check) does the comparing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cocob/tools.h"
#include "nn/model.h"
#include "ops/ops.h"

/* Every layer kind and activation, fused with a bias or standing alone
 * after dropout; convolutions with padding and stride, and a max-pool whose
 * windows overlap, so that its gradient sums. */
static const char *const specs[] = {
    "dense:24,relu,dropout:0.25,dense:16,dropout:0.1,tanh,dense:10",
    "dense:16,tanh,dense:12,sigmoid,dense:10",
    "conv:4x3x3:p1,relu,maxpool:2,conv:6x3x3:s2,tanh,flatten,dense:10",
    "conv:3x5x5,sigmoid,maxpool:3:s2,flatten,dropout:0.5,dense:10",
};
static const size_t batches[] = {1, 5, 32};
enum { SIDE = 12, CLASSES = 10, STEPS = 2, TRIAD = 1000 };

/* With poison, one more step on a batch holding a NaN: the guard's path,
 * where every update is skipped and count_nonfinite names the input. With
 * COCOB_LOSS_MSE, the targets are the first inputs, any numbers serving. */
static cocob_status run_model(cocob_context *ctx, const char *spec, cocob_loss kind, size_t batch,
                              float *x, int32_t *labels, uint64_t seed,
                              const cocob_optimizer_config *cfg, int poison)
{
    cocob_model *m = NULL;
    cocob_optimizer *opt = NULL;
    cocob_batch data = kind == COCOB_LOSS_MSE ? (cocob_batch){x, NULL, x, batch}
                                              : (cocob_batch){x, labels, NULL, batch};
    cocob_status s = cocob_model_create(ctx, 1, SIDE, SIDE, &m);
    if (s == COCOB_OK)
        s = cocob_model_add_spec(m, spec);
    if (s == COCOB_OK)
        s = cocob_model_set_loss(m, kind);
    if (s == COCOB_OK)
        s = cocob_model_init(m, seed);
    cocob_tensor *params = m ? cocob_model_params(m) : NULL;
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, cfg, 1, &params, &opt);
    double loss;
    size_t correct;
    for (size_t step = 0; step < STEPS && s == COCOB_OK; step++)
        s = cocob_model_step(m, opt, &data, &loss, NULL);
    if (s == COCOB_OK && poison) {
        float kept = x[0];
        x[0] = NAN;
        s = cocob_model_step(m, opt, &data, &loss, NULL);
        x[0] = kept;
        if (s == COCOB_ERR_NONFINITE)
            s = COCOB_OK;
        else if (s == COCOB_OK)
            s = cocob_fail(&ctx->err, COCOB_ERR_VERIFY,
                           "verify: a batch holding a NaN trained without complaint");
    }
    if (s == COCOB_OK)
        s = cocob_model_eval_batch(m, &data, &loss, &correct);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    return s;
}

/* The bandwidth yardstick is an op too. */
static cocob_status run_triad(cocob_context *ctx)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[3] = {NULL, NULL, NULL};
    float host[TRIAD];
    for (size_t i = 0; i < TRIAD; i++)
        host[i] = (float)i / 7.0f;
    cocob_status s = COCOB_OK;
    for (int k = 0; k < 3 && s == COCOB_OK; k++)
        s = b->iface->alloc(b, sizeof host, &buf[k]);
    for (int k = 1; k < 3 && s == COCOB_OK; k++)
        s = cocob_op_upload(b, buf[k], 0, host, sizeof host);
    snprintf(b->where, sizeof b->where, "the bandwidth yardstick (triad)");
    if (s == COCOB_OK)
        s = cocob_op_triad(b, buf[0], buf[1], buf[2], 3.0f, TRIAD);
    for (int k = 0; k < 3; k++)
        if (buf[k])
            b->iface->free(b, buf[k]);
    return s;
}

cocob_status cocob_verify_run(cocob_context *ctx)
{
    if (!ctx || !ctx->backend)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (cocob_verify_backend_mode(ctx->backend) != COCOB_VERIFY_RECORD)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_verify_run: make the context with verify = "
                          "COCOB_VERIFY_RECORD");
    size_t most = batches[sizeof batches / sizeof *batches - 1];
    float *x = malloc(most * SIDE * SIDE * sizeof *x);
    int32_t *labels = malloc(most * sizeof *labels);
    cocob_status s = COCOB_OK;
    if (!x || !labels)
        s = cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "verify: out of host memory");
    uint64_t state = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; s == COCOB_OK && i < most * SIDE * SIDE; i++) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        x[i] = (float)(state >> 40) / (float)(1u << 24);
    }
    for (size_t i = 0; s == COCOB_OK && i < most; i++)
        labels[i] = (int32_t)(i * 7 % CLASSES);
    for (size_t k = 0; k < sizeof specs / sizeof *specs && s == COCOB_OK; k++)
        for (size_t j = 0; j < sizeof batches / sizeof *batches && s == COCOB_OK; j++)
            s = run_model(ctx, specs[k], COCOB_LOSS_XENT, batches[j], x, labels, 11 + k, NULL,
                          k == 0 && j == 1);
    /* The regression loss, on the first model. */
    for (size_t j = 0; j < sizeof batches / sizeof *batches && s == COCOB_OK; j++)
        s = run_model(ctx, specs[0], COCOB_LOSS_MSE, batches[j], x, NULL, 5, NULL, 0);
    /* Each baseline's step, on the first model; SGD with Nesterov's
     * momentum, its longest path. */
    for (int kind = 1; kind < COCOB_OPTIMIZER_KIND_COUNT && s == COCOB_OK; kind++) {
        cocob_optimizer_config cfg;
        cocob_optimizer_config_init(&cfg, (cocob_optimizer_kind)kind);
        if (kind == COCOB_OPTIMIZER_SGD) {
            cfg.lr = 0.1;
            cfg.momentum = 0.9;
            cfg.nesterov = 1;
        }
        /* DoG's decay joins the gradient in its sums and in its step; L-DoG's too. */
        if (kind == COCOB_OPTIMIZER_DOG || kind == COCOB_OPTIMIZER_LDOG)
            cfg.weight_decay = 0.01;
        /* Prodigy's decoupled decay is a step of its own before Adam's. */
        if (kind == COCOB_OPTIMIZER_PRODIGY)
            cfg.weight_decay = 0.01;
        /* D-Adapt Adam's decoupled decay is its update's, with the bias
         * correction the fold's longest path. */
        if (kind == COCOB_OPTIMIZER_DADAPT_ADAM) {
            cfg.weight_decay = 0.01;
            cfg.decouple = 1;
            cfg.use_bias_correction = 1;
        }
        s = run_model(ctx, specs[0], COCOB_LOSS_XENT, batches[1], x, labels, 7, &cfg, 0);
    }
    if (s == COCOB_OK)
        s = run_triad(ctx);
    free(x);
    free(labels);
    return s;
}
