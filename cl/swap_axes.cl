/* y[j][i][k] = x[i][j][k] for x of a x bb x inner. Twin: swap_axes_ref in
 * src/backend/ref/swap_axes.c. Pure copies, so nothing to contract and the
 * two agree bit for bit. One work-item per y element, so the writes are
 * contiguous. */
__kernel void swap_axes(__global const float *x, ulong x_off, __global float *y, ulong y_off,
                        ulong a, ulong bb, ulong inner)
{
    ulong e = get_global_id(0);
    if (e >= a * bb * inner)
        return;
    ulong k = e % inner, i = e / inner % a, j = e / inner / a;
    y[y_off + e] = x[x_off + (i * bb + j) * inner + k];
}
