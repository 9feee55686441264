/* The global-scalar methods' two passes before their updates; twins in
 * src/backend/ref/lr_free.c, which says what precision each gives. The
 * sums' order depends on the group size alone, never on timing: no
 * atomics, so a device gives the same scalars run after run. */

#pragma OPENCL FP_CONTRACT OFF

/* The sums of one part, in backend.h's COCOB_REDUCE_ order. */
#define SUMS 4

/* One group a part of ceil(n / parts) elements: each work-item sums a
 * strided share in order, then the group folds its items in a tree in
 * local memory (the launch makes its size a power of two) and writes the
 * part's four sums. */
__kernel void lr_free_reduce(__global const float *w, ulong w_offset, __global const float *grad,
                             ulong grad_offset, __global const float *x0, ulong x0_offset,
                             ulong n, ulong parts, __global float *partials,
                             ulong partials_offset, __local float *scratch, float weight_decay)
{
    size_t lid = get_local_id(0), items = get_local_size(0);
    ulong p = get_group_id(0);
    ulong chunk = n / parts + (n % parts != 0);
    ulong first = min(p * chunk, n), end = min(first + chunk, n);
    float gain = 0, gg = 0, dd = 0, xx = 0;
    for (ulong i = first + lid; i < end; i += items) {
        float x = w[w_offset + i];
        float g = grad[grad_offset + i] + weight_decay * x, d = x0[x0_offset + i] - x;
        gain += g * d;
        gg += g * g;
        dd += d * d;
        xx += x * x;
    }
    scratch[SUMS * lid] = gain;
    scratch[SUMS * lid + 1] = gg;
    scratch[SUMS * lid + 2] = dd;
    scratch[SUMS * lid + 3] = xx;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t width = items / 2; width > 0; width /= 2) {
        if (lid < width)
            for (int k = 0; k < SUMS; k++)
                scratch[SUMS * lid + k] += scratch[SUMS * (lid + width) + k];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        for (int k = 0; k < SUMS; k++)
            partials[partials_offset + SUMS * p + k] = scratch[k];
}

/* backend.h's cocob_lr_free_method. */
#define METHOD_KT 0
#define METHOD_DOG 1
#define METHOD_PRODIGY 2
#define METHOD_DADAPT_ADAM 3

/* Sum k of the parts, in their order. */
static float fold(__global const float *part, ulong parts, int k)
{
    float sum = 0;
    for (ulong p = 0; p < parts; p++)
        sum += part[SUMS * p + k];
    return sum;
}

/* Prodigy's d, d_max, d_numerator, d_denom, d_hat, k, taken, dlr and
 * bias_correction: the reference's Prodigy case, line for line. */
static void prodigy(__global const float *part, ulong parts, __global float *s, float lr,
                    float d0, float d_coef, float growth_rate, float beta1, float beta2,
                    float beta3, int use_bias_correction)
{
    float d = s[0];
    float dlr = d * lr * s[8];
    float dot = fold(part, parts, 0);
    float denom = fold(part, parts, 1);
    if (denom == 0) {
        s[6] = 0;
        return;
    }
    float numerator = s[2] * beta3 + d / d0 * dlr * dot;
    float d_hat = d_coef * numerator / denom;
    float d_max = fmax(s[1], d_hat);
    if (d == d0)
        d = fmax(d, d_hat);
    s[0] = fmin(d_max, d * growth_rate);
    s[1] = d_max;
    s[2] = numerator;
    s[3] = denom;
    s[4] = d_hat;
    s[6] = 1;
    s[7] = dlr;
    float k = s[5] += 1.0f;
    if (use_bias_correction)
        s[8] = sqrt(-expm1((k + 1.0f) * log(beta2))) / -expm1((k + 1.0f) * log(beta1));
}

/* D-Adapt Adam: the reference's case (ref/lr_free.c), line for line;
 * scalars d, numerator_weighted, k, dlr, step_dlr, taken. */
static void dadapt_adam(__global const float *part, ulong parts, __global float *s, float lr,
                        float sqrt_beta2, float one_minus_sqrt_beta2, float growth_rate,
                        float one_minus_beta1, float one_minus_beta2, int bias_correction)
{
    float s_l1 = fold(part, parts, 1);
    if (s_l1 == 0) {
        s[5] = 0;
        return;
    }
    float dlr = s[3];
    float numerator = dlr * fold(part, parts, 0);
    float weighted = sqrt_beta2 * s[1] + one_minus_sqrt_beta2 * numerator;
    float d = s[0];
    float d_hat = weighted / (one_minus_sqrt_beta2 * s_l1);
    float grown = d * growth_rate;
    float bound = grown < d_hat ? grown : d_hat;
    d = bound > d ? bound : d;
    float k = s[2] + 1.0f;
    float next = d * lr;
    if (bias_correction)
        next *= sqrt(-expm1((k + 1.0f) * log1p(-one_minus_beta2))) /
                -expm1((k + 1.0f) * log1p(-one_minus_beta1));
    s[1] = weighted;
    s[0] = d;
    s[2] = k;
    s[4] = dlr;
    s[3] = next;
    s[5] = 1;
}

/* One work-item: the fold is a handful of parts a tensor, and one order on
 * every device is what makes the scalars the reference's. */
__kernel void lr_free_finalize(int method, __global const float *partials, ulong partials_offset,
                               ulong parts, __global float *scalars, ulong scalars_offset,
                               __global const int *skip, ulong skip_offset, float reps_rel,
                               float lr, float eps, float init_eta, float d0, float d_coef,
                               float growth_rate, float beta1, float beta2, float beta3,
                               int use_bias_correction, float sqrt_beta2,
                               float one_minus_sqrt_beta2, float one_minus_beta1,
                               float one_minus_beta2)
{
    if (get_global_id(0) != 0 || (skip && skip[skip_offset]))
        return;
    __global const float *part = partials + partials_offset;
    __global float *s = scalars + scalars_offset;
    if (method == METHOD_KT) {
        s[0] += fold(part, parts, 0);
        s[1] += 1.0f;
    } else if (method == METHOD_DOG) {
        /* rbar, G, eta, first_step: the reference's DoG case, line for line. */
        float gg = fold(part, parts, 1);
        if (s[3] != 0) {
            s[0] = reps_rel * (1.0f + sqrt(fold(part, parts, 3)));
            s[1] = gg + eps;
        } else {
            s[0] = fmax(s[0], sqrt(fold(part, parts, 2)));
            s[1] += gg;
        }
        s[2] = lr * s[0] / sqrt(s[1]);
        if (s[3] != 0 && init_eta > 0)
            s[2] = init_eta;
        s[3] = 0;
    } else if (method == METHOD_PRODIGY) {
        prodigy(part, parts, s, lr, d0, d_coef, growth_rate, beta1, beta2, beta3,
                use_bias_correction);
    } else if (method == METHOD_DADAPT_ADAM) {
        dadapt_adam(part, parts, s, lr, sqrt_beta2, one_minus_sqrt_beta2, growth_rate,
                    one_minus_beta1, one_minus_beta2, use_bias_correction);
    }
}
