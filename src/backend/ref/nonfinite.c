#include <math.h>

#include "backend/ref/ref.h"

size_t cocob_ref_count_nonfinite(const float *x, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += !isfinite(x[i]);
    return count;
}
