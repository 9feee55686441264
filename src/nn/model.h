/* A sequential model: its layers, their shapes, where their parameters sit in
 * the arena, and the buffers a batch flows through. */
#ifndef COCOB_NN_MODEL_H
#define COCOB_NN_MODEL_H

#include "nn/plan.h"
#include "runtime/handles.h"

typedef struct cocob_shape {
    size_t c, h, w;
} cocob_shape;

static inline size_t cocob_shape_size(cocob_shape s)
{
    return s.c * s.h * s.w;
}

typedef struct model_layer {
    cocob_layer desc;
    cocob_shape in, out;   /* per example */
    size_t w_off, w_count; /* into the parameter arena, in floats */
    size_t b_off, b_count;
    /* Made at the first batch, as large as it: */
    cocob_buffer *y;          /* the output, batch x out; none when the plan fuses */
    cocob_buffer *dy;         /* the loss's gradient with respect to y */
    cocob_buffer *idx;        /* maxpool: where each max came from */
    uint64_t dropout_counter; /* the Philox counter the forward pass used */
} model_layer;

struct cocob_model {
    cocob_context *ctx;
    cocob_shape input;
    model_layer *layers;
    size_t count;
    cocob_loss loss_kind;      /* COCOB_LOSS_XENT unless set before cocob_model_init */
    cocob_plan plan;           /* made by cocob_model_init */
    size_t params;             /* floats in the arena */
    cocob_tensor *param_arena; /* NULL until cocob_model_init */
    cocob_tensor *grad_arena;
    size_t capacity;         /* the batch the buffers were made for; 0: none yet */
    cocob_buffer *x;         /* the input batch */
    cocob_buffer *labels;    /* int32, for COCOB_LOSS_XENT */
    cocob_buffer *targets;   /* batch x outputs floats, for COCOB_LOSS_MSE */
    cocob_buffer *loss;      /* per example */
    cocob_buffer *predicted; /* int32, argmax of the output */
    float *host;             /* capacity floats on the host: the losses, the predictions */
    uint64_t seed;
    uint64_t draws;                  /* Philox counters used so far by dropout */
    const struct cocob_shard *shard; /* during a data-parallel step, else NULL */
};

/* Time spent in each phase of a step, when the caller asks: each phase then
 * waits for the device, so that the split is true. */
typedef struct cocob_step_timing {
    double data, forward, backward, update;
} cocob_step_timing;

/* One training step on a batch already on the host: upload, forward, the
 * loss, backward, optimizer step. *loss gets the batch's mean loss. timing
 * may be NULL. A batch that does not hold what the model's loss takes
 * (labels for xent, targets for mse) is an error naming both. A NaN or
 * infinite loss or gradient fails with COCOB_ERR_NONFINITE, naming the
 * first layer where it shows, before any weight moves. */
cocob_status cocob_model_step(cocob_model *m, cocob_optimizer *opt, const cocob_batch *batch,
                              double *loss, cocob_step_timing *timing);

/* A data-parallel step's part of a global batch, and the sum across the
 * ranks (see cocob_train_options.comm). */
typedef struct cocob_shard {
    const cocob_comm *comm;
    size_t total; /* the global batch's examples */
    size_t first; /* where this rank's examples start in it */
    float *host;  /* the gradient arena's floats and 2 more */
    int stop;     /* in: this rank asks to stop; out: some rank asked */
    /* With comm->start_sum: one request for each layer and one more, the
     * buckets in flight and those found done, and the start of the part of
     * the arena not yet started. */
    void **requests;
    size_t started, done, unstarted;
    double backward, first_start; /* when backward began, and the first start */
} cocob_shard;

/* cocob_model_step on this rank's share of a global batch: its gradient,
 * scaled by its share, is summed across the ranks before the optimizer
 * step, with the losses and the stop requests, so that every rank takes
 * the same step, or skips it, and *loss is the global batch's mean loss.
 * Dropout draws the masks the examples have in the global batch. */
cocob_status cocob_model_step_shard(cocob_model *m, cocob_optimizer *opt,
                                    const cocob_batch *batch, cocob_shard *shard, double *loss);

/* The forward pass in inference mode (no dropout); sums the batch's loss
 * and, for labels, counts its correct predictions (0 for targets). */
cocob_status cocob_model_eval_batch(cocob_model *m, const cocob_batch *batch, double *loss,
                                    size_t *correct);

/* m on all of data, batch examples at a time, without dropout: the mean
 * loss, and the accuracy of a classifier (xent) or RMSE and R^2 over every
 * output of a regression (mse), the figures that do not apply NaN. The one
 * path of cocob_evaluate and cocob_model_evaluate. */
cocob_status cocob_model_eval(cocob_model *m, const cocob_batch *data, size_t batch,
                              cocob_evaluation *out);
/* cocob_model_eval on a data set, whether it holds floats or pixels, the
 * pixels converted a batch at a time. */
cocob_status cocob_model_eval_set(cocob_model *m, const cocob_dataset *d, size_t batch,
                                  cocob_evaluation *out);
/* A data-parallel evaluation's part: the summed loss and the correct
 * predictions of examples [first, first + count) of d (0 for none), and
 * the figures of the whole set from the sums of every part. */
cocob_status cocob_model_eval_sums(cocob_model *m, const cocob_dataset *d, size_t batch,
                                   size_t first, size_t count, double *sum, size_t *correct);
void cocob_model_eval_figures(const cocob_batch *data, size_t outputs, double sum, size_t correct,
                              cocob_evaluation *out);

/* The forward pass in inference mode (no dropout) on n inputs, the logits
 * downloaded into logits, n x outputs floats. */
cocob_status cocob_model_logits(cocob_model *m, const float *x, size_t n, float *logits);


/* ---- layers.c: each plan step's forward and backward on the backend ---- */

cocob_status cocob_layer_forward(cocob_model *m, const plan_step *st, size_t n, int training);
/* Writes the gradients of the step's parameters and, unless its input is
 * the batch, the gradient with respect to that input (its in's dy). */
cocob_status cocob_layer_backward(cocob_model *m, const plan_step *st, size_t n);
/* Makes the buffers the step writes for batches of up to n. */
cocob_status cocob_layer_alloc(cocob_model *m, const plan_step *st, size_t n);
void cocob_layer_free(cocob_model *m, size_t i);

#endif
