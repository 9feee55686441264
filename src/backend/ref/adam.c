/* Adam and AdamW as PyTorch 1.13's torch.optim.Adam and AdamW document
 * them:
 *
 *     w = shrink * w                     AdamW: shrink = 1 - lr * decay; Adam: 1
 *     g = g + weight_decay * w           Adam's coupled decay; AdamW: 0
 *     m = beta1 * m + (1 - beta1) * g
 *     v = beta2 * v + (1 - beta2) * g * g
 *     w = w - step_size * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * with step_size = lr / (1 - beta1^t), worked out by the caller in double
 * as PyTorch does, and passed as h->lr. Scaling by 1 is exact, so one loop
 * serves both. cl/adam.cl holds the twin, in the same order of operations. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_adam_update(float *restrict w, const float *restrict grad, float *restrict exp_avg,
                           float *restrict exp_avg_sq, size_t n, const cocob_baseline_hyper *h)
{
    const float step_size = h->lr, weight_decay = h->weight_decay, eps = h->eps;
    const float beta1 = h->beta1, one_minus_beta1 = h->one_minus_beta1;
    const float beta2 = h->beta2, one_minus_beta2 = h->one_minus_beta2;
    const float bias2_sqrt = h->bias2_sqrt, shrink = h->shrink;
    for (size_t i = 0; i < n; i++) {
        float wv = w[i] * shrink;
        float g = grad[i] + weight_decay * wv;
        float m = exp_avg[i] * beta1 + one_minus_beta1 * g;
        float v = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g;
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        w[i] = wv - step_size * m / (sqrtf(v) / bias2_sqrt + eps);
    }
}
