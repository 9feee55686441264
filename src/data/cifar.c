/* CIFAR-10 binary batches: headerless runs of 3073-byte records, a label
 * byte then a 32x32 image as three planes (red, green, blue). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "data/dataset.h"
#include "data/read.h"

#define CIFAR_CHANNELS 3
#define CIFAR_SIDE 32
#define CIFAR_PIXELS (CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE)
#define CIFAR_RECORD (1 + CIFAR_PIXELS)
#define CIFAR_CLASSES 10

/* The first records (at most want) of one batch, within limit bytes, and
 * the rest of it read through to check its size: *total is how many records
 * the file holds. */
static cocob_status read_batch(cocob_error *err, const char *path, size_t want, size_t limit,
                               unsigned char **out, size_t *records, uint64_t *total)
{
    *out = NULL;
    *records = 0;
    cocob_data_file *f = NULL;
    size_t need, got = 0;
    uint64_t rest = 0;
    cocob_status s = cocob_data_open(err, path, &f);
    /* One byte past the limit shows data that runs past it. */
    if (!size_mul(want, CIFAR_RECORD, &need))
        need = SIZE_MAX;
    if (limit < SIZE_MAX && need > limit + 1)
        need = limit + 1;
    if (s == COCOB_OK)
        s = cocob_data_take(f, need, out, &got);
    if (s == COCOB_OK && got > limit)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: too large: its records run past the %zu bytes a data set may take "
                       "(half of memory); load fewer",
                       path, limit);
    if (s == COCOB_OK)
        s = cocob_data_rest(f, &rest);
    cocob_data_close(f);
    uint64_t size = got + rest;
    if (s == COCOB_OK && size == 0)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: empty: a CIFAR-10 batch holds records of %d bytes (a label byte and "
                       "%dx%dx%d pixels)",
                       path, CIFAR_RECORD, CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE);
    else if (s == COCOB_OK && size % CIFAR_RECORD != 0)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: %llu bytes is not a multiple of %d, the size of a CIFAR-10 record (a "
                       "label byte and %dx%dx%d pixels): %llu records and %llu bytes over",
                       path, (unsigned long long)size, CIFAR_RECORD, CIFAR_CHANNELS, CIFAR_SIDE,
                       CIFAR_SIDE, (unsigned long long)(size / CIFAR_RECORD),
                       (unsigned long long)(size % CIFAR_RECORD));
    size_t kept = got / CIFAR_RECORD;
    for (size_t r = 0; s == COCOB_OK && r < kept; r++) {
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
    *records = kept;
    *total = size / CIFAR_RECORD;
    return COCOB_OK;
}

cocob_status cocob_dataset_read_cifar(cocob_context *ctx, const char *const *paths, size_t count,
                                      size_t max_count, size_t limit, cocob_dataset **out)
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
    /* Every file is read before the set's pixels are allocated once, at
     * their final size; past max_count a file is only read through. */
    unsigned char **bytes = calloc(count, sizeof *bytes);
    size_t *records = calloc(count, sizeof *records);
    if (!bytes || !records) {
        free(bytes);
        free(records);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    }
    size_t used = 0, left = max_count ? max_count : SIZE_MAX;
    uint64_t total = 0;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; s == COCOB_OK && i < count; i++) {
        uint64_t held = 0;
        size_t room = limit - used * CIFAR_RECORD; /* used records are within limit */
        s = read_batch(err, paths[i], left - used, room, &bytes[i], &records[i], &held);
        used += records[i];
        total += held;
    }
    cocob_dataset *d = NULL;
    if (s == COCOB_OK)
        s = cocob_dataset_alloc_pixels(err, paths[0], used, CIFAR_CHANNELS, CIFAR_SIDE,
                                       CIFAR_SIDE, NULL, &d);
    if (s == COCOB_OK) {
        unsigned char *x = d->pixels;
        int32_t *y = d->labels;
        for (size_t i = 0; i < count; i++)
            for (size_t r = 0; r < records[i]; r++) {
                const unsigned char *rec = bytes[i] + r * CIFAR_RECORD;
                *y++ = rec[0];
                memcpy(x, rec + 1, CIFAR_PIXELS);
                x += CIFAR_PIXELS;
            }
        d->classes = CIFAR_CLASSES;
        *out = d;
        cocob_log(&ctx->log, COCOB_LOG_INFO,
                  "read %zu CIFAR-10 images from %zu file%s, from %s%s", used, count,
                  count == 1 ? "" : "s", paths[0], used < total ? " (the first)" : "");
    }
    for (size_t i = 0; i < count; i++)
        free(bytes[i]);
    free(bytes);
    free(records);
    return s;
}

cocob_status cocob_dataset_load_cifar(cocob_context *ctx, const char *const *paths, size_t count,
                                      cocob_dataset **out)
{
    return cocob_dataset_read_cifar(ctx, paths, count, 0, cocob_data_limit(), out);
}
