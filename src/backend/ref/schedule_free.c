/* Schedule-Free SGD and AdamW (Defazio et al. 2024), as the authors'
 * package schedulefree 1.4.1 computes them in float32
 * (sgd_schedulefree.py, adamw_schedulefree.py), one rounding per
 * operation in that order, y the weights, h's scalars the host's:
 *     AdamW only:
 *       v = v * beta2 + one_minus_beta2 * g * g
 *       g = g / (sqrt(v / bias_correction2) + eps)
 *     g = g + weight_decay * y                 (SGD first of all; AdamW here)
 *     y = lerp(y, z, ckp1)
 *     y = y + y_step * g
 *     z = z - lr * g
 * lerp is torch's: y + c (z - y) for |c| < 0.5, else z - (z - y) (1 - c),
 * so that c = 1 gives z itself. The package's vector loops fuse the
 * multiply-adds of lerp and of add/sub with alpha; this one rounds each
 * product, as OpenCL does with contraction off (a last-bit difference,
 * tests/test_schedule_free_authors.c measures it). Without a gradient
 * only the lerp: the evaluation point. Its twin is cl/schedule_free.cl. */
#include <math.h>

#include "backend/ref/ref.h"

static float lerp(float a, float b, float c)
{
    return fabsf(c) < 0.5f ? a + c * (b - a) : b - (b - a) * (1.0f - c);
}

void cocob_ref_schedule_free_update(float *restrict w, const float *restrict grad,
                                    float *restrict z, float *restrict v, size_t n,
                                    const cocob_schedule_free_hyper *h)
{
    for (size_t i = 0; i < n; i++) {
        float y = w[i], zv = z[i];
        if (!grad) {
            w[i] = lerp(y, zv, h->ckp1);
            continue;
        }
        float g = grad[i];
        if (v) {
            float vv = v[i] * h->beta2 + h->one_minus_beta2 * g * g;
            v[i] = vv;
            g = g / (sqrtf(vv / h->bias_correction2) + h->eps);
        }
        g = g + h->weight_decay * y;
        float yv = lerp(y, zv, h->ckp1);
        w[i] = yv + h->y_step * g;
        z[i] = zv - h->lr * g;
    }
}
