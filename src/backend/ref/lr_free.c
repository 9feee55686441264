/* The global-scalar methods' two passes (backend.h's cocob_lr_free_*_args):
 * the sums over each part of a tensor, then the fold that updates the
 * method's scalars. Twins: cl/lr_free.cl.
 *
 * Precision. The reference sums a part in double and rounds once, so its
 * sums are within half a float's unit of the exact ones. The kernel sums
 * in float: each work-item a strided share of a part in order, then a tree
 * over the group, at most about (part length / group size + log2 of the
 * group size) roundings of 2^-24 times the sum of the terms' magnitudes;
 * verify allows the part's length (a group of one). For KT that error is
 * far below what float32 weights already cost its gain: x0 - x after
 * first steps of about 1e-4 keeps a digit or two of x's (the fixtures'
 * float32-vs-float64 gap of the wealth is 1.2e-4, tests/fixtures/lr_free).
 * The fold is the same float arithmetic in the same order on both sides,
 * so that it agrees bit for bit given the same partials. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_lr_free_reduce(const float *w, const float *grad, const float *x0, size_t n,
                              float weight_decay, size_t parts, size_t first_part,
                              size_t end_part, float *partials)
{
    size_t chunk = n / parts + (n % parts != 0);
    for (size_t p = first_part; p < end_part; p++) {
        double sum[COCOB_REDUCE_SUMS] = {0};
        size_t first = p * chunk < n ? p * chunk : n;
        size_t end = n - first > chunk ? first + chunk : n;
        for (size_t i = first; i < end; i++) {
            /* g as the update sees it: the float its authors' add_ gives. */
            float gf = grad[i] + weight_decay * w[i];
            double g = gf, d = (double)x0[i] - w[i];
            sum[COCOB_REDUCE_GAIN] += g * d;
            sum[COCOB_REDUCE_GG] += g * g;
            sum[COCOB_REDUCE_DD] += d * d;
            sum[COCOB_REDUCE_XX] += (double)w[i] * w[i];
        }
        for (int k = 0; k < COCOB_REDUCE_SUMS; k++)
            partials[p * COCOB_REDUCE_SUMS + k] = (float)sum[k];
    }
}

/* part's sum k over the parts, in their order. */
static float fold(const float *partials, size_t parts, int k)
{
    float sum = 0;
    for (size_t p = 0; p < parts; p++)
        sum += partials[p * COCOB_REDUCE_SUMS + k];
    return sum;
}

/* Its authors' order (prodigy.py, step) in float32, with the step's d
 * and dlr: no progress (d_denom 0) returns before anything but the state
 * has moved, so the update reads taken 0; else d_numerator decays and
 * gains this step's sum, d_hat follows, and d grows to it, at most
 * growth_rate-fold. */
static void prodigy(const cocob_lr_free_finalize_args *a, const float *partials, float *s)
{
    float d = s[COCOB_PRODIGY_D];
    float dlr = d * a->lr * s[COCOB_PRODIGY_BIAS_CORRECTION];
    float dot = fold(partials, a->parts, COCOB_PRODIGY_DOT);
    float denom = fold(partials, a->parts, COCOB_PRODIGY_ABS_S);
    if (denom == 0) {
        s[COCOB_PRODIGY_TAKEN] = 0;
        return;
    }
    float numerator = s[COCOB_PRODIGY_D_NUMERATOR] * a->beta3 + d / a->d0 * dlr * dot;
    float d_hat = a->d_coef * numerator / denom;
    float d_max = fmaxf(s[COCOB_PRODIGY_D_MAX], d_hat);
    if (d == a->d0)
        d = fmaxf(d, d_hat);
    s[COCOB_PRODIGY_D] = fminf(d_max, d * a->growth_rate);
    s[COCOB_PRODIGY_D_MAX] = d_max;
    s[COCOB_PRODIGY_D_NUMERATOR] = numerator;
    s[COCOB_PRODIGY_D_DENOM] = denom;
    s[COCOB_PRODIGY_D_HAT] = d_hat;
    s[COCOB_PRODIGY_TAKEN] = 1;
    s[COCOB_PRODIGY_DLR] = dlr;
    float k = s[COCOB_PRODIGY_K] += 1.0f;
    /* 1 - beta^(k + 1) as expm1 of a product, not 1 less a power: at
     * beta2 0.999 the difference cancels all but a few bits of the power,
     * and OpenCL allows pow 16 ulps. */
    if (a->use_bias_correction)
        s[COCOB_PRODIGY_BIAS_CORRECTION] = sqrtf(-expm1f((k + 1.0f) * logf(a->beta2))) /
                                           -expm1f((k + 1.0f) * logf(a->beta1));
}

/* D-Adapt Adam's fold, its authors' order (dadapt_adam.py's step) in
 * float: while sum |s| is 0 they return before the update, nothing kept;
 * else numerator_weighted and d move, and the next step's dlr follows
 * from them. The min and max are Python's, which keep d where d_hat is
 * NaN, unlike fminf's. */
static void dadapt_adam(const cocob_lr_free_finalize_args *a, const float *partials,
                        float *scalars)
{
    float s_l1 = fold(partials, a->parts, COCOB_DADAPT_SUM_S_L1);
    if (s_l1 == 0) {
        scalars[COCOB_DADAPT_ADAM_TAKEN] = 0;
        return;
    }
    float dlr = scalars[COCOB_DADAPT_ADAM_DLR];
    float numerator = dlr * fold(partials, a->parts, COCOB_DADAPT_SUM_NUMERATOR);
    float weighted = a->sqrt_beta2 * scalars[COCOB_DADAPT_ADAM_NUMERATOR] +
                     a->one_minus_sqrt_beta2 * numerator;
    float d = scalars[COCOB_DADAPT_ADAM_D];
    float d_hat = weighted / (a->one_minus_sqrt_beta2 * s_l1);
    float grown = d * a->growth_rate;
    float bound = grown < d_hat ? grown : d_hat;
    d = bound > d ? bound : d;
    float k = scalars[COCOB_DADAPT_ADAM_K] + 1.0f;
    float next = d * a->lr;
    if (a->use_bias_correction)
        /* 1 - beta^(k+1) as -expm1((k+1) log1p(-(1 - beta))): no digits lost near 1. */
        next *= sqrtf(-expm1f((k + 1.0f) * log1pf(-a->one_minus_beta2))) /
                -expm1f((k + 1.0f) * log1pf(-a->one_minus_beta1));
    scalars[COCOB_DADAPT_ADAM_NUMERATOR] = weighted;
    scalars[COCOB_DADAPT_ADAM_D] = d;
    scalars[COCOB_DADAPT_ADAM_K] = k;
    scalars[COCOB_DADAPT_ADAM_STEP_DLR] = dlr;
    scalars[COCOB_DADAPT_ADAM_DLR] = next;
    scalars[COCOB_DADAPT_ADAM_TAKEN] = 1;
}

void cocob_ref_lr_free_finalize(const cocob_lr_free_finalize_args *a, const float *partials,
                                float *scalars)
{
    size_t parts = a->parts;
    switch (a->method) {
    case COCOB_LR_FREE_KT: {
        float gain = fold(partials, parts, COCOB_REDUCE_GAIN);
        /* Float, where its authors keep a double: over T steps the sum
         * drifts by about T 2^-24 of the wealth, 1.5e-6 in the fixtures'
         * 25, a hundredth of their float32 gap. iter counts exactly to
         * 2^24 steps. */
        scalars[COCOB_KT_WEALTH] += gain;
        scalars[COCOB_KT_ITER] += 1.0f;
        break;
    }
    case COCOB_LR_FREE_DOG: {
        /* Its authors' order (dog.py, _update_group_state) in float32: the
         * first step's rbar from |x0| (x is still x0 there), and eps joins
         * G once; later, the distance of the weights before this step. */
        float gg = fold(partials, parts, COCOB_REDUCE_GG);
        if (scalars[COCOB_DOG_FIRST] != 0) {
            float xx = fold(partials, parts, COCOB_REDUCE_XX);
            scalars[COCOB_DOG_RBAR] = a->reps_rel * (1.0f + sqrtf(xx));
            scalars[COCOB_DOG_G] = gg + a->eps;
        } else {
            float d = sqrtf(fold(partials, parts, COCOB_REDUCE_DD));
            scalars[COCOB_DOG_RBAR] = fmaxf(scalars[COCOB_DOG_RBAR], d);
            scalars[COCOB_DOG_G] += gg;
        }
        scalars[COCOB_DOG_ETA] = a->lr * scalars[COCOB_DOG_RBAR] / sqrtf(scalars[COCOB_DOG_G]);
        if (scalars[COCOB_DOG_FIRST] != 0 && a->init_eta > 0)
            scalars[COCOB_DOG_ETA] = a->init_eta;
        scalars[COCOB_DOG_FIRST] = 0;
        break;
    }
    case COCOB_LR_FREE_PRODIGY: prodigy(a, partials, scalars); break;
    case COCOB_LR_FREE_DADAPT_ADAM: dadapt_adam(a, partials, scalars); break;
    case COCOB_LR_FREE_METHODS: break;
    }
}
