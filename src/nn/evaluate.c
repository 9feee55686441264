/* A model evaluated on a whole data set, batch by batch. */
#include <math.h>
#include <stdlib.h>

#include "data/dataset.h"
#include "nn/model.h"

/* The targets' total sum of squares around their mean, over n values, in
 * double on the host, in two passes: the targets are on the host already,
 * and the one-pass sum of squares minus n mean^2 would cancel away the
 * spread of targets that sit far from 0. */
static double total_squares(const float *t, size_t n)
{
    double mean = 0, sst = 0;
    for (size_t i = 0; i < n; i++)
        mean += t[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        sst += ((double)t[i] - mean) * ((double)t[i] - mean);
    return sst;
}

/* The summed loss and the correct predictions of examples [first, end) of
 * data, or, when set is not NULL, of its images converted a batch at a time
 * into scratch (batch x the input's floats). */
static cocob_status eval_range(cocob_model *m, const cocob_batch *data, const cocob_dataset *set,
                               float *scratch, size_t batch, size_t first, size_t end,
                               double *sum, size_t *correct)
{
    size_t in = cocob_shape_size(m->input), outputs = cocob_model_outputs(m);
    cocob_status s = COCOB_OK;
    *sum = 0;
    *correct = 0;
    for (size_t start = first; s == COCOB_OK && start < end; start += batch) {
        size_t n = end - start < batch ? end - start : batch;
        const float *x = set ? scratch : data->x + start * in;
        if (set)
            cocob_dataset_gather(set, NULL, start, n, scratch, NULL);
        cocob_batch part = {x, data->labels ? data->labels + start : NULL,
                            data->targets ? data->targets + start * outputs : NULL, n};
        double loss;
        size_t right;
        s = cocob_model_eval_batch(m, &part, &loss, &right);
        *sum += loss;
        *correct += right;
    }
    return s;
}

void cocob_model_eval_figures(const cocob_batch *data, size_t outputs, double sum, size_t correct,
                              cocob_evaluation *out)
{
    out->loss = sum / (double)data->count;
    if (data->labels) {
        out->accuracy = (double)correct / (double)data->count;
    } else if (data->targets) {
        /* Each example's loss is the mean over its outputs, so their mean
         * is the mean over every output, and SSE that times the outputs. */
        size_t n = data->count * outputs;
        double sst = total_squares(data->targets, n);
        out->rmse = sqrt(out->loss);
        /* Constant targets leave R^2 undefined: NaN, not a number that
         * looks like a score. */
        out->r2 = sst > 0 ? 1 - out->loss * (double)n / sst : NAN;
    }
}

static cocob_status eval_parts(cocob_model *m, const cocob_batch *data, const cocob_dataset *set,
                               float *scratch, size_t batch, cocob_evaluation *out)
{
    double sum;
    size_t correct;
    cocob_status s = eval_range(m, data, set, scratch, batch, 0, data->count, &sum, &correct);
    cocob_model_eval_figures(data, cocob_model_outputs(m), sum, correct, out);
    return s;
}

cocob_status cocob_model_eval(cocob_model *m, const cocob_batch *data, size_t batch,
                              cocob_evaluation *out)
{
    *out = (cocob_evaluation){NAN, NAN, NAN, NAN};
    if (!data || !data->count || !batch)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT, "evaluate: %s",
                          !data || !data->count ? "the data set must not be empty"
                                                : "the batch size must not be 0");
    return eval_parts(m, data, NULL, NULL, batch, out);
}

cocob_status cocob_model_eval_set(cocob_model *m, const cocob_dataset *d, size_t batch,
                                  cocob_evaluation *out)
{
    cocob_batch all = {d->images, d->labels, d->targets, d->count};
    if (!d->pixels || !d->count || !batch)
        return cocob_model_eval(m, &all, batch, out);
    *out = (cocob_evaluation){NAN, NAN, NAN, NAN};
    size_t n = d->count < batch ? d->count : batch;
    size_t floats = n * cocob_shape_size(m->input); /* a batch the model was checked for */
    float *scratch = malloc(floats * sizeof *scratch);
    if (!scratch)
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "evaluate: out of host memory for a batch of %zu", n);
    cocob_status s = eval_parts(m, &all, d, scratch, batch, out);
    free(scratch);
    return s;
}

cocob_status cocob_model_eval_sums(cocob_model *m, const cocob_dataset *d, size_t batch,
                                   size_t first, size_t count, double *sum, size_t *correct)
{
    cocob_batch all = {d->images, d->labels, d->targets, d->count};
    *sum = 0;
    *correct = 0;
    if (!count)
        return COCOB_OK;
    if (!d->pixels)
        return eval_range(m, &all, NULL, NULL, batch, first, first + count, sum, correct);
    size_t n = count < batch ? count : batch;
    float *scratch = malloc(n * cocob_shape_size(m->input) * sizeof *scratch);
    if (!scratch)
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "evaluate: out of host memory for a batch of %zu", n);
    cocob_status s = eval_range(m, &all, d, scratch, batch, first, first + count, sum, correct);
    free(scratch);
    return s;
}
