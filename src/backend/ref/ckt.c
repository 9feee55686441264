/* cKT, coordinate-wise Krichevsky-Trofimov betting (Orabona, "A Modern
 * Introduction to Online Learning", section 9.3), as its authors' code
 * computes it in float32 (bremen79/parameterfree, commit d8155ff,
 * parameterfree/ckt.py), one rounding per operation in that order:
 *     g      = grad + weight_decay * w
 *     sum    = sum - g
 *     reward = reward - g * (w - x0)       the bet's gain, from the old w
 *     t      = t + (g != 0 ? 1 : 0)        a zero gradient does not shrink the bet
 *     w      = reward * sum / t + x0
 * Its twin is cl/ckt.cl. */
#include "backend/ref/ref.h"

void cocob_ref_ckt_update(float *restrict w, const float *restrict grad, float *restrict sum,
                          float *restrict reward, float *restrict t, const float *restrict x0,
                          size_t n, float weight_decay)
{
    for (size_t i = 0; i < n; i++) {
        float wv = w[i], x0v = x0[i];
        float g = grad[i] + weight_decay * wv;
        float sv = sum[i] - g;
        float rv = reward[i] - g * (wv - x0v);
        float tv = t[i] + (g != 0.0f ? 1.0f : 0.0f);
        sum[i] = sv;
        reward[i] = rv;
        t[i] = tv;
        w[i] = rv * sv / tv + x0v;
    }
}
