/* Tensors: runs of floats in a context's device memory. */
#include <stdint.h>
#include <stdlib.h>

#include "runtime/handles.h"
#include "ops/ops.h"

static cocob_status usable(const cocob_context *ctx)
{
    return ctx && ctx->backend ? COCOB_OK : COCOB_ERR_INVALID_ARGUMENT;
}

cocob_status cocob_tensor_create(cocob_context *ctx, size_t count, cocob_tensor **out)
{
    if (usable(ctx) != COCOB_OK || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (count == 0 || count > SIZE_MAX / sizeof(float))
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_tensor_create: a tensor of %zu floats cannot exist", count);
    cocob_tensor *t = calloc(1, sizeof *t);
    if (!t)
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    cocob_backend *b = ctx->backend;
    cocob_status s = b->iface->alloc(b, count * sizeof(float), &t->buf);
    if (s != COCOB_OK) {
        free(t);
        return s;
    }
    t->ctx = ctx;
    t->count = count;
    *out = t;
    return COCOB_OK;
}

void cocob_tensor_destroy(cocob_tensor *t)
{
    if (!t)
        return;
    t->ctx->backend->iface->free(t->ctx->backend, t->buf);
    free(t->pieces);
    free(t);
}

size_t cocob_tensor_count(const cocob_tensor *t)
{
    return t ? t->count : 0;
}

static cocob_status check_count(const cocob_tensor *t, const void *host, size_t count,
                                const char *call)
{
    if (!t || !host)
        return t ? cocob_fail(&t->ctx->err, COCOB_ERR_INVALID_ARGUMENT, "%s: NULL host pointer",
                              call)
                 : COCOB_ERR_INVALID_ARGUMENT;
    if (count != t->count)
        return cocob_fail(&t->ctx->err, COCOB_ERR_SHAPE,
                          "%s: %zu floats given for a tensor of %zu", call, count, t->count);
    return COCOB_OK;
}

cocob_status cocob_tensor_upload(cocob_tensor *t, const float *src, size_t count)
{
    cocob_status s = check_count(t, src, count, "cocob_tensor_upload");
    if (s != COCOB_OK)
        return s;
    cocob_backend *b = t->ctx->backend;
    return cocob_op_upload(b, t->buf, 0, src, count * sizeof(float));
}

cocob_status cocob_tensor_download(const cocob_tensor *t, float *dst, size_t count)
{
    cocob_status s = check_count(t, dst, count, "cocob_tensor_download");
    if (s != COCOB_OK)
        return s;
    cocob_backend *b = t->ctx->backend;
    return cocob_op_download(b, t->buf, 0, dst, count * sizeof(float));
}

cocob_status cocob_tensor_fill(cocob_tensor *t, float value)
{
    if (!t)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_backend *b = t->ctx->backend;
    return cocob_op_fill(b, t->buf, 0, value, t->count);
}

cocob_status cocob_tensor_copy(cocob_tensor *dst, const cocob_tensor *src)
{
    if (!dst || !src)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (dst->ctx != src->ctx)
        return cocob_fail(&dst->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_tensor_copy: the tensors belong to different contexts");
    if (dst->count != src->count)
        return cocob_fail(&dst->ctx->err, COCOB_ERR_SHAPE,
                          "cocob_tensor_copy: %zu floats into a tensor of %zu", src->count,
                          dst->count);
    cocob_backend *b = dst->ctx->backend;
    return cocob_op_copy(b, dst->buf, 0, src->buf, 0, src->count * sizeof(float));
}
