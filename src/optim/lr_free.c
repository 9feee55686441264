/* The device scalars of the methods that need sums over all the weights
 * (KT's gain, DoG's distance and G; D-Adapt Adam's numerator and sum |s|,
 * which its own pass, dadapt_adam.c's, writes into the same partials): a
 * reduction over each parameter into the partials, one fold into the
 * scalars, and the updates then read them, so that a step never waits for
 * the device. */
#include <stdlib.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

/* A part is at least PART_MIN elements, and a parameter at most PARTS_MOST
 * parts: enough groups to spread a large tensor over a device, few enough
 * that the one work-item of the fold is soon done. Fixed here, not asked
 * of the device, so that the order of the sums is the same on all. */
enum { PART_MIN = 4096, PARTS_MOST = 256 };

cocob_status cocob_optim_lr_free_create(cocob_optimizer *opt, size_t scalar_count)
{
    cocob_context *ctx = opt->ctx;
    opt->parts = malloc(opt->count * sizeof *opt->parts);
    opt->part_offsets = malloc(opt->count * sizeof *opt->part_offsets);
    if (!opt->parts || !opt->part_offsets)
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    size_t total = 0;
    for (size_t i = 0; i < opt->count; i++) {
        size_t n = opt->params[i]->count, parts = n / PART_MIN + (n % PART_MIN != 0);
        opt->parts[i] = parts < PARTS_MOST ? parts : PARTS_MOST;
        opt->part_offsets[i] = total;
        total += opt->parts[i] * COCOB_REDUCE_SUMS;
    }
    opt->part_total = total / COCOB_REDUCE_SUMS;
    cocob_backend *b = ctx->backend;
    cocob_status s = b->iface->alloc(b, total * sizeof(float), &opt->partials);
    if (s == COCOB_OK)
        s = b->iface->alloc(b, scalar_count * sizeof(float), &opt->scalars);
    if (s == COCOB_OK)
        opt->scalar_count = scalar_count;
    else
        cocob_error_append(&ctx->err, " (%s's scalars and their sums)",
                           cocob_optim_title(opt->cfg.kind));
    return s;
}

void cocob_optim_lr_free_destroy(cocob_optimizer *opt)
{
    cocob_backend *b = opt->ctx->backend;
    if (opt->partials)
        b->iface->free(b, opt->partials);
    if (opt->scalars)
        b->iface->free(b, opt->scalars);
    free(opt->parts);
    free(opt->part_offsets);
}

cocob_status cocob_optim_lr_free_scalars(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                         const cocob_buffer *x0, cocob_lr_free_method method,
                                         cocob_span skip)
{
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++) {
        cocob_lr_free_reduce_args r = {
            .w = opt->params[i]->buf,
            .grad = grads[i]->buf,
            .x0 = x0,
            .x0_offset = opt->offsets[i],
            .n = opt->params[i]->count,
            .parts = opt->parts[i],
            .partials = opt->partials,
            .partials_offset = opt->part_offsets[i],
            .weight_decay = method == COCOB_LR_FREE_DOG ? (float)opt->cfg.weight_decay : 0,
        };
        s = cocob_op_lr_free_reduce(b, &r);
    }
    if (s != COCOB_OK)
        return s;
    cocob_lr_free_finalize_args f = {
        .method = method,
        .partials = opt->partials,
        .parts = opt->part_total,
        .scalars = opt->scalars,
        .scalars_count = opt->scalar_count,
        .skip = skip.buf,
        .skip_offset = skip.off,
    };
    if (method == COCOB_LR_FREE_DOG) {
        const cocob_optimizer_config *c = &opt->cfg;
        /* Its authors take reps_rel 0 where init_eta is given. */
        f.reps_rel = c->init_eta > 0 ? 0 : (float)c->reps_rel;
        f.lr = (float)c->lr;
        f.eps = (float)c->eps;
        f.init_eta = (float)c->init_eta;
    }
    return cocob_op_lr_free_finalize(b, &f);
}
