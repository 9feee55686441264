/* dadapt_adam_accumulate's and dadapt_adam_update's validation. The
 * accumulate reads w and the gradient, moves the three states in place, one
 * element per work-item, and writes its parts' sums; the update moves w in
 * place and reads the two moments. None of these may overlap another, and
 * none written may cover the scalars or the guard, which both only read. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status accumulate_validate(cocob_error *err,
                                        const cocob_dadapt_adam_accumulate_args *a)
{
    const char *op = "dadapt_adam_accumulate";
    if (!a->n || !a->parts || a->parts > a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the length (%zu) must be nonzero and the parts (%zu) from 1 to "
                          "the length",
                          op, a->n, a->parts);
    size_t sums = 0;
    if (!size_mul(a->parts, COCOB_REDUCE_SUMS, &sums))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %zu parts overflow", op,
                          a->parts);
    size_t off = a->state_offset;
    cocob_operand operand[8] = {
        {"w", {(cocob_buffer *)a->w, a->w_offset}, a->n, 0, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
        {"exp_avg", {a->state[COCOB_DADAPT_ADAM_EXP_AVG], off}, a->n, 1, 0},
        {"exp_avg_sq", {a->state[COCOB_DADAPT_ADAM_EXP_AVG_SQ], off}, a->n, 1, 0},
        {"s", {a->state[COCOB_DADAPT_ADAM_S], off}, a->n, 1, 0},
        {"partials", {a->partials, a->partials_offset}, sums, 1, 0},
        {"dlr", {(cocob_buffer *)a->scalars, a->dlr_offset}, 1, 0, 0},
    };
    int count = 7;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, op, operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, op, operand, count);
    return s;
}

cocob_status cocob_op_dadapt_adam_accumulate(cocob_backend *b,
                                             const cocob_dadapt_adam_accumulate_args *a)
{
    cocob_status s = accumulate_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->dadapt_adam_accumulate(b, a);
}

static cocob_status update_validate(cocob_error *err, const cocob_dadapt_adam_update_args *a)
{
    const char *op = "dadapt_adam_update";
    if (!a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: the length must be nonzero", op);
    cocob_operand operand[5] = {
        {"w", {a->w, a->w_offset}, a->n, 1, 0},
        {"exp_avg", {(cocob_buffer *)a->state[0], a->state_offset}, a->n, 0, 0},
        {"exp_avg_sq", {(cocob_buffer *)a->state[1], a->state_offset}, a->n, 0, 0},
        {"scalars",
         {(cocob_buffer *)a->scalars, a->scalars_offset},
         COCOB_DADAPT_ADAM_SCALARS,
         0,
         0},
    };
    int count = 4;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, op, operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, op, operand, count);
    return s;
}

cocob_status cocob_op_dadapt_adam_update(cocob_backend *b, const cocob_dadapt_adam_update_args *a)
{
    cocob_status s = update_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->dadapt_adam_update(b, a);
}
