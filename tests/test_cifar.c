/* CIFAR-10 binary batches, written here (the real set is not needed): one
 * and several files, the broken ones each refused with a message naming
 * the file, and finding a split in a folder or its cifar-10-batches-bin/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/dataset.h"
#include "data/read.h"
#include "testutil.h"

enum { PIXELS = 3 * 32 * 32, RECORD = 1 + PIXELS };

/* File k's record r: a label and pixels that tell k and r apart. */
static unsigned char label_of(int k, size_t r)
{
    return (unsigned char)((r + (size_t)k) % 10);
}

static unsigned char pixel_of(int k, size_t r, size_t p)
{
    return (unsigned char)(((size_t)k * 31 + r * 7 + p) % 256);
}

static unsigned char *batch_bytes(int k, size_t records)
{
    unsigned char *buf = malloc(records * RECORD + 1);
    ck_assert_ptr_nonnull(buf);
    for (size_t r = 0; r < records; r++) {
        buf[r * RECORD] = label_of(k, r);
        for (size_t p = 0; p < PIXELS; p++)
            buf[r * RECORD + 1 + p] = pixel_of(k, r, p);
    }
    return buf;
}

/* Writes file k of records records, plus extra bytes, as dir/name. */
static void write_batch(const char *dir, const char *name, int k, size_t records, size_t extra)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *buf = batch_bytes(k, records + 1);
    test_write_file(path, buf, records * RECORD + extra, 0);
    free(buf);
}

typedef struct fixture {
    cocob_context *ctx;
    char *dir;
} fixture;

static void begin(fixture *f)
{
    f->ctx = test_context("ref");
    f->dir = test_tmpdir("cifar");
}

static void finish(fixture *f)
{
    test_rmtree(f->dir);
    free(f->dir);
    cocob_context_destroy(f->ctx);
}

/* dir/name in path, of 4096 bytes. */
static void path_in(const char *dir, const char *name, char *path)
{
    snprintf(path, 4096, "%s/%s", dir, name);
}

/* Records r0 .. r0 + records - 1 of d are file k's records 0 .. records - 1. */
static void check_records(const cocob_dataset *d, size_t r0, int k, size_t records)
{
    float x[PIXELS];
    for (size_t r = 0; r < records; r++) {
        ck_assert_int_eq(d->labels[r0 + r], label_of(k, r));
        cocob_dataset_gather(d, NULL, r0 + r, 1, x, NULL);
        for (size_t p = 0; p < PIXELS; p++)
            ck_assert_msg(x[p] == pixel_of(k, r, p) / 255.0f,
                          "example %zu, pixel %zu: %g, not %u/255", r0 + r, p, x[p],
                          pixel_of(k, r, p));
    }
}

static void check_shape(const cocob_dataset *d, size_t count)
{
    size_t c, h, w;
    ck_assert_uint_eq(cocob_dataset_count(d), count);
    cocob_dataset_shape(d, &c, &h, &w);
    ck_assert_uint_eq(c, 3);
    ck_assert_uint_eq(h, 32);
    ck_assert_uint_eq(w, 32);
    ck_assert_uint_eq(cocob_dataset_classes(d), 10);
}

/* Loading the named files of f's folder fails with COCOB_ERR_IO, and the
 * message names file and says problem. */
static void expect_failure(const fixture *f, const char *const *names, size_t count,
                           const char *file, const char *problem)
{
    char paths[4][4096];
    const char *p[4];
    for (size_t i = 0; i < count; i++) {
        path_in(f->dir, names[i], paths[i]);
        p[i] = paths[i];
    }
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load_cifar(f->ctx, p, count, &d);
    const char *msg = cocob_context_error(f->ctx);
    ck_assert_msg(s == COCOB_ERR_IO, "expected COCOB_ERR_IO for \"%s\", got %s: %s", problem,
                  cocob_status_name(s), msg);
    ck_assert_ptr_null(d);
    char named[4096];
    path_in(f->dir, file, named);
    ck_assert_msg(strstr(msg, named) != NULL, "the message does not name %s: %s", named, msg);
    ck_assert_msg(strstr(msg, problem) != NULL, "the message does not say \"%s\": %s", problem,
                  msg);
}

START_TEST(one_batch_loads)
{
    fixture f;
    begin(&f);
    write_batch(f.dir, "a.bin", 0, 3, 0);
    char path[4096];
    path_in(f.dir, "a.bin", path);
    const char *paths[] = {path};
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load_cifar(f.ctx, paths, 1, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    check_shape(d, 3);
    check_records(d, 0, 0, 3);
    cocob_dataset_destroy(d);
    ck_assert_ptr_nonnull(strstr(test_log(), "read 3 CIFAR-10 images from 1 file"));
    finish(&f);
}
END_TEST

START_TEST(batches_are_joined_in_order)
{
    fixture f;
    begin(&f);
    write_batch(f.dir, "b.bin", 1, 2, 0);
    write_batch(f.dir, "a.bin", 2, 3, 0);
    /* A gzipped batch reads as well as a plain one. */
    char gz[4096];
    path_in(f.dir, "c.bin.gz", gz);
    unsigned char *buf = batch_bytes(3, 1);
    test_write_file(gz, buf, RECORD, 1);
    free(buf);
    char b[4096], a[4096];
    path_in(f.dir, "b.bin", b);
    path_in(f.dir, "a.bin", a);
    const char *paths[] = {b, a, gz};
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load_cifar(f.ctx, paths, 3, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    check_shape(d, 6);
    check_records(d, 0, 1, 2);
    check_records(d, 2, 2, 3);
    check_records(d, 5, 3, 1);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

START_TEST(size_not_a_multiple_of_a_record)
{
    fixture f;
    begin(&f);
    write_batch(f.dir, "a.bin", 0, 2, 5);
    const char *names[] = {"a.bin"};
    expect_failure(&f, names, 1, "a.bin",
                   "6151 bytes is not a multiple of 3073, the size of a CIFAR-10 record");
    expect_failure(&f, names, 1, "a.bin", "2 records and 5 bytes over");
    finish(&f);
}
END_TEST

START_TEST(empty_file)
{
    fixture f;
    begin(&f);
    write_batch(f.dir, "a.bin", 0, 0, 0);
    const char *names[] = {"a.bin"};
    expect_failure(&f, names, 1, "a.bin", "empty: a CIFAR-10 batch holds records of 3073");
    finish(&f);
}
END_TEST

START_TEST(label_out_of_range)
{
    fixture f;
    begin(&f);
    char path[4096];
    path_in(f.dir, "a.bin", path);
    unsigned char *buf = batch_bytes(0, 3);
    buf[2 * RECORD] = 10;
    test_write_file(path, buf, 3 * RECORD, 0);
    free(buf);
    const char *names[] = {"a.bin"};
    expect_failure(&f, names, 1, "a.bin",
                   "record 2 has label 10, out of range: there are 10 classes");
    finish(&f);
}
END_TEST

START_TEST(a_bad_file_among_good_ones)
{
    fixture f;
    begin(&f);
    write_batch(f.dir, "a.bin", 0, 2, 0);
    write_batch(f.dir, "b.bin", 1, 1, 7);
    write_batch(f.dir, "c.bin", 2, 1, 0);
    const char *names[] = {"a.bin", "b.bin", "c.bin"};
    expect_failure(&f, names, 3, "b.bin", "3080 bytes is not a multiple of 3073");
    const char *missing[] = {"a.bin", "nothing.bin"};
    expect_failure(&f, missing, 2, "nothing.bin", "No such file");
    cocob_dataset *d = NULL;
    ck_assert_int_eq(cocob_dataset_load_cifar(f.ctx, NULL, 0, &d), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(d);
    finish(&f);
}
END_TEST

START_TEST(a_limit_reads_only_the_records_kept)
{
    /* b.bin is cut inside its third record and c.bin is no batch at all:
     * the first 5 records are whole, so a limit of 4 or 5 loads and a
     * limit of 6, or none, tells the cut. */
    fixture f;
    begin(&f);
    char paths[3][4096];
    const char *p[3];
    for (int i = 0; i < 3; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%c.bin", f.dir, 'a' + i);
        p[i] = paths[i];
    }
    for (int gz = 0; gz < 2; gz++) {
        unsigned char *a = batch_bytes(0, 3), *b = batch_bytes(1, 3);
        test_write_file(p[0], a, 3 * RECORD, gz);
        test_write_file(p[1], b, 2 * RECORD + 100, gz);
        test_write_file(p[2], (const unsigned char *)"junk", 4, gz);
        free(a);
        free(b);
        for (size_t limit = 4; limit <= 5; limit++) {
            cocob_dataset *d = NULL;
            cocob_status s = cocob_dataset_read_cifar(f.ctx, p, 3, limit, cocob_data_limit(), &d);
            ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
            check_shape(d, limit);
            check_records(d, 0, 0, 3);
            check_records(d, 3, 1, limit - 3);
            cocob_dataset_destroy(d);
            ck_assert_ptr_nonnull(strstr(test_log(), "(the first)"));
        }
        cocob_dataset *d = NULL;
        ck_assert_int_eq(cocob_dataset_read_cifar(f.ctx, p, 3, 6, cocob_data_limit(), &d),
                         COCOB_ERR_IO);
        ck_assert_ptr_null(d);
        const char *msg = cocob_context_error(f.ctx);
        ck_assert_msg(strstr(msg, p[1]) && strstr(msg, "6246 bytes is not a multiple of 3073"),
                      "%s", msg);
        const char *names[] = {"a.bin", "b.bin", "c.bin"};
        expect_failure(&f, names, 3, "b.bin", "6246 bytes is not a multiple of 3073");
    }
    finish(&f);
}
END_TEST

START_TEST(folder_discovery)
{
    fixture f;
    begin(&f);
    cocob_dataset *d = NULL;

    ck_assert_int_eq(cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TRAIN, &d), COCOB_ERR_IO);
    const char *msg = cocob_context_error(f.ctx);
    ck_assert_msg(strstr(msg, f.dir) && strstr(msg, "no training split here") &&
                      strstr(msg, "train-images-idx3-ubyte[.gz]") &&
                      strstr(msg, "train-labels-idx1-ubyte[.gz]") &&
                      strstr(msg, "data_batch_1.bin .. data_batch_5.bin") &&
                      strstr(msg, "cifar-10-batches-bin/"),
                  "%s", msg);

    /* Training batches beside each other, numbered 1 to 5 and read so. */
    char name[32];
    for (int k = 1; k <= 3; k++) {
        snprintf(name, sizeof name, "data_batch_%d.bin", k);
        write_batch(f.dir, name, k, (size_t)k, 0);
    }
    ck_assert_int_eq(cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TRAIN, &d), COCOB_ERR_IO);
    msg = cocob_context_error(f.ctx);
    ck_assert_msg(strstr(msg, f.dir) &&
                      strstr(msg, "has 3 of the 5 CIFAR-10 batches; missing: data_batch_4.bin "
                                  "data_batch_5.bin"),
                  "%s", msg);
    for (int k = 4; k <= 5; k++) {
        snprintf(name, sizeof name, "data_batch_%d.bin", k);
        write_batch(f.dir, name, k, (size_t)k, 0);
    }
    cocob_status s = cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TRAIN, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    check_shape(d, 1 + 2 + 3 + 4 + 5);
    for (int k = 1, r0 = 0; k <= 5; r0 += k, k++)
        check_records(d, (size_t)r0, k, (size_t)k);
    cocob_dataset_destroy(d);
    d = NULL;

    /* The test batch inside cifar-10-batches-bin/, as the archive unpacks. */
    char sub[4096];
    path_in(f.dir, "cifar-10-batches-bin", sub);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    ck_assert_int_eq(cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TEST, &d), COCOB_ERR_IO);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(f.ctx), "test_batch.bin"));
    write_batch(sub, "test_batch.bin", 9, 4, 0);
    s = cocob_dataset_load(f.ctx, f.dir, COCOB_SPLIT_TEST, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    check_shape(d, 4);
    check_records(d, 0, 9, 4);
    cocob_dataset_destroy(d);

    finish(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cifar");
    TCase *tc = tcase_create("cifar");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, one_batch_loads);
    tcase_add_test(tc, batches_are_joined_in_order);
    tcase_add_test(tc, size_not_a_multiple_of_a_record);
    tcase_add_test(tc, empty_file);
    tcase_add_test(tc, label_out_of_range);
    tcase_add_test(tc, a_bad_file_among_good_ones);
    tcase_add_test(tc, a_limit_reads_only_the_records_kept);
    tcase_add_test(tc, folder_discovery);
    suite_add_tcase(s, tc);
    return test_run(s);
}
