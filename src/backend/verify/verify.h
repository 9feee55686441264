/* The verifying backend: every op runs on a device backend and on the
 * reference, and the device's outputs are held against the reference's
 * within the op's tolerance. After each op the device's outputs are set to
 * the reference's, so that every op starts from the same inputs on both and
 * a divergence is pinned on the one op that made it, not smeared over the
 * ops after it. */
#ifndef COCOB_VERIFY_VERIFY_H
#define COCOB_VERIFY_VERIFY_H

#include "backend/backend.h"

/* A buffer of the verifying backend holds one of each. */
typedef struct verify_pair {
    cocob_buffer *dev, *ref;
} verify_pair;

typedef struct verify_backend {
    cocob_backend base;
    cocob_backend *dev, *ref;
    cocob_verify_mode mode;
    cocob_verify_row *rows; /* COCOB_VERIFY_RECORD: one per op and shape */
    size_t row_count, row_cap;
    float *host; /* the device's outputs, downloaded */
    size_t host_cap;
} verify_backend;

/* How an output is held against the reference. Element i's error is
 * |device - reference| / mag[i] in units of u = 2^-24, and must not exceed
 * ulps; mag NULL means |reference|. Where the magnitude is 0 the two must be
 * equal. ints: the output is int32 and must be equal. */
typedef struct verify_out {
    const char *tensor; /* its name in the op's signature */
    cocob_span span;
    size_t n;
    const float *mag;
    double ulps;
    int ints;
} verify_out;

/* Compares each output of op (at shape, a short text) and then copies the
 * reference's values onto the device's. In COCOB_VERIFY_STOP mode the first
 * element beyond its tolerance fails with COCOB_ERR_VERIFY. */
cocob_status cocob_verify_outputs(verify_backend *c, const char *op, const char *shape,
                                  const verify_out *outs, int count);

/* Adds one comparison to the row of op at shape (COCOB_VERIFY_RECORD): its
 * largest absolute error, its largest error in units of u, its tolerance in
 * the same units, how many elements, and whether all were within it. */
cocob_status cocob_verify_record(verify_backend *c, const char *op, const char *shape, double abs,
                                 double units, double ulps, size_t elements, int pass);

/* The device's and the reference's side of a span of the verifying backend. */
cocob_span cocob_verify_dev(cocob_span s);
cocob_span cocob_verify_ref(cocob_span s);
/* The reference's floats at a span: host memory. */
float *cocob_verify_ref_floats(cocob_span s);

/* |x| of n floats in a new array; NULL when out of memory. */
float *cocob_verify_abs(const float *x, size_t n);

/* The buffer ops, in backend.c: one buffer on each side; what a download
 * returns is the device's. */
cocob_status cocob_verify_alloc(cocob_backend *b, size_t bytes, cocob_buffer **out);
void cocob_verify_free(cocob_backend *b, cocob_buffer *buf);
cocob_status cocob_verify_upload(cocob_backend *b, cocob_buffer *dst, size_t off, const void *src,
                                 size_t bytes);
cocob_status cocob_verify_upload_queued(cocob_backend *b, cocob_buffer *dst, size_t off,
                                        const void *src, size_t bytes);
cocob_status cocob_verify_download(cocob_backend *b, const cocob_buffer *src, size_t off,
                                   void *dst, size_t bytes);
cocob_status cocob_verify_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_off,
                               const cocob_buffer *src, size_t src_off, size_t bytes);
cocob_status cocob_verify_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                               size_t count);
cocob_status cocob_verify_finish(cocob_backend *b);
void cocob_verify_destroy(cocob_backend *b);

/* The table, in ops.c. */
extern const cocob_backend_i cocob_verify_iface;

#endif
