/* The GEMM parameters a device gets before anything was measured on it: one
 * entry per class of device, held to what the device allows.
 *
 * Where the values come from. The CPU entry is `cocob tune` on PoCL (2 AMD
 * EPYC cores shared with other work): its winner, 4 rows by 1 vector of 16
 * in the outer-product form and 4 by 2 of 16 in the dot form, ran the MLP's
 * shapes 3.4 times as fast as CLBlast there, and 4 by 2 of 16 came close in
 * both forms. The GPU entries follow CLBlast's own tuning database for
 * single-precision GEMM: its defaults for NVIDIA, AMD and Intel GPUs give a
 * work-item 4 rows by 8 columns of C (a work-group tile of 64 by 64 over 16
 * by 8 or 8 by 8 threads, or 128 by 64 over 32 by 8), with vectors of 2 to
 * 4; here that is 4 rows by 2 vectors of 4. On a GPU CLBlast itself, with
 * its per-device database, is the first choice where the build has it; the
 * tile is the fallback. The rows agree today and stay apart so that a
 * measured value can replace one. Groups are left to the driver on a GPU:
 * a group along M would be padded past the 25 tiles of a batch of 100.
 * Anything else, an accelerator or an unknown OpenCL 1.2 device, gets the
 * smallest tile: few registers, and cl/gemm.cl uses no local memory at all,
 * where CLBlast's kernels may ask for more than a small device has. */
#include <string.h>
#include <strings.h>

#include "backend/opencl/opencl.h"

/* Whether vendor names the company: drivers spell it several ways
 * ("NVIDIA Corporation", "Advanced Micro Devices, Inc.", "Intel(R)
 * Corporation"). */
static int vendor_is(const cocob_device_info *d, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        for (const char *p = d->vendor; *p; p++)
            if (strncasecmp(p, names[i], len) == 0)
                return 1;
    }
    return 0;
}

/* A CPU runs a group on one thread: one work-item a group keeps its
 * private arrays on that thread's stack (see gemm_params.c), and lets PoCL
 * run the tile as straight-line vector code. */
static const cocob_gemm_params cpu_entry = {0, {4, 1, 16, 1}, {4, 2, 16, 1}};
static const cocob_gemm_params gpu_entry = {0, {4, 2, 4, 0}, {4, 2, 4, 0}};
static const cocob_gemm_tile smallest_tile = {2, 1, 4, 0};

static void safe_default(const cocob_device_info *d, cocob_gemm_params *out)
{
    cocob_gemm_tile t = smallest_tile;
    t.group = d->type == COCOB_DEVICE_CPU;
    *out = (cocob_gemm_params){0, t, t};
}

const char *cocob_cl_gemm_table(const cocob_device_info *d, int have_clblast,
                                cocob_gemm_params *out)
{
    static const char *const nvidia[] = {"nvidia"};
    static const char *const amd[] = {"advanced micro devices", "amd", "ati technologies"};
    static const char *const intel[] = {"intel"};
    if (d->type == COCOB_DEVICE_CPU) {
        *out = cpu_entry;
        return "CPU";
    }
    const char *name = NULL;
    if (d->type == COCOB_DEVICE_GPU_DISCRETE || d->type == COCOB_DEVICE_GPU_INTEGRATED) {
        if (vendor_is(d, nvidia, 1))
            name = "NVIDIA GPU";
        else if (vendor_is(d, amd, 3))
            name = "AMD GPU";
        else if (vendor_is(d, intel, 1))
            name = "Intel GPU";
    }
    if (!name) {
        safe_default(d, out);
        return "other device";
    }
    *out = gpu_entry;
    out->clblast = have_clblast;
    return name;
}

const char *cocob_cl_gemm_table_fitted(const cocob_device_info *d, const cocob_gemm_limits *lim,
                                       cocob_gemm_params *out, char *why, size_t cap)
{
    const char *name = cocob_cl_gemm_table(d, lim->have_clblast, out);
    if (cap)
        why[0] = '\0';
    if (cocob_gemm_params_fit(out, lim, why, cap))
        return name;
    /* Its tile is the smallest cl/gemm.cl has; on a CPU its group of one
     * holds 120 bytes of private arrays, which any device gives. */
    safe_default(d, out);
    return "safe default";
}
