/* AdaGrad, one fused pass. Its twin is adagrad_update_ref in
 * src/backend/ref/adagrad.c, which gives the formula; the two keep the same
 * order of operations, so that they agree to the last bit where division
 * and sqrt are correctly rounded. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void adagrad_update(__global float *w, ulong w_offset, __global const float *grad,
                             ulong grad_offset, __global float *sum, ulong state_offset,
                             ulong n, float lr, float weight_decay, float eps,
                             __global const int *skip, ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    __global float *wi = w + w_offset + i;
    ulong s = state_offset + i;
    float wv = *wi;
    float g = grad[grad_offset + i] + weight_decay * wv;
    float sv = sum[s] + g * g;
    sum[s] = sv;
    *wi = wv - lr * g / (sqrt(sv) + eps);
}
