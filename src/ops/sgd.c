/* sgd_update's validation: the momentum buffer, needed with momentum and
 * not read without. */
#include "ops/baseline.h"
#include "ops/ops.h"

cocob_status cocob_op_sgd_update(cocob_backend *b, const cocob_baseline_args *a)
{
    static const char *const state[COCOB_BASELINE_MAX_STATES] = {"momentum_buffer", NULL};
    int required = a->h.momentum != 0.0f;
    cocob_status s = cocob_ops_baseline_validate(b->err, "sgd_update", a, state, required);
    if (s != COCOB_OK)
        return s;
    return b->iface->sgd_update(b, a);
}
