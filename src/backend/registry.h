/* The backends that make devices, as the core sees them.
 *
 * Each backend's folder exports one descriptor (its entry.c), registry.c
 * alone knows which were built, and the layers above loop over the registry
 * rather than naming a backend, so that adding one touches no caller. The verifying
 * backend is not here: it makes no device, it wraps one. */
#ifndef COCOB_BACKEND_REGISTRY_H
#define COCOB_BACKEND_REGISTRY_H

#include <stddef.h>

#include "backend/backend.h"

typedef struct cocob_backend_reg {
    const char *name;  /* "ref", "cpu", "opencl" */
    const char *title; /* how messages name it: "OpenCL" */
    /* Only in the entry of a backend this build left out, whose absence
     * messages must explain: the option that left it out, such as
     * "COCOB_OPENCL=OFF". Such an entry has no functions. */
    const char *left_out;
    /* What auto's reason adds when it picks this backend's device, where
     * the order alone does not explain it; NULL for nothing. */
    const char *auto_note;

    /* Its devices: *infos (malloc'd, *count of them) for the list, and *own,
     * one malloc'd block or NULL, its own record of them, which create is
     * given back. May write a note on the listing, such as that no driver
     * is installed; finding no device is not a failure. */
    cocob_status (*list_devices)(cocob_device_info **infos, void **own, size_t *count, char *note,
                                 size_t note_cap, cocob_error *err);
    /* A backend on device index of what list_devices gave as own. */
    cocob_status (*create)(const void *own, size_t index, cocob_error *err,
                           const cocob_logger *log, cocob_backend **out);

    /* ---- optional: NULL where the backend has no such thing ---- */

    /* cocob_tune_gemm and cocob_bench_gemm on b, one of its own backends. */
    cocob_status (*tune_gemm)(cocob_backend *b, size_t max_candidates, cocob_gemm_tuning *out);
    cocob_status (*bench_gemm)(cocob_backend *b, cocob_bench_gemm_result *out);
    /* How many programs b built from source and loaded from the cache. */
    void (*programs)(const cocob_backend *b, unsigned *built, unsigned *cached);
} cocob_backend_reg;

/* The registry, in the device list's order: ref first, then cpu, then
 * OpenCL. Among devices of one kind, auto takes the first in this order. */
size_t cocob_backend_reg_count(void);
const cocob_backend_reg *cocob_backend_reg_get(size_t i);

#endif
