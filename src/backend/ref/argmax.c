/* The index of each row's maximum, the reference loop of cl/argmax.cl. */
#include <math.h>

#include "backend/ref/ref.h"

cocob_status argmax_check(cocob_error *err, cocob_span x, cocob_span out, size_t rows,
                          size_t cols)
{
    if (!rows || !cols)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "argmax: rows %zu and cols %zu must both be nonzero", rows, cols);
    if (cols - 1 > INT32_MAX)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "argmax: a row of %zu has more columns than an int32 index can name",
                          cols);
    size_t count;
    if (!size_mul(rows, cols, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "argmax: %zu rows of %zu are more than size_t can count", rows, cols);
    if (!span_holds(x, count) || !span_holds(out, rows))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "argmax (%zu x %zu): x needs %zu floats from offset %zu (its buffer "
                          "holds %zu) and out %zu indices from offset %zu (its buffer holds %zu)",
                          rows, cols, count, x.off, x.buf ? x.buf->bytes / 4 : 0, rows, out.off,
                          out.buf ? out.buf->bytes / 4 : 0);
    return COCOB_OK;
}

/* Only a strictly larger value takes over, so the first maximum wins a tie.
 * A NaN counts as larger than any number, as in maxpool: a row gone bad
 * points at its first NaN rather than at an arbitrary number. */
void argmax_ref(const float *x, int32_t *out, size_t rows, size_t cols)
{
    for (size_t r = 0; r < rows; r++, x += cols) {
        size_t best = 0;
        for (size_t c = 1; c < cols; c++)
            if (x[c] > x[best] || (isnan(x[c]) && !isnan(x[best])))
                best = c;
        out[r] = (int32_t)best;
    }
}
