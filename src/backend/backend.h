/* The private interface every backend fills: buffers and ops.
 *
 * In the manner of ggml's ggml_backend_i: the core sees only this table, so a
 * new backend (or the checking backend that runs two side by side) plugs in
 * without the core knowing its internals. Every member is required. */
#ifndef COCOB_BACKEND_H
#define COCOB_BACKEND_H

#include <stddef.h>

#include "cocob/cocob.h"
#include "core/error.h"
#include "core/log.h"

/* A block of device memory. handle is the backend's own: host memory for ref,
 * a cl_mem for opencl. */
typedef struct cocob_buffer {
    void *handle;
    size_t bytes;
} cocob_buffer;

/* One COCOB-Backprop step over n elements. Offsets count floats. The five
 * state buffers share one offset, since each is an arena as long as the
 * parameters it tracks. */
typedef struct cocob_update_args {
    cocob_buffer *w;
    size_t w_offset;
    const cocob_buffer *grad;
    size_t grad_offset;
    cocob_buffer *state[COCOB_STATE_COUNT];
    size_t state_offset;
    size_t n;
    float alpha;
    float weight_decay;
} cocob_update_args;

typedef struct cocob_backend cocob_backend;

typedef struct cocob_backend_i {
    void (*destroy)(cocob_backend *b);

    cocob_status (*alloc)(cocob_backend *b, size_t bytes, cocob_buffer **out);
    void (*free)(cocob_backend *b, cocob_buffer *buf);
    cocob_status (*upload)(cocob_backend *b, cocob_buffer *dst, size_t offset_bytes,
                           const void *src, size_t bytes);
    /* Blocks until the data is on the host. */
    cocob_status (*download)(cocob_backend *b, const cocob_buffer *src, size_t offset_bytes,
                             void *dst, size_t bytes);
    cocob_status (*copy)(cocob_backend *b, cocob_buffer *dst, size_t dst_offset_bytes,
                         const cocob_buffer *src, size_t src_offset_bytes, size_t bytes);
    cocob_status (*fill)(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                         size_t count);
    cocob_status (*finish)(cocob_backend *b);

    /* The fused COCOB-Backprop step: ref/cocob.c and cl/cocob.cl. */
    cocob_status (*cocob_update)(cocob_backend *b, const cocob_update_args *a);
    /* How many of the n floats at offset are NaN or infinite; waits for the
     * answer. ref/nonfinite.c and cl/nonfinite.cl. */
    cocob_status (*count_nonfinite)(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                    size_t n, size_t *count);
    /* a = b + s * c over n floats, the bandwidth yardstick: ref/triad.c and cl/triad.cl. */
    cocob_status (*triad)(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                          const cocob_buffer *c, float s, size_t n);
} cocob_backend_i;

struct cocob_backend {
    const cocob_backend_i *iface;
    cocob_device_info info;
    cocob_error *err;          /* the owning context's: failures are written here */
    const cocob_logger *log;
};

cocob_status cocob_ref_backend_create(cocob_error *err, const cocob_logger *log,
                                      cocob_backend **out);
/* Fills the device description of the reference backend. */
void cocob_ref_device_info(cocob_device_info *info);

#endif
