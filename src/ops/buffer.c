/* The buffer ops' validation: every range lies within its buffer, and a
 * copy's two ranges do not overlap, which OpenCL refuses
 * (CL_MEM_COPY_OVERLAP). Offsets and lengths count bytes, fill's floats. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status range_validate(cocob_error *err, const char *op, const char *name,
                                   const cocob_buffer *buf, size_t offset, size_t bytes)
{
    if (!buf)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s has no buffer", op, name);
    size_t end;
    if (!size_add(offset, bytes, &end) || end > buf->bytes)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %s's %zu bytes from offset %zu do not fit in its buffer of %zu "
                          "bytes",
                          op, name, bytes, offset, buf->bytes);
    return COCOB_OK;
}

static cocob_status upload_validate(cocob_backend *b, const char *op, cocob_buffer *dst,
                                    size_t offset_bytes, const void *src, size_t bytes)
{
    if (!src && bytes)
        return cocob_fail(b->err, COCOB_ERR_INVALID_ARGUMENT, "%s: no host memory to read", op);
    return range_validate(b->err, op, "dst", dst, offset_bytes, bytes);
}

cocob_status cocob_op_upload(cocob_backend *b, cocob_buffer *dst, size_t offset_bytes,
                             const void *src, size_t bytes)
{
    cocob_status s = upload_validate(b, "upload", dst, offset_bytes, src, bytes);
    return s == COCOB_OK ? b->iface->upload(b, dst, offset_bytes, src, bytes) : s;
}

cocob_status cocob_op_upload_queued(cocob_backend *b, cocob_buffer *dst, size_t offset_bytes,
                                    const void *src, size_t bytes)
{
    cocob_status s = upload_validate(b, "upload_queued", dst, offset_bytes, src, bytes);
    return s == COCOB_OK ? b->iface->upload_queued(b, dst, offset_bytes, src, bytes) : s;
}

cocob_status cocob_op_download(cocob_backend *b, const cocob_buffer *src, size_t offset_bytes,
                               void *dst, size_t bytes)
{
    if (!dst && bytes)
        return cocob_fail(b->err, COCOB_ERR_INVALID_ARGUMENT,
                          "download: no host memory to write");
    cocob_status s = range_validate(b->err, "download", "src", src, offset_bytes, bytes);
    if (s != COCOB_OK)
        return s;
    return b->iface->download(b, src, offset_bytes, dst, bytes);
}

cocob_status cocob_op_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_offset_bytes,
                           const cocob_buffer *src, size_t src_offset_bytes, size_t bytes)
{
    cocob_status s = range_validate(b->err, "copy", "dst", dst, dst_offset_bytes, bytes);
    if (s == COCOB_OK)
        s = range_validate(b->err, "copy", "src", src, src_offset_bytes, bytes);
    if (s != COCOB_OK)
        return s;
    /* Both ranges fit in their buffers, so neither sum wraps. */
    if (dst == src && bytes && dst_offset_bytes < src_offset_bytes + bytes &&
        src_offset_bytes < dst_offset_bytes + bytes)
        return cocob_fail(b->err, COCOB_ERR_INVALID_ARGUMENT,
                          "copy: dst (%zu bytes from offset %zu) overlaps src (from offset %zu) "
                          "in one buffer",
                          bytes, dst_offset_bytes, src_offset_bytes);
    return b->iface->copy(b, dst, dst_offset_bytes, src, src_offset_bytes, bytes);
}

cocob_status cocob_op_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                           size_t count)
{
    size_t offset_bytes, bytes;
    if (!size_mul(offset, sizeof(float), &offset_bytes) ||
        !size_mul(count, sizeof(float), &bytes))
        return cocob_fail(b->err, COCOB_ERR_SHAPE,
                          "fill: %zu floats from offset %zu are more bytes than size_t can count",
                          count, offset);
    cocob_status s = range_validate(b->err, "fill", "dst", dst, offset_bytes, bytes);
    if (s != COCOB_OK)
        return s;
    return b->iface->fill(b, dst, offset, value, count);
}
