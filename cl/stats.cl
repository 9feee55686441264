/* The training monitor's reduction. Twin: stats_ref in
 * src/backend/ref/stats.c, which says what it computes.
 *
 * Each work-item takes a strided share, then each group combines its
 * items in a tree in local memory (no atomics, so the result never depends
 * on timing) and writes five partials: min, sum, max, sum of squares and
 * the count kept (exact in a float up to 2^24 per group); the host combines
 * the groups in double. The tree needs a power-of-two group size, which the
 * launch guarantees. Each v is the reference's own operations, so only the
 * sums' order differs from it. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void stats(__global const float *x, ulong x_off, __global const float *y, ulong y_off,
                    int has_y, __global const float *z, ulong z_off, int has_z, ulong n,
                    __global float *partial, __local float *scratch)
{
    size_t lid = get_local_id(0), group = get_local_size(0);
    ulong stride = get_global_size(0);
    float lo = INFINITY, hi = 0.0f, sum = 0.0f, sum_sq = 0.0f, count = 0.0f;
    for (ulong i = get_global_id(0); i < n; i += stride) {
        float v = fabs(has_y ? x[x_off + i] - y[y_off + i] : x[x_off + i]);
        if (has_z) {
            float d = z[z_off + i];
            if (d == 0.0f)
                continue;
            v = v / fabs(d);
        }
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        sum += v;
        sum_sq += v * v;
        count += 1.0f;
    }
    __local float *s_lo = scratch, *s_sum = scratch + group, *s_hi = scratch + 2 * group;
    __local float *s_sq = scratch + 3 * group, *s_n = scratch + 4 * group;
    s_lo[lid] = lo;
    s_sum[lid] = sum;
    s_hi[lid] = hi;
    s_sq[lid] = sum_sq;
    s_n[lid] = count;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t width = group / 2; width > 0; width /= 2) {
        if (lid < width) {
            s_lo[lid] = s_lo[lid + width] < s_lo[lid] ? s_lo[lid + width] : s_lo[lid];
            s_hi[lid] = s_hi[lid + width] > s_hi[lid] ? s_hi[lid + width] : s_hi[lid];
            s_sum[lid] += s_sum[lid + width];
            s_sq[lid] += s_sq[lid + width];
            s_n[lid] += s_n[lid + width];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        __global float *p = partial + 5 * get_group_id(0);
        p[0] = s_lo[0];
        p[1] = s_sum[0];
        p[2] = s_hi[0];
        p[3] = s_sq[0];
        p[4] = s_n[0];
    }
}
