/* CSV files: small ones written here that load, with quotes, CRLF and
 * gzip; every refusal with the row and the column it names; classes in
 * sorted order, a test file that takes the training file's, and the split
 * of a held-out set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/dataset.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;
    char path[4096];
    cocob_context *ctx;
} fixture;

static void begin(fixture *f)
{
    f->dir = test_tmpdir("csv");
    snprintf(f->path, sizeof f->path, "%s/data.csv", f->dir);
    f->ctx = test_context("ref");
}

static void finish(fixture *f)
{
    cocob_context_destroy(f->ctx);
    test_rmtree(f->dir);
    free(f->dir);
}

static void write_text(const char *path, const char *text)
{
    test_write_file(path, text, strlen(text), 0);
}

static cocob_dataset *load(fixture *f, const char *text, const char *target, cocob_task task)
{
    write_text(f->path, text);
    cocob_dataset *d = NULL;
    cocob_status s = cocob_dataset_load_csv(f->ctx, f->path, target, task, NULL, &d);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f->ctx));
    return d;
}

static void features_are(const cocob_dataset *d, const float *want, size_t n)
{
    ck_assert_uint_eq(d->count * d->channels * d->height * d->width, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(d->images[i] == want[i], "feature %zu is %g, not %g", i, d->images[i],
                      want[i]);
}

START_TEST(a_good_file_loads)
{
    fixture f;
    begin(&f);
    /* CRLF, the target in the middle, signs and exponents, text classes. */
    cocob_dataset *d = load(&f,
                            "x1,kind,x2\r\n"
                            "1.5,cat,-2\r\n"
                            "0,dog,3e2\r\n"
                            "-0.25,ant,+7\r\n"
                            "4,dog,5\r\n",
                            "kind", COCOB_TASK_CLASSIFY);
    size_t c, h, w;
    cocob_dataset_shape(d, &c, &h, &w);
    ck_assert_uint_eq(c, 1);
    ck_assert_uint_eq(h, 1);
    ck_assert_uint_eq(w, 2);
    ck_assert_uint_eq(cocob_dataset_count(d), 4);
    const float x[] = {1.5f, -2, 0, 300, -0.25f, 7, 4, 5};
    features_are(d, x, 8);
    ck_assert_uint_eq(cocob_dataset_classes(d), 3);
    ck_assert_str_eq(cocob_dataset_class_name(d, 0), "ant");
    ck_assert_str_eq(cocob_dataset_class_name(d, 1), "cat");
    ck_assert_str_eq(cocob_dataset_class_name(d, 2), "dog");
    ck_assert_ptr_null(cocob_dataset_class_name(d, 3));
    const int32_t y[] = {1, 2, 0, 2};
    ck_assert_mem_eq(d->labels, y, sizeof y);
    ck_assert_uint_eq(cocob_dataset_outputs(d), 0);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

START_TEST(quoted_cells_and_no_final_newline)
{
    fixture f;
    begin(&f);
    cocob_dataset *d = load(&f,
                            "\"a, b\",\"say \"\"hi\"\"\",label\n"
                            "\"1\",2,\"x,y\"\n"
                            "3,\"4.5\",\"line\nbreak\"",
                            "label", COCOB_TASK_CLASSIFY);
    const float x[] = {1, 2, 3, 4.5f};
    features_are(d, x, 4);
    ck_assert_str_eq(cocob_dataset_class_name(d, 0), "line\nbreak");
    ck_assert_str_eq(cocob_dataset_class_name(d, 1), "x,y");
    cocob_dataset_destroy(d);
    /* A header name with a comma and quotes in it is a target too. */
    d = load(&f, "\"a, b\",\"say \"\"hi\"\"\"\n1,2\n", "say \"hi\"", COCOB_TASK_REGRESS);
    ck_assert_float_eq(d->targets[0], 2);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

START_TEST(numeric_classes_sort_as_numbers)
{
    fixture f;
    begin(&f);
    cocob_dataset *d = load(&f, "v,y\n0,10\n0,2\n0,1.0\n0,1\n0,-3\n", "y", COCOB_TASK_CLASSIFY);
    ck_assert_uint_eq(cocob_dataset_classes(d), 4);
    /* 1.0 and 1 are one class, spelt as its first row spells it. */
    const char *names[] = {"-3", "1.0", "2", "10"};
    for (size_t i = 0; i < 4; i++)
        ck_assert_str_eq(cocob_dataset_class_name(d, i), names[i]);
    const int32_t y[] = {3, 2, 1, 1, 0};
    ck_assert_mem_eq(d->labels, y, sizeof y);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

START_TEST(a_regression_file_and_a_gzipped_one)
{
    fixture f;
    begin(&f);
    const char *text = "a,b,price\n1,2,3.5\n4,5,-6\n";
    cocob_dataset *d = load(&f, text, "price", COCOB_TASK_REGRESS);
    ck_assert_uint_eq(cocob_dataset_outputs(d), 1);
    ck_assert_uint_eq(cocob_dataset_classes(d), 0);
    ck_assert_ptr_null(d->labels);
    const float x[] = {1, 2, 4, 5};
    features_are(d, x, 4);
    ck_assert_float_eq(d->targets[0], 3.5f);
    ck_assert_float_eq(d->targets[1], -6);
    cocob_dataset_destroy(d);
    char gz[4200];
    snprintf(gz, sizeof gz, "%s.gz", f.path);
    test_write_file(gz, text, strlen(text), 1);
    ck_assert_int_eq(cocob_dataset_load_csv(f.ctx, gz, "price", COCOB_TASK_REGRESS, NULL, &d),
                     COCOB_OK);
    features_are(d, x, 4);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

/* Each bad file, its target and task, and the words its message holds. */
static const struct {
    const char *text, *target;
    cocob_task task;
    const char *words;
} bad[] = {
    {"a,b,y\n1,2,3\n4,5,6,7\n", "y", COCOB_TASK_CLASSIFY,
     "row 3, column 4: the row has more cells than the header's 3 columns"},
    {"a,b,y\r\n1,2,3\r\n4,5\r\n", "y", COCOB_TASK_CLASSIFY,
     "row 3, column 3 (\"y\"): the row ends after 2 cells, but the header has 3 columns"},
    {"a,b,y\n1,2,3\n4,abc,6\n", "y", COCOB_TASK_CLASSIFY,
     "row 3, column 2 (\"b\"): \"abc\" is not a number"},
    {"a,b,y\n1,\" 2\",3\n", "y", COCOB_TASK_CLASSIFY,
     "row 2, column 2 (\"b\"): \" 2\" is not a number"},
    {"a,b,y\n1,2,3\n4,,6\n", "y", COCOB_TASK_CLASSIFY,
     "row 3, column 2 (\"b\"): the value is missing (an empty cell)"},
    {"a,b,y\n1,2,\n", "y", COCOB_TASK_CLASSIFY,
     "row 2, column 3 (\"y\"): the value is missing (an empty cell)"},
    {"a,b,y\n1,2,3\nnan,5,6\n", "y", COCOB_TASK_CLASSIFY,
     "row 3, column 1 (\"a\"): \"nan\" is not a number"},
    {"a,b,y\n-inf,2,3\n", "y", COCOB_TASK_CLASSIFY,
     "row 2, column 1 (\"a\"): \"-inf\" is not a number"},
    {"a,b,y\n1,1e39,3\n", "y", COCOB_TASK_CLASSIFY,
     "row 2, column 2 (\"b\"): \"1e39\" is beyond a float's range"},
    {"a,b,y\n1,2,cat\n", "y", COCOB_TASK_REGRESS,
     "row 2, column 3 (\"y\"): \"cat\" is not a number"},
    {"a,b,y\n1,2\"x\",3\n", "y", COCOB_TASK_CLASSIFY,
     "row 2, column 2 (\"b\"): malformed quotes"},
    {"a,b,y\n1,\"2,3\n", "y", COCOB_TASK_CLASSIFY, "row 2, column 2 (\"b\"): malformed quotes"},
    {"", "y", COCOB_TASK_CLASSIFY, "the file is empty; a CSV data set starts with a header row"},
    {"\r\n\n", "y", COCOB_TASK_CLASSIFY, "the file is empty"},
    {"a,b,y\r\n", "y", COCOB_TASK_CLASSIFY, "a header, but no rows of data after it"},
    {"a,b,y\n1,2,3\n", "z", COCOB_TASK_CLASSIFY,
     "no column \"z\" in the header (row 1); its columns are: \"a\", \"b\", \"y\""},
    {"y,b,y\n1,2,3\n", "y", COCOB_TASK_CLASSIFY,
     "2 columns of the header (row 1) are named \"y\""},
    {"y\n1\n", "y", COCOB_TASK_CLASSIFY,
     "the target \"y\" is the header's only column: there are no features"},
};

START_TEST(a_bad_file_is_refused_where_it_is_bad)
{
    fixture f;
    begin(&f);
    write_text(f.path, bad[_i].text);
    cocob_dataset *d = (cocob_dataset *)&f;
    cocob_status s = cocob_dataset_load_csv(f.ctx, f.path, bad[_i].target, bad[_i].task, NULL,
                                            &d);
    ck_assert_int_ne(s, COCOB_OK);
    ck_assert_ptr_null(d);
    const char *msg = cocob_context_error(f.ctx);
    ck_assert_msg(strstr(msg, bad[_i].words), "wanted \"%s\" in \"%s\"", bad[_i].words, msg);
    ck_assert_msg(strncmp(msg, f.path, strlen(f.path)) == 0, "no file named in \"%s\"", msg);
    finish(&f);
}
END_TEST

START_TEST(too_many_classes_names_the_row_that_brings_one_too_many)
{
    fixture f;
    begin(&f);
    /* Rows 2 .. 1500: classes c0 .. c999 from row 2 on, each twice, then
     * c1000 first at row 1502, past the limit. */
    size_t cap = 64 * 2100, used = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    used += (size_t)snprintf(text + used, cap - used, "x,class\n");
    for (int i = 0; i < 1500; i++)
        used += (size_t)snprintf(text + used, cap - used, "1,c%d\n", i % 1000);
    used += (size_t)snprintf(text + used, cap - used, "1,c1000\n1,c1001\n");
    write_text(f.path, text);
    free(text);
    cocob_dataset *d;
    ck_assert_int_eq(cocob_dataset_load_csv(f.ctx, f.path, "class", COCOB_TASK_CLASSIFY, NULL,
                                            &d),
                     COCOB_ERR_INVALID_ARGUMENT);
    const char *want = "row 1502, column 2 (\"class\"): one class more than the 1000 a target "
                       "column may hold (it has 1002 distinct values)";
    ck_assert_msg(strstr(cocob_context_error(f.ctx), want), "%s", cocob_context_error(f.ctx));
    /* Exactly the limit is a data set. */
    write_text(f.path, "x,class\n");
    FILE *fp = fopen(f.path, "a");
    for (int i = 0; i < COCOB_CSV_MAX_CLASSES; i++)
        fprintf(fp, "%d,c%d\n", i, i);
    fclose(fp);
    ck_assert_int_eq(
        cocob_dataset_load_csv(f.ctx, f.path, "class", COCOB_TASK_CLASSIFY, NULL, &d), COCOB_OK);
    ck_assert_uint_eq(cocob_dataset_classes(d), COCOB_CSV_MAX_CLASSES);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

START_TEST(a_test_file_takes_the_training_files_classes)
{
    fixture f;
    begin(&f);
    cocob_dataset *train = load(&f, "a,y\n1,b\n2,c\n3,a\n", "y", COCOB_TASK_CLASSIFY);
    char test_path[4200];
    snprintf(test_path, sizeof test_path, "%s/test.csv", f.dir);
    /* Alone, its classes would be b=0, c=1. */
    write_text(test_path, "a,y\n5,c\n6,b\n");
    cocob_dataset *test;
    ck_assert_int_eq(cocob_dataset_load_csv(f.ctx, test_path, "y", COCOB_TASK_CLASSIFY, train,
                                            &test),
                     COCOB_OK);
    const int32_t y[] = {2, 1};
    ck_assert_mem_eq(test->labels, y, sizeof y);
    ck_assert_uint_eq(cocob_dataset_classes(test), 3);
    ck_assert_str_eq(cocob_dataset_class_name(test, 0), "a");
    cocob_dataset_destroy(test);
    write_text(test_path, "a,y\n5,c\n6,d\n");
    ck_assert_int_eq(cocob_dataset_load_csv(f.ctx, test_path, "y", COCOB_TASK_CLASSIFY, train,
                                            &test),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(f.ctx),
                                 "row 3, column 2 (\"y\"): \"d\" is not one of the 3 classes "
                                 "of the training data"));
    cocob_dataset_destroy(train);
    /* Numeric classes match by value. */
    train = load(&f, "a,y\n1,10\n2,2\n", "y", COCOB_TASK_CLASSIFY);
    write_text(test_path, "a,y\n5,2.0\n6,1e1\n");
    ck_assert_int_eq(cocob_dataset_load_csv(f.ctx, test_path, "y", COCOB_TASK_CLASSIFY, train,
                                            &test),
                     COCOB_OK);
    const int32_t z[] = {0, 1};
    ck_assert_mem_eq(test->labels, z, sizeof z);
    cocob_dataset_destroy(test);
    cocob_dataset_destroy(train);
    finish(&f);
}
END_TEST

START_TEST(a_held_out_split_is_seeded_and_whole)
{
    fixture f;
    begin(&f);
    char text[4096] = "x,y\n";
    for (int i = 0; i < 10; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%d,k%d\n", i, i % 3);
    cocob_dataset *d = load(&f, text, "y", COCOB_TASK_CLASSIFY);
    cocob_dataset *train, *test, *train2, *test2;
    ck_assert_int_eq(cocob_dataset_holdout(f.ctx, d, 0.2, 5, &train, &test), COCOB_OK);
    ck_assert_uint_eq(cocob_dataset_count(train), 8);
    ck_assert_uint_eq(cocob_dataset_count(test), 2);
    ck_assert_str_eq(cocob_dataset_class_name(test, 2), "k2");
    /* Every row is in one part, its label with it (label = x mod 3). */
    int seen[10] = {0};
    const cocob_dataset *parts[] = {train, test};
    for (int p = 0; p < 2; p++)
        for (size_t i = 0; i < parts[p]->count; i++) {
            int x = (int)parts[p]->images[i];
            seen[x]++;
            ck_assert_int_eq(parts[p]->labels[i], x % 3);
        }
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(seen[i], 1);
    ck_assert_int_eq(cocob_dataset_holdout(f.ctx, d, 0.2, 5, &train2, &test2), COCOB_OK);
    ck_assert_uint_eq(cocob_dataset_fingerprint(test2), cocob_dataset_fingerprint(test));
    cocob_dataset_destroy(train2);
    cocob_dataset_destroy(test2);
    ck_assert_int_eq(cocob_dataset_holdout(f.ctx, d, 0.2, 6, &train2, &test2), COCOB_OK);
    ck_assert_uint_ne(cocob_dataset_fingerprint(train2), cocob_dataset_fingerprint(train));
    cocob_dataset_destroy(train2);
    cocob_dataset_destroy(test2);
    ck_assert_int_eq(cocob_dataset_holdout(f.ctx, d, 0.97, 5, &train2, &test2),
                     COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(f.ctx),
                                 "cannot hold out 0.97 of 10 examples: none would be left"));
    ck_assert_ptr_null(train2);
    ck_assert_int_eq(cocob_dataset_holdout(f.ctx, d, 1, 5, &train2, &test2),
                     COCOB_ERR_INVALID_ARGUMENT);
    cocob_dataset_destroy(train);
    cocob_dataset_destroy(test);
    cocob_dataset_destroy(d);
    finish(&f);
}
END_TEST

START_TEST(numbers_are_read_as_the_number_parser_reads_them)
{
    float v = 0;
    ck_assert_int_eq(cocob_csv_number("-1.5e-3", 7, &v), COCOB_CSV_NUMBER);
    ck_assert_float_eq(v, -1.5e-3f);
    ck_assert_int_eq(cocob_csv_number("0x10", 4, &v), COCOB_CSV_NOT_A_NUMBER);
    ck_assert_int_eq(cocob_csv_number("--1", 3, &v), COCOB_CSV_NOT_A_NUMBER);
    ck_assert_int_eq(cocob_csv_number("inf", 3, &v), COCOB_CSV_NOT_A_NUMBER);
    /* A NUL inside a cell ends the C string early: not a number. */
    ck_assert_int_eq(cocob_csv_number("1\0"
                                      "2",
                                      3, &v),
                     COCOB_CSV_NOT_A_NUMBER);
    ck_assert_int_eq(cocob_csv_number("-3.4e38", 7, &v), COCOB_CSV_NUMBER);
    ck_assert_int_eq(cocob_csv_number("-3.5e39", 7, &v), COCOB_CSV_BEYOND_FLOAT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_add_test(tc, a_good_file_loads);
    tcase_add_test(tc, quoted_cells_and_no_final_newline);
    tcase_add_test(tc, numeric_classes_sort_as_numbers);
    tcase_add_test(tc, a_regression_file_and_a_gzipped_one);
    tcase_add_loop_test(tc, a_bad_file_is_refused_where_it_is_bad, 0, sizeof bad / sizeof *bad);
    tcase_add_test(tc, too_many_classes_names_the_row_that_brings_one_too_many);
    tcase_add_test(tc, a_test_file_takes_the_training_files_classes);
    tcase_add_test(tc, a_held_out_split_is_seeded_and_whole);
    tcase_add_test(tc, numbers_are_read_as_the_number_parser_reads_them);
    suite_add_tcase(s, tc);
    return test_run(s);
}
