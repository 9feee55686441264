/* GEMM tuning and its benchmark: OpenCL only, since the other backends have
 * nothing to tune (ref is the yardstick, cpu is OpenBLAS's). */
#include "cocob/tools.h"
#include "runtime/handles.h"

static cocob_status not_opencl(cocob_context *ctx, const char *what)
{
#ifdef COCOB_HAVE_OPENCL
    return cocob_fail(&ctx->err, COCOB_ERR_UNSUPPORTED,
                      "%s: %s (%s) is not an OpenCL device; only OpenCL's GEMM has parameters "
                      "to tune",
                      what, ctx->backend->info.selector, ctx->backend->info.name);
#else
    return cocob_fail(&ctx->err, COCOB_ERR_UNSUPPORTED,
                      "%s: this build has no OpenCL (COCOB_OPENCL=OFF), and only OpenCL's GEMM "
                      "has parameters to tune",
                      what);
#endif
}

cocob_status cocob_tune_gemm(cocob_context *ctx, size_t max_candidates, cocob_gemm_tuning *out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
#ifdef COCOB_HAVE_OPENCL
    cocob_cl_backend *b = cocob_cl_backend_of(ctx->backend);
    if (b)
        return cocob_cl_gemm_tune(b, max_candidates, out);
#else
    (void)max_candidates;
#endif
    return not_opencl(ctx, "tune gemm");
}

cocob_status cocob_bench_gemm(cocob_context *ctx, cocob_bench_gemm_result *out)
{
    if (!ctx || !ctx->backend || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
#ifdef COCOB_HAVE_OPENCL
    cocob_cl_backend *b = cocob_cl_backend_of(ctx->backend);
    if (b)
        return cocob_cl_gemm_bench(b, out);
#endif
    return not_opencl(ctx, "bench gemm");
}
