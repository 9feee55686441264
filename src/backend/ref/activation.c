/* The elementwise activations and their gradients, the reference loops of
 * cl/activation.cl. The gradient is written from the output y, which the
 * layer keeps, so the input need not be. */
#include <math.h>

#include "backend/ref/ref.h"

/* exp of a non-positive number only: it cannot overflow, and for x far
 * below 0 it underflows to 0, giving 0 rather than 1 / inf. */
static float sigmoid(float x)
{
    if (x >= 0.0f)
        return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
}

/* x < 0 rather than fmaxf(x, 0): a NaN passes through, as maxpool lets it,
 * instead of turning into a harmless-looking 0. */
float cocob_ref_activation_apply(cocob_activation f, float x)
{
    switch (f) {
    case COCOB_ACT_RELU: return x < 0.0f ? 0.0f : x;
    case COCOB_ACT_TANH: return tanhf(x);
    case COCOB_ACT_SIGMOID: return sigmoid(x);
    case COCOB_ACT_IDENTITY: return x;
    }
    return NAN;
}

void cocob_ref_activation(cocob_activation f, const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = cocob_ref_activation_apply(f, x[i]);
}

/* relu' selects rather than multiplies, so that a dropped unit passes 0 even
 * where dy is infinite. */
void cocob_ref_activation_grad(cocob_activation f, const float *y, const float *dy, float *dx,
                               size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = y[i];
        switch (f) {
        case COCOB_ACT_RELU: dx[i] = v > 0.0f ? dy[i] : 0.0f; break;
        case COCOB_ACT_TANH: dx[i] = dy[i] * (1.0f - v * v); break;
        case COCOB_ACT_SIGMOID: dx[i] = dy[i] * (v * (1.0f - v)); break;
        case COCOB_ACT_IDENTITY: dx[i] = dy[i]; break;
        }
    }
}
