/* Adding a bias per channel and its gradient, the reference loops of
 * cl/bias.cl. A tensor is outer x channels x inner: batch x units for a
 * dense layer (inner 1), NCHW with inner = H W for a convolution. */
#include "backend/ref/ref.h"

cocob_status bias_check(cocob_error *err, const char *op, cocob_span data, cocob_span bias,
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

void bias_add_ref(float *y, const float *bias, size_t outer, size_t channels, size_t inner)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++)
            for (size_t i = 0; i < inner; i++)
                *y++ += bias[c];
}

/* Each db[c] adds its terms one by one in memory order (o, then i): the
 * plain sum that the kernel's tree is measured against. */
void bias_grad_ref(const float *dy, float *db, size_t outer, size_t channels, size_t inner)
{
    for (size_t c = 0; c < channels; c++)
        db[c] = 0.0f;
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++)
            for (size_t i = 0; i < inner; i++)
                db[c] += *dy++;
}
