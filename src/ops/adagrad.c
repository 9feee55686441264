/* adagrad_update's validation; its state buffers hold the sum of squared gradients. */
#include "ops/baseline.h"
#include "ops/ops.h"

cocob_status cocob_op_adagrad_update(cocob_backend *b, const cocob_baseline_args *a)
{
    static const char *const state[COCOB_BASELINE_MAX_STATES] = {"sum", NULL};
    cocob_status s = cocob_ops_baseline_validate(b->err, "adagrad_update", a, state, 1);
    if (s != COCOB_OK)
        return s;
    return b->iface->adagrad_update(b, a);
}
