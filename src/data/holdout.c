/* A held-out test set, split from a data set that comes without one (a
 * single CSV file). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/dataset.h"

/* The shuffle's seed is the run's seed mixed with this ("holdout"), so that
 * the split and cocob_train's epoch order are different draws. */
#define HOLDOUT_STREAM 0x686f6c646f7574ull

/* A copy of examples order[start] .. order[start + count - 1] of d. */
static cocob_status subset(cocob_error *err, const cocob_dataset *d, const uint32_t *order,
                           size_t start, size_t count, cocob_dataset **out)
{
    /* d's sizes were checked when it was made; a part is smaller. */
    size_t per = d->channels * d->height * d->width;
    cocob_dataset_arrays a;
    cocob_dataset_arrays_init(&a);
    a.count = count;
    a.channels = d->channels;
    a.height = d->height;
    a.width = d->width;
    float *x = malloc(count * per * sizeof *x);
    int32_t *y = d->labels ? malloc(count * sizeof *y) : NULL;
    float *t = d->targets ? malloc(count * d->outputs * sizeof *t) : NULL;
    char **names = NULL;
    cocob_status s = COCOB_OK;
    if (!x || (d->labels && !y) || (d->targets && !t))
        s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory for %zu examples",
                       count);
    if (s == COCOB_OK && d->class_names)
        s = cocob_csv_copy_names(err, d, &names);
    if (s == COCOB_OK) {
        cocob_dataset_gather(d, order, start, count, x, y);
        if (t)
            cocob_dataset_gather_targets(d, order, start, count, t);
        a.features = x;
        a.labels = y;
        a.classes = d->classes;
        a.targets = t;
        a.outputs = d->outputs;
        s = cocob_dataset_wrap(err, "holdout", &a, out);
    }
    if (s != COCOB_OK) {
        free(x);
        free(y);
        free(t);
        if (names)
            for (size_t i = 0; i < d->classes; i++)
                free(names[i]);
        free(names);
        return s;
    }
    (*out)->class_names = names;
    return COCOB_OK;
}

cocob_status cocob_dataset_holdout(cocob_context *ctx, const cocob_dataset *d, double fraction,
                                   uint64_t seed, cocob_dataset **train, cocob_dataset **test)
{
    if (!ctx || !train || !test)
        return COCOB_ERR_INVALID_ARGUMENT;
    *train = *test = NULL;
    if (!d)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_dataset_holdout: NULL data set");
    if (!(fraction > 0 && fraction < 1))
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_dataset_holdout: a fraction of %g; it must be above 0 and "
                          "below 1",
                          fraction);
    size_t n = d->count;
    double want = round(fraction * (double)n);
    size_t held = want < 1 ? 1 : (size_t)want;
    if (held >= n)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cannot hold out %g of %zu examples: none would be left to train on",
                          fraction, n);
    uint32_t *order = malloc(n * sizeof *order);
    if (!order)
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "out of host memory for the order of %zu examples", n);
    cocob_shuffle(order, n, seed ^ HOLDOUT_STREAM, 0);
    cocob_status s = subset(&ctx->err, d, order, 0, n - held, train);
    if (s == COCOB_OK)
        s = subset(&ctx->err, d, order, n - held, held, test);
    free(order);
    if (s != COCOB_OK) {
        cocob_dataset_destroy(*train);
        *train = NULL;
    }
    return s;
}
