/* Max-pooling on the cpu backend: 2 x 2 windows at stride 2, the CNN's,
 * walked without ref's general index arithmetic, with ref's comparisons in
 * ref's order; and for windows that do not overlap (stride >= size) the
 * gradient scattered from the outputs rather than gathered at each input.
 * Both equal cocob_ref_maxpool and cocob_ref_maxpool_grad to the bit: a
 * max is exact, and each input takes at most one window's term. */
#include <string.h>

#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"

/* ref's test, in which only a strictly larger value, or a first NaN,
 * takes over; as selects rather than branches, which random data would
 * mispredict. */
#define TAKE(v, i)                                                    \
    do {                                                              \
        float v_ = (v);                                               \
        int t_ = (v_ > best) | ((v_ != v_) & (best == best));         \
        best = t_ ? v_ : best;                                        \
        at = t_ ? (int32_t)(i) : at;                                  \
    } while (0)

static void pool_2x2(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx)
{
    for (size_t oy = 0; oy < s->out_h; oy++, y += s->out_w, idx += s->out_w) {
        const float *r0 = x + oy * 2 * s->width, *r1 = r0 + s->width;
        int32_t t0 = (int32_t)(oy * 2 * s->width), t1 = t0 + (int32_t)s->width;
        for (size_t ox = 0; ox < s->out_w; ox++) {
            int32_t l = (int32_t)ox * 2;
            float best = r0[2 * ox];
            int32_t at = t0 + l;
            TAKE(r0[2 * ox + 1], t0 + l + 1);
            TAKE(r1[2 * ox], t1 + l);
            TAKE(r1[2 * ox + 1], t1 + l + 1);
            y[ox] = best;
            idx[ox] = at;
        }
    }
}
#undef TAKE

void cocob_cpu_maxpool_planes(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx)
{
    if (s->size != 2 || s->stride != 2) {
        cocob_ref_maxpool(s, x, y, idx);
        return;
    }
    size_t plane = s->height * s->width, out_plane = s->out_h * s->out_w;
    for (size_t p = 0; p < s->planes; p++)
        pool_2x2(s, x + p * plane, y + p * out_plane, idx + p * out_plane);
}

/* 0.0f + dy, not dy: ref's sum starts at +0, which turns a -0 into +0. */
void cocob_cpu_maxpool_grad_planes(const cocob_pool_shape *s, const float *dy, const int32_t *idx,
                                   float *dx)
{
    if (s->stride < s->size) {
        cocob_ref_maxpool_grad(s, dy, idx, dx);
        return;
    }
    size_t plane = s->height * s->width, out_plane = s->out_h * s->out_w;
    for (size_t p = 0; p < s->planes; p++, dx += plane, dy += out_plane, idx += out_plane) {
        memset(dx, 0, plane * sizeof *dx);
        for (size_t q = 0; q < out_plane; q++)
            dx[idx[q]] = 0.0f + dy[q];
    }
}
