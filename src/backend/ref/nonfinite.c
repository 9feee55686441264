#include <math.h>
#include <string.h>

#include "backend/ref/ref.h"

size_t cocob_ref_count_nonfinite(const float *x, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += !isfinite(x[i]);
    return count;
}

void cocob_ref_flag_nonfinite(const float *x, size_t n, int32_t *flag)
{
    if (cocob_ref_count_nonfinite(x, n))
        *flag = 1;
}

int cocob_ref_update_skipped(const cocob_buffer *skip, size_t skip_offset)
{
    if (!skip)
        return 0;
    int32_t v;
    memcpy(&v, (const char *)skip->handle + skip_offset * sizeof v, sizeof v);
    return v != 0;
}
