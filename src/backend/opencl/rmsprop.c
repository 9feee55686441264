/* Launches cl/rmsprop.cl's rmsprop_update, the fused RMSProp step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_rmsprop_update(cocob_backend *b, const cocob_baseline_args *a)
{
    const cocob_baseline_hyper *h = &a->h;
    const float scalars[] = {h->lr, h->weight_decay, h->eps, h->rho, h->one_minus_rho};
    return cocob_cl_baseline_launch(b, "rmsprop.cl", "rmsprop_update", a, 1, scalars, 5, NULL, 0);
}
