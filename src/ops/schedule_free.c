/* schedule_free_update's validation. w, z and exp_avg_sq are read and
 * written in place, one element per work-item, so none may overlap
 * another, nor the gradient, which the reference's restrict pointers
 * promise. The gradient and exp_avg_sq may be absent (the evaluation
 * point; SGD); a step's every scalar must be finite, or every weight would
 * end NaN behind a guard that sees only the gradients. The guard, where
 * there is one, is one int32 none of them may cover. */
#include <math.h>

#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status schedule_free_validate(cocob_error *err, const cocob_schedule_free_args *a)
{
    if (!a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "schedule_free_update: the length must be nonzero");
    const cocob_schedule_free_hyper *h = &a->h;
    const float hyper[] = {h->ckp1,
                           h->y_step,
                           h->lr,
                           h->weight_decay,
                           h->beta2,
                           h->one_minus_beta2,
                           h->bias_correction2,
                           h->eps};
    for (size_t k = 0; k < sizeof hyper / sizeof *hyper; k++)
        if (!isfinite(hyper[k]))
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "schedule_free_update: scalar %zu of the step is %g, not finite", k,
                              (double)hyper[k]);
    cocob_operand operand[5] = {
        {"w", {a->w, a->w_offset}, a->n, 1, 0},
        {"z", {a->z, a->state_offset}, a->n, 1, 0},
    };
    int count = 2;
    if (a->grad)
        operand[count++] =
            (cocob_operand){"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0};
    if (a->exp_avg_sq)
        operand[count++] =
            (cocob_operand){"exp_avg_sq", {a->exp_avg_sq, a->state_offset}, a->n, 1, 0};
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, "schedule_free_update", operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "schedule_free_update", operand, count);
    return s;
}

cocob_status cocob_op_schedule_free_update(cocob_backend *b, const cocob_schedule_free_args *a)
{
    cocob_status s = schedule_free_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->schedule_free_update(b, a);
}
