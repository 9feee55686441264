/* The device scalars of the methods that need sums over all the weights
 * (KT's gain, DoG's distance and G; Prodigy's and D-Adapt Adam's passes
 * are ops of their own, prodigy.c's and dadapt_adam.c's, into the same
 * partials and fold): a reduction over each parameter into the partials,
 * one fold into the scalars, and the updates then read them, so that a
 * step never waits for the device. */
#include <stdlib.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

/* A part is at least PART_MIN elements, and a parameter at most PARTS_MOST
 * parts: enough groups to spread a large tensor over a device, few enough
 * that the one work-item of the fold is soon done. Fixed here, not asked
 * of the device, so that the order of the sums is the same on all. */
enum { PART_MIN = 4096, PARTS_MOST = 256 };

/* pieces 0: one run of each parameter; else each parameter's pieces, the
 * model's arena's tensors, whose lengths add up to it (model.c). */
static cocob_status make_runs(cocob_optimizer *opt, int pieces)
{
    size_t n = 0;
    for (size_t i = 0; i < opt->count; i++)
        n += pieces && opt->params[i]->piece_count ? opt->params[i]->piece_count : 1;
    if (!(opt->runs = malloc(n * sizeof *opt->runs)))
        return cocob_fail(&opt->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "out of host memory (%zu runs of weights)", n);
    for (size_t i = 0; i < opt->count; i++) {
        const cocob_tensor *t = opt->params[i];
        if (!pieces || !t->piece_count) {
            opt->runs[opt->run_count++] = (cocob_optim_run){i, 0, t->count};
            continue;
        }
        for (size_t k = 0, at = 0; k < t->piece_count; at += t->pieces[k++])
            opt->runs[opt->run_count++] = (cocob_optim_run){i, at, t->pieces[k]};
    }
    return COCOB_OK;
}

cocob_status cocob_optim_lr_free_layers(cocob_optimizer *opt)
{
    return make_runs(opt, 1);
}

cocob_status cocob_optim_lr_free_create(cocob_optimizer *opt, size_t scalar_count)
{
    cocob_context *ctx = opt->ctx;
    if (!opt->runs) {
        cocob_status s = make_runs(opt, 0);
        if (s != COCOB_OK)
            return s;
    }
    opt->parts = malloc(opt->run_count * sizeof *opt->parts);
    opt->part_offsets = malloc(opt->run_count * sizeof *opt->part_offsets);
    if (!opt->parts || !opt->part_offsets)
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    size_t total = 0;
    for (size_t r = 0; r < opt->run_count; r++) {
        size_t n = opt->runs[r].count, parts = n / PART_MIN + (n % PART_MIN != 0);
        opt->parts[r] = parts < PARTS_MOST ? parts : PARTS_MOST;
        opt->part_offsets[r] = total;
        total += opt->parts[r] * COCOB_REDUCE_SUMS;
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
    free(opt->runs);
    free(opt->parts);
    free(opt->part_offsets);
    free(opt->scalar_names);
}

cocob_status cocob_optim_lr_free_scalars(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                         const cocob_buffer *x0, cocob_lr_free_method method,
                                         cocob_span skip)
{
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = COCOB_OK;
    for (size_t k = 0; k < opt->run_count && s == COCOB_OK; k++) {
        const cocob_optim_run *run = &opt->runs[k];
        cocob_lr_free_reduce_args r = {
            .w = opt->params[run->param]->buf,
            .w_offset = run->at,
            .grad = grads[run->param]->buf,
            .grad_offset = run->at,
            .x0 = x0,
            .x0_offset = opt->offsets[run->param] + run->at,
            .n = run->count,
            .parts = opt->parts[k],
            .partials = opt->partials,
            .partials_offset = opt->part_offsets[k],
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
    if (opt->cfg.kind != COCOB_OPTIMIZER_LDOG)
        return cocob_op_lr_free_finalize(b, &f);
    /* L-DoG is DoG's fold over each layer's own parts into its own four
     * scalars (dog.py's LDoG): a launch a layer, as its reduce and update
     * are, and each fold's order that of DoG's over one tensor. */
    f.scalars_count = COCOB_DOG_SCALARS;
    for (size_t k = 0; k < opt->run_count && s == COCOB_OK; k++) {
        f.partials_offset = opt->part_offsets[k];
        f.parts = opt->parts[k];
        f.scalars_offset = COCOB_DOG_SCALARS * k;
        s = cocob_op_lr_free_finalize(b, &f);
    }
    return s;
}
