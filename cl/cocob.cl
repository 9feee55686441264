/* COCOB-Backprop, one fused pass: each element is read once and written
 * once. Its twin is cocob_update_ref in src/backend/ref/cocob.c; the two keep
 * the same names and the same order of operations, so that they agree to
 * the last bit on a device with IEEE division. */

/* OpenCL C lets a compiler fuse a * b + c into one rounding; the reference
 * rounds twice, so fusing would make the two drift apart. */
#pragma OPENCL FP_CONTRACT OFF

/* The reference's max_of: one comparison, a NaN in b comes out. */
float max_of(float a, float b)
{
    return a > b ? a : b;
}

__kernel void cocob_update(__global float *w, ulong w_offset,
                           __global const float *grad, ulong grad_offset,
                           __global float *w1, __global float *L, __global float *G,
                           __global float *reward, __global float *theta, ulong state_offset,
                           ulong n, float alpha, float weight_decay,
                           __global const int *skip, ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    __global float *wi = w + w_offset + i;
    ulong s = state_offset + i;

    float wv = *wi;
    float g = -(grad[grad_offset + i] + weight_decay * wv);
    float absg = fabs(g);
    float Lv = max_of(L[s], absg);
    float Gv = G[s] + absg;
    float w1v = w1[s];
    float rv = max_of(reward[s] + (wv - w1v) * g, 0.0f);
    float tv = theta[s] + g;
    L[s] = Lv;
    G[s] = Gv;
    reward[s] = rv;
    theta[s] = tv;
    *wi = w1v + tv / Lv / max_of(Gv + Lv, alpha * Lv) * (Lv + rv);
}
