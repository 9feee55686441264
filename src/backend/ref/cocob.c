#include "backend/ref/ref.h"

#include <math.h>

/* The larger of a and b, by one comparison, as the kernel takes it. Not
 * fmaxf: without -ffinite-math-only that is a call into libm per use, which
 * keeps the loop from being vectorised and made it ten times slower than
 * memory allows. A NaN in b comes out, rather than being dropped. */
static float max_of(float a, float b)
{
    return a > b ? a : b;
}

void cocob_ref_cocob_update(float *restrict w, const float *restrict grad, float *restrict w1,
                            float *restrict L, float *restrict G, float *restrict reward,
                            float *restrict theta, size_t n, float alpha, float weight_decay)
{
    for (size_t i = 0; i < n; i++) {
        float wv = w[i], w1v = w1[i];
        /* Coupled decay joins the gradient; g is the negative gradient. */
        float g = -(grad[i] + weight_decay * wv);
        float absg = fabsf(g);
        float Lv = max_of(L[i], absg);
        float Gv = G[i] + absg;
        float rv = max_of(reward[i] + (wv - w1v) * g, 0.0f);
        float tv = theta[i] + g;
        L[i] = Lv;
        G[i] = Gv;
        reward[i] = rv;
        theta[i] = tv;
        /* theta / (L * max(G + L, alpha * L)), divided in two steps: the
         * product L * max(...) overflows float once |g| passes about 1e18,
         * while each quotient stays near theta's own scale. */
        w[i] = w1v + tv / Lv / max_of(Gv + Lv, alpha * Lv) * (Lv + rv);
    }
}
