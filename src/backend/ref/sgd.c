/* SGD as PyTorch 1.13's torch.optim.SGD documents it, weight decay coupled:
 *
 *     d = g + weight_decay * w
 *     b = d on the first step, else momentum * b + (1 - dampening) * d
 *     d = d + momentum * b with Nesterov's form, else b
 *     w = w - lr * d
 *
 * the momentum lines only with momentum. cl/sgd.cl holds the twin, in the
 * same order of operations. */
#include "backend/ref/ref.h"

void cocob_ref_sgd_update(float *restrict w, const float *restrict grad, float *restrict buf,
                          size_t n, const cocob_baseline_hyper *h)
{
    /* Copies, so that the compiler need not fear a store to w changing them. */
    const float lr = h->lr, weight_decay = h->weight_decay, momentum = h->momentum;
    const float one_minus_dampening = h->one_minus_dampening;
    const int nesterov = h->nesterov, first = h->first;
    for (size_t i = 0; i < n; i++) {
        float wv = w[i];
        float d = grad[i] + weight_decay * wv;
        if (momentum != 0.0f) {
            float b = first ? d : buf[i] * momentum + one_minus_dampening * d;
            buf[i] = b;
            d = nesterov ? d + momentum * b : b;
        }
        w[i] = wv - lr * d;
    }
}
