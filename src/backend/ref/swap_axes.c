/* Swapping the first two axes of a x bb x inner: between NCHW and the
 * C x (N HW) layout of a convolution's GEMM. Twin: cl/swap_axes.cl. */
#include "backend/ref/ref.h"

cocob_status swap_axes_check(cocob_error *err, cocob_span x, cocob_span y, size_t a, size_t bb,
                             size_t inner)
{
    if (!a || !bb || !inner)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "swap_axes: the sizes %zu x %zu x %zu must all be nonzero", a, bb,
                          inner);
    size_t rows, count;
    if (!size_mul(a, bb, &rows) || !size_mul(rows, inner, &count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "swap_axes: %zu x %zu x %zu elements are more than size_t can count",
                          a, bb, inner);
    if (!span_holds(x, count) || !span_holds(y, count))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "swap_axes (%zu x %zu x %zu): x and y need %zu floats each, from "
                          "offsets %zu and %zu; their buffers hold %zu and %zu",
                          a, bb, inner, count, x.off, y.off, x.buf ? x.buf->bytes / 4 : 0,
                          y.buf ? y.buf->bytes / 4 : 0);
    return COCOB_OK;
}

void swap_axes_ref(const float *x, float *y, size_t a, size_t bb, size_t inner)
{
    swap_axes_rows_ref(x, y, a, bb, inner, 0, bb);
}

/* The rows y[first .. end) alone, so that the cpu backend's threads can
 * each write rows of their own. */
void swap_axes_rows_ref(const float *x, float *y, size_t a, size_t bb, size_t inner,
                        size_t first, size_t end)
{
    y += first * a * inner;
    for (size_t j = first; j < end; j++)
        for (size_t i = 0; i < a; i++) {
            const float *from = x + (i * bb + j) * inner;
            for (size_t k = 0; k < inner; k++)
                *y++ = from[k];
        }
}
