/* The OpenCL backend's registry entry: its devices are every device of
 * every platform, and it alone has GEMM parameters to tune and programs to
 * cache. */
#include <stdlib.h>

#include "backend/opencl/opencl.h"
#include "backend/registry.h"

static cocob_status list_devices(cocob_device_info **infos, void **own, size_t *count, char *note,
                                 size_t note_cap, cocob_error *err)
{
    cocob_cl_device *devs = NULL;
    size_t n = 0;
    *infos = NULL;
    *own = NULL;
    *count = 0;
    cocob_status s = cocob_cl_devices(&devs, &n, note, note_cap, err);
    if (s != COCOB_OK || n == 0)
        return s;
    *infos = calloc(n, sizeof **infos);
    if (!*infos) {
        free(devs);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory listing devices");
    }
    for (size_t i = 0; i < n; i++)
        (*infos)[i] = devs[i].info;
    *own = devs;
    *count = n;
    return COCOB_OK;
}

static cocob_status create(const void *own, size_t index, cocob_error *err,
                           const cocob_logger *log, cocob_backend **out)
{
    return cocob_cl_backend_create((const cocob_cl_device *)own + index, err, log, out);
}

/* b is one of this entry's backends: the core asks no other. */
static cocob_status tune_gemm(cocob_backend *b, size_t max_candidates, cocob_gemm_tuning *out)
{
    return cocob_cl_gemm_tune(cocob_cl_backend_of(b), max_candidates, out);
}

static cocob_status bench_gemm(cocob_backend *b, cocob_bench_gemm_result *out)
{
    return cocob_cl_gemm_bench(cocob_cl_backend_of(b), out);
}

static void programs(const cocob_backend *b, unsigned *built, unsigned *cached)
{
    const cocob_cl_backend *cl = (const cocob_cl_backend *)b;
    *built = cl->stats.builds_from_source;
    *cached = cl->stats.cache_hits;
}

const cocob_backend_reg cocob_opencl_reg = {
    .name = "opencl",
    .title = "OpenCL",
    .list_devices = list_devices,
    .create = create,
    .tune_gemm = tune_gemm,
    .bench_gemm = bench_gemm,
    .programs = programs,
};
