/* SGD, one fused pass. Its twin is sgd_update_ref in src/backend/ref/sgd.c,
 * which gives the formula; the two keep the same order of operations, so
 * that they agree to the last bit. buf is touched only with momentum, and
 * may be NULL without. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void sgd_update(__global float *w, ulong w_offset, __global const float *grad,
                         ulong grad_offset, __global float *buf, ulong state_offset, ulong n,
                         float lr, float weight_decay, float momentum,
                         float one_minus_dampening, int nesterov, int first,
                         __global const int *skip, ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    __global float *wi = w + w_offset + i;
    float wv = *wi;
    float d = grad[grad_offset + i] + weight_decay * wv;
    if (momentum != 0.0f) {
        __global float *bi = buf + state_offset + i;
        float b = first ? d : *bi * momentum + one_minus_dampening * d;
        *bi = b;
        d = nesterov ? d + momentum * b : b;
    }
    *wi = wv - lr * d;
}
