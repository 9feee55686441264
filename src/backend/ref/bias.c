/* Adding a bias per channel, then the activation, and the bias's gradient:
 * the reference loops of cl/bias.cl. A tensor is outer x channels x inner:
 * batch x units for a dense layer (inner 1), NCHW with inner = H W for a
 * convolution. */
#include "backend/ref/ref.h"

static cocob_status bias_check(cocob_error *err, const char *op, cocob_span data, cocob_span bias,
                        size_t outer, size_t channels, size_t inner)
{
    if (!outer || !channels || !inner)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the sizes outer %zu, channels %zu and inner %zu must all be "
                          "nonzero",
                          op, outer, channels, inner);
    size_t rows, count;
    if (!size_mul(outer, channels, &rows) || !size_mul(rows, inner, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: %zu x %zu x %zu elements are more than size_t can count", op,
                          outer, channels, inner);
    if (!span_holds(data, count) || !span_holds(bias, channels))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s (%zu x %zu x %zu): the tensor needs %zu floats from offset %zu "
                          "(its buffer holds %zu) and the bias %zu from offset %zu (its buffer "
                          "holds %zu)",
                          op, outer, channels, inner, count, data.off,
                          data.buf ? data.buf->bytes / 4 : 0, channels, bias.off,
                          bias.buf ? bias.buf->bytes / 4 : 0);
    return COCOB_OK;
}

cocob_status bias_add_check(cocob_error *err, cocob_activation f, cocob_span x,
                            cocob_span bias, cocob_span y, size_t outer, size_t channels,
                            size_t inner)
{
    if (!activation_name(f))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "bias_add: unknown activation %d",
                          (int)f);
    cocob_status s = bias_check(err, "bias_add", x, bias, outer, channels, inner);
    if (s == COCOB_OK)
        s = bias_check(err, "bias_add", y, bias, outer, channels, inner);
    return s;
}

cocob_status bias_grad_check(cocob_error *err, cocob_span dy, cocob_span db, size_t outer,
                             size_t channels, size_t inner)
{
    return bias_check(err, "bias_grad", dy, db, outer, channels, inner);
}

void bias_add_ref(cocob_activation f, const float *x, const float *bias, float *y,
                  size_t outer, size_t channels, size_t inner)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++)
            for (size_t i = 0; i < inner; i++, x++, y++)
                *y = activation_apply(f, *x + bias[c]);
}

/* Each db[c] adds its terms one by one in memory order (o, then i): the
 * plain sum that the kernel's tree is measured against. */
void bias_grad_ref(const float *dy, float *db, size_t outer, size_t channels, size_t inner)
{
    bias_grad_channels_ref(dy, db, outer, channels, inner, 0, channels);
}

/* Whatever the range, each db[c] sums the same terms in the same order, so
 * the cpu backend's threads, each given channels of its own, agree with
 * bias_grad_ref bit for bit. */
void bias_grad_channels_ref(const float *dy, float *db, size_t outer, size_t channels,
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
