/* A model evaluated on a whole data set, batch by batch. */
#include <math.h>

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

cocob_status cocob_model_eval(cocob_model *m, const cocob_batch *data, size_t batch,
                              cocob_evaluation *out)
{
    *out = (cocob_evaluation){NAN, NAN, NAN, NAN};
    if (!data || !data->count || !batch)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT, "evaluate: %s",
                          !data || !data->count ? "the data set must not be empty"
                                                : "the batch size must not be 0");
    size_t in = cocob_shape_size(m->input), outputs = cocob_model_outputs(m);
    double sum = 0;
    size_t correct = 0;
    cocob_status s = COCOB_OK;
    for (size_t start = 0; s == COCOB_OK && start < data->count; start += batch) {
        size_t n = data->count - start < batch ? data->count - start : batch;
        cocob_batch part = {data->x + start * in, data->labels ? data->labels + start : NULL,
                            data->targets ? data->targets + start * outputs : NULL, n};
        double loss;
        size_t right;
        s = cocob_model_eval_batch(m, &part, &loss, &right);
        sum += loss;
        correct += right;
    }
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
    return s;
}
