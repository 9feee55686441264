/* dog_update's validation. w is read and written in place, one element per
 * work-item, the gradient only read, so they may not overlap, which the
 * reference's restrict pointers promise. eta and the guard are read only:
 * w may not cover them. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status dog_update_validate(cocob_error *err, const cocob_dog_args *a)
{
    if (!a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "dog_update: the length must be nonzero");
    cocob_operand operand[4] = {
        {"w", {a->w, a->w_offset}, a->n, 1, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
        {"eta", {(cocob_buffer *)a->scalars, a->eta_offset}, 1, 0, 0},
    };
    int count = 3;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, "dog_update", operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "dog_update", operand, count);
    return s;
}

cocob_status cocob_op_dog_update(cocob_backend *b, const cocob_dog_args *a)
{
    cocob_status s = dog_update_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->dog_update(b, a);
}
