/* Max-pooling on the cpu backend: 2 x 2 windows at stride 2, the CNN's,
 * walked without ref's general index arithmetic, with ref's comparisons in
 * ref's order; and for windows that do not overlap (stride >= size) the
 * gradient scattered from the outputs rather than gathered at each input.
 * Both equal cocob_ref_maxpool and cocob_ref_maxpool_grad to the bit: a
 * max is exact, and each input takes at most one window's term. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"

/* ref's test, in which only a strictly larger value, or a first NaN,
 * takes over; as selects rather than branches, which random data would
 * mispredict. */
#define TAKE(v, i)                                            \
    do {                                                      \
        float v_ = (v);                                       \
        int t_ = (v_ > best) | ((v_ != v_) & (best == best)); \
        best = t_ ? v_ : best;                                \
        at = t_ ? (int32_t)(i) : at;                          \
    } while (0)

#ifdef __SSE2__
/* TAKE on four windows at once. */
static void take4(__m128 v, __m128i at_v, __m128 *best, __m128i *at)
{
    __m128 t = _mm_or_ps(_mm_cmpgt_ps(v, *best),
                         _mm_and_ps(_mm_cmpunord_ps(v, v), _mm_cmpord_ps(*best, *best)));
    __m128i ti = _mm_castps_si128(t);
    *best = _mm_or_ps(_mm_and_ps(t, v), _mm_andnot_ps(t, *best));
    *at = _mm_or_si128(_mm_and_si128(ti, at_v), _mm_andnot_si128(ti, *at));
}

/* The first out_w / 4 * 4 windows of a row, four at a time, their
 * elements split into the four corners by shuffles; returns how many. */
static size_t pool_row4(const float *r0, const float *r1, int32_t t0, int32_t width, size_t out_w,
                        float *y, int32_t *idx)
{
    size_t ox = 0;
    for (; ox + 4 <= out_w; ox += 4) {
        __m128 a0 = _mm_loadu_ps(r0 + 2 * ox), a1 = _mm_loadu_ps(r0 + 2 * ox + 4);
        __m128 b0 = _mm_loadu_ps(r1 + 2 * ox), b1 = _mm_loadu_ps(r1 + 2 * ox + 4);
        __m128i top = _mm_add_epi32(_mm_set1_epi32(t0 + 2 * (int32_t)ox),
                                    _mm_setr_epi32(0, 2, 4, 6));
        __m128i below = _mm_add_epi32(top, _mm_set1_epi32(width));
        __m128i one = _mm_set1_epi32(1), at = top;
        __m128 best = _mm_shuffle_ps(a0, a1, _MM_SHUFFLE(2, 0, 2, 0));
        take4(_mm_shuffle_ps(a0, a1, _MM_SHUFFLE(3, 1, 3, 1)), _mm_add_epi32(top, one), &best,
              &at);
        take4(_mm_shuffle_ps(b0, b1, _MM_SHUFFLE(2, 0, 2, 0)), below, &best, &at);
        take4(_mm_shuffle_ps(b0, b1, _MM_SHUFFLE(3, 1, 3, 1)), _mm_add_epi32(below, one), &best,
              &at);
        _mm_storeu_ps(y + ox, best);
        _mm_storeu_si128((__m128i *)(void *)(idx + ox), at);
    }
    return ox;
}
#endif

static void pool_2x2(const cocob_pool_shape *s, const float *x, float *y, int32_t *idx)
{
    for (size_t oy = 0; oy < s->out_h; oy++, y += s->out_w, idx += s->out_w) {
        const float *r0 = x + oy * 2 * s->width, *r1 = r0 + s->width;
        int32_t t0 = (int32_t)(oy * 2 * s->width), t1 = t0 + (int32_t)s->width;
        size_t ox = 0;
#ifdef __SSE2__
        ox = pool_row4(r0, r1, t0, (int32_t)s->width, s->out_w, y, idx);
#endif
        for (; ox < s->out_w; ox++) {
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
