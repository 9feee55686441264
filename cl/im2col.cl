/* The unrolled convolution input and its adjoint. Twins: im2col_ref and
 * col2im_ref in src/backend/ref/im2col.c, with the same loops and the same
 * order of summation, so that both agree with the reference bit for bit.
 *
 * col is (channels kernel_h kernel_w) rows by (batch out_h out_w) columns. */

/* col2im adds; the reference rounds each addition on its own. */
#pragma OPENCL FP_CONTRACT OFF

/* One work-item per col entry: a copy, or 0 in the padding. */
__kernel void im2col(__global const float *x, ulong x_off, __global float *col, ulong col_off,
                     ulong batch, ulong channels, ulong height, ulong width, ulong kernel_h,
                     ulong kernel_w, ulong stride, ulong pad, ulong out_h, ulong out_w)
{
    ulong e = get_global_id(0);
    ulong positions = batch * out_h * out_w;
    if (e >= channels * kernel_h * kernel_w * positions)
        return;
    ulong row = e / positions, q = e % positions;
    ulong kx = row % kernel_w, ky = row / kernel_w % kernel_h, c = row / kernel_w / kernel_h;
    ulong ox = q % out_w, oy = q / out_w % out_h, n = q / out_w / out_h;
    /* Unsigned, so that a row in the top padding wraps to a huge value and
     * fails the same test as one in the bottom padding. */
    ulong iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
    col[col_off + e] = iy < height && ix < width
                           ? x[x_off + ((n * channels + c) * height + iy) * width + ix]
                           : 0.0f;
}

/* The output position that reads input position i through kernel tap k, if
 * any: i = o stride - pad + k with 0 <= o < out. */
static bool tap_source(ulong i, ulong k, ulong pad, ulong stride, ulong out, ulong *o)
{
    if (i + pad < k || (i + pad - k) % stride != 0)
        return false;
    *o = (i + pad - k) / stride;
    return *o < out;
}

/* One work-item per x element, gathering the col entries read from it in
 * row-major tap order: no two work-items write the same element, so no
 * atomics, and the sum's order is fixed. */
__kernel void col2im(__global const float *col, ulong col_off, __global float *x, ulong x_off,
                     ulong batch, ulong channels, ulong height, ulong width, ulong kernel_h,
                     ulong kernel_w, ulong stride, ulong pad, ulong out_h, ulong out_w)
{
    ulong e = get_global_id(0);
    if (e >= batch * channels * height * width)
        return;
    ulong ix = e % width, iy = e / width % height, c = e / width / height % channels,
          n = e / width / height / channels;
    ulong positions = batch * out_h * out_w;
    float sum = 0.0f;
    for (ulong ky = 0; ky < kernel_h; ky++) {
        ulong oy;
        if (!tap_source(iy, ky, pad, stride, out_h, &oy))
            continue;
        for (ulong kx = 0; kx < kernel_w; kx++) {
            ulong ox;
            if (!tap_source(ix, kx, pad, stride, out_w, &ox))
                continue;
            ulong row = (c * kernel_h + ky) * kernel_w + kx;
            sum += col[col_off + row * positions + (n * out_h + oy) * out_w + ox];
        }
    }
    x[x_off + e] = sum;
}
