/* KT, one fused pass after lr_free_finalize. Its twin is
 * cocob_ref_kt_update in src/backend/ref/kt.c, which gives the formula;
 * the two keep the same order of operations, so that they agree to the
 * last bit where division is correctly rounded. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void kt_update(__global float *w, ulong w_offset, __global const float *grad,
                        ulong grad_offset, __global const float *x0, __global float *theta,
                        ulong state_offset, ulong n, float weight_decay,
                        __global const float *scalars, ulong scalars_offset,
                        __global const int *skip, ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    /* wealth / iter, KT's bet, after this step's finalize. */
    float bet = scalars[scalars_offset] / scalars[scalars_offset + 1];
    __global float *wi = w + w_offset + i;
    ulong s = state_offset + i;
    float g = grad[grad_offset + i] + weight_decay * *wi;
    float tv = theta[s] - g;
    theta[s] = tv;
    *wi = tv * bet + x0[s];
}
