/* Adadelta as PyTorch 1.13's torch.optim.Adadelta documents it:
 *
 *     g     = g + weight_decay * w
 *     v     = rho * v + (1 - rho) * g * g
 *     delta = sqrt(u + eps) / sqrt(v + eps) * g
 *     u     = rho * u + (1 - rho) * delta * delta
 *     w     = w - lr * delta
 *
 * with v the square_avg and u the acc_delta. cl/adadelta.cl holds the
 * twin, in the same order of operations. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_adadelta_update(float *restrict w, const float *restrict grad,
                               float *restrict square_avg, float *restrict acc_delta, size_t n,
                               const cocob_baseline_hyper *h)
{
    const float lr = h->lr, weight_decay = h->weight_decay, eps = h->eps;
    const float rho = h->rho, one_minus_rho = h->one_minus_rho;
    for (size_t i = 0; i < n; i++) {
        float wv = w[i];
        float g = grad[i] + weight_decay * wv;
        float v = square_avg[i] * rho + one_minus_rho * g * g;
        float u = acc_delta[i];
        float delta = sqrtf(u + eps) / sqrtf(v + eps) * g;
        square_avg[i] = v;
        acc_delta[i] = u * rho + one_minus_rho * delta * delta;
        w[i] = wv - lr * delta;
    }
}
