/* cKT, one fused pass. Its twin is cocob_ref_ckt_update in
 * src/backend/ref/ckt.c, which gives the formula; the two keep the same
 * order of operations, so that they agree to the last bit where division
 * is correctly rounded. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void ckt_update(__global float *w, ulong w_offset, __global const float *grad,
                         ulong grad_offset, __global float *sum, __global float *reward,
                         __global float *t, __global const float *x0, ulong state_offset,
                         ulong n, float weight_decay, __global const int *skip,
                         ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    __global float *wi = w + w_offset + i;
    ulong s = state_offset + i;
    float wv = *wi, x0v = x0[s];
    float g = grad[grad_offset + i] + weight_decay * wv;
    float sv = sum[s] - g;
    float rv = reward[s] - g * (wv - x0v);
    float tv = t[s] + (g != 0.0f ? 1.0f : 0.0f);
    sum[s] = sv;
    reward[s] = rv;
    t[s] = tv;
    *wi = rv * sv / tv + x0v;
}
