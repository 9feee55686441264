/* rmsprop_update's validation; its state buffers hold the running mean of squared gradients. */
#include "ops/baseline.h"
#include "ops/ops.h"

cocob_status cocob_op_rmsprop_update(cocob_backend *b, const cocob_baseline_args *a)
{
    static const char *const state[COCOB_BASELINE_MAX_STATES] = {"square_avg", NULL};
    cocob_status s = cocob_ops_baseline_validate(b->err, "rmsprop_update", a, state, 1);
    if (s != COCOB_OK)
        return s;
    return b->iface->rmsprop_update(b, a);
}
