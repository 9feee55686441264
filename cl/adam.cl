/* Adam and AdamW, one fused pass. Its twin is adam_update_ref in
 * src/backend/ref/adam.c, which gives the formula; the two keep the same
 * order of operations, so that they agree to the last bit where division
 * and sqrt are correctly rounded. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void adam_update(__global float *w, ulong w_offset, __global const float *grad,
                          ulong grad_offset, __global float *exp_avg,
                          __global float *exp_avg_sq, ulong state_offset, ulong n,
                          float step_size, float weight_decay, float eps, float beta1,
                          float one_minus_beta1, float beta2, float one_minus_beta2,
                          float bias2_sqrt, float shrink,
                          __global const int *skip, ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    __global float *wi = w + w_offset + i;
    ulong s = state_offset + i;
    float wv = *wi * shrink;
    float g = grad[grad_offset + i] + weight_decay * wv;
    float m = exp_avg[s] * beta1 + one_minus_beta1 * g;
    float v = exp_avg_sq[s] * beta2 + one_minus_beta2 * g * g;
    exp_avg[s] = m;
    exp_avg_sq[s] = v;
    *wi = wv - step_size * m / (sqrt(v) / bias2_sqrt + eps);
}
