/* A model's training step as a list: made once, at cocob_model_init, from
 * its layers. The step walks the list forward, then the loss, then the
 * list in reverse. Each entry is one layer's work with its buffers' roles
 * resolved, so that nothing at run time works out again where a tensor
 * lives or what was fused. */
#ifndef COCOB_NN_PLAN_H
#define COCOB_NN_PLAN_H

#include "runtime/handles.h"

/* In a step's in: the batch itself (the model's x), whose gradient nobody
 * needs. */
#define PLAN_INPUT ((size_t)-1)

/* From cocob_plan_output: no buffer holds the layer's output. */
#define PLAN_NONE ((size_t)-2)

/* The roles are layer indices, not buffers, since the buffers are made
 * later, at the first batch: a layer's y holds its output and its dy the
 * loss's gradient with respect to that output. */
typedef struct plan_step {
    size_t layer; /* the layer whose work this is */
    size_t in;    /* whose y is the input and whose dy gets its gradient; PLAN_INPUT */
    size_t out;   /* whose y gets the output and whose dy holds its gradient */
    /* The activation the step applies: an activation layer's own, or the
     * one fused into a dense or convolution layer's bias, or a ReLU fused
     * into the max-pool after it (see plan.c), whose out is then the
     * activation's layer while the layer's own dy holds the gradient
     * before the activation. Else the identity. */
    cocob_activation act;
} plan_step;

/* The loss step's op and the loss-gradient step's, which take the logits,
 * the truth (labels or targets), the loss per row or the logits' gradient,
 * rows and outputs, as cocob_op_softmax_xent and cocob_op_mse do. */
typedef cocob_status (*plan_loss_op)(cocob_backend *b, cocob_span logits, cocob_span truth,
                                     cocob_span out, size_t rows, size_t outputs);

typedef struct plan_loss {
    const char *title; /* in messages: "softmax cross-entropy" */
    int labels;        /* its truth: int32 labels, or else float targets */
    plan_loss_op loss, grad;
} plan_loss;

typedef struct cocob_plan {
    const plan_loss *loss;
    plan_step *steps; /* in forward order */
    size_t count;
    size_t logits; /* the layer whose y holds the logits and whose dy their gradient */
} cocob_plan;

/* Fills m's plan from its layers; fails only for want of host memory. */
cocob_status cocob_plan_build(cocob_model *m);
void cocob_plan_free(cocob_plan *p);
/* The layer whose y holds layer i's output: i, or the activation fused
 * into it. A flatten layer's is itself, whose y stays NULL: a view has no
 * output of its own. PLAN_NONE for a ReLU moved past the max-pool after
 * it: its output, before the pool, is never made. */
size_t cocob_plan_output(const cocob_plan *p, size_t i);

#endif
