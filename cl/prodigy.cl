/* Prodigy's two passes around lr_free_finalize; twins in
 * src/backend/ref/prodigy.c, which with backend.h gives the formulas. The
 * state and the weights take the reference's roundings in its order, so
 * they agree to the last bit given the same scalars; the sums are float,
 * each work-item a strided share of a part, then a tree over the group, as
 * lr_free_reduce's (cl/lr_free.cl), whose precision note holds here. */

#pragma OPENCL FP_CONTRACT OFF

/* backend.h's COCOB_REDUCE_SUMS and cocob_prodigy scalars' slots. */
#define SUMS 4
#define D 0
#define TAKEN 6
#define DLR 7
#define BIAS_CORRECTION 8

/* One group a part of ceil(n / parts) elements (the launch makes its size
 * a power of two); the part's <g, p0 - w> and sum |s| go to its first two
 * sums, 0 to the rest. */
__kernel void prodigy_accumulate(__global const float *w, ulong w_offset,
                                 __global const float *grad, ulong grad_offset,
                                 __global const float *p0, __global float *exp_avg,
                                 __global float *exp_avg_sq, __global float *s,
                                 ulong state_offset, ulong n, ulong parts,
                                 __global float *partials, ulong partials_offset,
                                 __local float *scratch, __global const float *scalars,
                                 ulong scalars_offset, __global const int *skip,
                                 ulong skip_offset, float lr, float beta1, float beta2,
                                 float beta3, float weight_decay, float d0, int decouple,
                                 int safeguard_warmup, uint slice_p)
{
    /* The guard: flag_nonfinite found a NaN or infinity in this step. The
     * same for the whole group, so no work-item misses a barrier. */
    if (skip && skip[skip_offset])
        return;
    size_t lid = get_local_id(0), items = get_local_size(0);
    ulong p = get_group_id(0);
    ulong chunk = n / parts + (n % parts != 0);
    ulong first = min(p * chunk, n), end = min(first + chunk, n);
    __global const float *sc = scalars + scalars_offset;
    float d = sc[D];
    float dlr = d * lr * sc[BIAS_CORRECTION];
    float m1 = d * (1.0f - beta1), m2 = d * d * (1.0f - beta2);
    float ms = d / d0 * (safeguard_warmup ? d : dlr);
    float decay = decouple ? 0.0f : weight_decay;
    float dot = 0, abs_s = 0;
    for (ulong i = first + lid; i < end; i += items) {
        float x = w[w_offset + i];
        float g = grad[grad_offset + i] + decay * x;
        ulong j = state_offset + i;
        exp_avg[j] = exp_avg[j] * beta1 + g * m1;
        exp_avg_sq[j] = exp_avg_sq[j] * beta2 + m2 * g * g;
        if (i % slice_p != 0)
            continue;
        float diff = p0[j] - x;
        dot += g * diff;
        float sj = s[j] * beta3 + g * ms;
        s[j] = sj;
        abs_s += fabs(sj);
    }
    scratch[2 * lid] = dot;
    scratch[2 * lid + 1] = abs_s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t width = items / 2; width > 0; width /= 2) {
        if (lid < width) {
            scratch[2 * lid] += scratch[2 * (lid + width)];
            scratch[2 * lid + 1] += scratch[2 * (lid + width) + 1];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        __global float *out = partials + partials_offset + SUMS * p;
        out[0] = scratch[0];
        out[1] = scratch[1];
        for (int k = 2; k < SUMS; k++)
            out[k] = 0;
    }
}

/* One work-item an element; nothing moves where the fold found no
 * progress (taken 0), as its authors return before their update. */
__kernel void prodigy_update(__global float *w, ulong w_offset, __global const float *grad,
                             ulong grad_offset, __global const float *exp_avg,
                             __global const float *exp_avg_sq, ulong state_offset, ulong n,
                             __global const float *scalars, ulong scalars_offset,
                             __global const int *skip, ulong skip_offset, float beta1,
                             float eps, float weight_decay, int decouple)
{
    ulong i = get_global_id(0);
    __global const float *sc = scalars + scalars_offset;
    if (i >= n || (skip && skip[skip_offset]) || sc[TAKEN] == 0)
        return;
    float d = sc[D], dlr = sc[DLR];
    float denom = sqrt(exp_avg_sq[state_offset + i]) + d * eps;
    __global float *wi = w + w_offset + i;
    float x = *wi;
    if (decouple && weight_decay != 0)
        x = x + -weight_decay * dlr * x;
    if (beta1 > 0) {
        x = x + -dlr * (exp_avg[state_offset + i] / denom);
    } else {
        float decay = decouple ? 0.0f : weight_decay;
        x = x + -dlr * d * ((grad[grad_offset + i] + decay * x) / denom);
    }
    *wi = x;
}
