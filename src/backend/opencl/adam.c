/* Launches cl/adam.cl's adam_update, the fused Adam (and AdamW) step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_adam_update(cocob_backend *b, const cocob_baseline_args *a)
{
    const cocob_baseline_hyper *h = &a->h;
    const float scalars[] = {
        h->lr,    h->weight_decay,    h->eps,        h->beta1, h->one_minus_beta1,
        h->beta2, h->one_minus_beta2, h->bias2_sqrt, h->shrink};
    return cocob_cl_baseline_launch(b, "adam.cl", "adam_update", a, 2, scalars, 9, NULL, 0);
}
