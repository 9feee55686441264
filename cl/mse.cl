/* Mean squared error per row, and its gradient. Twins: cocob_ref_mse and
 * cocob_ref_mse_grad in src/backend/ref/mse.c, in the same order of
 * operations, so that with a correctly rounded division the two agree to
 * the bit (tests/test_mse.c).
 *
 * mse: one work-item per row, as softmax_xent; mse_grad: one per element. */

#pragma OPENCL FP_CONTRACT OFF

__kernel void mse(__global const float *x, ulong x_off, __global const float *targets,
                  ulong targets_off, __global float *loss, ulong loss_off, ulong rows, ulong cols)
{
    ulong r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *xr = x + x_off + r * cols;
    __global const float *tr = targets + targets_off + r * cols;
    float sum = 0.0f;
    for (ulong c = 0; c < cols; c++) {
        float d = xr[c] - tr[c];
        sum += d * d;
    }
    loss[loss_off + r] = sum / (float)cols;
}

__kernel void mse_grad(__global const float *x, ulong x_off, __global const float *targets,
                       ulong targets_off, __global float *dx, ulong dx_off, ulong rows,
                       ulong cols)
{
    ulong i = get_global_id(0), n = rows * cols;
    if (i >= n)
        return;
    dx[dx_off + i] = 2.0f * (x[x_off + i] - targets[targets_off + i]) / (float)n;
}
