/* How many of x[offset .. offset + n) are NaN or infinite: the guard that
 * keeps a bad gradient out of the optimizer state. Twin: count_nonfinite_ref.
 *
 * Each work-item counts a strided share, then each group sums its items in
 * a tree in local memory (no atomics, so the count never depends on timing)
 * and writes one partial; the host adds the partials. The tree needs the
 * group size to be a power of two, which the launch guarantees. */
__kernel void count_nonfinite(__global const float *x, ulong offset, ulong n,
                              __global ulong *partial, __local ulong *scratch)
{
    size_t lid = get_local_id(0);
    ulong stride = get_global_size(0);
    ulong count = 0;
    for (ulong i = get_global_id(0); i < n; i += stride)
        count += isfinite(x[offset + i]) ? 0 : 1;
    scratch[lid] = count;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t width = get_local_size(0) / 2; width > 0; width /= 2) {
        if (lid < width)
            scratch[lid] += scratch[lid + width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        partial[get_group_id(0)] = scratch[0];
}

/* Sets flag[flag_offset] to 1 when any of x[offset .. offset + n) is NaN or
 * infinite, and leaves it alone otherwise, so that the update kernels can
 * read it without the host waiting for an answer. Twin: flag_nonfinite_ref.
 * Eight elements a work-item, read as one float8, for the reason
 * cl/cocob.cl gives; every item that finds a bad value writes the same 1,
 * so the order of the writes cannot matter. */
__kernel void flag_nonfinite(__global const float *x, ulong offset, ulong n,
                             __global int *flag, ulong flag_offset)
{
    ulong first = get_global_id(0) * 8;
    if (first >= n)
        return;
    __global const float *p = x + offset + first;
    int bad = 0;
    if (n - first >= 8)
        bad = any(!isfinite(vload8(0, p)));
    else
        for (ulong j = 0; j < n - first; j++)
            bad |= !isfinite(p[j]);
    if (bad)
        atomic_xchg((volatile __global int *)(flag + flag_offset), 1);
}
