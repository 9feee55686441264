/* a = b + s * c: the plainest memory-bound kernel, the yardstick that
 * `cocob bench update` sets the optimizer step against. Twin: triad_ref. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void triad(__global float *a, __global const float *b, __global const float *c,
                    float s, ulong n)
{
    ulong i = get_global_id(0);
    if (i < n)
        a[i] = b[i] + s * c[i];
}
