/* A context: the chosen device's backend, its logger and its last error. */
#include <stdlib.h>
#include <string.h>

#include "base/setting.h"
#include "runtime/selector.h"

void cocob_options_init(cocob_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->log_level = COCOB_LOG_INFO;
}

/* The registry entry that listed device index. */
static cocob_status open_device(cocob_context *ctx, const char *text)
{
    cocob_selector sel;
    cocob_status s = cocob_selector_parse(text, &sel, &ctx->err);
    if (s != COCOB_OK)
        return s;
    cocob_device_list list;
    memset(&list, 0, sizeof list);
    s = cocob_device_list_fill(&list, &ctx->err);
    size_t index = 0;
    char why[640];
    if (s == COCOB_OK)
        s = cocob_selector_match(&sel, &list, &index, why, sizeof why, &ctx->err);
    if (s == COCOB_OK) {
        const cocob_device_info *d = &list.infos[index];
        cocob_log(&ctx->log, sel.kind == COCOB_SELECT_AUTO ? COCOB_LOG_INFO : COCOB_LOG_DEBUG,
                  "device %s: chose %s, %s (%s): %s", sel.text, d->selector, d->name,
                  cocob_device_type_name(d->type), why);
        const cocob_device_group *g = cocob_device_group_of(&list, index);
        s = g->reg->create(g->own, index - g->first, &ctx->err, &ctx->log, &ctx->backend);
        if (s == COCOB_OK)
            ctx->reg = g->reg;
    }
    cocob_device_list_clear(&list);
    return s;
}

cocob_status cocob_context_create(const cocob_options *opts, cocob_context **out)
{
    if (!out)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_context *ctx = calloc(1, sizeof *ctx);
    *out = ctx;
    if (!ctx)
        return COCOB_ERR_OUT_OF_MEMORY;
    cocob_options defaults;
    if (!opts) {
        cocob_options_init(&defaults);
        opts = &defaults;
    }
    ctx->log.fn = opts->log;
    ctx->log.user = opts->log_user;
    ctx->log.level = opts->log_level;
    const char *device = opts->device;
    if (!device)
        device = getenv("COCOB_DEVICE");
    if (!device || !*device)
        device = "auto";
    cocob_status s = cocob_settings_check(&ctx->err);
    if (s == COCOB_OK)
        s = open_device(ctx, device);
    cocob_verify_mode verify = opts->verify;
    if (verify == COCOB_VERIFY_OFF && cocob_setting("COCOB_VERIFY", 0))
        verify = COCOB_VERIFY_STOP;
    if (s == COCOB_OK && verify != COCOB_VERIFY_OFF) {
        cocob_backend *dev = ctx->backend;
        s = cocob_verify_backend_create(dev, verify, &ctx->err, &ctx->log, &ctx->backend);
        ctx->reg = NULL;
        if (s != COCOB_OK) {
            ctx->backend = NULL;
            dev->iface->destroy(dev);
        } else {
            cocob_log(&ctx->log, COCOB_LOG_INFO,
                      "verify mode: every op runs on %s and on the C reference, and is "
                      "checked against it",
                      dev->info.name);
        }
    }
    return s;
}

void cocob_context_destroy(cocob_context *ctx)
{
    if (!ctx)
        return;
    if (ctx->backend)
        ctx->backend->iface->destroy(ctx->backend);
    free(ctx);
}

const char *cocob_context_error(const cocob_context *ctx)
{
    return ctx ? ctx->err.message : "no context (out of host memory?)";
}

const cocob_verify_row *cocob_verify_rows(const cocob_context *ctx, size_t *count)
{
    size_t n = 0;
    const cocob_verify_row *rows = ctx && ctx->backend
                                       ? cocob_verify_backend_rows(ctx->backend, &n)
                                       : NULL;
    if (count)
        *count = n;
    return rows;
}

const cocob_device_info *cocob_context_device(const cocob_context *ctx)
{
    return ctx && ctx->backend ? &ctx->backend->info : NULL;
}

cocob_status cocob_context_finish(cocob_context *ctx)
{
    if (!ctx || !ctx->backend)
        return COCOB_ERR_INVALID_ARGUMENT;
    return ctx->backend->iface->finish(ctx->backend);
}

void cocob_context_programs(const cocob_context *ctx, unsigned *built, unsigned *cached)
{
    unsigned b = 0, c = 0;
    if (ctx && ctx->reg && ctx->reg->programs)
        ctx->reg->programs(ctx->backend, &b, &c);
    if (built)
        *built = b;
    if (cached)
        *cached = c;
}

void cocob_context_device_bytes(const cocob_context *ctx, uint64_t *now, uint64_t *peak)
{
    const cocob_backend *b = ctx ? ctx->backend : NULL;
    if (now)
        *now = b ? b->live_bytes + b->scratch_bytes : 0;
    if (peak)
        *peak = b ? b->peak_bytes : 0;
}
