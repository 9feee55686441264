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

/* Elements a work-item of flag_nonfinite takes: 16 rows of eight. Its twin
 * is FLAG_SPAN in src/backend/opencl/nonfinite.c. */
#define ROWS 16
#define SPAN (ROWS * 8)

/* A float is NaN or infinite when its exponent bits are all ones, that is
 * when its bits less the sign are 0x7f800000 or more. */
#define NONFINITE_AT_LEAST 0x7f800000u

/* Sets flag[flag_offset] to 1 when any of x[offset .. offset + n) is NaN or
 * infinite, and leaves it alone otherwise, so that the update kernels can
 * read it without the host waiting for an answer. Twin: flag_nonfinite_ref.
 * Each work-item takes SPAN elements in a row and keeps the lane-wise most
 * of their bits less the sign, a float8 at a time: an isfinite test an
 * element, one float8 a work-item, left PoCL at ten instructions an element
 * and the guard at a third of the update's time, over a twelfth of its
 * bytes; this is three (a load, a mask, a max) for eight. Every item that
 * finds a bad value writes the same 1, so the order of the writes cannot
 * matter. */
__kernel void flag_nonfinite(__global const float *x, ulong offset, ulong n,
                             __global int *flag, ulong flag_offset)
{
    ulong first = get_global_id(0) * SPAN;
    if (first >= n)
        return;
    __global const float *p = x + offset + first;
    ulong count = min(n - first, (ulong)SPAN);
    uint8 most = 0;
    if (count == SPAN) {
        for (int r = 0; r < ROWS; r++)
            most = max(most, as_uint8(vload8(r, p)) & 0x7fffffffu);
    } else {
        for (ulong r = 0; r < count / 8; r++)
            most = max(most, as_uint8(vload8(r, p)) & 0x7fffffffu);
        for (ulong j = count / 8 * 8; j < count; j++)
            most.s0 = max(most.s0, as_uint(p[j]) & 0x7fffffffu);
    }
    uint4 four = max(most.lo, most.hi);
    uint2 two = max(four.lo, four.hi);
    if (max(two.x, two.y) >= NONFINITE_AT_LEAST)
        atomic_xchg((volatile __global int *)(flag + flag_offset), 1);
}
