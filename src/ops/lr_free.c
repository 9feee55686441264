/* lr_free_reduce's and lr_free_finalize's validation. The reduce only reads
 * w, the gradient and x0, and writes its partials, which may overlap none
 * of them. The finalize reads the partials and the guard and updates the
 * scalars in place, which may overlap neither; it folds at least one part,
 * and the method's scalars are as many as it keeps. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status reduce_validate(cocob_error *err, const cocob_lr_free_reduce_args *a)
{
    if (!a->n || !a->parts || a->parts > a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "lr_free_reduce: the length (%zu) must be nonzero and the parts (%zu) "
                          "from 1 to the length",
                          a->n, a->parts);
    size_t sums = 0;
    if (!size_mul(a->parts, COCOB_REDUCE_SUMS, &sums))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "lr_free_reduce: %zu parts overflow",
                          a->parts);
    cocob_operand operand[4] = {
        {"w", {(cocob_buffer *)a->w, a->w_offset}, a->n, 0, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
        {"x0", {(cocob_buffer *)a->x0, a->x0_offset}, a->n, 0, 0},
        {"partials", {a->partials, a->partials_offset}, sums, 1, 0},
    };
    cocob_status s = cocob_ops_fit(err, "lr_free_reduce", operand, 4);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "lr_free_reduce", operand, 4);
    return s;
}

cocob_status cocob_op_lr_free_reduce(cocob_backend *b, const cocob_lr_free_reduce_args *a)
{
    cocob_status s = reduce_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->lr_free_reduce(b, a);
}

/* How many scalars each method keeps, in the order of cocob_lr_free_method. */
static const size_t method_scalars[COCOB_LR_FREE_METHODS] = {
    [COCOB_LR_FREE_KT] = COCOB_KT_SCALARS,
    [COCOB_LR_FREE_DOG] = COCOB_DOG_SCALARS,
    [COCOB_LR_FREE_PRODIGY] = COCOB_PRODIGY_SCALARS,
    [COCOB_LR_FREE_DADAPT_ADAM] = COCOB_DADAPT_ADAM_SCALARS};

static cocob_status finalize_validate(cocob_error *err, const cocob_lr_free_finalize_args *a)
{
    if ((unsigned)a->method >= COCOB_LR_FREE_METHODS)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "lr_free_finalize: method %d is none of the %d known", (int)a->method,
                          (int)COCOB_LR_FREE_METHODS);
    if (a->scalars_count != method_scalars[a->method])
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "lr_free_finalize: method %d keeps %zu scalars, %zu given",
                          (int)a->method, method_scalars[a->method], a->scalars_count);
    size_t sums = 0;
    if (!a->parts || !size_mul(a->parts, COCOB_REDUCE_SUMS, &sums))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "lr_free_finalize: the parts (%zu) must be nonzero and not overflow",
                          a->parts);
    cocob_operand operand[3] = {
        {"partials", {(cocob_buffer *)a->partials, a->partials_offset}, sums, 0, 0},
        {"scalars", {a->scalars, a->scalars_offset}, a->scalars_count, 1, 0},
    };
    int count = 2;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, "lr_free_finalize", operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "lr_free_finalize", operand, count);
    return s;
}

cocob_status cocob_op_lr_free_finalize(cocob_backend *b, const cocob_lr_free_finalize_args *a)
{
    cocob_status s = finalize_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->lr_free_finalize(b, a);
}
