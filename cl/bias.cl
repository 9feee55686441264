/* Adding a bias per channel, then the activation, and the bias's gradient,
 * over outer x channels x inner. Twins: bias_add_ref and bias_grad_ref in
 * src/backend/ref/bias.c. */

/* bias_grad's additions are rounded one at a time, as in the reference. */
#pragma OPENCL FP_CONTRACT OFF

/* One work-item per element: one addition, then f, as in the reference, so
 * the two agree bit for bit for relu and the identity, and to activation.cl's
 * few ulp for tanh and sigmoid. */
__kernel void bias_add(int kind, __global const float *x, ulong x_off, __global const float *bias,
                       ulong bias_off, __global float *y, ulong y_off, ulong outer,
                       ulong channels, ulong inner)
{
    ulong e = get_global_id(0);
    if (e >= outer * channels * inner)
        return;
    y[y_off + e] = activation_apply(kind, x[x_off + e] + bias[bias_off + e / inner % channels]);
}

/* One work-group per channel. Each work-item adds a strided share of the
 * channel's outer x inner terms (consecutive items read consecutive
 * addresses within a plane), then the group adds its items' sums in a tree
 * in local memory: no atomics, so the result never depends on timing. The
 * tree needs a power-of-two group size, which the launch guarantees.
 *
 * The order differs from the reference's one-by-one sum: a term passes
 * through at most ceil(outer inner / group) - 1 + log2(group) roundings here,
 * against outer inner - 1 there. */
__kernel void bias_grad(__global const float *dy, ulong dy_off, __global float *db, ulong db_off,
                        ulong outer, ulong channels, ulong inner, __local float *scratch)
{
    ulong c = get_group_id(0);
    size_t lid = get_local_id(0), group = get_local_size(0);
    /* The whole group leaves together, so no barrier is left waiting. */
    if (c >= channels)
        return;
    ulong count = outer * inner;
    float sum = 0.0f;
    for (ulong j = lid; j < count; j += group) {
        ulong o = j / inner, i = j - o * inner;
        sum += dy[dy_off + (o * channels + c) * inner + i];
    }
    scratch[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t width = group / 2; width > 0; width /= 2) {
        if (lid < width)
            scratch[lid] += scratch[lid + width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        db[db_off + c] = scratch[0];
}
