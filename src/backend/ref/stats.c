/* The training monitor's reduction, the reference loop of cl/stats.cl: over
 * the elements whose z is not 0, of v = |x - y| / |z|, y absent meaning 0
 * and z absent 1, the smallest, the sum, the largest and the sum of squares.
 * Sums are taken in float, one by one in memory order: the order the
 * kernel's tree is measured against. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_stats(const float *x, const float *y, const float *z, size_t n, cocob_stats *out)
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
