/* Softmax cross-entropy per row, and its gradient. Twins:
 * cocob_ref_softmax_xent and cocob_ref_softmax_xent_grad in
 * src/backend/ref/softmax_xent.c, in the same order of operations; exp and
 * log are not correctly rounded in OpenCL C, so the two agree to a few ulp,
 * as tests/test_softmax_xent.c measures.
 *
 * One work-item per row: a classifier has a handful of classes, and the
 * batch gives enough rows to fill the device. */

#pragma OPENCL FP_CONTRACT OFF

/* The maximum comes out before exp, so exp never overflows; a label outside
 * [0, classes) makes the row NaN instead of a read out of bounds. */
static float row_max(__global const float *x, ulong classes)
{
    float m = x[0];
    for (ulong c = 1; c < classes; c++)
        if (x[c] > m)
            m = x[c];
    return m;
}

static float row_sum_exp(__global const float *x, ulong classes, float m)
{
    float sum = 0.0f;
    for (ulong c = 0; c < classes; c++)
        sum += exp(x[c] - m);
    return sum;
}

__kernel void softmax_xent(__global const float *logits, ulong logits_off,
                           __global const int *labels, ulong labels_off, __global float *loss,
                           ulong loss_off, ulong rows, ulong classes)
{
    ulong r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *x = logits + logits_off + r * classes;
    int label = labels[labels_off + r];
    if (label < 0 || (ulong)label >= classes) {
        loss[loss_off + r] = NAN;
        return;
    }
    float m = row_max(x, classes);
    loss[loss_off + r] = (m - x[label]) + log(row_sum_exp(x, classes, m));
}

__kernel void softmax_xent_grad(__global const float *logits, ulong logits_off,
                                __global const int *labels, ulong labels_off,
                                __global float *dlogits, ulong dlogits_off, ulong rows,
                                ulong classes)
{
    ulong r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *x = logits + logits_off + r * classes;
    __global float *d = dlogits + dlogits_off + r * classes;
    int label = labels[labels_off + r];
    if (label < 0 || (ulong)label >= classes) {
        for (ulong c = 0; c < classes; c++)
            d[c] = NAN;
        return;
    }
    float m = row_max(x, classes);
    float sum = row_sum_exp(x, classes, m);
    for (ulong c = 0; c < classes; c++) {
        float p = exp(x[c] - m) / sum;
        d[c] = (p - (c == (ulong)label ? 1.0f : 0.0f)) / (float)rows;
    }
}
