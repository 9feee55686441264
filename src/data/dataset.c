/* Data sets: finding a split in a folder, and what every data set has. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/checked.h"
#include "data/dataset.h"
#include "data/read.h"

#define CIFAR_FOLDER "cifar-10-batches-bin"
#define CIFAR_TRAIN_BATCHES 5

/* A set of count examples, with floats or, when as_pixels, bytes for them
 * (pixels when not NULL, else allocated). */
static cocob_status alloc_set(cocob_error *err, const char *source, size_t count, size_t channels,
                              size_t height, size_t width, int as_pixels, unsigned char *pixels,
                              cocob_dataset **out)
{
    size_t values, bytes = 0, label_bytes = 0;
    *out = NULL;
    int fits = size_mul3(channels, height, width, &values) && size_mul(count, values, &values) &&
               size_mul(values, as_pixels ? 1 : sizeof(float), &bytes) &&
               size_mul(count, sizeof(int32_t), &label_bytes);
    if (!fits)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                          "%s: %zu images of %zux%zux%zu are more bytes than memory can address",
                          source, count, channels, height, width);
    cocob_dataset *d = calloc(1, sizeof *d);
    void *x = pixels ? (void *)pixels : d ? malloc(bytes) : NULL;
    if (d) {
        d->labels = malloc(label_bytes);
        if (as_pixels)
            d->pixels = x;
        else
            d->images = x;
    }
    if (!d || !x || !d->labels) {
        if (d && pixels)
            d->pixels = NULL; /* still the caller's */
        cocob_dataset_destroy(d);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                          "%s: out of host memory for %zu images of %zux%zux%zu (%zu bytes)",
                          source, count, channels, height, width, bytes);
    }
    d->count = count;
    d->channels = channels;
    d->height = height;
    d->width = width;
    *out = d;
    return COCOB_OK;
}

cocob_status cocob_dataset_alloc(cocob_error *err, const char *source, size_t count,
                                 size_t channels, size_t height, size_t width,
                                 cocob_dataset **out)
{
    return alloc_set(err, source, count, channels, height, width, 0, NULL, out);
}

cocob_status cocob_dataset_alloc_pixels(cocob_error *err, const char *source, size_t count,
                                        size_t channels, size_t height, size_t width,
                                        unsigned char *pixels, cocob_dataset **out)
{
    return alloc_set(err, source, count, channels, height, width, 1, pixels, out);
}

cocob_status cocob_dataset_to_floats(cocob_error *err, cocob_dataset *d)
{
    if (!d->pixels)
        return COCOB_OK;
    size_t n = d->count * d->channels * d->height * d->width; /* checked when made */
    /* The pixels were held to the limit as bytes; their floats, four times
     * as large, are held to it too. */
    if (n > cocob_data_limit() / sizeof(float))
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                          "the floats of %zu images, %zu values, would take more than the %zu "
                          "bytes a data set may take (half of memory); take fewer",
                          d->count, n, cocob_data_limit());
    float *x = malloc(n * sizeof *x);
    if (!x)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                          "out of host memory for the floats of %zu images", d->count);
    cocob_pixels_to_floats(x, d->pixels, n);
    free(d->pixels);
    d->pixels = NULL;
    d->images = x;
    return COCOB_OK;
}

void cocob_pixels_to_floats(float *restrict x, const unsigned char *restrict pixels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = pixels[i] / 255.0f;
}

void cocob_dataset_destroy(cocob_dataset *d)
{
    if (!d)
        return;
    free(d->pixels);
    if (!d->borrowed) {
        free(d->images);
        free(d->labels);
        free(d->targets);
    }
    if (d->class_names)
        for (size_t i = 0; i < d->classes; i++)
            free(d->class_names[i]);
    free(d->class_names);
    free(d);
}

size_t cocob_dataset_count(const cocob_dataset *d)
{
    return d ? d->count : 0;
}

void cocob_dataset_shape(const cocob_dataset *d, size_t *channels, size_t *height, size_t *width)
{
    if (channels)
        *channels = d ? d->channels : 0;
    if (height)
        *height = d ? d->height : 0;
    if (width)
        *width = d ? d->width : 0;
}

size_t cocob_dataset_classes(const cocob_dataset *d)
{
    return d ? d->classes : 0;
}

const char *cocob_dataset_class_name(const cocob_dataset *d, size_t index)
{
    return d && d->class_names && index < d->classes ? d->class_names[index] : NULL;
}

size_t cocob_dataset_outputs(const cocob_dataset *d)
{
    return d ? d->outputs : 0;
}

cocob_status cocob_dataset_truncate(cocob_context *ctx, cocob_dataset *d, size_t count)
{
    if (!ctx || !d)
        return COCOB_ERR_INVALID_ARGUMENT;
    if (count == 0 || count > d->count)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_dataset_truncate: cannot keep %zu examples of %zu", count,
                          d->count);
    d->count = count;
    if (d->borrowed)
        return COCOB_OK;
    /* Giving back the rest is what makes a small subset of a large set
     * cheap; where realloc cannot shrink, the larger block serves as well. */
    size_t values = count * d->channels * d->height * d->width;
    if (d->pixels) {
        unsigned char *pixels = realloc(d->pixels, values);
        if (pixels)
            d->pixels = pixels;
    } else {
        float *images = realloc(d->images, values * sizeof *images);
        if (images)
            d->images = images;
    }
    if (d->labels) {
        int32_t *labels = realloc(d->labels, count * sizeof *labels);
        if (labels)
            d->labels = labels;
    }
    if (d->targets) {
        float *targets = realloc(d->targets, count * d->outputs * sizeof *targets);
        if (targets)
            d->targets = targets;
    }
    return COCOB_OK;
}

/* dir/name in a new string, or NULL when out of memory. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s", dir, name);
    return path;
}

/* Whether anything is at path, even what cannot be read (a FIFO, a symlink
 * loop, a file without permission): it is then opened, and refused with the
 * real reason, rather than reported missing. */
static int is_there(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* dir/name, or failing that dir/name.gz, when either is there; else NULL
 * with *oom telling whether memory ran out. */
static char *find_idx(const char *dir, const char *name, int *oom)
{
    char gz[64];
    snprintf(gz, sizeof gz, "%s.gz", name);
    const char *tries[] = {name, gz};
    for (int i = 0; i < 2; i++) {
        char *path = join(dir, tries[i]);
        if (!path) {
            *oom = 1;
            return NULL;
        }
        if (is_there(path))
            return path;
        free(path);
    }
    return NULL;
}

/* The split's IDX pair in dir: both there is a load, neither sets *found
 * to 0, one alone is an error naming the other. */
static cocob_status try_idx(cocob_context *ctx, const char *dir, const char *prefix,
                            size_t max_count, int *found, cocob_dataset **out)
{
    char images_name[64], labels_name[64];
    snprintf(images_name, sizeof images_name, "%s-images-idx3-ubyte", prefix);
    snprintf(labels_name, sizeof labels_name, "%s-labels-idx1-ubyte", prefix);
    int oom = 0;
    char *images = find_idx(dir, images_name, &oom);
    char *labels = find_idx(dir, labels_name, &oom);
    cocob_status s = COCOB_OK;
    *found = images || labels;
    if (oom)
        s = cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    else if (images && labels)
        s = cocob_dataset_read_idx(ctx, images, labels, max_count, cocob_data_limit(), out);
    else if (*found)
        s = cocob_fail(&ctx->err, COCOB_ERR_IO, "%s: found %s but neither %s nor %s.gz beside it",
                       dir, images ? images : labels, images ? labels_name : images_name,
                       images ? labels_name : images_name);
    free(images);
    free(labels);
    return s;
}

/* The split's CIFAR-10 batches in folder: all there is a load, none sets
 * *found to 0, some is an error naming the missing ones. */
static cocob_status try_cifar(cocob_context *ctx, const char *folder, cocob_split split,
                              size_t max_count, int *found, cocob_dataset **out)
{
    char *paths[CIFAR_TRAIN_BATCHES] = {NULL};
    char names[CIFAR_TRAIN_BATCHES][32];
    size_t n = split == COCOB_SPLIT_TRAIN ? CIFAR_TRAIN_BATCHES : 1;
    size_t present = 0;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < n; i++) {
        if (split == COCOB_SPLIT_TRAIN)
            snprintf(names[i], sizeof names[i], "data_batch_%zu.bin", i + 1);
        else
            snprintf(names[i], sizeof names[i], "test_batch.bin");
        paths[i] = join(folder, names[i]);
        if (!paths[i])
            s = cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
        else
            present += is_there(paths[i]);
    }
    *found = present > 0;
    if (s == COCOB_OK && present == n) {
        s = cocob_dataset_read_cifar(ctx, (const char *const *)paths, n, max_count,
                                     cocob_data_limit(), out);
    } else if (s == COCOB_OK && present > 0) {
        s = cocob_fail(&ctx->err, COCOB_ERR_IO,
                       "%s: has %zu of the %zu CIFAR-10 batches; missing:", folder, present, n);
        for (size_t i = 0; i < n; i++)
            if (!is_there(paths[i]))
                cocob_error_append(&ctx->err, " %s", names[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    return s;
}

cocob_status cocob_dataset_load(cocob_context *ctx, const char *dir, cocob_split split,
                                cocob_dataset **out)
{
    return cocob_dataset_load_first(ctx, dir, split, 0, out);
}

cocob_status cocob_dataset_load_first(cocob_context *ctx, const char *dir, cocob_split split,
                                      size_t max_count, cocob_dataset **out)
{
    if (!ctx || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!dir || (split != COCOB_SPLIT_TRAIN && split != COCOB_SPLIT_TEST))
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT, "cocob_dataset_load: %s",
                          dir ? "no such split" : "NULL folder");
    if (!*dir)
        return cocob_fail(&ctx->err, COCOB_ERR_IO, "the data folder's path is empty");
    struct stat st;
    if (stat(dir, &st) != 0)
        return cocob_fail(&ctx->err, COCOB_ERR_IO, "%s: cannot open folder: %s", dir,
                          strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cocob_fail(&ctx->err, COCOB_ERR_IO, "%s: not a folder", dir);

    int train = split == COCOB_SPLIT_TRAIN;
    const char *prefix = train ? "train" : "t10k";
    int found = 0;
    cocob_status s = try_idx(ctx, dir, prefix, max_count, &found, out);
    if (found || s != COCOB_OK)
        return s;
    s = try_cifar(ctx, dir, split, max_count, &found, out);
    if (found || s != COCOB_OK)
        return s;
    char *sub = join(dir, CIFAR_FOLDER);
    if (!sub)
        return cocob_fail(&ctx->err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    s = try_cifar(ctx, sub, split, max_count, &found, out);
    free(sub);
    if (found || s != COCOB_OK)
        return s;
    return cocob_fail(&ctx->err, COCOB_ERR_IO,
                      "%s: no %s split here: looked for %s-images-idx3-ubyte[.gz] and "
                      "%s-labels-idx1-ubyte[.gz] (MNIST, Fashion-MNIST), then for %s (CIFAR-10) "
                      "here and in %s/",
                      dir, train ? "training" : "test", prefix, prefix,
                      train ? "data_batch_1.bin .. data_batch_5.bin" : "test_batch.bin",
                      CIFAR_FOLDER);
}
