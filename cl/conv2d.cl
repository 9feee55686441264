/* Convolution as an implicit GEMM: the unrolled input (im2col's matrix) is
 * never stored, each work-item gathers the entries it needs from x or dy as
 * it goes. Twins: the loops in src/backend/ref/conv2d.c.
 *
 * As in gemm.cl, each work-item holds a tile of its output in registers and
 * no local memory is used: on a CPU (PoCL) local memory is ordinary cache,
 * and a tile of vectors maps straight onto its SIMD registers. Every tile
 * vector runs along positions of one image plane; an entry of the unrolled
 * input that falls in the padding, or a position past the plane, reads as 0.
 *
 * The shape arguments are cocob_conv_shape's, in its order. Offsets within
 * a plane, padding included, are ints, which conv2d.c makes sure they fit. */

/* Each term is fused into its partial sum by fma(): one rounding per term,
 * as the GEMM of the im2col path had. Everything else rounds apart. */
#pragma OPENCL FP_CONTRACT OFF

/* Filters (conv2d) or channels (conv2d_grad_input) per tile, positions per
 * vector, filters per conv2d_grad_weights tile. */
#define CONV_TM 8
#define CONV_VW 8
#define CONV_WM 16
#define VEC float8
#define VLOAD vload8
#define VSTORE vstore8

#define CONV_ARGS                                                                           \
    ulong batch, ulong channels, ulong height, ulong width, ulong kernel_h, ulong kernel_w, \
        ulong stride, ulong pad, ulong out_h, ulong out_w, ulong filters

static float hsum8(float8 x)
{
    float4 y = x.lo + x.hi;
    float2 z = y.s01 + y.s23;
    return z.s0 + z.s1;
}

/* Stores rows (at most CONV_TM) of acc, each count (at most CONV_VW) long,
 * the rows row_stride apart from to. */
static void store_rows(const VEC acc[CONV_TM], ulong rows, ulong count, __global float *to,
                       ulong row_stride)
{
    for (ulong i = 0; i < rows; i++) {
        __global float *r = to + i * row_stride;
        if (count == CONV_VW) {
            VSTORE(acc[i], 0, r);
        } else {
            float t[CONV_VW];
            VSTORE(acc[i], 0, t);
            for (ulong v = 0; v < count; v++)
                r[v] = t[v];
        }
    }
}

/* y[n][f][p]: a tile of CONV_TM filters by CONV_VW positions p of one
 * image. For each tap (ky, kx), the offsets into an input plane of the
 * tile's positions are found once, then serve every channel. */
__kernel void conv2d(__global const float *x, ulong x_off, __global const float *w, ulong w_off,
                     __global float *y, ulong y_off, CONV_ARGS)
{
    ulong plane = out_h * out_w, hw = height * width, taps = kernel_h * kernel_w;
    ulong ptiles = (plane + CONV_VW - 1) / CONV_VW, ftiles = (filters + CONV_TM - 1) / CONV_TM;
    ulong g = get_global_id(0);
    if (g >= batch * ptiles * ftiles)
        return;
    /* Neighbouring work-items share the positions, so the gathered input
     * stays in cache. */
    ulong f0 = g % ftiles * CONV_TM, p0 = g / ftiles % ptiles * CONV_VW, n = g / ftiles / ptiles;
    int iy0[CONV_VW], ix0[CONV_VW];
#pragma unroll
    for (int v = 0; v < CONV_VW; v++) {
        int p = (int)min(p0 + v, plane - 1);
        iy0[v] = p / (int)out_w * (int)stride - (int)pad;
        ix0[v] = p % (int)out_w * (int)stride - (int)pad;
    }
    __global const float *wf[CONV_TM];
#pragma unroll
    for (int i = 0; i < CONV_TM; i++)
        wf[i] = w + w_off + min(f0 + i, filters - 1) * channels * taps;
    __global const float *xn = x + x_off + n * channels * hw;
    VEC acc[CONV_TM];
#pragma unroll
    for (int i = 0; i < CONV_TM; i++)
        acc[i] = (VEC)(0.0f);
    for (int ky = 0; ky < (int)kernel_h; ky++) {
        for (int kx = 0; kx < (int)kernel_w; kx++) {
            int off[CONV_VW], inside[CONV_VW];
#pragma unroll
            for (int v = 0; v < CONV_VW; v++) {
                int iy = iy0[v] + ky, ix = ix0[v] + kx;
                inside[v] = iy >= 0 && iy < (int)height && ix >= 0 && ix < (int)width;
                off[v] = inside[v] ? iy * (int)width + ix : 0;
            }
            ulong tap = (ulong)(ky * (int)kernel_w + kx);
            for (ulong c = 0; c < channels; c++) {
                __global const float *xc = xn + c * hw;
                float t[CONV_VW];
#pragma unroll
                for (int v = 0; v < CONV_VW; v++) {
                    float e = xc[off[v]];
                    t[v] = inside[v] ? e : 0.0f;
                }
                VEC col = VLOAD(0, t);
#pragma unroll
                for (int i = 0; i < CONV_TM; i++)
                    acc[i] = fma((VEC)(wf[i][c * taps + tap]), col, acc[i]);
            }
        }
    }
    store_rows(acc, min((ulong)CONV_TM, filters - f0), min((ulong)CONV_VW, plane - p0),
               y + y_off + (n * filters + f0) * plane + p0, plane);
}

/* dx[n][c][q]: a tile of CONV_TM channels by CONV_VW input positions q of
 * one image, each the sum over the filters and taps whose window covers it:
 * gathered, so no two work-items write one element and no atomics. */
__kernel void conv2d_grad_input(__global const float *dy, ulong dy_off, __global const float *w,
                                ulong w_off, __global float *dx, ulong dx_off, CONV_ARGS)
{
    ulong plane = out_h * out_w, hw = height * width, taps = kernel_h * kernel_w;
    ulong qtiles = (hw + CONV_VW - 1) / CONV_VW, ctiles = (channels + CONV_TM - 1) / CONV_TM;
    ulong g = get_global_id(0);
    if (g >= batch * qtiles * ctiles)
        return;
    ulong c0 = g % ctiles * CONV_TM, q0 = g / ctiles % qtiles * CONV_VW, n = g / ctiles / qtiles;
    /* i + pad - k, the output row (times stride) that reads input row i
     * through tap k, when it is one. */
    int iy[CONV_VW], ix[CONV_VW];
#pragma unroll
    for (int v = 0; v < CONV_VW; v++) {
        int q = (int)min(q0 + v, hw - 1);
        iy[v] = q / (int)width + (int)pad;
        ix[v] = q % (int)width + (int)pad;
    }
    ulong wc[CONV_TM];
#pragma unroll
    for (int i = 0; i < CONV_TM; i++)
        wc[i] = w_off + min(c0 + i, channels - 1) * taps;
    __global const float *dyn = dy + dy_off + n * filters * plane;
    VEC acc[CONV_TM];
#pragma unroll
    for (int i = 0; i < CONV_TM; i++)
        acc[i] = (VEC)(0.0f);
    for (int ky = 0; ky < (int)kernel_h; ky++) {
        for (int kx = 0; kx < (int)kernel_w; kx++) {
            int off[CONV_VW], read[CONV_VW];
#pragma unroll
            for (int v = 0; v < CONV_VW; v++) {
                int ty = iy[v] - ky, tx = ix[v] - kx;
                int oy = ty / (int)stride, ox = tx / (int)stride;
                read[v] = ty >= 0 && tx >= 0 && ty % (int)stride == 0 && tx % (int)stride == 0 &&
                          oy < (int)out_h && ox < (int)out_w;
                off[v] = read[v] ? oy * (int)out_w + ox : 0;
            }
            ulong tap = (ulong)(ky * (int)kernel_w + kx);
            for (ulong f = 0; f < filters; f++) {
                __global const float *dyf = dyn + f * plane;
                float t[CONV_VW];
#pragma unroll
                for (int v = 0; v < CONV_VW; v++) {
                    float e = dyf[off[v]];
                    t[v] = read[v] ? e : 0.0f;
                }
                VEC d = VLOAD(0, t);
                __global const float *wt = w + f * channels * taps + tap;
#pragma unroll
                for (int i = 0; i < CONV_TM; i++)
                    acc[i] = fma((VEC)(wt[wc[i]]), d, acc[i]);
            }
        }
    }
    store_rows(acc, min((ulong)CONV_TM, channels - c0), min((ulong)CONV_VW, hw - q0),
               dx + dx_off + (n * channels + c0) * hw + q0, hw);
}

/* A part of dw[f][k], k = (c ky kx), from the images of one of `parts`
 * slices of the batch: a tile of CONV_WM filters by one tap, each a vector
 * of partial sums over the slice's positions, CONV_VW at a time, added
 * across at the end, into part[slice][f][k]. A slice's images stay in
 * cache while its tiles run, where one work-item for the whole batch would
 * stream it all again for every tile; conv2d_grad_weights_sum then adds the
 * slices. No two work-items write one element, so no atomics. */
__kernel void conv2d_grad_weights(__global const float *dy, ulong dy_off, __global const float *x,
                                  ulong x_off, __global float *part, ulong part_off, CONV_ARGS,
                                  ulong parts)
{
    ulong plane = out_h * out_w, hw = height * width, taps = kernel_h * kernel_w;
    ulong rows = channels * taps, ftiles = (filters + CONV_WM - 1) / CONV_WM;
    ulong g = get_global_id(0);
    if (g >= parts * ftiles * rows)
        return;
    ulong k = g % rows, f0 = g / rows % ftiles * CONV_WM, slice = g / rows / ftiles;
    ulong xc = k / taps * hw;
    /* The tap's offset from a position's window corner, and the image's
     * edges, as seen from that corner. */
    int8 ky = (int8)((int)(k % taps / kernel_w) - (int)pad),
         kx = (int8)((int)(k % kernel_w) - (int)pad);
    int8 h = (int8)((int)height), w = (int8)((int)width), ow = (int8)((int)out_w);
    int8 lane = (int8)(0, 1, 2, 3, 4, 5, 6, 7);
    ulong fo[CONV_WM];
#pragma unroll
    for (int i = 0; i < CONV_WM; i++)
        fo[i] = min(f0 + i, filters - 1) * plane;
    VEC acc[CONV_WM];
#pragma unroll
    for (int i = 0; i < CONV_WM; i++)
        acc[i] = (VEC)(0.0f);
    for (ulong n = slice * batch / parts; n < (slice + 1) * batch / parts; n++) {
        __global const float *dyn = dy + dy_off + n * filters * plane;
        __global const float *xn = x + x_off + xc + n * channels * hw;
        /* Where each lane's position is, stepped along rather than divided
         * out for every vector. */
        int8 oy = lane / ow, ox = lane % ow;
        for (ulong p0 = 0; p0 < plane; p0 += CONV_VW) {
            int count = (int)min((ulong)CONV_VW, plane - p0);
            int8 iy = oy * (int)stride + ky, ix = ox * (int)stride + kx;
            int8 inside = lane < (int8)(count) && iy >= 0 && iy < h && ix >= 0 && ix < w;
            int off[CONV_VW], in[CONV_VW];
            vstore8(select((int8)(0), iy * w + ix, inside), 0, off);
            vstore8(inside, 0, in);
            float t[CONV_VW];
#pragma unroll
            for (int v = 0; v < CONV_VW; v++) {
                float e = xn[off[v]];
                t[v] = in[v] ? e : 0.0f;
            }
            VEC col = VLOAD(0, t);
            if (count == CONV_VW) {
#pragma unroll
                for (int i = 0; i < CONV_WM; i++)
                    acc[i] = fma(VLOAD(0, dyn + fo[i] + p0), col, acc[i]);
            } else {
#pragma unroll
                for (int i = 0; i < CONV_WM; i++) {
#pragma unroll
                    for (int v = 0; v < CONV_VW; v++)
                        t[v] = v < count ? dyn[fo[i] + p0 + v] : 0.0f;
                    acc[i] = fma(VLOAD(0, t), col, acc[i]);
                }
            }
            ox += CONV_VW;
            while (any(ox >= ow)) {
                int8 wrap = ox >= ow;
                ox = select(ox, ox - ow, wrap);
                oy = select(oy, oy + 1, wrap);
            }
        }
    }
    for (ulong i = 0; i < min((ulong)CONV_WM, filters - f0); i++)
        part[part_off + (slice * filters + f0 + i) * rows + k] = hsum8(acc[i]);
}

/* dw[e] = the sum over the slices of part[slice][e], in slice order. */
__kernel void conv2d_grad_weights_sum(__global const float *part, ulong part_off,
                                      __global float *dw, ulong dw_off, ulong count, ulong parts)
{
    ulong e = get_global_id(0);
    if (e >= count)
        return;
    float sum = part[part_off + e];
    for (ulong j = 1; j < parts; j++)
        sum += part[part_off + j * count + e];
    dw[dw_off + e] = sum;
}

/* ---- Stride 1, from a padded copy of the input ----
 *
 * At stride 1 the positions along an output row read consecutive pixels of
 * an input row, so a vector of them is one vload8 where the gathers above
 * take eight loads, eight bounds tests and eight inserts. conv2d_pad first
 * copies the input into a scratch buffer with a border of zeros, and rows
 * long enough that every vector read stays inside its plane: no tests at
 * all in the inner loops. */

/* Positions per conv2d_rows tile (ROW_VN vectors along one row), outputs
 * (filters, or channels for the gradient) per tile; taps and filters per
 * conv2d_grad_weights_rows tile. */
#define ROW_VN 2
#define ROW_SEG (ROW_VN * CONV_VW)
#define ROW_TM 4
#define GW_TAPS 5
#define GW_FM 2

/* dst[p][r][c] = src[p][r - top][c - left], 0 outside src: planes of
 * height x width padded into dst_h x dst_w, a row of dst a work-item. */
__kernel void conv2d_pad(__global const float *src, ulong src_off, __global float *dst,
                         ulong planes, ulong height, ulong width, ulong top, ulong left,
                         ulong dst_h, ulong dst_w)
{
    ulong e = get_global_id(0);
    if (e >= planes * dst_h)
        return;
    ulong p = e / dst_h, r = e - p * dst_h;
    __global float *d = dst + e * dst_w;
    ulong c = 0;
    if (r >= top && r - top < height) {
        __global const float *s = src + src_off + (p * height + r - top) * width;
        for (; c < left; c++)
            d[c] = 0.0f;
        for (; c < left + width; c++)
            d[c] = s[c - left];
    }
    for (; c < dst_w; c++)
        d[c] = 0.0f;
}

/* out[n][o][oy][ox] = the sum over i, ky, kx, in that order, of
 * w[i w_in + o w_out + ky w_y + kx w_x] xp[n][i][oy + ky][ox + kx], xp
 * being the padded input (ins planes of xp_h x xp_w). conv2d is this with
 * i the channel and o the filter; conv2d_grad_input with i the filter, o
 * the channel, the kernel turned half a turn (negative w_y and w_x) and dy
 * padded by the kernel less the padding. A tile is ROW_TM outputs by
 * ROW_SEG positions of one row. */
__kernel void conv2d_rows(__global const float *xp, __global const float *w, ulong w_off,
                          __global float *out, ulong out_off, ulong batch, ulong ins, ulong outs,
                          ulong kernel_h, ulong kernel_w, ulong out_h, ulong out_w, ulong xp_h,
                          ulong xp_w, long w_in, long w_out, long w_y, long w_x)
{
    ulong segs = (out_w + ROW_SEG - 1) / ROW_SEG, otiles = (outs + ROW_TM - 1) / ROW_TM;
    ulong g = get_global_id(0);
    if (g >= batch * out_h * segs * otiles)
        return;
    /* Neighbouring work-items share the input rows. */
    ulong o0 = g % otiles * ROW_TM, r = g / otiles;
    ulong ox0 = r % segs * ROW_SEG, oy = r / segs % out_h, n = r / segs / out_h;
    __global const float *xr = xp + (n * ins * xp_h + oy) * xp_w + ox0;
    __global const float *wo[ROW_TM];
#pragma unroll
    for (int i = 0; i < ROW_TM; i++)
        wo[i] = w + w_off + (long)min(o0 + i, outs - 1) * w_out;
    VEC acc[ROW_TM][ROW_VN];
#pragma unroll
    for (int i = 0; i < ROW_TM; i++)
#pragma unroll
        for (int j = 0; j < ROW_VN; j++)
            acc[i][j] = (VEC)(0.0f);
    for (ulong c = 0; c < ins; c++, xr += xp_h * xp_w) {
        for (ulong ky = 0; ky < kernel_h; ky++) {
            __global const float *xs = xr + ky * xp_w;
            long wk = (long)c * w_in + (long)ky * w_y;
            for (ulong kx = 0; kx < kernel_w; kx++, xs++, wk += w_x) {
                VEC v[ROW_VN];
#pragma unroll
                for (int j = 0; j < ROW_VN; j++)
                    v[j] = VLOAD(j, xs);
#pragma unroll
                for (int i = 0; i < ROW_TM; i++) {
                    VEC a = (VEC)(wo[i][wk]);
#pragma unroll
                    for (int j = 0; j < ROW_VN; j++)
                        acc[i][j] = fma(a, v[j], acc[i][j]);
                }
            }
        }
    }
    ulong rows = min((ulong)ROW_TM, outs - o0), count = min((ulong)ROW_SEG, out_w - ox0);
    __global float *to = out + out_off + ((n * outs + o0) * out_h + oy) * out_w + ox0;
#pragma unroll
    for (int j = 0; j < ROW_VN && (ulong)j * CONV_VW < count; j++) {
        VEC col[CONV_TM];
#pragma unroll
        for (int i = 0; i < ROW_TM; i++)
            col[i] = acc[i][j];
        store_rows(col, rows, min((ulong)CONV_VW, count - (ulong)j * CONV_VW),
                   to + j * CONV_VW, out_h * out_w);
    }
}

/* One vector of positions into a conv2d_grad_weights_rows tile: dy at
 * dy + fr[i] for each filter, the pixels at x + toff[j] for each tap, keep
 * the lanes that count. */
static void gw_vector(VEC acc[GW_FM][GW_TAPS], __global const float *dy, const ulong fr[GW_FM],
                      __global const float *x, const int toff[GW_TAPS], int8 keep)
{
    VEC d[GW_FM];
#pragma unroll
    for (int i = 0; i < GW_FM; i++)
        d[i] = VLOAD(0, dy + fr[i]);
#pragma unroll
    for (int j = 0; j < GW_TAPS; j++) {
        VEC xv = select((VEC)(0.0f), VLOAD(0, x + toff[j]), keep);
#pragma unroll
        for (int i = 0; i < GW_FM; i++)
            acc[i][j] = fma(d[i], xv, acc[i][j]);
    }
}

/* A part of dw[f][c][ky][kx] at stride 1, as conv2d_grad_weights, from xp
 * (x padded) and dyp (dy at row dy_top, column dy_left of planes of dy_h x
 * dy_w, zeros to the right of each row up to a whole vector): a tile of
 * GW_FM filters by GW_TAPS taps (ky kx) of one channel, each a vector of
 * partial sums along rows of the slice's positions. */
__kernel void conv2d_grad_weights_rows(__global const float *dyp, __global const float *xp,
                                       __global float *part, ulong part_off, ulong batch,
                                       ulong channels, ulong filters, ulong kernel_h,
                                       ulong kernel_w, ulong out_h, ulong out_w, ulong dy_h,
                                       ulong dy_w, ulong dy_top, ulong dy_left, ulong xp_h,
                                       ulong xp_w, ulong parts)
{
    ulong taps = kernel_h * kernel_w, ttiles = (taps + GW_TAPS - 1) / GW_TAPS;
    ulong ftiles = (filters + GW_FM - 1) / GW_FM, ct = channels * ttiles;
    ulong g = get_global_id(0);
    if (g >= parts * ftiles * ct)
        return;
    ulong c = g % ct / ttiles, t0 = g % ttiles * GW_TAPS, f0 = g / ct % ftiles * GW_FM;
    ulong slice = g / ct / ftiles;
    /* Each tap's offset into the padded plane from a position's corner. */
    int toff[GW_TAPS];
#pragma unroll
    for (int j = 0; j < GW_TAPS; j++) {
        int t = (int)min(t0 + j, taps - 1);
        toff[j] = t / (int)kernel_w * (int)xp_w + t % (int)kernel_w;
    }
    ulong fr[GW_FM];
#pragma unroll
    for (int i = 0; i < GW_FM; i++)
        fr[i] = min(f0 + i, filters - 1) * dy_h * dy_w;
    /* The last vector of a ragged row reads pixels past the row's end
     * against dy's zeros; they are dropped rather than multiplied, so that
     * an infinite pixel there cannot make a NaN. */
    ulong full = out_w / CONV_VW * CONV_VW;
    int8 all = (int8)(-1), keep = (int8)(0, 1, 2, 3, 4, 5, 6, 7) < (int8)((int)(out_w - full));
    VEC acc[GW_FM][GW_TAPS];
#pragma unroll
    for (int i = 0; i < GW_FM; i++)
#pragma unroll
        for (int j = 0; j < GW_TAPS; j++)
            acc[i][j] = (VEC)(0.0f);
    for (ulong n = slice * batch / parts; n < (slice + 1) * batch / parts; n++) {
        __global const float *dyn = dyp + n * filters * dy_h * dy_w + dy_top * dy_w + dy_left;
        __global const float *xn = xp + (n * channels + c) * xp_h * xp_w;
        for (ulong oy = 0; oy < out_h; oy++, dyn += dy_w, xn += xp_w) {
            for (ulong v = 0; v < full; v += CONV_VW)
                gw_vector(acc, dyn + v, fr, xn + v, toff, all);
            if (full < out_w)
                gw_vector(acc, dyn + full, fr, xn + full, toff, keep);
        }
    }
    for (ulong i = 0; i < min((ulong)GW_FM, filters - f0); i++)
        for (ulong j = 0; j < min((ulong)GW_TAPS, taps - t0); j++)
            part[part_off + ((slice * filters + f0 + i) * channels + c) * taps + t0 + j] =
                hsum8(acc[i][j]);
}
