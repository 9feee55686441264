/* The activations one element at a time, in every program after philox.cl:
 * activation.cl applies them alone, bias.cl after adding a bias. Twin:
 * activation_apply in src/backend/ref/activation.c. kind is a
 * cocob_activation. */

#define ACT_RELU 0
#define ACT_TANH 1
#define ACT_SIGMOID 2
#define ACT_IDENTITY 3

/* exp of a non-positive number only, so it never overflows. */
float sigmoid(float x)
{
    if (x >= 0.0f)
        return 1.0f / (1.0f + exp(-x));
    float e = exp(x);
    return e / (1.0f + e);
}

float activation_apply(int kind, float v)
{
    if (kind == ACT_RELU)
        return v < 0.0f ? 0.0f : v;   /* a NaN passes through */
    if (kind == ACT_TANH)
        return tanh(v);
    if (kind == ACT_SIGMOID)
        return sigmoid(v);
    return v;
}
