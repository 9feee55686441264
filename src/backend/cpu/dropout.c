/* Dropout on the cpu backend: ref's mask, drawn LANES counters at a time.
 * One counter's ten Philox rounds are a chain of dependent multiplies;
 * across counters they are independent, so SSE2 runs them side by side,
 * four to a register and two registers at once. For the CNN's dropout
 * (twice 102400 draws a step, a twentieth of its work on one thread) that
 * is several times faster than ref's loop. The draws are
 * cocob_philox_uniform's to the bit: tests/test_dropout.c compares them.
 * The constants are base/philox.c's. */
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"

#ifdef __SSE2__
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

enum { LANES = 8 };

/* The 64-bit products a m, lane by lane, split into their halves. */
static void mulhilo(__m128i a, __m128i m, __m128i *hi, __m128i *lo)
{
    const __m128i high = _mm_set_epi32(-1, 0, -1, 0);
    __m128i even = _mm_mul_epu32(a, m), odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), m);
    *hi = _mm_or_si128(_mm_srli_epi64(even, 32), _mm_and_si128(odd, high));
    *lo = _mm_or_si128(_mm_andnot_si128(high, even), _mm_slli_epi64(odd, 32));
}

/* The first output words of Philox4x32-10 for the counters {counter + i,
 * 0} under key seed, i < LANES, in c[0] and c[1]. */
static void draw(uint64_t seed, uint64_t counter, __m128i c[2])
{
    uint32_t lo[LANES], hi[LANES];
    for (int i = 0; i < LANES; i++) {
        uint64_t k = counter + (uint64_t)i;
        lo[i] = (uint32_t)k;
        hi[i] = (uint32_t)(k >> 32);
    }
    __m128i c0[2], c1[2], c2[2], c3[2];
    for (int v = 0; v < 2; v++) {
        c0[v] = _mm_loadu_si128((const __m128i *)(lo + 4 * v));
        c1[v] = _mm_loadu_si128((const __m128i *)(hi + 4 * v));
        c2[v] = _mm_setzero_si128();
        c3[v] = _mm_setzero_si128();
    }
    const __m128i m0 = _mm_set1_epi32((int)PHILOX_M0), m1 = _mm_set1_epi32((int)PHILOX_M1);
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; r++, k0 += PHILOX_W0, k1 += PHILOX_W1) {
        const __m128i key0 = _mm_set1_epi32((int)k0), key1 = _mm_set1_epi32((int)k1);
        for (int v = 0; v < 2; v++) {
            __m128i hi0, lo0, hi1, lo1;
            mulhilo(c0[v], m0, &hi0, &lo0);
            mulhilo(c2[v], m1, &hi1, &lo1);
            c0[v] = _mm_xor_si128(_mm_xor_si128(hi1, c1[v]), key0);
            c2[v] = _mm_xor_si128(_mm_xor_si128(hi0, c3[v]), key1);
            c1[v] = lo1;
            c3[v] = lo0;
        }
    }
    c[0] = c0[0];
    c[1] = c0[1];
}
#endif

void cocob_cpu_dropout_run(const float *in, float *out, size_t n, float p, uint64_t seed,
                           uint64_t counter)
{
    size_t i = 0;
#ifdef __SSE2__
    float scale = cocob_dropout_scale(p);
    const __m128 vp = _mm_set1_ps(p), vscale = _mm_set1_ps(scale),
                 unit = _mm_set1_ps(1.0f / 16777216.0f);
    for (; i + LANES <= n; i += LANES) {
        __m128i c[2];
        draw(seed, counter + i, c);
        for (int v = 0; v < 2; v++) {
            /* The top 24 bits, below 2^24, convert exactly as signed. */
            __m128 u = _mm_mul_ps(_mm_cvtepi32_ps(_mm_srli_epi32(c[v], 8)), unit);
            __m128 kept = _mm_mul_ps(_mm_loadu_ps(in + i + 4 * v), vscale);
            _mm_storeu_ps(out + i + 4 * v, _mm_and_ps(_mm_cmpge_ps(u, vp), kept));
        }
    }
#endif
    cocob_ref_dropout(in + i, out + i, n - i, p, seed, counter + i);
}
