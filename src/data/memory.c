/* Data sets made of arrays a program holds: checked, then copied or
 * borrowed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "data/dataset.h"

#define WHO "cocob_dataset_from_memory"

void cocob_dataset_arrays_init(cocob_dataset_arrays *a)
{
    memset(a, 0, sizeof *a);
}

cocob_status cocob_dataset_wrap(cocob_error *err, const char *source,
                                const cocob_dataset_arrays *a, cocob_dataset **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", source);
    cocob_dataset *d = *out;
    d->count = a->count;
    d->channels = a->channels;
    d->height = a->height;
    d->width = a->width;
    /* The const is the caller's promise that cocob never writes, which the
     * borrowed flag keeps: nothing writes a data set's arrays after it is
     * made, and only an owned set frees or resizes them. */
    d->images = (float *)a->features;
    d->labels = (int32_t *)a->labels;
    d->classes = a->labels ? a->classes : 0;
    d->targets = (float *)a->targets;
    d->outputs = a->targets ? a->outputs : 0;
    d->borrowed = a->borrow;
    return COCOB_OK;
}

/* "NaN", "+inf" or "-inf" for a value that is not finite. */
static const char *nonfinite_name(float v)
{
    return isnan(v) ? "NaN" : v > 0 ? "+inf" : "-inf";
}

/* The first value of the n-per-example array x (count x n) that is not
 * finite, refused as name[example][index]. */
static cocob_status check_finite(cocob_error *err, const char *name, const float *x, size_t count,
                                 size_t n)
{
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < n; j++)
            if (!isfinite(x[i * n + j]))
                return cocob_fail(err, COCOB_ERR_NONFINITE, WHO ": %s[%zu][%zu] is %s", name, i,
                                  j, nonfinite_name(x[i * n + j]));
    return COCOB_OK;
}

/* Checks a, with its classes inferred when a->classes is 0; *per gets the
 * floats of one example. */
static cocob_status check(cocob_error *err, cocob_dataset_arrays *a, size_t *per)
{
    if (a->count == 0)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, WHO ": count is 0");
    if (a->count > UINT32_MAX)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          WHO ": count is %zu, more than the %lu examples a data set can hold",
                          a->count, (unsigned long)UINT32_MAX);
    const char *dims[] = {"channels", "height", "width"};
    const size_t sizes[] = {a->channels, a->height, a->width};
    for (int i = 0; i < 3; i++)
        if (sizes[i] == 0)
            return cocob_fail(err, COCOB_ERR_SHAPE, WHO ": %s is 0", dims[i]);
    size_t floats, bytes;
    if (!size_mul3(a->channels, a->height, a->width, per) || !size_mul(a->count, *per, &floats) ||
        !size_mul(floats, sizeof(float), &bytes))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          WHO ": %zu examples of %zux%zux%zu are more bytes than memory can "
                              "address",
                          a->count, a->channels, a->height, a->width);
    if (!a->features)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, WHO ": features is NULL");
    if (!a->labels == !a->targets)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          WHO ": %s: give labels (classification) or targets (regression)",
                          a->labels ? "both labels and targets are set"
                                    : "labels and targets "
                                      "are both NULL");
    cocob_status s = check_finite(err, "features", a->features, a->count, *per);
    if (s != COCOB_OK)
        return s;
    if (a->targets) {
        size_t target_bytes;
        if (a->outputs == 0)
            return cocob_fail(err, COCOB_ERR_SHAPE, WHO ": outputs is 0, but targets are set");
        if (!size_mul3(a->count, a->outputs, sizeof(float), &target_bytes))
            return cocob_fail(err, COCOB_ERR_SHAPE,
                              WHO ": %zu examples of %zu targets are more bytes than memory "
                                  "can address",
                              a->count, a->outputs);
        return check_finite(err, "targets", a->targets, a->count, a->outputs);
    }
    int32_t top = 0;
    for (size_t i = 0; i < a->count; i++) {
        int32_t y = a->labels[i];
        if (y < 0)
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              WHO ": labels[%zu] is %ld, but a label must be at least 0", i,
                              (long)y);
        if (a->classes && (size_t)y >= a->classes)
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              WHO ": labels[%zu] is %ld, but classes is %zu", i, (long)y,
                              a->classes);
        top = y > top ? y : top;
    }
    if (a->classes == 0)
        a->classes = (size_t)top + 1;
    return COCOB_OK;
}

/* A copy of n bytes of src in *dst; 0 when out of memory. */
static int copy(void **dst, const void *src, size_t n)
{
    *dst = malloc(n);
    if (*dst)
        memcpy(*dst, src, n);
    return *dst != NULL;
}

cocob_status cocob_dataset_from_memory(cocob_context *ctx, const cocob_dataset_arrays *arrays,
                                       cocob_dataset **out)
{
    if (!ctx || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!arrays)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT, WHO ": NULL arrays");
    cocob_dataset_arrays a = *arrays;
    size_t per = 0;
    cocob_status s = check(&ctx->err, &a, &per);
    if (s != COCOB_OK || a.borrow)
        return s == COCOB_OK ? cocob_dataset_wrap(&ctx->err, WHO, &a, out) : s;
    /* The sizes were checked against overflow above. */
    size_t floats = a.count * per * sizeof(float);
    void *features = NULL, *labels = NULL, *targets = NULL;
    int ok = copy(&features, a.features, floats) &&
             (a.labels ? copy(&labels, a.labels, a.count * sizeof(int32_t))
                       : copy(&targets, a.targets, a.count * a.outputs * sizeof(float)));
    if (ok) {
        a.features = features;
        a.labels = labels;
        a.targets = targets;
        s = cocob_dataset_wrap(&ctx->err, WHO, &a, out);
    } else {
        s = cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                       WHO ": out of host memory copying %zu examples of %zu floats", a.count,
                       per);
    }
    if (s != COCOB_OK) {
        free(features);
        free(labels);
        free(targets);
    }
    return s;
}
