/* a = b + s * c: the plainest memory-bound kernel, the yardstick that
 * `cocob bench update` sets the optimizer step against. Twin: triad_ref.
 *
 * Eight elements a work-item, as one float8, the way cl/cocob.cl takes
 * them: a yardstick that moved its bytes more slowly than the update would
 * flatter the update. With one element an item PoCL compiled this into
 * masked AVX moves, which some x86 cores run in microcode. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void triad(__global float *a, __global const float *b, __global const float *c,
                    float s, ulong n)
{
    ulong first = get_global_id(0) * 8;
    if (first >= n)
        return;
    if (n - first >= 8) {
        vstore8(vload8(0, b + first) + s * vload8(0, c + first), 0, a + first);
        return;
    }
    for (ulong i = first; i < n; i++)
        a[i] = b[i] + s * c[i];
}
