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

/* The first records (at most want) of one batch, within limit bytes.
 * Past them one byte more is read, to tell whether the file holds more
 * (*more), and nothing else: --limit's start-up is that of the records it
 * keeps, and a file cut after them still serves. Read to its end, the file
 * must hold whole records, and some unless none are wanted. */
static cocob_status read_batch(cocob_error *err, const char *path, size_t want, size_t limit,
                               unsigned char **out, size_t *records, int *more)
{
    *out = NULL;
    *records = 0;
    *more = 0;
    cocob_data_file *f = NULL;
    size_t want_bytes, need, got = 0;
    if (!size_mul(want, CIFAR_RECORD, &want_bytes))
        want_bytes = SIZE_MAX;
    /* One byte past the limit shows data that runs past it. */
    need = want_bytes < limit ? want_bytes : limit;
    if (need < SIZE_MAX)
        need++;
    cocob_status s = cocob_data_open(err, path, &f);
    if (s == COCOB_OK)
        s = cocob_data_take(f, need, out, &got);
    cocob_data_close(f);
    int past = got > want_bytes;
    if (s == COCOB_OK && !past && got > limit)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: too large: its records run past the %zu bytes a data set may take "
                       "(half of memory); load fewer",
                       path, limit);
    else if (s == COCOB_OK && !past && got == 0 && want > 0)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: empty: a CIFAR-10 batch holds records of %d bytes (a label byte and "
                       "%dx%dx%d pixels)",
                       path, CIFAR_RECORD, CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE);
    else if (s == COCOB_OK && !past && got % CIFAR_RECORD != 0)
        s = cocob_fail(err, COCOB_ERR_IO,
                       "%s: %zu bytes is not a multiple of %d, the size of a CIFAR-10 record (a "
                       "label byte and %dx%dx%d pixels): %zu records and %zu bytes over",
                       path, got, CIFAR_RECORD, CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE,
                       got / CIFAR_RECORD, got % CIFAR_RECORD);
    size_t kept = past ? want : got / CIFAR_RECORD;
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
    *more = past;
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
     * their final size; past max_count a file is only opened and its first
     * byte read. */
    unsigned char **bytes = calloc(count, sizeof *bytes);
    size_t *records = calloc(count, sizeof *records);
    if (!bytes || !records) {
        free(bytes);
        free(records);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    }
    size_t used = 0, left = max_count ? max_count : SIZE_MAX;
    int more = 0;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; s == COCOB_OK && i < count; i++) {
        int past = 0;
        size_t room = limit - used * CIFAR_RECORD; /* used records are within limit */
        s = read_batch(err, paths[i], left - used, room, &bytes[i], &records[i], &past);
        used += records[i];
        more |= past;
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
                  count == 1 ? "" : "s", paths[0], more ? " (the first)" : "");
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
