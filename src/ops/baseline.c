/* The validation the baselines' steps share. */
#include "ops/baseline.h"
#include "ops/operands.h"

cocob_status cocob_ops_baseline_validate(cocob_error *err, const char *op,
                                         const cocob_baseline_args *a,
                                         const char *const state[COCOB_BASELINE_MAX_STATES],
                                         int required)
{
    if (!a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: the length must be nonzero", op);
    cocob_operand operand[3 + COCOB_BASELINE_MAX_STATES] = {
        {"w", {a->w, a->w_offset}, a->n, 1, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
    };
    int count = 2;
    for (int k = 0; k < COCOB_BASELINE_MAX_STATES; k++) {
        if (k < required && !a->state[k])
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s has no buffer", op,
                              state[k]);
        if (a->state[k])
            operand[count++] = (cocob_operand){state[k] ? state[k] : "an unused state",
                                               {a->state[k], a->state_offset},
                                               a->n,
                                               1,
                                               0};
    }
    /* The guard, where there is one: one int32 none of them may cover. */
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, op, operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, op, operand, count);
    return s;
}
