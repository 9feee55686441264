/* Launches cl/adagrad.cl's adagrad_update, the fused AdaGrad step. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_adagrad_update(cocob_backend *b, const cocob_baseline_args *a)
{
    const cocob_baseline_hyper *h = &a->h;
    const float scalars[] = {h->lr, h->weight_decay, h->eps};
    return cocob_cl_baseline_launch(b, "adagrad.cl", "adagrad_update", a, 1, scalars, 3, NULL, 0);
}
