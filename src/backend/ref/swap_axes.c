/* Swapping the first two axes of a x bb x inner: between NCHW and the
 * C x (N HW) layout of a convolution's GEMM. Twin: cl/swap_axes.cl. */
#include "backend/ref/ref.h"

void cocob_ref_swap_axes(const float *x, float *y, size_t a, size_t bb, size_t inner)
{
    cocob_ref_swap_axes_rows(x, y, a, bb, inner, 0, bb);
}

/* The rows y[first .. end) alone, so that the cpu backend's threads can
 * each write rows of their own. */
void cocob_ref_swap_axes_rows(const float *x, float *y, size_t a, size_t bb, size_t inner,
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
