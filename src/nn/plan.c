/* The plan: the layers as the list of steps a batch runs through. */
#include <stdlib.h>

#include "nn/model.h"
#include "nn/plan.h"
#include "ops/ops.h"

static int is_activation(cocob_layer_kind k)
{
    return k == COCOB_LAYER_RELU || k == COCOB_LAYER_TANH || k == COCOB_LAYER_SIGMOID;
}

static cocob_activation activation_of(cocob_layer_kind k)
{
    return k == COCOB_LAYER_TANH      ? COCOB_ACT_TANH
           : k == COCOB_LAYER_SIGMOID ? COCOB_ACT_SIGMOID
                                      : COCOB_ACT_RELU;
}

/* Layer i is a dense or convolution layer followed by a ReLU, then a
 * max-pool. */
static int relu_then_pool(const cocob_model *m, size_t i)
{
    cocob_layer_kind k = m->layers[i].desc.kind;
    return (k == COCOB_LAYER_DENSE || k == COCOB_LAYER_CONV) && i + 2 < m->count &&
           m->layers[i + 1].desc.kind == COCOB_LAYER_RELU &&
           m->layers[i + 2].desc.kind == COCOB_LAYER_MAXPOOL;
}

/* The loss's pair of ops, chosen here and nowhere else, indexed by
 * cocob_loss. */
static const plan_loss losses[] = {
    [COCOB_LOSS_XENT] = {"softmax cross-entropy", 1, cocob_op_softmax_xent,
                         cocob_op_softmax_xent_grad},
    [COCOB_LOSS_MSE] = {"mean squared error", 0, cocob_op_mse, cocob_op_mse_grad},
};

/* Fusion is decided here, and nowhere else:
 *
 * - An activation straight after a dense or convolution layer is applied
 *   with that layer's bias, in one pass, into the activation layer's y; the
 *   activation layer gets no step of its own, and the layer's step, walking
 *   back, takes the activation's gradient first.
 *
 * - A ReLU between such a layer and a max-pool is applied after the pool,
 *   in place on the pool's output, on a quarter of the elements (for
 *   2 x 2 windows): the pool's step takes the ReLU as a fused activation,
 *   and the layer before it keeps its bias alone. The numbers are the
 *   same to the bit, forward and back, because x < 0 ? 0 : x is
 *   non-decreasing and the identity above 0: a window whose maximum is
 *   positive (or NaN) picks the same element either way, and one whose
 *   elements are all at most 0 gives 0 out and passes back a gradient of
 *   0 wherever its argmax lands. Not tanh or sigmoid: distinct inputs
 *   that round to one output make a tie that the pool breaks by position
 *   after the activation but by input value before it, sending the
 *   gradient to another element. Nor the bias: x + b rounds distinct x
 *   together in the same way.
 *
 * - The loss is not fused with its gradient. The loss step, after the
 *   forward walk, writes each example's loss alone, and the backward walk
 *   begins with the loss-gradient step, its own op, which takes the row's
 *   maximum and sum of exponentials again. An evaluation then runs no
 *   gradient at all, and a loss is one op to add, with a twin for its
 *   gradient; the second pass over rows x classes logits is a few
 *   microseconds beside the layers' GEMMs. */
cocob_status cocob_plan_build(cocob_model *m)
{
    plan_step *steps = malloc(m->count * sizeof *steps);
    if (!steps)
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "out of host memory for the model's plan of %zu layers", m->count);
    size_t count = 0, in = PLAN_INPUT;
    for (size_t i = 0; i < m->count; i++) {
        cocob_layer_kind k = m->layers[i].desc.kind;
        /* A flatten layer is a view of its input: no work, no buffer. */
        if (k == COCOB_LAYER_FLATTEN)
            continue;
        plan_step st = {i, in, i, is_activation(k) ? activation_of(k) : COCOB_ACT_IDENTITY};
        if (relu_then_pool(m, i)) {
            steps[count++] = st;
            st = (plan_step){i + 2, i, i + 1, COCOB_ACT_RELU};
            i += 2;
        } else if ((k == COCOB_LAYER_DENSE || k == COCOB_LAYER_CONV) && i + 1 < m->count &&
                   is_activation(m->layers[i + 1].desc.kind)) {
            st.out = ++i;
            st.act = activation_of(m->layers[st.out].desc.kind);
        }
        steps[count++] = st;
        in = st.out;
    }
    m->plan = (cocob_plan){&losses[m->loss_kind], steps, count, in};
    return COCOB_OK;
}

void cocob_plan_free(cocob_plan *p)
{
    free(p->steps);
    *p = (cocob_plan){NULL, NULL, 0, 0};
}

size_t cocob_plan_output(const cocob_plan *p, size_t i)
{
    for (size_t k = 0; k < p->count; k++) {
        if (p->steps[k].layer == i)
            return p->steps[k].out;
        if (p->steps[k].out == i && p->steps[k].layer > i)
            return PLAN_NONE;
    }
    return i;
}
