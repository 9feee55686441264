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
