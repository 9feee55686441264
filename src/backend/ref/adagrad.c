/* AdaGrad as PyTorch 1.13's torch.optim.Adagrad documents it, with lr_decay
 * 0 and the sum starting at 0:
 *
 *     g   = g + weight_decay * w
 *     sum = sum + g * g
 *     w   = w - lr * g / (sqrt(sum) + eps)
 *
 * cl/adagrad.cl holds the twin, in the same order of operations. */
#include <math.h>

#include "backend/ref/ref.h"

void cocob_ref_adagrad_update(float *restrict w, const float *restrict grad, float *restrict sum,
                              size_t n, const cocob_baseline_hyper *h)
{
    const float lr = h->lr, weight_decay = h->weight_decay, eps = h->eps;
    for (size_t i = 0; i < n; i++) {
        float wv = w[i];
        float g = grad[i] + weight_decay * wv;
        float s = sum[i] + g * g;
        sum[i] = s;
        w[i] = wv - lr * g / (sqrtf(s) + eps);
    }
}
