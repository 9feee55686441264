/* CIFAR-10 binary batches: headerless runs of 3073-byte records, a label
 * byte then a 32x32 image as three planes (red, green, blue). */
#include <stdlib.h>

#include "data/dataset.h"
#include "data/read.h"

#define CIFAR_CHANNELS 3
#define CIFAR_SIDE 32
#define CIFAR_PIXELS (CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE)
#define CIFAR_RECORD (1 + CIFAR_PIXELS)
#define CIFAR_CLASSES 10

/* Reads one batch whole and checks its size and labels. */
static cocob_status read_batch(cocob_error *err, const char *path, unsigned char **out,
                               size_t *records)
{
    size_t size = 0;
    cocob_status s = cocob_data_load(err, path, cocob_data_limit(), out, &size);
    if (s == COCOB_OK && size == 0)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: empty: a CIFAR-10 batch holds records of %d bytes (a label byte and "
                       "%dx%dx%d pixels)",
                       path, CIFAR_RECORD, CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE);
    else if (s == COCOB_OK && size % CIFAR_RECORD != 0)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: %zu bytes is not a multiple of %d, the size of a CIFAR-10 record (a "
                       "label byte and %dx%dx%d pixels): %zu records and %zu bytes over",
                       path, size, CIFAR_RECORD, CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE,
                       size / CIFAR_RECORD, size % CIFAR_RECORD);
    for (size_t r = 0; s == COCOB_OK && r < size / CIFAR_RECORD; r++) {
        unsigned label = (*out)[r * CIFAR_RECORD];
        if (label >= CIFAR_CLASSES)
            s = cocob_fail(err, COCOB_ERR_IO,
                           "%s: record %zu has label %u, out of range: there are %d classes",
                           path, r, label, CIFAR_CLASSES);
    }
    if (s != COCOB_OK) {
        free(*out);
        *out = NULL;
        return s;
    }
    *records = size / CIFAR_RECORD;
    return COCOB_OK;
}

cocob_status cocob_dataset_load_cifar(cocob_context *ctx, const char *const *paths, size_t count,
                                      cocob_dataset **out)
{
    if (!ctx || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!paths || count == 0)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_dataset_load_cifar: no files given");
    for (size_t i = 0; i < count; i++)
        if (!paths[i])
            return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                              "cocob_dataset_load_cifar: path %zu is NULL", i);
    cocob_error *err = &ctx->err;
    /* Every file is read before the floats are allocated once, at their
     * final size. */
    unsigned char **bytes = calloc(count, sizeof *bytes);
    size_t *records = calloc(count, sizeof *records);
    if (!bytes || !records) {
        free(bytes);
        free(records);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    }
    size_t total = 0;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; s == COCOB_OK && i < count; i++) {
        s = read_batch(err, paths[i], &bytes[i], &records[i]);
        total += records[i];
    }
    if (s == COCOB_OK && total > SIZE_MAX / sizeof(float) / CIFAR_PIXELS)
        s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                       "%zu CIFAR-10 images, from %s and %zu more files, cannot be held in "
                       "memory as floats",
                       total, paths[0], count - 1);
    cocob_dataset *d = NULL;
    if (s == COCOB_OK)
        s = cocob_dataset_alloc(err, paths[0], total, CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE, &d);
    if (s == COCOB_OK) {
        float *x = d->images;
        int32_t *y = d->labels;
        for (size_t i = 0; i < count; i++)
            for (size_t r = 0; r < records[i]; r++) {
                const unsigned char *rec = bytes[i] + r * CIFAR_RECORD;
                *y++ = rec[0];
                cocob_pixels_to_floats(x, rec + 1, CIFAR_PIXELS);
                x += CIFAR_PIXELS;
            }
        d->classes = CIFAR_CLASSES;
        *out = d;
        cocob_log(&ctx->log, COCOB_LOG_INFO, "read %zu CIFAR-10 images from %zu file%s, from %s",
                  total, count, count == 1 ? "" : "s", paths[0]);
    }
    for (size_t i = 0; i < count; i++)
        free(bytes[i]);
    free(bytes);
    free(records);
    return s;
}
