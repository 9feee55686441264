/* RMSProp as PyTorch 1.13's torch.optim.RMSprop documents it, not centred
 * and without momentum; rho is PyTorch's alpha:
 *
 *     g = g + weight_decay * w
 *     v = rho * v + (1 - rho) * g * g
 *     w = w - lr * g / (sqrt(v) + eps)
 *
 * cl/rmsprop.cl holds the twin, in the same order of operations. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_rmsprop_update(float *restrict w, const float *restrict grad,
                              float *restrict square_avg, size_t n, const cocob_baseline_hyper *h)
{
    const float lr = h->lr, weight_decay = h->weight_decay, eps = h->eps;
    const float rho = h->rho, one_minus_rho = h->one_minus_rho;
    for (size_t i = 0; i < n; i++) {
        float wv = w[i];
        float g = grad[i] + weight_decay * wv;
        float v = square_avg[i] * rho + one_minus_rho * g * g;
        square_avg[i] = v;
        w[i] = wv - lr * g / (sqrtf(v) + eps);
    }
}
