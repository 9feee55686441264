/* prodigy_accumulate's and prodigy_update's validation. The accumulate
 * reads w, the gradient, p0 and the scalars and updates exp_avg, exp_avg_sq
 * and s in place, one element per work-item, and writes its partials:
 * none of what it writes may overlap anything else. The update writes w
 * alone and reads the rest. slice_p 0 would divide by 0, d0 0 too. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status hyper_validate(cocob_error *err, const char *op, const cocob_prodigy_hyper *h)
{
    if (h->slice_p == 0 || !(h->d0 > 0))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: slice_p (%u) must be at least 1 and d0 (%g) above 0", op,
                          h->slice_p, (double)h->d0);
    return COCOB_OK;
}

static cocob_status accumulate_validate(cocob_error *err, const cocob_prodigy_accumulate_args *a)
{
    const char *op = "prodigy_accumulate";
    if (!a->n || !a->parts || a->parts > a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the length (%zu) must be nonzero and the parts (%zu) from 1 to "
                          "the length",
                          op, a->n, a->parts);
    cocob_status s = hyper_validate(err, op, &a->h);
    size_t sums = 0;
    if (s == COCOB_OK && !size_mul(a->parts, COCOB_REDUCE_SUMS, &sums))
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %zu parts overflow", op, a->parts);
    if (s != COCOB_OK)
        return s;
    size_t so = a->state_offset;
    cocob_operand operand[10] = {
        {"w", {(cocob_buffer *)a->w, a->w_offset}, a->n, 0, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
        {"p0", {a->state[COCOB_PRODIGY_P0], so}, a->n, 0, 0},
        {"exp_avg", {a->state[COCOB_PRODIGY_EXP_AVG], so}, a->n, 1, 0},
        {"exp_avg_sq", {a->state[COCOB_PRODIGY_EXP_AVG_SQ], so}, a->n, 1, 0},
        {"s", {a->state[COCOB_PRODIGY_S], so}, a->n, 1, 0},
        {"partials", {a->partials, a->partials_offset}, sums, 1, 0},
        {"scalars", {(cocob_buffer *)a->scalars, a->scalars_offset}, COCOB_PRODIGY_SCALARS, 0, 0},
    };
    int count = 8;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    s = cocob_ops_fit(err, op, operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, op, operand, count);
    return s;
}

cocob_status cocob_op_prodigy_accumulate(cocob_backend *b, const cocob_prodigy_accumulate_args *a)
{
    cocob_status s = accumulate_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->prodigy_accumulate(b, a);
}

static cocob_status update_validate(cocob_error *err, const cocob_prodigy_update_args *a)
{
    const char *op = "prodigy_update";
    if (!a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: the length must be nonzero", op);
    cocob_status s = hyper_validate(err, op, &a->h);
    if (s != COCOB_OK)
        return s;
    cocob_operand operand[6] = {
        {"w", {a->w, a->w_offset}, a->n, 1, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
        {"exp_avg", {(cocob_buffer *)a->exp_avg, a->state_offset}, a->n, 0, 0},
        {"exp_avg_sq", {(cocob_buffer *)a->exp_avg_sq, a->state_offset}, a->n, 0, 0},
        {"scalars", {(cocob_buffer *)a->scalars, a->scalars_offset}, COCOB_PRODIGY_SCALARS, 0, 0},
    };
    int count = 5;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    s = cocob_ops_fit(err, op, operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, op, operand, count);
    return s;
}

cocob_status cocob_op_prodigy_update(cocob_backend *b, const cocob_prodigy_update_args *a)
{
    cocob_status s = update_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->prodigy_update(b, a);
}
