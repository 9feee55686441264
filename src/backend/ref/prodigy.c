/* Prodigy (Mishchenko & Defazio, "Prodigy: An Expeditiously Adaptive
 * Parameter-Free Learner", 2023) as its authors' code computes it in
 * float32 (prodigyopt 1.1.2, prodigy.py): the pass before the fold, which
 * moves the moments and s with the step's d and sums what d's estimate
 * needs, then the weight step with the new d. backend.h's
 * cocob_prodigy_accumulate_args and cocob_prodigy_update_args give the
 * formulas; the twins are in cl/prodigy.cl, and the fold between them is
 * lr_free.c's.
 *
 * Precision: as lr_free_reduce, a part's sums in double rounded once; the
 * authors sum each tensor in float32 and the tensors in double. The
 * coefficients are floats where the authors form them in double and round
 * them once, as a tensor's alpha, to float32: a unit of the last place. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_prodigy_accumulate(const float *w, const float *grad, const float *p0,
                                  float *exp_avg, float *exp_avg_sq, float *s, size_t n,
                                  const cocob_prodigy_hyper *h, const float *scalars,
                                  size_t parts, size_t first_part, size_t end_part,
                                  float *partials)
{
    float d = scalars[COCOB_PRODIGY_D];
    float dlr = d * h->lr * scalars[COCOB_PRODIGY_BIAS_CORRECTION];
    float m1 = d * (1.0f - h->beta1), m2 = d * d * (1.0f - h->beta2);
    float ms = d / h->d0 * (h->safeguard_warmup ? d : dlr);
    float decay = h->decouple ? 0.0f : h->weight_decay;
    size_t chunk = n / parts + (n % parts != 0);
    for (size_t p = first_part; p < end_part; p++) {
        double dot = 0, abs_s = 0;
        size_t first = p * chunk < n ? p * chunk : n;
        size_t end = n - first > chunk ? first + chunk : n;
        for (size_t i = first; i < end; i++) {
            /* Coupled decay joins the gradient first, as its authors' add_. */
            float g = grad[i] + decay * w[i];
            exp_avg[i] = exp_avg[i] * h->beta1 + g * m1;
            exp_avg_sq[i] = exp_avg_sq[i] * h->beta2 + m2 * g * g;
            if (i % h->slice_p != 0)
                continue;
            float diff = p0[i] - w[i];
            dot += (double)g * diff;
            s[i] = s[i] * h->beta3 + g * ms;
            abs_s += fabsf(s[i]);
        }
        float *out = partials + p * COCOB_REDUCE_SUMS;
        for (int k = 0; k < COCOB_REDUCE_SUMS; k++)
            out[k] = 0;
        out[COCOB_PRODIGY_DOT] = (float)dot;
        out[COCOB_PRODIGY_ABS_S] = (float)abs_s;
    }
}

void cocob_ref_prodigy_update(float *restrict w, const float *restrict grad,
                              const float *restrict exp_avg, const float *restrict exp_avg_sq,
                              size_t n, const cocob_prodigy_hyper *h,
                              const float *restrict scalars)
{
    if (scalars[COCOB_PRODIGY_TAKEN] == 0)
        return;
    float d = scalars[COCOB_PRODIGY_D], dlr = scalars[COCOB_PRODIGY_DLR];
    float shrink = -h->weight_decay * dlr, de = d * h->eps;
    int decoupled = h->decouple && h->weight_decay != 0;
    float decay = h->decouple ? 0.0f : h->weight_decay;
    for (size_t i = 0; i < n; i++) {
        float denom = sqrtf(exp_avg_sq[i]) + de;
        if (decoupled)
            w[i] = w[i] + shrink * w[i];
        /* beta1 0: its authors keep no exp_avg and step along d g. */
        if (h->beta1 > 0)
            w[i] = w[i] + -dlr * (exp_avg[i] / denom);
        else
            w[i] = w[i] + -dlr * d * ((grad[i] + decay * w[i]) / denom);
    }
}
