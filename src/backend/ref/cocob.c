#include "backend/ref/ref.h"

#include <math.h>

void cocob_update_ref(float *w, const float *grad, float *w1, float *L, float *G,
                      float *reward, float *theta, size_t n, float alpha,
                      float weight_decay)
{
    for (size_t i = 0; i < n; i++) {
        /* Coupled decay joins the gradient; g is the negative gradient. */
        float g = -(grad[i] + weight_decay * w[i]);
        float absg = fabsf(g);
        L[i] = fmaxf(L[i], absg);
        G[i] = G[i] + absg;
        reward[i] = fmaxf(reward[i] + (w[i] - w1[i]) * g, 0.0f);
        theta[i] = theta[i] + g;
        /* theta / (L * max(G + L, alpha * L)), divided in two steps: the
         * product L * max(...) overflows float once |g| passes about 1e18,
         * while each quotient stays near theta's own scale. */
        w[i] = w1[i] + theta[i] / L[i] / fmaxf(G[i] + L[i], alpha * L[i]) * (L[i] + reward[i]);
    }
}
