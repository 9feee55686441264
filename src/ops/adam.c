/* adam_update's validation; its state buffers hold the
 * running means of gradients and of their squares. */
#include "ops/baseline.h"
#include "ops/ops.h"

cocob_status cocob_op_adam_update(cocob_backend *b, const cocob_baseline_args *a)
{
    static const char *const state[COCOB_BASELINE_MAX_STATES] = {"exp_avg", "exp_avg_sq"};
    cocob_status s = cocob_ops_baseline_validate(b->err, "adam_update", a, state, 2);
    if (s != COCOB_OK)
        return s;
    return b->iface->adam_update(b, a);
}
