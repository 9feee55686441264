/* kt_update's validation. w and theta are read and written in place, one
 * element per work-item, x0 and the gradient only read, so none may overlap
 * another, which the reference's restrict pointers promise. The scalars
 * (wealth and iter) and the guard are read only: none of the written
 * operands may cover them. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status kt_update_validate(cocob_error *err, const cocob_kt_args *a)
{
    if (!a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "kt_update: the length must be nonzero");
    cocob_operand operand[6] = {
        {"w", {a->w, a->w_offset}, a->n, 1, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
        {"x0", {a->state[COCOB_KT_X0], a->state_offset}, a->n, 0, 0},
        {"theta", {a->state[COCOB_KT_THETA], a->state_offset}, a->n, 1, 0},
        {"scalars", {(cocob_buffer *)a->scalars, a->scalars_offset}, COCOB_KT_SCALARS, 0, 0},
    };
    int count = 5;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, "kt_update", operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "kt_update", operand, count);
    return s;
}

cocob_status cocob_op_kt_update(cocob_backend *b, const cocob_kt_args *a)
{
    cocob_status s = kt_update_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->kt_update(b, a);
}
