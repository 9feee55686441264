/* Inverted dropout, for dropout (x to y) and dropout_grad (dy to dx) alike:
 * out = in * scale where philox_uniform(seed, counter + i) >= p, else 0.
 * Twin: dropout_ref in src/backend/ref/dropout.c. philox_uniform comes from
 * cl/philox.cl, the prelude of every program, and draws what
 * cocob_philox_uniform draws; scale = 1 / (1 - p) is computed once on the
 * host, so the kernel only multiplies and agrees with the reference to the
 * bit. */

/* One product, nothing to fuse today; off so that an edit cannot fuse one. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void dropout(__global const float *in, ulong in_off, __global float *out, ulong out_off,
                      ulong n, float p, float scale, ulong seed, ulong counter)
{
    ulong i = get_global_id(0);
    if (i >= n)
        return;
    out[out_off + i] = philox_uniform(seed, counter + i) >= p ? in[in_off + i] * scale : 0.0f;
}
