/* KT, Krichevsky-Trofimov betting in Hilbert space (Orabona & Pal,
 * "Coin Betting and Parameter-Free Online Learning", 2016), as its authors'
 * code computes it in float32 (parameterfree 0.0.1, parameterfree/kt.py),
 * one rounding per operation in that order, after lr_free_finalize has
 * added this step's gain <g, x0 - x> to the wealth and 1 to iter:
 *     g     = grad + weight_decay * w       decay joins after the gain is taken
 *     theta = theta - g
 *     w     = theta * (wealth / iter) + x0
 * Its twin is cl/kt.cl. */
#include "backend/ref/ref.h"

void cocob_ref_kt_update(float *restrict w, const float *restrict grad, float *restrict theta,
                         const float *restrict x0, size_t n, float weight_decay,
                         const float *restrict scalars)
{
    float bet = scalars[COCOB_KT_WEALTH] / scalars[COCOB_KT_ITER];
    for (size_t i = 0; i < n; i++) {
        float g = grad[i] + weight_decay * w[i];
        float tv = theta[i] - g;
        theta[i] = tv;
        w[i] = tv * bet + x0[i];
    }
}
