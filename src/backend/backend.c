/* What every backend computes alike, so that their results agree. */
#include "backend/backend.h"

const char *cocob_activation_name(cocob_activation f)
{
    switch (f) {
    case COCOB_ACT_RELU: return "relu";
    case COCOB_ACT_TANH: return "tanh";
    case COCOB_ACT_SIGMOID: return "sigmoid";
    case COCOB_ACT_IDENTITY: return "identity";
    }
    return NULL;
}

/* Computed once, on the host, for every backend: the kernel only
 * multiplies, so all agree to the bit even on a device whose division is
 * not correctly rounded. */
float cocob_dropout_scale(float p)
{
    return 1.0f / (1.0f - p);
}
