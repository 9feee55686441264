/* GEMM tuning and its benchmark, where the device's backend has them: ref
 * has nothing to tune (it is the yardstick), nor has cpu (its GEMM is
 * OpenBLAS's). */
#include "cocob/tools.h"

#include "runtime/handles.h"

static cocob_status untunable(cocob_context *ctx, const char *what)
{
    for (size_t i = 0; i < cocob_backend_reg_count(); i++) {
        const cocob_backend_reg *reg = cocob_backend_reg_get(i);
        if (reg->tune_gemm)
            return cocob_fail(&ctx->err, COCOB_ERR_UNSUPPORTED,
                              "%s: %s (%s) is not an %s device; only %s's GEMM has parameters "
                              "to tune",
                              what, ctx->backend->info.selector, ctx->backend->info.name,
                              reg->title, reg->title);
    }
    /* The registry keeps an entry for a backend left out only where its
     * absence needs explaining, as that of the one with a GEMM to tune. */
    for (size_t i = 0; i < cocob_backend_reg_count(); i++) {
        const cocob_backend_reg *reg = cocob_backend_reg_get(i);
        if (reg->left_out)
            return cocob_fail(&ctx->err, COCOB_ERR_UNSUPPORTED,
                              "%s: this build has no %s (%s), and only %s's GEMM has "
                              "parameters to tune",
                              what, reg->title, reg->left_out, reg->title);
    }
    return cocob_fail(&ctx->err, COCOB_ERR_UNSUPPORTED,
                      "%s: no backend of this build has GEMM parameters to tune", what);
}

cocob_status cocob_tune_gemm(cocob_context *ctx, size_t max_candidates, cocob_gemm_tuning *out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (ctx->reg && ctx->reg->tune_gemm)
        return ctx->reg->tune_gemm(ctx->backend, max_candidates, out);
    return untunable(ctx, "tune gemm");
}

cocob_status cocob_bench_gemm(cocob_context *ctx, cocob_bench_gemm_result *out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (ctx->reg && ctx->reg->bench_gemm)
        return ctx->reg->bench_gemm(ctx->backend, out);
    return untunable(ctx, "bench gemm");
}
