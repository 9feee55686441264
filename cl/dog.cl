/* DoG, one fused pass after lr_free_finalize. Its twin is
 * cocob_ref_dog_update in src/backend/ref/dog.c, which gives the formula;
 * the same two roundings in the same order, so that they agree to the
 * last bit. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void dog_update(__global float *w, ulong w_offset, __global const float *grad,
                         ulong grad_offset, ulong n, float weight_decay,
                         __global const float *scalars, ulong eta_offset,
                         __global const int *skip, ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    __global float *wi = w + w_offset + i;
    float g = grad[grad_offset + i] + weight_decay * *wi;
    *wi = *wi - scalars[eta_offset] * g;
}
