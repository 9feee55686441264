/* Softmax cross-entropy per row, and its gradient, the reference loops of
 * cl/softmax_xent.cl. */
#include <math.h>

#include "backend/ref/ref.h"

/* The row's maximum m is taken out before exp, so that exp never overflows
 * and the largest term is exp(0) = 1: the sum lies in [1, classes]. Both
 * loops take m and the sum in the same order, so that the gradient is the
 * one the loss's own arithmetic implies.
 *
 * A label outside [0, classes) is not an index: its row's loss and gradient
 * are NaN, so that the guard on non-finite gradients stops the step, rather
 * than a read out of bounds. The kernels do the same; the labels stay on
 * the device, so the host cannot check them without a download. */
static float row_max(const float *x, size_t classes)
{
    float m = x[0];
    for (size_t c = 1; c < classes; c++)
        if (x[c] > m)
            m = x[c];
    return m;
}

static float row_sum_exp(const float *x, size_t classes, float m)
{
    float sum = 0.0f;
    for (size_t c = 0; c < classes; c++)
        sum += expf(x[c] - m);
    return sum;
}

static int bad_label(int32_t label, size_t classes)
{
    return label < 0 || (size_t)label >= classes;
}

/* The loss is (m - x[label]) + log(sum), not (m + log(sum)) - x[label]:
 * when the label holds the maximum, the first difference is exactly 0 and
 * the loss keeps log(sum)'s precision even for logits of 1e4. */
void cocob_ref_softmax_xent(const float *logits, const int32_t *labels, float *loss, size_t rows,
                            size_t classes)
{
    for (size_t r = 0; r < rows; r++, logits += classes) {
        int32_t label = labels[r];
        if (bad_label(label, classes)) {
            loss[r] = NAN;
            continue;
        }
        float m = row_max(logits, classes);
        loss[r] = (m - logits[label]) + logf(row_sum_exp(logits, classes, m));
    }
}

void cocob_ref_softmax_xent_grad(const float *logits, const int32_t *labels, float *dlogits,
                                 size_t rows, size_t classes)
{
    for (size_t r = 0; r < rows; r++, logits += classes, dlogits += classes) {
        int32_t label = labels[r];
        if (bad_label(label, classes)) {
            for (size_t c = 0; c < classes; c++)
                dlogits[c] = NAN;
            continue;
        }
        float m = row_max(logits, classes);
        float sum = row_sum_exp(logits, classes, m);
        for (size_t c = 0; c < classes; c++) {
            float p = expf(logits[c] - m) / sum;
            dlogits[c] = (p - (c == (size_t)label ? 1.0f : 0.0f)) / (float)rows;
        }
    }
}
