/* The optimizer object: its arenas, its checks, and the step that every
 * kind shares up to the launch. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

void cocob_optimizer_destroy(cocob_optimizer *opt)
{
    if (!opt)
        return;
    cocob_backend *b = opt->ctx->backend;
    for (size_t i = 0; i < opt->state_count; i++)
        if (opt->state[i])
            b->iface->free(b, opt->state[i]);
    if (opt->flag)
        b->iface->free(b, opt->flag);
    cocob_optim_lr_free_destroy(opt);
    free(opt->params);
    free(opt->offsets);
    free(opt);
}

static size_t state_count(const cocob_optimizer_config *cfg)
{
    return cfg->kind == COCOB_OPTIMIZER_COCOB         ? COCOB_STATE_COUNT
           : cfg->kind == COCOB_OPTIMIZER_CKT         ? COCOB_CKT_STATES
           : cfg->kind == COCOB_OPTIMIZER_KT          ? COCOB_KT_STATES
           : cocob_optim_is_dog(cfg->kind)            ? COCOB_DOG_STATES
           : cfg->kind == COCOB_OPTIMIZER_PRODIGY     ? COCOB_PRODIGY_STATES
           : cfg->kind == COCOB_OPTIMIZER_DADAPT_ADAM ? COCOB_DADAPT_ADAM_STATES
           : cocob_optim_is_schedule_free(cfg->kind)  ? cocob_optim_sf_state_count(cfg->kind)
                                                      : cocob_optim_baseline_state_count(cfg);
}

cocob_status cocob_optimizer_create(cocob_context *ctx, const cocob_optimizer_config *cfg,
                                    size_t count, cocob_tensor *const *params,
                                    cocob_optimizer **out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    cocob_optimizer_config defaults;
    if (!cfg) {
        cocob_optimizer_config_init(&defaults, COCOB_OPTIMIZER_COCOB);
        cfg = &defaults;
    }
    cocob_status s = cocob_optim_check_config(&ctx->err, cfg);
    if (s != COCOB_OK)
        return s;
    const char *title = cocob_optim_title(cfg->kind);
    if (count == 0 || !params)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT, "%s: no parameter tensors given",
                          title);
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        if (!params[i] || params[i]->ctx != ctx)
            return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT, "%s: parameter %zu is %s",
                              title, i, params[i] ? "from another context" : "NULL");
        if (params[i]->count > SIZE_MAX / sizeof(float) - total)
            return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                              "%s: the parameters hold more floats than memory can", title);
        total += params[i]->count;
    }
    cocob_optimizer *opt = calloc(1, sizeof *opt);
    if (opt) {
        opt->params = malloc(count * sizeof *opt->params);
        opt->offsets = malloc(count * sizeof *opt->offsets);
    }
    if (!opt || !opt->params || !opt->offsets) {
        if (opt) {
            free(opt->params);
            free(opt->offsets);
        }
        free(opt);
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    }
    opt->ctx = ctx;
    opt->cfg = *cfg;
    opt->count = count;
    opt->total = total;
    opt->state_count = state_count(cfg);
    for (size_t i = 0, at = 0; i < count; at += params[i]->count, i++) {
        opt->params[i] = params[i];
        opt->offsets[i] = at;
    }
    /* A new buffer reads as zeros on every backend: most states start so. */
    cocob_backend *b = ctx->backend;
    for (size_t i = 0; i < opt->state_count && s == COCOB_OK; i++) {
        s = b->iface->alloc(b, total * sizeof(float), &opt->state[i]);
        if (s != COCOB_OK)
            cocob_error_append(&ctx->err, " (%s's state buffer %zu of %zu, for %zu parameters)",
                               cocob_optim_title(cfg->kind), i + 1, opt->state_count, total);
    }
    if (s == COCOB_OK)
        s = b->iface->alloc(b, sizeof(int32_t), &opt->flag);
    if (s == COCOB_OK && cfg->kind == COCOB_OPTIMIZER_COCOB)
        s = cocob_optim_cocob_init_state(opt);
    if (s == COCOB_OK && cfg->kind == COCOB_OPTIMIZER_CKT)
        s = cocob_optim_ckt_init_state(opt);
    if (s == COCOB_OK && cfg->kind == COCOB_OPTIMIZER_KT)
        s = cocob_optim_kt_init_state(opt);
    if (s == COCOB_OK && cocob_optim_is_schedule_free(cfg->kind))
        s = cocob_optim_sf_init_state(opt);
    if (s == COCOB_OK && cocob_optim_is_dog(cfg->kind))
        s = cocob_optim_dog_init_state(opt);
    if (s == COCOB_OK && cfg->kind == COCOB_OPTIMIZER_PRODIGY)
        s = cocob_optim_prodigy_init_state(opt);
    if (s == COCOB_OK && cfg->kind == COCOB_OPTIMIZER_DADAPT_ADAM)
        s = cocob_optim_dadapt_adam_init_state(opt);
    if (s != COCOB_OK) {
        cocob_optimizer_destroy(opt);
        return s;
    }
    *out = opt;
    return COCOB_OK;
}

cocob_status cocob_optim_copy_params(cocob_optimizer *opt, cocob_buffer *dst)
{
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = cocob_op_copy(opt->ctx->backend, dst, opt->offsets[i] * sizeof(float),
                          opt->params[i]->buf, 0, opt->params[i]->count * sizeof(float));
    return s;
}

/* Shapes and owners only: the values are the device's to check. */
static cocob_status check_grads(cocob_optimizer *opt, const cocob_tensor *const *grads)
{
    cocob_context *ctx = opt->ctx;
    const char *title = cocob_optim_title(opt->cfg.kind);
    if (!grads)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT, "%s step: no gradients", title);
    for (size_t i = 0; i < opt->count; i++) {
        if (!grads[i] || grads[i]->ctx != ctx)
            return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                              "%s step: gradient %zu is %s", title, i,
                              grads[i] ? "from another context" : "NULL");
        if (grads[i]->count != opt->params[i]->count)
            return cocob_fail(&ctx->err, COCOB_ERR_SHAPE,
                              "%s step: gradient %zu has %zu floats, its parameter %zu", title, i,
                              grads[i]->count, opt->params[i]->count);
    }
    return COCOB_OK;
}

cocob_status cocob_optim_step_guarded(cocob_optimizer *opt, const cocob_tensor *const *grads,
                                      cocob_span skip)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_status s = check_grads(opt, grads);
    /* Schedule-Free steps from y, which an evaluation may have set aside. */
    if (s == COCOB_OK)
        s = cocob_optimizer_train_weights(opt);
    /* Every gradient is flagged before any update is queued, so that one bad
     * gradient leaves every parameter and the state as they were: one NaN
     * would stay in COCOB's G and theta, or Adam's moments, for good. */
    cocob_backend *b = opt->ctx->backend;
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = cocob_op_flag_nonfinite(b, (cocob_span){grads[i]->buf, 0}, grads[i]->count, skip);
    /* KT's gain is taken over every weight before any moves. */
    if (s == COCOB_OK && opt->cfg.kind == COCOB_OPTIMIZER_KT)
        s = cocob_optim_lr_free_scalars(opt, grads, opt->state[COCOB_KT_X0], COCOB_LR_FREE_KT,
                                        skip);
    /* So are DoG's distance and G (L-DoG's, each tensor's): the authors' rbar
     * is at the weights before the step. */
    if (s == COCOB_OK && cocob_optim_is_dog(opt->cfg.kind))
        s = cocob_optim_lr_free_scalars(opt, grads, opt->state[COCOB_DOG_X0], COCOB_LR_FREE_DOG,
                                        skip);
    /* Prodigy's moments, s and d move before any weight does. */
    if (s == COCOB_OK && opt->cfg.kind == COCOB_OPTIMIZER_PRODIGY)
        s = cocob_optim_prodigy_scalars(opt, grads, skip);
    /* D-Adapt Adam's moments move, and its d with them, before any weight. */
    if (s == COCOB_OK && opt->cfg.kind == COCOB_OPTIMIZER_DADAPT_ADAM)
        s = cocob_optim_dadapt_adam_scalars(opt, grads, skip);
    for (size_t i = 0; i < opt->count && s == COCOB_OK; i++)
        s = opt->cfg.kind == COCOB_OPTIMIZER_COCOB
                ? cocob_optim_cocob_step(opt, i, grads[i], skip)
            : opt->cfg.kind == COCOB_OPTIMIZER_CKT ? cocob_optim_ckt_step(opt, i, grads[i], skip)
            : opt->cfg.kind == COCOB_OPTIMIZER_KT  ? cocob_optim_kt_step(opt, i, grads[i], skip)
            : cocob_optim_is_schedule_free(opt->cfg.kind)
                ? cocob_optim_sf_step(opt, i, grads[i], skip)
            : cocob_optim_is_dog(opt->cfg.kind) ? cocob_optim_dog_step(opt, i, grads[i], skip)
            : opt->cfg.kind == COCOB_OPTIMIZER_PRODIGY
                ? cocob_optim_prodigy_step(opt, i, grads[i], skip)
            : opt->cfg.kind == COCOB_OPTIMIZER_DADAPT_ADAM
                ? cocob_optim_dadapt_adam_step(opt, i, skip)
                : cocob_optim_baseline_step(opt, i, grads[i], skip);
    if (s == COCOB_OK)
        opt->steps++;
    return s;
}

void cocob_optim_unstep(cocob_optimizer *opt)
{
    opt->steps--;
}

cocob_status cocob_optimizer_step(cocob_optimizer *opt, const cocob_tensor *const *grads)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_context *ctx = opt->ctx;
    cocob_backend *b = ctx->backend;
    cocob_span flag = {opt->flag, 0};
    cocob_status s = cocob_op_fill(b, opt->flag, 0, 0.0f, 1);
    if (s == COCOB_OK)
        s = cocob_optim_step_guarded(opt, grads, flag);
    int32_t flagged = 0;
    if (s == COCOB_OK)
        s = cocob_op_download(b, opt->flag, 0, &flagged, sizeof flagged);
    if (s != COCOB_OK || !flagged)
        return s;
    /* Skipped on the device: now, off the fast path, say which gradient. */
    cocob_optim_unstep(opt);
    for (size_t i = 0; i < opt->count; i++) {
        size_t bad = 0;
        s = cocob_op_count_nonfinite(b, grads[i]->buf, 0, grads[i]->count, &bad);
        if (s != COCOB_OK)
            return s;
        if (bad)
            return cocob_fail(&ctx->err, COCOB_ERR_NONFINITE,
                              "%s step: gradient %zu holds %zu NaN or infinite value(s) "
                              "among %zu; the step was not taken, weights and state are "
                              "unchanged",
                              cocob_optim_title(opt->cfg.kind), i, bad, grads[i]->count);
    }
    return cocob_fail(&ctx->err, COCOB_ERR_NONFINITE,
                      "%s step: a gradient held NaN or infinite values; the step was not "
                      "taken, weights and state are unchanged",
                      cocob_optim_title(opt->cfg.kind));
}

void cocob_optimizer_get_config(const cocob_optimizer *opt, cocob_optimizer_config *out)
{
    if (opt && out)
        *out = opt->cfg;
}

uint64_t cocob_optimizer_steps(const cocob_optimizer *opt)
{
    return opt ? opt->steps : 0;
}

size_t cocob_optimizer_state_count(const cocob_optimizer *opt)
{
    return opt ? opt->state_count : 0;
}

const char *cocob_optimizer_state_name(const cocob_optimizer *opt, size_t state)
{
    if (!opt || state >= opt->state_count)
        return NULL;
    return opt->cfg.kind == COCOB_OPTIMIZER_COCOB ? cocob_optim_cocob_state_names[state]
           : opt->cfg.kind == COCOB_OPTIMIZER_CKT ? cocob_optim_ckt_state_names[state]
           : opt->cfg.kind == COCOB_OPTIMIZER_KT  ? cocob_optim_kt_state_names[state]
           : cocob_optim_is_schedule_free(opt->cfg.kind)
               ? cocob_optim_sf_state_name(opt->cfg.kind, state)
           : cocob_optim_is_dog(opt->cfg.kind)        ? cocob_optim_dog_state_names[state]
           : opt->cfg.kind == COCOB_OPTIMIZER_PRODIGY ? cocob_optim_prodigy_state_names[state]
           : opt->cfg.kind == COCOB_OPTIMIZER_DADAPT_ADAM
               ? cocob_optim_dadapt_adam_state_names[state]
               : cocob_optim_baseline_state_name(&opt->cfg, state);
}

cocob_status cocob_optimizer_read_state(const cocob_optimizer *opt, size_t state, size_t index,
                                        float *dst, size_t count)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_context *ctx = opt->ctx;
    const char *title = cocob_optim_title(opt->cfg.kind);
    if (state >= opt->state_count || index >= opt->count || !dst)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s read_state: state %zu of parameter %zu does not exist (%zu state "
                          "buffers, %zu parameters)",
                          title, state, index, opt->state_count, opt->count);
    if (count != opt->params[index]->count)
        return cocob_fail(&ctx->err, COCOB_ERR_SHAPE,
                          "%s read_state: %zu floats asked of parameter %zu, which has %zu",
                          title, count, index, opt->params[index]->count);
    cocob_backend *b = ctx->backend;
    /* Schedule-Free's y is the weights themselves while they hold it. */
    if (cocob_optim_is_schedule_free(opt->cfg.kind) && state == cocob_optim_sf_y_state(opt) &&
        !opt->at_x)
        return cocob_op_download(b, opt->params[index]->buf, 0, dst, count * sizeof(float));
    return cocob_op_download(b, opt->state[state], opt->offsets[index] * sizeof(float), dst,
                             count * sizeof(float));
}

size_t cocob_optimizer_scalar_count(const cocob_optimizer *opt)
{
    if (opt && cocob_optim_is_schedule_free(opt->cfg.kind))
        return COCOB_SF_SCALARS;
    return opt ? opt->scalar_count : 0;
}

const char *cocob_optimizer_scalar_name(const cocob_optimizer *opt, size_t index)
{
    if (opt && cocob_optim_is_schedule_free(opt->cfg.kind))
        return cocob_optim_sf_scalar_name(index);
    if (!opt || index >= opt->scalar_count)
        return NULL;
    return opt->cfg.kind == COCOB_OPTIMIZER_KT        ? cocob_optim_kt_scalar_names[index]
           : cocob_optim_is_dog(opt->cfg.kind)        ? cocob_optim_dog_scalar_name(opt, index)
           : opt->cfg.kind == COCOB_OPTIMIZER_PRODIGY ? cocob_optim_prodigy_scalar_names[index]
           : opt->cfg.kind == COCOB_OPTIMIZER_DADAPT_ADAM
               ? cocob_optim_dadapt_adam_scalar_names[index]
               : NULL;
}

cocob_status cocob_optimizer_read_scalars(const cocob_optimizer *opt, float *dst, size_t count)
{
    if (!opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_context *ctx = opt->ctx;
    size_t keeps = cocob_optimizer_scalar_count(opt);
    if (!dst || count != keeps)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s read_scalars: %zu scalars asked for%s; it keeps %zu",
                          cocob_optim_title(opt->cfg.kind), count, dst ? "" : " into NULL",
                          keeps);
    /* Schedule-Free's are the host's: no wait. */
    if (cocob_optim_is_schedule_free(opt->cfg.kind)) {
        cocob_optim_sf_scalars(opt, dst);
        return COCOB_OK;
    }
    if (!count)
        return COCOB_OK;
    return cocob_op_download(ctx->backend, opt->scalars, 0, dst, count * sizeof(float));
}
