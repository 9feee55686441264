/* Launches cl/sgd.cl's sgd_update, the fused SGD step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_sgd_update(cocob_backend *b, const cocob_baseline_args *a)
{
    const cocob_baseline_hyper *h = &a->h;
    const float scalars[] = {h->lr, h->weight_decay, h->momentum, h->one_minus_dampening};
    const cl_int flags[] = {h->nesterov, h->first};
    return cocob_cl_baseline_launch(b, "sgd.cl", "sgd_update", a, 1, scalars, 4, flags, 2);
}
