/* Launches cl/adadelta.cl's adadelta_update, the fused Adadelta step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_adadelta_update(cocob_backend *b, const cocob_baseline_args *a)
{
    const cocob_baseline_hyper *h = &a->h;
    const float scalars[] = {h->lr, h->weight_decay, h->eps, h->rho, h->one_minus_rho};
    return cocob_cl_baseline_launch(b, "adadelta.cl", "adadelta_update", a, 2, scalars, 5, NULL,
                                    0);
}
