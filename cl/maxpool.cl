/* Max-pooling and its gradient. Twins: maxpool_ref and maxpool_grad_ref in
 * src/backend/ref/maxpool.c, with the same scan order and the same order of
 * summation, so that both agree with the reference bit for bit. */

/* maxpool_grad adds; the reference rounds each addition on its own. */
#pragma OPENCL FP_CONTRACT OFF

/* One work-item per row of windows, so that a plane's coordinates are
 * divided out once a row, not once a window. Scanned in row-major order,
 * only a strictly larger value takes over, so the first maximum wins a tie;
 * a NaN counts as larger than any number, so that it reaches the output.
 * idx is the position within the plane. */
__kernel void maxpool(__global const float *x, ulong x_off, __global float *y, ulong y_off,
                      __global int *idx, ulong idx_off, ulong planes, ulong height, ulong width,
                      ulong size, ulong stride, ulong out_h, ulong out_w)
{
    ulong r = get_global_id(0);
    if (r >= planes * out_h)
        return;
    ulong p = r / out_h, top = (r - p * out_h) * stride;
    __global const float *plane = x + x_off + p * height * width;
    for (ulong ox = 0, left = 0; ox < out_w; ox++, left += stride) {
        ulong best_at = top * width + left;
        float best = plane[best_at];
        for (ulong ky = 0; ky < size; ky++)
            for (ulong kx = 0; kx < size; kx++) {
                ulong at = (top + ky) * width + left + kx;
                float v = plane[at];
                if (v > best || (isnan(v) && !isnan(best))) {
                    best = v;
                    best_at = at;
                }
            }
        y[y_off + r * out_w + ox] = best;
        idx[idx_off + r * out_w + ox] = (int)best_at;
    }
}

/* The windows [*first, *end) along one axis that contain input position i:
 * those o with o stride <= i < o stride + size, o < out. */
static void windows_over(ulong i, ulong size, ulong stride, ulong out, ulong *first, ulong *end)
{
    *first = i < size ? 0 : (i - size) / stride + 1;
    *end = min(i / stride + 1, out);
}

/* One work-item per input position, summing in row-major window order the
 * dy of the windows that chose it: gathered, so no atomics, and overlapping
 * windows (stride < size) are only more terms in a fixed order. */
__kernel void maxpool_grad(__global const float *dy, ulong dy_off, __global const int *idx,
                           ulong idx_off, __global float *dx, ulong dx_off, ulong planes,
                           ulong height, ulong width, ulong size, ulong stride, ulong out_h,
                           ulong out_w)
{
    ulong e = get_global_id(0);
    if (e >= planes * height * width)
        return;
    ulong ix = e % width, iy = e / width % height, p = e / width / height;
    ulong out_base = p * out_h * out_w;
    ulong oy0, oy1, ox0, ox1;
    windows_over(iy, size, stride, out_h, &oy0, &oy1);
    windows_over(ix, size, stride, out_w, &ox0, &ox1);
    int here = (int)(iy * width + ix);
    float sum = 0.0f;
    for (ulong oy = oy0; oy < oy1; oy++)
        for (ulong ox = ox0; ox < ox1; ox++) {
            ulong o = out_base + oy * out_w + ox;
            if (idx[idx_off + o] == here)
                sum += dy[dy_off + o];
        }
    dx[dx_off + e] = sum;
}

/* maxpool_grad where the windows tile the plane (stride = size): an input
 * is in one window at most, so its sum has one term or none. A work-item
 * writes the rows under one row of windows, the last also the rows that no
 * window reaches, walking the windows along as it goes: no division an
 * element. 0 + dy, as the sum of one term, so that a -0 comes out as the
 * reference's +0. */
__kernel void maxpool_grad_tiled(__global const float *dy, ulong dy_off, __global const int *idx,
                                 ulong idx_off, __global float *dx, ulong dx_off, ulong planes,
                                 ulong height, ulong width, ulong size, ulong stride,
                                 ulong out_h, ulong out_w)
{
    ulong r = get_global_id(0);
    if (r >= planes * out_h)
        return;
    ulong p = r / out_h, oy = r - p * out_h;
    ulong y0 = oy * stride, y1 = oy + 1 == out_h ? height : y0 + size;
    __global const float *d = dy + dy_off + r * out_w;
    __global const int *at = idx + idx_off + r * out_w;
    for (ulong iy = y0; iy < y1; iy++) {
        __global float *row = dx + dx_off + (p * height + iy) * width;
        int here = (int)(iy * width);
        for (ulong ix = 0, ox = 0, k = 0; ix < width; ix++, here++) {
            row[ix] = ox < out_w && at[ox] == here ? 0.0f + d[ox] : 0.0f;
            if (++k == size) {
                k = 0;
                ox++;
            }
        }
    }
}
