/* D-Adapt Adam's two passes around lr_free_finalize. Twins in
 * src/backend/ref/dadapt_adam.c, which gives the formulas: the state and
 * the update round as the reference does, in the same order; the parts'
 * sums are in float, as lr_free_reduce's (ref/lr_free.c says what that
 * costs), and their order depends on the group size alone. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

/* backend.h's stride of the partials, and where D-Adapt's two sums sit. */
#define SUMS 4
#define SUM_NUMERATOR 0
#define SUM_S_L1 1

/* One group a part of ceil(n / parts) elements: each work-item moves a
 * strided share of the state and sums it in order, then the group folds
 * its items in a tree (the launch makes its size a power of two). */
__kernel void dadapt_adam_accumulate(
    __global const float *w, ulong w_offset, __global const float *grad, ulong grad_offset,
    __global float *exp_avg, __global float *exp_avg_sq, __global float *s, ulong state_offset,
    ulong n, ulong parts, __global float *partials, ulong partials_offset,
    __local float *scratch, __global const float *scalars, ulong dlr_offset, float beta1,
    float beta2, float sqrt_beta2, float one_minus_beta1, float one_minus_beta2,
    float one_minus_sqrt_beta2, float eps, float weight_decay, __global const int *skip,
    ulong skip_offset)
{
    /* The guard: the whole launch leaves the state and the sums alone. */
    if (skip && skip[skip_offset])
        return;
    size_t lid = get_local_id(0), items = get_local_size(0);
    ulong p = get_group_id(0);
    ulong chunk = n / parts + (n % parts != 0);
    ulong first = min(p * chunk, n), end = min(first + chunk, n);
    float dlr = scalars[dlr_offset];
    float c_avg = dlr * one_minus_beta1, c_s = dlr * one_minus_sqrt_beta2;
    float numerator = 0, s_l1 = 0;
    for (ulong i = first + lid; i < end; i += items) {
        ulong j = state_offset + i;
        float g = grad[grad_offset + i] + weight_decay * w[w_offset + i];
        float denom = sqrt(exp_avg_sq[j]) + eps;
        numerator += g * (s[j] / denom);
        exp_avg[j] = exp_avg[j] * beta1 + c_avg * g;
        exp_avg_sq[j] = exp_avg_sq[j] * beta2 + one_minus_beta2 * g * g;
        float sj = s[j] * sqrt_beta2 + c_s * g;
        s[j] = sj;
        s_l1 += fabs(sj);
    }
    scratch[2 * lid] = numerator;
    scratch[2 * lid + 1] = s_l1;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t width = items / 2; width > 0; width /= 2) {
        if (lid < width) {
            scratch[2 * lid] += scratch[2 * (lid + width)];
            scratch[2 * lid + 1] += scratch[2 * (lid + width) + 1];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        partials[partials_offset + SUMS * p + SUM_NUMERATOR] = scratch[0];
        partials[partials_offset + SUMS * p + SUM_S_L1] = scratch[1];
    }
}

/* backend.h's COCOB_DADAPT_ADAM_STEP_DLR and _TAKEN. */
#define STEP_DLR 4
#define TAKEN 5

__kernel void dadapt_adam_update(__global float *w, ulong w_offset,
                                 __global const float *exp_avg,
                                 __global const float *exp_avg_sq, ulong state_offset, ulong n,
                                 float eps, float decay, __global const float *scalars,
                                 ulong scalars_offset, __global const int *skip,
                                 ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard, and a step its authors return from before the update. */
    if (i >= n || (skip && skip[skip_offset]) || scalars[scalars_offset + TAKEN] == 0)
        return;
    __global float *wi = w + w_offset + i;
    ulong j = state_offset + i;
    float x = *wi;
    if (decay != 0)
        x = x + -(decay * scalars[scalars_offset + STEP_DLR]) * x;
    *wi = x - exp_avg[j] / (sqrt(exp_avg_sq[j]) + eps);
}
