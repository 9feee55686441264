/* D-Adapt Adam (Defazio & Mishchenko, "Learning-Rate-Free Learning by
 * D-Adaptation", 2023), as its authors' code computes it in float32
 * (dadaptation 3.2, dadaptation/dadapt_adam.py), layer_scale 1. A step is
 * three passes: this file's accumulate, with dlr the step's d lr (times
 * the bias correction where on) and g = grad + weight_decay w (coupled):
 *     numerator part += g * (s / (sqrt(exp_avg_sq) + eps))   the old state
 *     exp_avg    = beta1 exp_avg + dlr (1 - beta1) g
 *     exp_avg_sq = beta2 exp_avg_sq + (1 - beta2) g g
 *     s          = sqrt_beta2 s + dlr (1 - sqrt_beta2) g
 *     s_l1 part  += |s|                                     the new s
 * then lr_free_finalize's D-Adapt Adam case (ref/lr_free.c: d, and whether
 * the step is taken), then, when taken, this file's update:
 *     w = w - decay step_dlr w                              decoupled decay
 *     w = w - exp_avg / (sqrt(exp_avg_sq) + eps)
 * Each factor that is a product of settings and dlr is rounded to float
 * once, as the authors' Python doubles are when a float32 tensor op takes
 * them. Parts sum in double and round once, as lr_free_reduce's. Twins:
 * cl/dadapt_adam.cl. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_dadapt_adam_accumulate(const cocob_dadapt_adam_accumulate_args *a, const float *w,
                                      const float *grad, float *exp_avg, float *exp_avg_sq,
                                      float *s, float dlr, size_t first_part, size_t end_part,
                                      float *partials)
{
    size_t n = a->n, chunk = n / a->parts + (n % a->parts != 0);
    float c_avg = dlr * a->one_minus_beta1, c_s = dlr * a->one_minus_sqrt_beta2;
    for (size_t p = first_part; p < end_part; p++) {
        double numerator = 0, s_l1 = 0;
        size_t first = p * chunk < n ? p * chunk : n;
        size_t end = n - first > chunk ? first + chunk : n;
        for (size_t i = first; i < end; i++) {
            float g = grad[i] + a->weight_decay * w[i];
            float denom = sqrtf(exp_avg_sq[i]) + a->eps;
            numerator += (double)g * (s[i] / denom);
            exp_avg[i] = exp_avg[i] * a->beta1 + c_avg * g;
            exp_avg_sq[i] = exp_avg_sq[i] * a->beta2 + a->one_minus_beta2 * g * g;
            s[i] = s[i] * a->sqrt_beta2 + c_s * g;
            s_l1 += fabsf(s[i]);
        }
        partials[p * COCOB_REDUCE_SUMS + COCOB_DADAPT_SUM_NUMERATOR] = (float)numerator;
        partials[p * COCOB_REDUCE_SUMS + COCOB_DADAPT_SUM_S_L1] = (float)s_l1;
    }
}

void cocob_ref_dadapt_adam_update(float *restrict w, const float *restrict exp_avg,
                                  const float *restrict exp_avg_sq, size_t n, float eps,
                                  float decay, const float *restrict scalars)
{
    if (scalars[COCOB_DADAPT_ADAM_TAKEN] == 0)
        return;
    float shrink = -(decay * scalars[COCOB_DADAPT_ADAM_STEP_DLR]);
    for (size_t i = 0; i < n; i++) {
        float x = w[i];
        if (decay != 0)
            x = x + shrink * x;
        w[i] = x - exp_avg[i] / (sqrtf(exp_avg_sq[i]) + eps);
    }
}
