/* ckt_update's validation. w and the four states are read and written in
 * place, one element per work-item (x0 only read), so none may overlap
 * another, nor the gradient, which the reference's restrict pointers
 * promise. The guard, where there is one, is one int32 none of them may
 * cover. */
#include "ops/ops.h"
#include "ops/operands.h"

static cocob_status ckt_update_validate(cocob_error *err, const cocob_ckt_args *a)
{
    if (!a->n)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "ckt_update: the length must be nonzero");
    static const char *const names[COCOB_CKT_STATES] = {"sum_negative_gradients", "reward", "t",
                                                        "x0"};
    cocob_operand operand[3 + COCOB_CKT_STATES] = {
        {"w", {a->w, a->w_offset}, a->n, 1, 0},
        {"grad", {(cocob_buffer *)a->grad, a->grad_offset}, a->n, 0, 0},
    };
    for (int k = 0; k < COCOB_CKT_STATES; k++)
        operand[2 + k] =
            (cocob_operand){names[k], {a->state[k], a->state_offset}, a->n, k != COCOB_CKT_X0, 0};
    int count = 2 + COCOB_CKT_STATES;
    if (a->skip)
        operand[count++] =
            (cocob_operand){"skip", {(cocob_buffer *)a->skip, a->skip_offset}, 1, 0, 0};
    cocob_status s = cocob_ops_fit(err, "ckt_update", operand, count);
    if (s == COCOB_OK)
        s = cocob_ops_disjoint(err, "ckt_update", operand, count);
    return s;
}

cocob_status cocob_op_ckt_update(cocob_backend *b, const cocob_ckt_args *a)
{
    cocob_status s = ckt_update_validate(b->err, a);
    if (s != COCOB_OK)
        return s;
    return b->iface->ckt_update(b, a);
}
