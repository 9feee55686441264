/* Softmax cross-entropy per row, with its gradient, the reference loop of
 * cl/softmax_xent.cl. */
#include <math.h>

#include "backend/ref/ref.h"

/* The row's maximum m is taken out before exp, so that exp never overflows
 * and the largest term is exp(0) = 1: the sum lies in [1, classes]. The loss
 * is (m - x[label]) + log(sum), not (m + log(sum)) - x[label]: when the label
 * holds the maximum, the first difference is exactly 0 and the loss keeps
 * log(sum)'s precision even for logits of 1e4.
 *
 * A label outside [0, classes) is not an index: its row's loss and gradient
 * are NaN, so that the guard on non-finite gradients stops the step, rather
 * than a read out of bounds. The kernel does the same; the labels stay on
 * the device, so the host cannot check them without a download. */
void cocob_ref_softmax_xent(const float *logits, const int32_t *labels, float *loss,
                            float *dlogits, size_t rows, size_t classes)
{
    for (size_t r = 0; r < rows; r++, logits += classes, dlogits += classes) {
        int32_t label = labels[r];
        if (label < 0 || (size_t)label >= classes) {
            loss[r] = NAN;
            for (size_t c = 0; c < classes; c++)
                dlogits[c] = NAN;
            continue;
        }
        float m = logits[0];
        for (size_t c = 1; c < classes; c++)
            if (logits[c] > m)
                m = logits[c];
        float sum = 0.0f;
        for (size_t c = 0; c < classes; c++)
            sum += expf(logits[c] - m);
        loss[r] = (m - logits[label]) + logf(sum);
        for (size_t c = 0; c < classes; c++) {
            float p = expf(logits[c] - m) / sum;
            dlogits[c] = (p - (c == (size_t)label ? 1.0f : 0.0f)) / (float)rows;
        }
    }
}
