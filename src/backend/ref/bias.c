/* Adding a bias per channel, then the activation, and the bias's gradient:
 * the reference loops of cl/bias.cl. A tensor is outer x channels x inner:
 * batch x units for a dense layer (inner 1), NCHW with inner = H W for a
 * convolution. */
#include "backend/ref/ref.h"

void cocob_ref_bias_add(cocob_activation f, const float *x, const float *bias, float *y,
                        size_t outer, size_t channels, size_t inner)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++)
            for (size_t i = 0; i < inner; i++, x++, y++)
                *y = cocob_ref_activation_apply(f, *x + bias[c]);
}

/* Each db[c] adds its terms one by one in memory order (o, then i): the
 * plain sum that the kernel's tree is measured against. */
void cocob_ref_bias_grad(const float *dy, float *db, size_t outer, size_t channels, size_t inner)
{
    cocob_ref_bias_grad_channels(dy, db, outer, channels, inner, 0, channels);
}

/* Whatever the range, each db[c] sums the same terms in the same order, so
 * the cpu backend's threads, each given channels of its own, agree with
 * cocob_ref_bias_grad bit for bit. */
void cocob_ref_bias_grad_channels(const float *dy, float *db, size_t outer, size_t channels,
                                  size_t inner, size_t first, size_t end)
{
    for (size_t c = first; c < end; c++)
        db[c] = 0.0f;
    for (size_t o = 0; o < outer; o++) {
        const float *row = dy + (o * channels + first) * inner;
        for (size_t c = first; c < end; c++)
            for (size_t i = 0; i < inner; i++)
                db[c] += *row++;
    }
}
