/* DoG, Distance over Gradients (Ivgi, Hinder & Carmon, "DoG is SGD's Best
 * Friend", 2023), as its authors' code computes it in float32
 * (dog-optimizer 1.0.3, dog/dog.py), after lr_free_finalize has set this
 * step's eta = lr rbar / sqrt(G):
 *     g = grad + weight_decay * w       the decay joins the gradient first
 *     w = w - eta * g
 * Its twin is cl/dog.cl. */
#include "backend/ref/ref.h"

void cocob_ref_dog_update(float *restrict w, const float *restrict grad, size_t n,
                          float weight_decay, const float *restrict eta)
{
    float step = *eta;
    for (size_t i = 0; i < n; i++) {
        float g = grad[i] + weight_decay * w[i];
        w[i] = w[i] - step * g;
    }
}
