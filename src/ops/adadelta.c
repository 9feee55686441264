/* adadelta_update's validation; its state buffers hold the
 * running means of squared gradients and steps. */
#include "ops/baseline.h"
#include "ops/ops.h"

cocob_status cocob_op_adadelta_update(cocob_backend *b, const cocob_baseline_args *a)
{
    static const char *const state[COCOB_BASELINE_MAX_STATES] = {"square_avg", "acc_delta"};
    cocob_status s = cocob_ops_baseline_validate(b->err, "adadelta_update", a, state, 2);
    if (s != COCOB_OK)
        return s;
    return b->iface->adadelta_update(b, a);
}
