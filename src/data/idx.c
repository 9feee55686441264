/* MNIST-style IDX files: a big-endian header (magic, then one 32-bit size
 * per dimension), then the values, here unsigned bytes. MNIST and
 * Fashion-MNIST ship their images and labels this way. */
#include <stdio.h>
#include <stdlib.h>

#include "base/checked.h"
#include "base/le.h"
#include "data/dataset.h"
#include "data/read.h"

#define IDX_UBYTE 0x08
#define IDX_CLASSES 10

typedef struct idx_file {
    const char *path;
    const char *what; /* "images" or "labels" */
    unsigned ndims;   /* what this kind of file must have */
    cocob_data_file *file;
    uint32_t dims[3];
    size_t bytes;          /* of values, as the header says */
    size_t per;            /* bytes of values per example */
    unsigned char *values; /* the first examples' values, those used */
    size_t got;            /* bytes of them read */
    uint64_t held;         /* bytes of values the file holds */
} idx_file;

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

/* Opens the file and reads and checks its header, nothing more. */
static cocob_status read_header(cocob_error *err, idx_file *x)
{
    cocob_status s = cocob_data_open(err, x->path, &x->file);
    unsigned char head[16];
    size_t got = 0;
    if (s == COCOB_OK)
        s = cocob_data_read(x->file, head, 4, &got);
    if (s != COCOB_OK)
        return s;
    uint32_t want = 0x800u | x->ndims;
    if (got < 4)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated: %zu bytes, too short for an IDX header (magic 0x%08lX)",
                          x->path, got, (unsigned long)want);
    unsigned long magic = cocob_be_get_u32(head);
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
    s = cocob_data_read(x->file, head + 4, head_size - 4, &got);
    if (s != COCOB_OK)
        return s;
    if (got < head_size - 4)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated: the header ends after %zu of its %zu bytes", x->path,
                          4 + got, head_size);
    for (unsigned i = 0; i < x->ndims; i++) {
        x->dims[i] = cocob_be_get_u32(head + 4 + 4 * i);
        if (x->dims[i] == 0)
            return cocob_fail(err, COCOB_ERR_IO, "%s: zero dimension: the header gives %s as 0",
                              x->path, dim_name(i));
    }
    /* Each value becomes 4 bytes (a float or an int32), so the product must
     * fit in size_t 4 times over, before anything is allocated for it. */
    size_t bytes = 1, floats;
    int fits = 1;
    for (unsigned i = 0; i < x->ndims; i++)
        fits = fits && size_mul(bytes, x->dims[i], &bytes);
    if (!fits || !size_mul(bytes, sizeof(float), &floats)) {
        char desc[96];
        describe(x, desc, sizeof desc);
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: the header's dimensions overflow size_t: %s cannot be held in "
                          "memory",
                          x->path, desc);
    }
    x->bytes = bytes;
    x->per = bytes / x->dims[0];
    return COCOB_OK;
}

/* The values of the first used examples are within limit bytes. */
static cocob_status check_limit(cocob_error *err, const idx_file *x, size_t used, size_t limit)
{
    size_t need = used * x->per; /* at most x->bytes, which fits */
    if (need <= limit)
        return COCOB_OK;
    return cocob_fail(err, COCOB_ERR_IO,
                      "%s: too large: %zu %s of %zu bytes each are %zu bytes, more than the "
                      "%zu bytes a data set may take (half of memory); load fewer",
                      x->path, used, x->what, x->per, need, limit);
}

/* The values of the first used examples; when they are all, the rest of
 * the file counted, not kept, to tell a truncated or overlong file. Short
 * of all, nothing past them is read or inflated: --limit's start-up is
 * that of the examples it keeps. */
static cocob_status read_values(idx_file *x, size_t used)
{
    uint64_t rest = 0;
    cocob_status s = cocob_data_take(x->file, used * x->per, &x->values, &x->got);
    if (s == COCOB_OK && used == x->dims[0])
        s = cocob_data_rest(x->file, &rest);
    x->held = x->got + rest;
    return s;
}

/* The file holds exactly the values the header promises, or, read in part,
 * at least those of the first used examples. */
static cocob_status check_size(cocob_error *err, const idx_file *x, size_t used)
{
    char desc[96];
    describe(x, desc, sizeof desc);
    if (used < x->dims[0]) {
        if (x->got == used * x->per)
            return COCOB_OK;
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated: the header says %s; the first %zu need %zu bytes, "
                          "the file holds %zu",
                          x->path, desc, used, used * x->per, x->got);
    }
    if (x->held == x->bytes)
        return COCOB_OK;
    if (x->held < x->bytes)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated: the header says %s (%zu bytes), the file holds %llu",
                          x->path, desc, x->bytes, (unsigned long long)x->held);
    return cocob_fail(err, COCOB_ERR_IO,
                      "%s: %llu bytes of trailing data after the %s (%zu bytes) the header "
                      "describes",
                      x->path, (unsigned long long)(x->held - x->bytes), desc, x->bytes);
}

/* The labels used, those read. */
static cocob_status check_labels(cocob_error *err, const idx_file *x)
{
    for (size_t i = 0; i < x->got; i++)
        if (x->values[i] >= IDX_CLASSES)
            return cocob_fail(err, COCOB_ERR_IO,
                              "%s: label %u at index %zu is out of range: there are %d classes",
                              x->path, x->values[i], i, IDX_CLASSES);
    return COCOB_OK;
}

cocob_status cocob_dataset_read_idx(cocob_context *ctx, const char *images_path,
                                    const char *labels_path, size_t max_count, size_t limit,
                                    cocob_dataset **out)
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
    cocob_status s = read_header(err, &im);
    if (s == COCOB_OK)
        s = read_header(err, &lb);
    if (s == COCOB_OK && im.dims[0] != lb.dims[0])
        s = cocob_fail(err, COCOB_ERR_SHAPE, "%s holds %lu images but %s holds %lu labels",
                       images_path, (unsigned long)im.dims[0], labels_path,
                       (unsigned long)lb.dims[0]);
    size_t used = max_count && max_count < im.dims[0] ? max_count : im.dims[0];
    if (s == COCOB_OK)
        s = check_limit(err, &im, used, limit);
    if (s == COCOB_OK)
        s = check_limit(err, &lb, used, limit);
    if (s == COCOB_OK)
        s = read_values(&lb, used);
    if (s == COCOB_OK)
        s = check_size(err, &lb, used);
    if (s == COCOB_OK)
        s = check_labels(err, &lb);
    if (s == COCOB_OK)
        s = read_values(&im, used);
    if (s == COCOB_OK)
        s = check_size(err, &im, used);
    /* The bytes read become the set's, kept as bytes. */
    if (s == COCOB_OK)
        s = cocob_dataset_alloc_pixels(err, images_path, used, 1, im.dims[1], im.dims[2],
                                       im.values, &d);
    if (s == COCOB_OK) {
        im.values = NULL;
        for (size_t i = 0; i < lb.got; i++)
            d->labels[i] = lb.values[i];
        d->classes = IDX_CLASSES;
        *out = d;
        cocob_log(&ctx->log, COCOB_LOG_INFO,
                  "read %zu images of %lux%lu from %s%s, labels from %s", used,
                  (unsigned long)im.dims[1], (unsigned long)im.dims[2], images_path,
                  used < im.dims[0] ? " (the first)" : "", labels_path);
    }
    cocob_data_close(im.file);
    cocob_data_close(lb.file);
    free(im.values);
    free(lb.values);
    return s;
}

cocob_status cocob_dataset_load_idx(cocob_context *ctx, const char *images_path,
                                    const char *labels_path, cocob_dataset **out)
{
    return cocob_dataset_read_idx(ctx, images_path, labels_path, 0, cocob_data_limit(), out);
}
