/* The index of each row's maximum, the reference loop of cl/argmax.cl. */
#include <math.h>

#include "backend/ref/ref.h"

/* Only a strictly larger value takes over, so the first maximum wins a tie.
 * A NaN counts as larger than any number, as in maxpool: a row gone bad
 * points at its first NaN rather than at an arbitrary number. */
void cocob_ref_argmax(const float *x, int32_t *out, size_t rows, size_t cols)
{
    for (size_t r = 0; r < rows; r++, x += cols) {
        size_t best = 0;
        for (size_t c = 1; c < cols; c++)
            if (x[c] > x[best] || (isnan(x[c]) && !isnan(x[best])))
                best = c;
        out[r] = (int32_t)best;
    }
}
