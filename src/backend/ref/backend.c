/* The reference backend: buffers are host memory, ops are the loops of ref.h. */
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/ref/ref.h"

static float *floats(const cocob_buffer *buf, size_t offset)
{
    return (float *)buf->handle + offset;
}

static cocob_status ref_alloc(cocob_backend *b, size_t bytes, cocob_buffer **out)
{
    cocob_buffer *buf = malloc(sizeof *buf);
    /* calloc: a new tensor reads as zeros on every backend. */
    void *mem = buf ? calloc(1, bytes ? bytes : 1) : NULL;
    if (!mem) {
        free(buf);
        return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY,
                          "ref: out of host memory allocating %zu bytes", bytes);
    }
    buf->handle = mem;
    buf->bytes = bytes;
    *out = buf;
    return COCOB_OK;
}

static void ref_free(cocob_backend *b, cocob_buffer *buf)
{
    (void)b;
    if (buf)
        free(buf->handle);
    free(buf);
}

static cocob_status ref_upload(cocob_backend *b, cocob_buffer *dst, size_t off,
                               const void *src, size_t bytes)
{
    (void)b;
    memcpy((char *)dst->handle + off, src, bytes);
    return COCOB_OK;
}

static cocob_status ref_download(cocob_backend *b, const cocob_buffer *src, size_t off,
                                 void *dst, size_t bytes)
{
    (void)b;
    memcpy(dst, (const char *)src->handle + off, bytes);
    return COCOB_OK;
}

static cocob_status ref_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_off,
                             const cocob_buffer *src, size_t src_off, size_t bytes)
{
    (void)b;
    memmove((char *)dst->handle + dst_off, (const char *)src->handle + src_off, bytes);
    return COCOB_OK;
}

static cocob_status ref_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                             size_t count)
{
    (void)b;
    float *p = floats(dst, offset);
    for (size_t i = 0; i < count; i++)
        p[i] = value;
    return COCOB_OK;
}

static cocob_status ref_finish(cocob_backend *b)
{
    (void)b;
    return COCOB_OK;
}

static cocob_status ref_cocob_update(cocob_backend *b, const cocob_update_args *a)
{
    (void)b;
    size_t s = a->state_offset;
    cocob_update_ref(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                     floats(a->state[COCOB_STATE_W1], s), floats(a->state[COCOB_STATE_L], s),
                     floats(a->state[COCOB_STATE_G], s), floats(a->state[COCOB_STATE_REWARD], s),
                     floats(a->state[COCOB_STATE_THETA], s), a->n, a->alpha, a->weight_decay);
    return COCOB_OK;
}

static cocob_status ref_count_nonfinite(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                        size_t n, size_t *count)
{
    (void)b;
    *count = count_nonfinite_ref(floats(x, offset), n);
    return COCOB_OK;
}

static cocob_status ref_triad(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                              const cocob_buffer *c, float s, size_t n)
{
    (void)b;
    triad_ref(floats(a, 0), floats(bb, 0), floats(c, 0), s, n);
    return COCOB_OK;
}

static void ref_destroy(cocob_backend *b)
{
    free(b);
}

static const cocob_backend_i ref_iface = {
    .destroy = ref_destroy,
    .alloc = ref_alloc,
    .free = ref_free,
    .upload = ref_upload,
    .download = ref_download,
    .copy = ref_copy,
    .fill = ref_fill,
    .finish = ref_finish,
    .cocob_update = ref_cocob_update,
    .count_nonfinite = ref_count_nonfinite,
    .triad = ref_triad,
};

void cocob_ref_device_info(cocob_device_info *info)
{
    memset(info, 0, sizeof *info);
    strcpy(info->selector, "ref");
    info->type = COCOB_DEVICE_REF;
    info->platform_index = -1;
    info->device_index = -1;
    strcpy(info->name, "C reference (single-threaded, host memory)");
    strcpy(info->vendor, "cocob");
    strcpy(info->driver_version, "0.1.0");
    info->compute_units = 1;
    info->fp64 = 1;
}

cocob_status cocob_ref_backend_create(cocob_error *err, const cocob_logger *log,
                                      cocob_backend **out)
{
    cocob_backend *b = calloc(1, sizeof *b);
    if (!b)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "ref: out of host memory");
    b->iface = &ref_iface;
    b->err = err;
    b->log = log;
    cocob_ref_device_info(&b->info);
    *out = b;
    return COCOB_OK;
}
