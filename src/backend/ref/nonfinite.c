#include <math.h>
#include <string.h>

#include "backend/ref/ref.h"

size_t count_nonfinite_ref(const float *x, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += !isfinite(x[i]);
    return count;
}

void flag_nonfinite_ref(const float *x, size_t n, int32_t *flag)
{
    if (count_nonfinite_ref(x, n))
        *flag = 1;
}

int update_skipped_ref(const cocob_buffer *skip, size_t skip_offset)
{
    if (!skip)
        return 0;
    int32_t v;
    memcpy(&v, (const char *)skip->handle + skip_offset * sizeof v, sizeof v);
    return v != 0;
}

cocob_status flag_nonfinite_check(cocob_error *err, cocob_span x, size_t n, cocob_span flag)
{
    if (!x.buf || !flag.buf)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "flag_nonfinite: needs x and flag");
    if (!span_holds(x, n))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "flag_nonfinite: x needs %zu floats from offset %zu; its buffer holds "
                          "%zu",
                          n, x.off, x.buf->bytes / 4);
    if (!span_holds(flag, 1))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "flag_nonfinite: the flag at offset %zu is past its buffer of %zu",
                          flag.off, flag.buf->bytes / 4);
    return COCOB_OK;
}

cocob_status update_skip_check(cocob_error *err, const char *op, const cocob_buffer *skip,
                               size_t skip_offset)
{
    if (skip && !span_holds((cocob_span){(cocob_buffer *)skip, skip_offset}, 1))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: the guard at offset %zu is past its buffer of %zu", op,
                          skip_offset, skip->bytes / 4);
    return COCOB_OK;
}
