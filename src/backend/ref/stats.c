/* The training monitor's reduction, the reference loop of cl/stats.cl: over
 * the elements whose z is not 0, of v = |x - y| / |z|, y absent meaning 0
 * and z absent 1, the smallest, the sum, the largest and the sum of squares.
 * Sums are taken in float, one by one in memory order: the order the
 * kernel's tree is measured against. */
#include <math.h>

#include "backend/ref/ref.h"

cocob_status stats_check(cocob_error *err, cocob_span x, cocob_span y, cocob_span z, size_t n)
{
    if (!n || !x.buf)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "stats: needs x and at least one element (n = %zu)", n);
    const cocob_span spans[] = {x, y, z};
    const char *const names[] = {"x", "y", "z"};
    for (int k = 0; k < 3; k++)
        if (spans[k].buf && !span_holds(spans[k], n))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              "stats: %s needs %zu floats from offset %zu; its buffer holds %zu",
                              names[k], n, spans[k].off, spans[k].buf->bytes / 4);
    return COCOB_OK;
}

void stats_ref(const float *x, const float *y, const float *z, size_t n, cocob_stats *out)
{
    float lo = INFINITY, hi = 0.0f, sum = 0.0f, sum_sq = 0.0f;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        float v = fabsf(y ? x[i] - y[i] : x[i]);
        if (z) {
            if (z[i] == 0.0f)
                continue;
            v = v / fabsf(z[i]);
        }
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        sum += v;
        sum_sq += v * v;
        count++;
    }
    *out = (cocob_stats){count ? lo : 0.0, sum, hi, sum_sq, count};
}
