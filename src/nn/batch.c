/* The model on a caller's arrays: one training step, predictions, an
 * evaluation. Each checks what the caller handed over, naming the input
 * and the index at fault, then takes the path cocob_train takes. */
#include <math.h>
#include <stdlib.h>

#include "base/checked.h"
#include "nn/model.h"
#include "optim/optimizer.h"

/* Inference goes through in batches of at least this many, so that a model
 * whose buffers are small, or none yet, is not stepped one example at a
 * time. */
enum { INFER_BATCH_MIN = 256 };

static cocob_status check_model(cocob_model *m, const char *who)
{
    if (!m->param_arena)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: call cocob_model_init (or cocob_model_load) first", who);
    return COCOB_OK;
}

static cocob_status check_count(cocob_model *m, const char *who, size_t count)
{
    if (count == 0 || count > COCOB_BATCH_MAX)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: count is %zu; it must be from 1 to %zu", who, count,
                          (size_t)COCOB_BATCH_MAX);
    size_t bytes;
    if (!size_mul3(count, cocob_shape_size(m->input), sizeof(float), &bytes) ||
        !size_mul3(count, cocob_model_outputs(m), sizeof(float), &bytes))
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "%s: %zu examples are more bytes than memory can address", who, count);
    return COCOB_OK;
}

/* The batch's arrays: x, and what the model's loss takes, labels (each a
 * class) for softmax cross-entropy or targets for MSE, not the other. */
static cocob_status check_batch(cocob_model *m, const char *who, const char *name,
                                const cocob_batch *b)
{
    cocob_error *err = &m->ctx->err;
    cocob_status s = check_count(m, who, b->count);
    if (s != COCOB_OK)
        return s;
    if (!b->x)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s->x is NULL", who, name);
    int xent = cocob_model_loss(m) == COCOB_LOSS_XENT;
    const char *loss = xent ? "softmax cross-entropy" : "mean squared error";
    if (xent ? b->targets != NULL : b->labels != NULL)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: %s->%s is set, but this model's loss (%s) takes %s, in %s->%s",
                          who, name, xent ? "targets" : "labels", loss,
                          xent ? "class labels" : "float targets", name,
                          xent ? "labels" : "targets");
    if (xent ? !b->labels : !b->targets)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: %s->%s is NULL; this model's loss (%s) takes %s per example", who,
                          name, xent ? "labels" : "targets", loss,
                          xent ? "a class label" : "cocob_model_outputs(m) float targets");
    size_t classes = cocob_model_outputs(m);
    for (size_t i = 0; xent && i < b->count; i++)
        if (b->labels[i] < 0 || (size_t)b->labels[i] >= classes)
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "%s: %s->labels[%zu] is %d; the model has %zu outputs, so a "
                              "label is from 0 to %zu",
                              who, name, i, (int)b->labels[i], classes, classes - 1);
    return COCOB_OK;
}

/* n values, example at a time, each finite, else an error naming the
 * value, its example and its place there. */
static cocob_status check_values(cocob_model *m, const char *who, const char *name,
                                 const float *v, size_t n, size_t example)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return cocob_fail(&m->ctx->err, COCOB_ERR_NONFINITE,
                              "%s: %s[%zu] (example %zu, value %zu of its %zu) is %g", who, name,
                              i, i / example, i % example, example, (double)v[i]);
    return COCOB_OK;
}

/* Inference has no guard on the device: a NaN input would come back as NaN
 * outputs, unremarked, so the inputs are scanned here. */
static cocob_status check_finite(cocob_model *m, const char *who, const char *name,
                                 const float *x, size_t count)
{
    size_t example = cocob_shape_size(m->input);
    return check_values(m, who, name, x, count * example, example);
}

static size_t infer_batch(const cocob_model *m, size_t count)
{
    size_t batch = m->capacity > INFER_BATCH_MIN ? m->capacity : INFER_BATCH_MIN;
    return batch < count ? batch : count;
}

void cocob_model_input_shape(const cocob_model *m, size_t *channels, size_t *height,
                             size_t *width)
{
    cocob_shape in = m ? m->input : (cocob_shape){0, 0, 0};
    *channels = in.c;
    *height = in.h;
    *width = in.w;
}

cocob_status cocob_model_train_batch(cocob_model *m, cocob_optimizer *opt,
                                     const cocob_batch *batch, double *loss)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    const char *who = "cocob_model_train_batch";
    cocob_error *err = &m->ctx->err;
    if (!opt || !batch || !loss)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s is NULL", who,
                          !opt     ? "the optimizer"
                          : !batch ? "the batch"
                                   : "loss");
    cocob_status s = check_model(m, who);
    if (s != COCOB_OK)
        return s;
    if (opt->ctx != m->ctx || opt->count != 1 || opt->params[0] != m->param_arena)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the optimizer must be the one made over cocob_model_params(m)",
                          who);
    s = check_batch(m, who, "batch", batch);
    if (s != COCOB_OK)
        return s;
    return cocob_model_step(m, opt, batch, loss, NULL);
}

/* Softmax of each row in place, as the loss takes it (ref/softmax_xent.c):
 * the row's maximum out first, floats throughout, each term divided by the
 * sum. */
static void softmax_rows(float *out, size_t rows, size_t classes)
{
    for (size_t r = 0; r < rows; r++, out += classes) {
        float top = out[0];
        for (size_t c = 1; c < classes; c++)
            if (out[c] > top)
                top = out[c];
        float sum = 0.0f;
        for (size_t c = 0; c < classes; c++)
            sum += expf(out[c] - top);
        for (size_t c = 0; c < classes; c++)
            out[c] = expf(out[c] - top) / sum;
    }
}

cocob_status cocob_model_predict(cocob_model *m, const float *x, size_t count, cocob_output what,
                                 float *out)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    const char *who = "cocob_model_predict";
    cocob_error *err = &m->ctx->err;
    if (!x || !out)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s is NULL", who,
                          !x ? "x" : "out");
    if (what != COCOB_OUTPUT_LOGITS && what != COCOB_OUTPUT_PROBABILITIES)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: what is %d; it must be COCOB_OUTPUT_LOGITS or "
                          "COCOB_OUTPUT_PROBABILITIES",
                          who, (int)what);
    cocob_status s = check_model(m, who);
    if (s == COCOB_OK && what == COCOB_OUTPUT_PROBABILITIES &&
        cocob_model_loss(m) != COCOB_LOSS_XENT)
        s = cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                       "%s: probabilities are a classifier's; this model's loss is %s, and its "
                       "outputs are the predictions themselves (COCOB_OUTPUT_LOGITS)",
                       who, cocob_loss_name(cocob_model_loss(m)));
    if (s == COCOB_OK)
        s = check_count(m, who, count);
    if (s == COCOB_OK)
        s = check_finite(m, who, "x", x, count);
    size_t example = cocob_shape_size(m->input), outputs = cocob_model_outputs(m);
    size_t batch = infer_batch(m, count);
    for (size_t start = 0; s == COCOB_OK && start < count; start += batch) {
        size_t n = count - start < batch ? count - start : batch;
        s = cocob_model_logits(m, x + start * example, n, out + start * outputs);
    }
    if (s == COCOB_OK && what == COCOB_OUTPUT_PROBABILITIES)
        softmax_rows(out, count, outputs);
    return s;
}

cocob_status cocob_model_evaluate(cocob_model *m, const cocob_batch *data, cocob_evaluation *out)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    const char *who = "cocob_model_evaluate";
    if (!data || !out)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT, "%s: %s is NULL", who,
                          !data ? "data" : "out");
    cocob_status s = check_model(m, who);
    if (s == COCOB_OK)
        s = check_batch(m, who, "data", data);
    if (s == COCOB_OK)
        s = check_finite(m, who, "data->x", data->x, data->count);
    /* Targets too: a NaN target would make the loss NaN, unremarked. */
    if (s == COCOB_OK && data->targets)
        s = check_values(m, who, "data->targets", data->targets,
                         data->count * cocob_model_outputs(m), cocob_model_outputs(m));
    if (s != COCOB_OK)
        return s;
    return cocob_model_eval(m, data, infer_batch(m, data->count), out);
}
