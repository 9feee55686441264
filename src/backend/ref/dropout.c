/* Inverted dropout, the reference loop of cl/dropout.cl. The mask is drawn
 * from Philox at (seed, counter + i), a pure function of the element's
 * position, so the backward pass redraws the forward's mask instead of
 * storing it, and the kernel draws the same one. */
#include "backend/ref/ref.h"
#include "base/philox.h"

/* Keeping x * (1 / (1 - p)) is linear in x, so the same loop maps dy to dx:
 * it serves dropout and dropout_grad alike. A dropped element is 0 by
 * selection, not by multiplying, so an infinite input does not become NaN. */
void cocob_ref_dropout(const float *in, float *out, size_t n, float p, uint64_t seed,
                       uint64_t counter)
{
    float scale = cocob_dropout_scale(p);
    for (size_t i = 0; i < n; i++)
        out[i] = cocob_philox_uniform(seed, counter + i) >= p ? in[i] * scale : 0.0f;
}
