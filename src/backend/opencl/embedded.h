/* The files of cl/, turned into C strings at build time (cmake/embed.cmake). */
#ifndef COCOB_OPENCL_EMBEDDED_H
#define COCOB_OPENCL_EMBEDDED_H

#include <stddef.h>

typedef struct cocob_embedded_source {
    const char *name; /* "cocob.cl" */
    const char *text; /* NUL-terminated */
    size_t length;    /* without the NUL */
} cocob_embedded_source;

extern const cocob_embedded_source cocob_embedded_sources[];
extern const size_t cocob_embedded_source_count;

#endif
