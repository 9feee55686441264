/* The one place outside the build files that knows which backends this
 * build has. */
#include "backend/registry.h"

extern const cocob_backend_reg cocob_ref_reg;
#ifdef COCOB_HAVE_CPU
extern const cocob_backend_reg cocob_cpu_reg;
#endif
#ifdef COCOB_HAVE_OPENCL
extern const cocob_backend_reg cocob_opencl_reg;
#else
/* auto's choice and `cocob tune` say that OpenCL is missing, and why. */
static const cocob_backend_reg cocob_opencl_reg = {
    .name = "opencl",
    .title = "OpenCL",
    .left_out = "COCOB_OPENCL=OFF",
};
#endif

/* The order is the device list's, and auto's among devices of one kind. */
static const cocob_backend_reg *const registry[] = {
    &cocob_ref_reg,
#ifdef COCOB_HAVE_CPU
    &cocob_cpu_reg,
#endif
    &cocob_opencl_reg,
};

size_t cocob_backend_reg_count(void)
{
    return sizeof registry / sizeof *registry;
}

const cocob_backend_reg *cocob_backend_reg_get(size_t i)
{
    return i < cocob_backend_reg_count() ? registry[i] : NULL;
}

#ifndef COCOB_HAVE_CPU
/* Without the cpu backend there is no OpenBLAS to advise. */
const char *cocob_openblas_coretype_hint(void)
{
    return NULL;
}
#endif
