/* Mean squared error per row, and its gradient, the reference loops of
 * cl/mse.cl. Nothing is special-cased: a NaN target or input makes its
 * row's loss and its own gradient NaN, which the step's guard catches. */
#include "backend/ref/ref.h"

void cocob_ref_mse(const float *x, const float *targets, float *loss, size_t rows, size_t cols)
{
    for (size_t r = 0; r < rows; r++, x += cols, targets += cols) {
        float sum = 0.0f;
        for (size_t c = 0; c < cols; c++) {
            float d = x[c] - targets[c];
            sum += d * d;
        }
        loss[r] = sum / (float)cols;
    }
}

void cocob_ref_mse_grad(const float *x, const float *targets, float *dx, size_t rows, size_t cols)
{
    size_t n = rows * cols;
    for (size_t i = 0; i < n; i++)
        dx[i] = 2.0f * (x[i] - targets[i]) / (float)n;
}
