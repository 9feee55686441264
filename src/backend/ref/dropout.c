/* Inverted dropout, the reference loop of cl/dropout.cl. The mask is drawn
 * from Philox at (seed, counter + i), a pure function of the element's
 * position, so the backward pass redraws the forward's mask instead of
 * storing it, and the kernel draws the same one. */
#include "backend/ref/ref.h"
#include "base/philox.h"

cocob_status dropout_check(cocob_error *err, const char *op, cocob_span in, cocob_span out,
                           size_t n, float p)
{
    if (!(p >= 0.0f && p < 1.0f))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the drop probability %g is outside [0, 1)", op, (double)p);
    if (!n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: the length must be nonzero", op);
    if (!span_holds(in, n) || !span_holds(out, n))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "%s: input and output need %zu floats each, from offsets %zu and %zu; "
                          "their buffers hold %zu and %zu",
                          op, n, in.off, out.off, in.buf ? in.buf->bytes / 4 : 0,
                          out.buf ? out.buf->bytes / 4 : 0);
    return COCOB_OK;
}

/* Computed once, on the host, for both backends: the kernel only
 * multiplies, so the two agree to the bit even on a device whose division
 * is not correctly rounded. */
float dropout_scale(float p)
{
    return 1.0f / (1.0f - p);
}

/* Keeping x * (1 / (1 - p)) is linear in x, so the same loop maps dy to dx:
 * it serves dropout and dropout_grad alike. A dropped element is 0 by
 * selection, not by multiplying, so an infinite input does not become NaN. */
void dropout_ref(const float *in, float *out, size_t n, float p, uint64_t seed,
                 uint64_t counter)
{
    float scale = dropout_scale(p);
    for (size_t i = 0; i < n; i++)
        out[i] = cocob_philox_uniform(seed, counter + i) >= p ? in[i] * scale : 0.0f;
}
