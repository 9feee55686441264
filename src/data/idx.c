/* MNIST-style IDX files: a big-endian header (magic, then one 32-bit size
 * per dimension), then the values, here unsigned bytes. MNIST and
 * Fashion-MNIST ship their images and labels this way. */
#include <stdio.h>
#include <stdlib.h>

#include "data/dataset.h"
#include "data/read.h"

#define IDX_UBYTE 0x08
#define IDX_CLASSES 10

typedef struct idx_file {
    const char *path;
    const char *what;       /* "images" or "labels" */
    unsigned ndims;         /* what this kind of file must have */
    unsigned char *data;    /* the whole file, inflated */
    size_t size;
    uint32_t dims[3];
    const unsigned char *values;    /* in data, after the header */
    size_t bytes;           /* of values, as the header says */
} idx_file;

static uint32_t big_endian(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *dim_name(unsigned i)
{
    static const char *const names[] = {"the count", "the rows", "the columns"};
    return names[i];
}

/* "60000 images of 28x28" or "60000 labels", for messages. */
static void describe(const idx_file *x, char *buf, size_t cap)
{
    if (x->ndims == 3)
        snprintf(buf, cap, "%lu images of %lux%lu", (unsigned long)x->dims[0],
                 (unsigned long)x->dims[1], (unsigned long)x->dims[2]);
    else
        snprintf(buf, cap, "%lu labels", (unsigned long)x->dims[0]);
}

/* Reads the whole file and checks its header. */
static cocob_status read_idx(cocob_error *err, idx_file *x)
{
    cocob_status s = cocob_data_load(err, x->path, cocob_data_limit(), &x->data, &x->size);
    if (s != COCOB_OK)
        return s;
    const unsigned char *head = x->data;
    uint32_t want = 0x800u | x->ndims;
    if (x->size < 4)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated: %zu bytes, too short for an IDX header (magic 0x%08lX)",
                          x->path, x->size, (unsigned long)want);
    unsigned long magic = big_endian(head);
    if (head[0] != 0 || head[1] != 0)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: not an IDX file: wrong magic number 0x%08lX, expected 0x%08lX "
                          "(IDX %s)",
                          x->path, magic, (unsigned long)want, x->what);
    if (head[2] != IDX_UBYTE)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: wrong IDX value type 0x%02X (magic 0x%08lX): expected 0x08, "
                          "unsigned bytes (magic 0x%08lX)",
                          x->path, head[2], magic, (unsigned long)want);
    if (head[3] != x->ndims)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: wrong number of dimensions: %u (magic 0x%08lX), but IDX %s have "
                          "%u (magic 0x%08lX)",
                          x->path, head[3], magic, x->what, x->ndims, (unsigned long)want);

    size_t head_size = 4 + 4 * (size_t)x->ndims;
    if (x->size < head_size)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated: the header ends after %zu of its %zu bytes", x->path,
                          x->size, head_size);
    head += 4;
    for (unsigned i = 0; i < x->ndims; i++) {
        x->dims[i] = big_endian(head + 4 * i);
        if (x->dims[i] == 0)
            return cocob_fail(err, COCOB_ERR_IO, "%s: zero dimension: the header gives %s as 0",
                              x->path, dim_name(i));
    }
    /* Each value becomes 4 bytes (a float or an int32), so the product must
     * fit in size_t 4 times over, before anything is allocated for it. */
    size_t bytes = 1;
    int overflow = 0;
    for (unsigned i = 0; i < x->ndims; i++) {
        if (bytes > SIZE_MAX / 4 / x->dims[i])
            overflow = 1;
        else
            bytes *= x->dims[i];
    }
    if (overflow) {
        char desc[96];
        describe(x, desc, sizeof desc);
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: the header's dimensions overflow size_t: %s cannot be held in "
                          "memory",
                          x->path, desc);
    }
    x->bytes = bytes;
    x->values = x->data + head_size;
    return COCOB_OK;
}

/* The file holds exactly the values the header promises. */
static cocob_status check_size(cocob_error *err, const idx_file *x)
{
    size_t got = x->size - (size_t)(x->values - x->data);
    if (got == x->bytes)
        return COCOB_OK;
    char desc[96];
    describe(x, desc, sizeof desc);
    if (got < x->bytes)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated: the header says %s (%zu bytes), the file holds %zu",
                          x->path, desc, x->bytes, got);
    return cocob_fail(err, COCOB_ERR_IO,
                      "%s: %zu bytes of trailing data after the %s (%zu bytes) the header "
                      "describes",
                      x->path, got - x->bytes, desc, x->bytes);
}

static cocob_status check_labels(cocob_error *err, const idx_file *x)
{
    for (size_t i = 0; i < x->bytes; i++)
        if (x->values[i] >= IDX_CLASSES)
            return cocob_fail(err, COCOB_ERR_IO,
                              "%s: label %u at index %zu is out of range: there are %d classes",
                              x->path, x->values[i], i, IDX_CLASSES);
    return COCOB_OK;
}

cocob_status cocob_dataset_load_idx(cocob_context *ctx, const char *images_path,
                                    const char *labels_path, cocob_dataset **out)
{
    if (!ctx || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!images_path || !labels_path)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_dataset_load_idx: NULL path");
    cocob_error *err = &ctx->err;
    idx_file im = {.path = images_path, .what = "images", .ndims = 3};
    idx_file lb = {.path = labels_path, .what = "labels", .ndims = 1};
    cocob_dataset *d = NULL;

    /* Both headers before either file's size, so that files that disagree
     * are told as that rather than as whatever else is wrong with them. */
    cocob_status s = read_idx(err, &im);
    if (s == COCOB_OK)
        s = read_idx(err, &lb);
    if (s == COCOB_OK && im.dims[0] != lb.dims[0])
        s = cocob_fail(err, COCOB_ERR_SHAPE, "%s holds %lu images but %s holds %lu labels",
                       images_path, (unsigned long)im.dims[0], labels_path,
                       (unsigned long)lb.dims[0]);
    if (s == COCOB_OK)
        s = check_size(err, &lb);
    if (s == COCOB_OK)
        s = check_labels(err, &lb);
    if (s == COCOB_OK)
        s = check_size(err, &im);
    if (s == COCOB_OK)
        s = cocob_dataset_alloc(err, images_path, im.dims[0], 1, im.dims[1], im.dims[2], &d);
    if (s == COCOB_OK) {
        cocob_pixels_to_floats(d->images, im.values, im.bytes);
        for (size_t i = 0; i < lb.bytes; i++)
            d->labels[i] = lb.values[i];
        d->classes = IDX_CLASSES;
        *out = d;
        cocob_log(&ctx->log, COCOB_LOG_INFO, "read %lu images of %lux%lu from %s, labels from %s",
                  (unsigned long)im.dims[0], (unsigned long)im.dims[1],
                  (unsigned long)im.dims[2], images_path, labels_path);
    }
    free(im.data);
    free(lb.data);
    return s;
}
