/* COCOB-Backprop, one fused pass: each element is read once and written
 * once. Its twin is cocob_update_ref in src/backend/ref/cocob.c; the two keep
 * the same names and the same order of operations, so that they agree to
 * the last bit on a device with IEEE division. */

/* OpenCL C lets a compiler fuse a * b + c into one rounding; the reference
 * rounds twice, so fusing would make the two drift apart. */
#pragma OPENCL FP_CONTRACT OFF

/* Elements a work-item takes, as one float8. With one element an item, PoCL
 * left the loop over a group's items scalar (the guard's early return kept
 * it from vectorising), and its two divisions an element made the update
 * twice as slow as memory allows; a float8 is one AVX register there, and a
 * row of eight consecutive floats for any other device. vload8 and vstore8
 * need only a float's alignment, so any offset works. */
#define LANES 8

/* The reference's max_of, lane by lane: one comparison, a NaN in b comes
 * out. */
float8 max_of(float8 a, float8 b)
{
    return a > b ? a : b;
}

/* The last item's partial row, padded with zeros: the padding lanes are
 * computed and never stored. */
float8 load_part(__global const float *p, ulong count)
{
    float row[LANES] = {0};
    for (ulong j = 0; j < count; j++)
        row[j] = p[j];
    return vload8(0, row);
}

void store_part(float8 v, __global float *p, ulong count)
{
    float row[LANES];
    vstore8(v, 0, row);
    for (ulong j = 0; j < count; j++)
        p[j] = row[j];
}

__kernel void cocob_update(__global float *w, ulong w_offset,
                           __global const float *grad, ulong grad_offset,
                           __global float *w1, __global float *L, __global float *G,
                           __global float *reward, __global float *theta, ulong state_offset,
                           ulong n, float alpha, float weight_decay,
                           __global const int *skip, ulong skip_offset)
{
    ulong first = get_global_id(0) * LANES;
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (first >= n || (skip && skip[skip_offset]))
        return;
    ulong count = min(n - first, (ulong)LANES);
    __global float *wp = w + w_offset + first;
    __global const float *gp = grad + grad_offset + first;
    ulong s = state_offset + first;
    __global float *w1p = w1 + s, *Lp = L + s, *Gp = G + s, *rp = reward + s, *tp = theta + s;

    float8 wv, gv, w1v, L0, G0, r0, t0;
    if (count == LANES) {
        wv = vload8(0, wp);
        gv = vload8(0, gp);
        w1v = vload8(0, w1p);
        L0 = vload8(0, Lp);
        G0 = vload8(0, Gp);
        r0 = vload8(0, rp);
        t0 = vload8(0, tp);
    } else {
        wv = load_part(wp, count);
        gv = load_part(gp, count);
        w1v = load_part(w1p, count);
        L0 = load_part(Lp, count);
        G0 = load_part(Gp, count);
        r0 = load_part(rp, count);
        t0 = load_part(tp, count);
    }
    float8 g = -(gv + weight_decay * wv);
    float8 absg = fabs(g);
    float8 Lv = max_of(L0, absg);
    float8 Gv = G0 + absg;
    float8 rv = max_of(r0 + (wv - w1v) * g, (float8)(0.0f));
    float8 tv = t0 + g;
    float8 next = w1v + tv / Lv / max_of(Gv + Lv, alpha * Lv) * (Lv + rv);
    if (count == LANES) {
        vstore8(Lv, 0, Lp);
        vstore8(Gv, 0, Gp);
        vstore8(rv, 0, rp);
        vstore8(tv, 0, tp);
        vstore8(next, 0, wp);
    } else {
        store_part(Lv, Lp, count);
        store_part(Gv, Gp, count);
        store_part(rv, rp, count);
        store_part(tv, tp, count);
        store_part(next, wp, count);
    }
}
