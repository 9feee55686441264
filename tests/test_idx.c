/* IDX files (MNIST, Fashion-MNIST): small ones written here, plain and
 * gzipped, that load; one broken in each way a real file can be, each
 * refused with a message that names the file and what is wrong with it;
 * finding a split in a folder; and the real Fashion-MNIST test split when
 * the machine has it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "data/dataset.h"
#include "data/read.h"
#include "testutil.h"

enum { N = 7, ROWS = 3, COLS = 4, PIX = ROWS * COLS };

#define IMAGES_MAGIC 0x00000803u
#define LABELS_MAGIC 0x00000801u

static unsigned char pixels[N * PIX];
static unsigned char labels[N];

/* Rows and columns differ, so that a swap shows; 0 and 255 are the ends
 * of the scale. */
static void make_example(void)
{
    for (size_t i = 0; i < N * PIX; i++)
        pixels[i] = (unsigned char)(i * 37 % 256);
    pixels[1] = 255;
    for (size_t i = 0; i < N; i++)
        labels[i] = (unsigned char)(i * 3 % 10);
}

typedef struct fixture {
    char *dir;
    char images[4096], labels[4096];
    cocob_context *ctx;
} fixture;

static void begin(fixture *f)
{
    make_example();
    f->dir = test_tmpdir("idx");
    snprintf(f->images, sizeof f->images, "%s/images-idx3-ubyte", f->dir);
    snprintf(f->labels, sizeof f->labels, "%s/labels-idx1-ubyte", f->dir);
    f->ctx = test_context("ref");
}

static void finish(fixture *f)
{
    cocob_context_destroy(f->ctx);
    test_rmtree(f->dir);
    free(f->dir);
}

/* The magic, then the sizes, then len bytes of values. */
static void write_idx(const char *path, uint32_t magic, const uint32_t *dims, unsigned ndims,
                      const unsigned char *values, size_t len, int gz)
{
    size_t head = 4 + 4 * (size_t)ndims;
    unsigned char *buf = malloc(head + len);
    ck_assert_ptr_nonnull(buf);
    for (unsigned i = 0; i <= ndims; i++) {
        uint32_t v = i == 0 ? magic : dims[i - 1];
        for (int b = 0; b < 4; b++)
            buf[4 * i + b] = (unsigned char)(v >> (24 - 8 * b));
    }
    memcpy(buf + head, values, len);
    test_write_file(path, buf, head + len, gz);
    free(buf);
}

static void good_images(const char *path, int gz)
{
    const uint32_t dims[3] = {N, ROWS, COLS};
    write_idx(path, IMAGES_MAGIC, dims, 3, pixels, sizeof pixels, gz);
}

static void good_labels(const char *path, int gz)
{
    const uint32_t dims[1] = {N};
    write_idx(path, LABELS_MAGIC, dims, 1, labels, sizeof labels, gz);
}

/* The set's images as the training loop sees them: gathered, as floats. */
static float *floats_of(const cocob_dataset *d)
{
    size_t c, h, w;
    cocob_dataset_shape(d, &c, &h, &w);
    float *x = malloc(d->count * c * h * w * sizeof *x);
    ck_assert_ptr_nonnull(x);
    cocob_dataset_gather(d, NULL, 0, d->count, x, NULL);
    return x;
}

static void check_example(const cocob_dataset *d)
{
    size_t c, h, w;
    ck_assert_uint_eq(cocob_dataset_count(d), N);
    cocob_dataset_shape(d, &c, &h, &w);
    ck_assert_uint_eq(c, 1);
    ck_assert_uint_eq(h, ROWS);
    ck_assert_uint_eq(w, COLS);
    ck_assert_uint_eq(cocob_dataset_classes(d), 10);
    /* Kept as the file's bytes, a quarter of the floats' memory. */
    ck_assert_ptr_null(d->images);
    ck_assert_mem_eq(d->pixels, pixels, N * PIX);
    float *x = floats_of(d);
    for (size_t i = 0; i < N * PIX; i++)
        ck_assert_msg(x[i] == pixels[i] / 255.0f, "pixel %zu: %g, not %u/255", i, x[i],
                      pixels[i]);
    ck_assert_float_eq(x[1], 1.0f);
    free(x);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(d->labels[i], labels[i]);
}

/* Loading fails with status, and the message names file and says problem. */
static void expect_failure(fixture *f, cocob_status status, const char *file, const char *problem)
{
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load_idx(f->ctx, f->images, f->labels, &d);
    const char *msg = cocob_context_error(f->ctx);
    ck_assert_msg(s == status, "expected %s for \"%s\", got %s: %s", cocob_status_name(status),
                  problem, cocob_status_name(s), msg);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(msg, file) != NULL, "the message does not name %s: %s", file, msg);
    ck_assert_msg(strstr(msg, problem) != NULL, "the message does not say \"%s\": %s", problem,
                  msg);
}

/* Images written with magic, dims and len bytes of pixels (gzipped when
 * gz) beside good labels: loading them fails, naming the images and saying
 * problem. */
static void expect_bad_images(uint32_t magic, const uint32_t dims[3], size_t len, int gz,
                              const char *problem)
{
    fixture f;
    begin(&f);
    write_idx(f.images, magic, dims, 3, pixels, len, gz);
    good_labels(f.labels, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images, problem);
    finish(&f);
}

START_TEST(plain_and_gzipped_files_load)
{
    fixture f;
    begin(&f);
    for (int gz = 0; gz < 4; gz++) {
        /* Each mix of plain and gzipped images and labels. */
        good_images(f.images, gz & 1);
        good_labels(f.labels, gz >> 1);
        cocob_dataset *d = NULL;
        cocob_status s = cocob_dataset_load_idx(f.ctx, f.images, f.labels, &d);
        ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
        check_example(d);
        cocob_dataset_destroy(d);
    }
    ck_assert_ptr_nonnull(strstr(test_log(), "read 7 images of 3x4"));
    finish(&f);
}
END_TEST

START_TEST(truncated_images)
{
    const uint32_t dims[3] = {N, ROWS, COLS};
    expect_bad_images(IMAGES_MAGIC, dims, sizeof pixels - 5, 0,
                      "truncated: the header says 7 images of 3x4 (84 bytes), the file holds 79");
    /* The same through gzip: the count is of the data, not of the file. */
    expect_bad_images(IMAGES_MAGIC, dims, sizeof pixels - 5, 1,
                      "truncated: the header says 7 images of 3x4 (84 bytes), the file holds 79");
}
END_TEST

START_TEST(truncated_labels)
{
    fixture f;
    begin(&f);
    const uint32_t dims[1] = {N};
    good_images(f.images, 1);
    write_idx(f.labels, LABELS_MAGIC, dims, 1, labels, N - 1, 1);
    expect_failure(&f, COCOB_ERR_IO, f.labels,
                   "truncated: the header says 7 labels (7 bytes), the file holds 6");
    finish(&f);
}
END_TEST

START_TEST(truncated_header)
{
    fixture f;
    begin(&f);
    good_labels(f.labels, 0);
    test_write_file(f.images, (const unsigned char *)"\0\0", 2, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images, "truncated: 2 bytes, too short for an IDX header");
    const unsigned char head[8] = {0, 0, 8, 3, 0, 0, 0, N};
    test_write_file(f.images, head, sizeof head, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images,
                   "truncated: the header ends after 8 of its 16 bytes");
    finish(&f);
}
END_TEST

START_TEST(trailing_bytes)
{
    const uint32_t dims[3] = {N, ROWS - 1, COLS};
    /* The header claims one row fewer than the file holds. */
    expect_bad_images(IMAGES_MAGIC, dims, sizeof pixels, 1,
                      "28 bytes of trailing data after the 7 images of 2x4 (56 bytes)");
}
END_TEST

START_TEST(wrong_magic)
{
    const uint32_t dims[3] = {N, ROWS, COLS};
    /* The usual mistake: the magic written little-endian. */
    expect_bad_images(0x03080000u, dims, sizeof pixels, 0,
                      "not an IDX file: wrong magic number 0x03080000, expected 0x00000803");
}
END_TEST

START_TEST(wrong_type_byte)
{
    const uint32_t dims[3] = {N, ROWS, COLS};
    /* 0x0D is IDX's float. */
    expect_bad_images(0x00000D03u, dims, sizeof pixels, 0, "wrong IDX value type 0x0D");
}
END_TEST

START_TEST(wrong_number_of_dimensions)
{
    fixture f;
    begin(&f);
    /* Images and labels swapped. */
    good_images(f.labels, 0);
    good_labels(f.images, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images,
                   "wrong number of dimensions: 1 (magic 0x00000801), but IDX images have 3 "
                   "(magic 0x00000803)");
    finish(&f);
}
END_TEST

START_TEST(zero_dimension)
{
    const uint32_t dims[3] = {N, 0, COLS};
    expect_bad_images(IMAGES_MAGIC, dims, 0, 0, "zero dimension: the header gives the rows as 0");
}
END_TEST

START_TEST(dimensions_overflow)
{
    const uint32_t dims[3] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
    expect_bad_images(IMAGES_MAGIC, dims, sizeof pixels, 0,
                      "the header's dimensions overflow size_t: 4294967295 images of "
                      "4294967295x4294967295");
}
END_TEST

START_TEST(huge_header_on_a_small_file)
{
    /* Sizes that fit in memory but not in the file: refused as truncated,
     * after reading the file, not after reserving what the header claims. */
    const uint32_t dims[3] = {N, 1u << 10, 1u << 10};
    expect_bad_images(IMAGES_MAGIC, dims, sizeof pixels, 1,
                      "truncated: the header says 7 images of 1024x1024 (7340032 bytes), "
                      "the file holds 84");
}
END_TEST

static long peak_rss_kib(void)
{
    struct rusage ru;
    ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

START_TEST(a_header_claiming_more_than_memory_is_refused_unread)
{
    /* 4 PB of pixels: more than any machine's memory, and refused from the
     * header, before anything is reserved or inflated for it. */
    fixture f;
    begin(&f);
    const uint32_t dims[3] = {UINT32_MAX, 1u << 10, 1u << 10}, count[1] = {UINT32_MAX};
    write_idx(f.images, IMAGES_MAGIC, dims, 3, pixels, sizeof pixels, 1);
    write_idx(f.labels, LABELS_MAGIC, count, 1, labels, sizeof labels, 0);
    long before = peak_rss_kib();
    cocob_dataset *d = NULL;
    ck_assert_int_eq(cocob_dataset_read_idx(f.ctx, f.images, f.labels, 0, cocob_data_limit(), &d),
                     COCOB_ERR_IO);
    ck_assert_ptr_null(d);
    const char *msg = cocob_context_error(f.ctx);
    ck_assert_msg(strstr(msg, f.images) && strstr(msg, "too large: 4294967295 images"), "%s",
                  msg);
    ck_assert_int_lt(peak_rss_kib() - before, 100 * 1024);
    finish(&f);
}
END_TEST

START_TEST(a_data_set_over_the_limit_is_refused)
{
    fixture f;
    begin(&f);
    for (int gz = 0; gz < 2; gz++) {
        good_images(f.images, gz);
        good_labels(f.labels, gz);
        cocob_dataset *d = NULL;
        ck_assert_int_eq(cocob_dataset_read_idx(f.ctx, f.images, f.labels, 0, sizeof pixels, &d),
                         COCOB_OK);
        check_example(d);
        cocob_dataset_destroy(d);
        d = NULL;
        ck_assert_int_eq(cocob_dataset_read_idx(f.ctx, f.images, f.labels, 0, sizeof pixels - 1,
                                                &d),
                         COCOB_ERR_IO);
        ck_assert_ptr_null(d);
        const char *msg = cocob_context_error(f.ctx);
        ck_assert_msg(strstr(msg, f.images) &&
                          strstr(msg, "too large: 7 images of 12 bytes each are 84 bytes, more "
                                      "than the 83 bytes"),
                      "%s", msg);
        /* The first 6 examples fit. */
        ck_assert_int_eq(cocob_dataset_read_idx(f.ctx, f.images, f.labels, 6, sizeof pixels - 1,
                                                &d),
                         COCOB_OK);
        ck_assert_uint_eq(cocob_dataset_count(d), 6);
        cocob_dataset_destroy(d);
    }
    /* Half the memory, in bytes: pixels are kept as bytes, not as floats
     * four times as large. */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    ck_assert_uint_eq(cocob_data_limit(), (size_t)pages * (size_t)page / 2);
    finish(&f);
}
END_TEST

START_TEST(floats_of_pixels_are_held_to_the_limit)
{
    /* The limit holds a set's pixels as bytes; taken whole as floats
     * (cocob predict), four times as large, they are held to it too. */
    fixture f;
    begin(&f);
    good_images(f.images, 0);
    good_labels(f.labels, 0);
    cocob_dataset *d = NULL;
    ck_assert_int_eq(cocob_dataset_load_idx(f.ctx, f.images, f.labels, &d), COCOB_OK);
    size_t count = d->count, per = d->channels * d->height * d->width;
    d->count = cocob_data_limit() / sizeof(float) / per + 1;
    ck_assert_int_eq(cocob_dataset_to_floats(&f.ctx->err, d), COCOB_ERR_OUT_OF_MEMORY);
    const char *msg = cocob_context_error(f.ctx);
    ck_assert_msg(strstr(msg, "bytes a data set may take"), "%s", msg);
    ck_assert_ptr_nonnull(d->pixels);
    d->count = count;
    ck_assert_int_eq(cocob_dataset_to_floats(&f.ctx->err, d), COCOB_OK);
    ck_assert_ptr_null(d->pixels);
    ck_assert_float_eq(d->images[1], pixels[1] / 255.0f);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

/* A million blank 28x28 images, 784 MB, gzipped to a few MB, with their
 * labels, as dir/train-*-idx?-ubyte.gz. */
static void blank_million(const char *dir)
{
    enum { COUNT = 1000000, SIDE = 28 };
    static unsigned char zeros[1 << 20];
    char path[4200];
    for (int images = 0; images < 2; images++) {
        snprintf(path, sizeof path, "%s/train-%s.gz", dir,
                 images ? "images-idx3-ubyte" : "labels-idx1-ubyte");
        gzFile g = gzopen(path, "wb1");
        ck_assert_ptr_nonnull(g);
        unsigned char head[16];
        const uint32_t v[4] = {images ? IMAGES_MAGIC : LABELS_MAGIC, COUNT, SIDE, SIDE};
        for (unsigned i = 0; i < 4; i++)
            for (int b = 0; b < 4; b++)
                head[4 * i + b] = (unsigned char)(v[i] >> (24 - 8 * b));
        ck_assert_int_eq(gzwrite(g, head, images ? 16 : 8), images ? 16 : 8);
        size_t left = (size_t)COUNT * (images ? SIDE * SIDE : 1);
        while (left > 0) {
            unsigned n = left < sizeof zeros ? (unsigned)left : (unsigned)sizeof zeros;
            ck_assert_int_eq(gzwrite(g, zeros, n), (int)n);
            left -= n;
        }
        ck_assert_int_eq(gzclose(g), Z_OK);
    }
}

START_TEST(a_limit_inflates_and_converts_only_the_examples_used)
{
    /* Before, the whole 784 MB was inflated, and converted to 3.1 GB of
     * floats, before the first 500 were kept. */
    fixture f;
    begin(&f);
    blank_million(f.dir);
    long before = peak_rss_kib();
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load_first(f.ctx, f.dir, COCOB_SPLIT_TRAIN, 500, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    ck_assert_uint_eq(cocob_dataset_count(d), 500);
    for (size_t i = 0; i < 500 * 28 * 28; i++)
        ck_assert_uint_eq(d->pixels[i], 0);
    cocob_dataset_destroy(d);
    long grown = peak_rss_kib() - before;
    ck_assert_msg(grown < 100 * 1024, "the peak RSS grew by %ld KiB", grown);
    finish(&f);
}
END_TEST

START_TEST(label_out_of_range)
{
    fixture f;
    begin(&f);
    good_images(f.images, 0);
    labels[4] = 10;
    good_labels(f.labels, 0);
    expect_failure(&f, COCOB_ERR_IO, f.labels,
                   "label 10 at index 4 is out of range: there are 10 classes");
    finish(&f);
}
END_TEST

START_TEST(count_mismatch)
{
    fixture f;
    begin(&f);
    const uint32_t dims[1] = {N - 1};
    good_images(f.images, 0);
    write_idx(f.labels, LABELS_MAGIC, dims, 1, labels, N - 1, 0);
    expect_failure(&f, COCOB_ERR_SHAPE, f.images, "holds 7 images but");
    expect_failure(&f, COCOB_ERR_SHAPE, f.labels, "holds 6 labels");
    finish(&f);
}
END_TEST

START_TEST(missing_file)
{
    fixture f;
    begin(&f);
    good_images(f.images, 0);
    expect_failure(&f, COCOB_ERR_IO, f.labels, "No such file or directory");
    finish(&f);
}
END_TEST

/* Reads a whole file into memory; *len gets its size. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *buf = malloc(1 << 16);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

START_TEST(corrupt_gzip_stream)
{
    fixture f;
    begin(&f);
    good_images(f.images, 1);
    good_labels(f.labels, 0);
    size_t len;
    unsigned char *gz = slurp(f.images, &len);
    for (size_t i = len / 2 - 2; i < len / 2 + 2; i++)
        gz[i] ^= 0xA5;
    test_write_file(f.images, gz, len, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images, "corrupt gzip data: ");
    free(gz);
    finish(&f);
}
END_TEST

START_TEST(cut_gzip_stream)
{
    fixture f;
    begin(&f);
    good_images(f.images, 1);
    good_labels(f.labels, 0);
    size_t len;
    unsigned char *gz = slurp(f.images, &len);
    test_write_file(f.images, gz, len - 12, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images, "truncated gzip stream");
    free(gz);
    finish(&f);
}
END_TEST

/* The bytes of buf gzipped, as one member: *len gets its size. */
static unsigned char *gzip_member(fixture *f, const unsigned char *buf, size_t n, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/member.gz", f->dir);
    test_write_file(path, buf, n, 1);
    unsigned char *gz = slurp(path, len);
    ck_assert_int_eq(unlink(path), 0);
    return gz;
}

START_TEST(gzip_members_are_joined)
{
    /* As gunzip does, and as `cat a.gz b.gz` makes. The last member, whose
     * trailer gives the size, is the smaller, so the buffer must grow. */
    fixture f;
    begin(&f);
    good_images(f.images, 0);
    good_labels(f.labels, 0);
    size_t n, first = 50, len1, len2;
    unsigned char *plain = slurp(f.images, &n);
    unsigned char *a = gzip_member(&f, plain, first, &len1);
    unsigned char *b = gzip_member(&f, plain + first, n - first, &len2);
    unsigned char *both = malloc(len1 + len2);
    ck_assert_ptr_nonnull(both);
    memcpy(both, a, len1);
    memcpy(both + len1, b, len2);
    test_write_file(f.images, both, len1 + len2, 0);
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load_idx(f.ctx, f.images, f.labels, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    check_example(d);
    cocob_dataset_destroy(d);

    /* Bytes after the last member that are not another one. */
    memcpy(both + len1, "junk", 4);
    test_write_file(f.images, both, len1 + 4, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images,
                   "4 bytes of trailing data after the gzip stream, which are not gzip");
    free(both);
    free(a);
    free(b);
    free(plain);
    finish(&f);
}
END_TEST

START_TEST(gzip_trailer_claiming_a_huge_size)
{
    /* The size in the trailer is what the buffer starts at, but only up to
     * what the compressed data could inflate to: this one says 4 GiB - 1. */
    fixture f;
    begin(&f);
    good_images(f.images, 1);
    good_labels(f.labels, 0);
    size_t len;
    unsigned char *gz = slurp(f.images, &len);
    memset(gz + len - 4, 0xFF, 4);
    test_write_file(f.images, gz, len, 0);
    expect_failure(&f, COCOB_ERR_IO, f.images, "corrupt gzip data: incorrect length check");
    free(gz);
    finish(&f);
}
END_TEST

/* With a limit, nothing past the examples kept is read: a file cut right
 * after them loads, plain and gzipped, and one cut within them is
 * refused with what the kept examples need. */
START_TEST(a_limit_reads_only_the_examples_kept)
{
    fixture f;
    begin(&f);
    const uint32_t dims[3] = {N, ROWS, COLS}, label_dims[1] = {N};
    for (int gz = 0; gz < 2; gz++) {
        write_idx(f.images, IMAGES_MAGIC, dims, 3, pixels, 4 * PIX, gz);
        write_idx(f.labels, LABELS_MAGIC, label_dims, 1, labels, 4, gz);
        cocob_dataset *d = NULL;
        cocob_status s = cocob_dataset_read_idx(f.ctx, f.images, f.labels, 4, cocob_data_limit(),
                                                &d);
        ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
        ck_assert_uint_eq(cocob_dataset_count(d), 4);
        ck_assert_mem_eq(d->pixels, pixels, 4 * PIX);
        for (size_t i = 0; i < 4; i++)
            ck_assert_int_eq(d->labels[i], labels[i]);
        cocob_dataset_destroy(d);
        /* The whole set still tells the file is short. */
        expect_failure(&f, COCOB_ERR_IO, f.labels,
                       "truncated: the header says 7 labels (7 bytes), the file holds 4");
        s = cocob_dataset_read_idx(f.ctx, f.images, f.labels, 5, cocob_data_limit(), &d);
        ck_assert_int_eq(s, COCOB_ERR_IO);
        ck_assert_ptr_null(d);
        const char *msg = cocob_context_error(f.ctx);
        ck_assert_msg(strstr(msg, f.labels) &&
                          strstr(msg, "truncated: the header says 7 labels; the first 5 need 5 "
                                      "bytes, the file holds 4"),
                      "%s", msg);
    }
    finish(&f);
}
END_TEST

START_TEST(truncate_keeps_the_first_examples)
{
    fixture f;
    begin(&f);
    good_images(f.images, 0);
    good_labels(f.labels, 0);
    cocob_dataset *d;
    ck_assert_int_eq(cocob_dataset_load_idx(f.ctx, f.images, f.labels, &d), COCOB_OK);
    ck_assert_int_eq(cocob_dataset_truncate(f.ctx, d, N + 1), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(f.ctx), "cannot keep 8 examples of 7"));
    ck_assert_int_eq(cocob_dataset_truncate(f.ctx, d, 0), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(cocob_dataset_truncate(f.ctx, d, 3), COCOB_OK);
    ck_assert_uint_eq(cocob_dataset_count(d), 3);
    float *x = floats_of(d);
    for (size_t i = 0; i < 3 * PIX; i++)
        ck_assert(x[i] == pixels[i] / 255.0f);
    free(x);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(d->labels[i], labels[i]);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

START_TEST(a_folder_of_idx_files)
{
    fixture f;
    begin(&f);
    char images[4096], labels_path[4096];
    snprintf(images, sizeof images, "%s/train-images-idx3-ubyte.gz", f.dir);
    snprintf(labels_path, sizeof labels_path, "%s/train-labels-idx1-ubyte", f.dir);
    good_images(images, 1);
    cocob_dataset *d = NULL;
    /* Half a pair is named, with what is missing. */
    ck_assert_int_eq(cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TRAIN, &d), COCOB_ERR_IO);
    const char *msg = cocob_context_error(f.ctx);
    ck_assert_msg(strstr(msg, "found") && strstr(msg, "train-images-idx3-ubyte.gz") &&
                      strstr(msg, "neither train-labels-idx1-ubyte nor "
                                  "train-labels-idx1-ubyte.gz"),
                  "%s", msg);
    good_labels(labels_path, 0);
    cocob_status s = cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TRAIN, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    check_example(d);
    cocob_dataset_destroy(d);
    d = NULL;
    /* The test split is not there: the error lists every name tried. */
    ck_assert_int_eq(cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TEST, &d), COCOB_ERR_IO);
    ck_assert_ptr_null(d);
    msg = cocob_context_error(f.ctx);
    ck_assert_msg(strstr(msg, f.dir) && strstr(msg, "t10k-images-idx3-ubyte[.gz]") &&
                      strstr(msg, "t10k-labels-idx1-ubyte[.gz]") &&
                      strstr(msg, "test_batch.bin") && strstr(msg, "cifar-10-batches-bin/"),
                  "%s", msg);
    finish(&f);
}
END_TEST

START_TEST(a_folder_that_is_not_there)
{
    cocob_context *ctx = test_context("ref");
    cocob_dataset *d = NULL;
    ck_assert_int_eq(cocob_dataset_load(ctx, "/nonexistent/cocob-data", COCOB_SPLIT_TRAIN, &d),
                     COCOB_ERR_IO);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(cocob_context_error(ctx),
                     "/nonexistent/cocob-data: cannot open folder: No such file or directory");
    cocob_context_destroy(ctx);
}
END_TEST

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

START_TEST(fashion_mnist_test_split)
{
    if (access(FASHION_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0) {
        fprintf(stderr, "test_idx: no Fashion-MNIST in " FASHION_DIR ", skipped\n");
        return;
    }
    cocob_context *ctx = test_context("ref");
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load(ctx, FASHION_DIR, COCOB_SPLIT_TEST, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    size_t c, h, w;
    cocob_dataset_shape(d, &c, &h, &w);
    ck_assert_uint_eq(cocob_dataset_count(d), 10000);
    ck_assert_uint_eq(c, 1);
    ck_assert_uint_eq(h, 28);
    ck_assert_uint_eq(w, 28);
    float lo = 1, hi = 0;
    long total = 0, first = 0;
    float *x = floats_of(d);
    for (size_t i = 0; i < 10000 * 784; i++) {
        float p = x[i];
        lo = p < lo ? p : lo;
        hi = p > hi ? p : hi;
        /* x / 255.0f times 255 rounds back to the byte x. */
        long byte = lround(p * 255.0);
        total += byte;
        if (i < 784)
            first += byte;
    }
    free(x);
    ck_assert_float_eq(lo, 0.0f);
    ck_assert_float_eq(hi, 1.0f);
    size_t per_class[10] = {0};
    for (size_t i = 0; i < 10000; i++) {
        ck_assert(d->labels[i] >= 0 && d->labels[i] < 10);
        per_class[d->labels[i]]++;
    }
    for (int k = 0; k < 10; k++)
        ck_assert_uint_eq(per_class[k], 1000);
    /* Measured with Python's gzip module on the same files: the first image
     * is an ankle boot (class 9) whose bytes sum to 33456; all the test
     * split's bytes sum to 573469082. */
    ck_assert_int_eq(d->labels[0], 9);
    ck_assert_int_eq(first, 33456);
    ck_assert_int_eq(total, 573469082);
    cocob_dataset_destroy(d);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idx");
    TCase *tc = tcase_create("idx");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, plain_and_gzipped_files_load);
    tcase_add_test(tc, truncated_images);
    tcase_add_test(tc, truncated_labels);
    tcase_add_test(tc, truncated_header);
    tcase_add_test(tc, trailing_bytes);
    tcase_add_test(tc, wrong_magic);
    tcase_add_test(tc, wrong_type_byte);
    tcase_add_test(tc, wrong_number_of_dimensions);
    tcase_add_test(tc, zero_dimension);
    tcase_add_test(tc, dimensions_overflow);
    tcase_add_test(tc, huge_header_on_a_small_file);
    tcase_add_test(tc, label_out_of_range);
    tcase_add_test(tc, count_mismatch);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, corrupt_gzip_stream);
    tcase_add_test(tc, cut_gzip_stream);
    tcase_add_test(tc, gzip_members_are_joined);
    tcase_add_test(tc, gzip_trailer_claiming_a_huge_size);
    tcase_add_test(tc, a_data_set_over_the_limit_is_refused);
    tcase_add_test(tc, a_header_claiming_more_than_memory_is_refused_unread);
    tcase_add_test(tc, floats_of_pixels_are_held_to_the_limit);
    tcase_add_test(tc, a_limit_inflates_and_converts_only_the_examples_used);
    tcase_add_test(tc, a_limit_reads_only_the_examples_kept);
    tcase_add_test(tc, truncate_keeps_the_first_examples);
    tcase_add_test(tc, a_folder_of_idx_files);
    tcase_add_test(tc, a_folder_that_is_not_there);
    tcase_add_test(tc, fashion_mnist_test_split);
    suite_add_tcase(s, tc);
    return test_run(s);
}
