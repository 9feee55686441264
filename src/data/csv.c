/* CSV files as data sets: libcsv splits the cells (quotes, CRLF), and the
 * callbacks here check each one as it comes, so that a bad file is refused
 * at its first bad cell, naming the row and the column. */
#include <csv.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "base/number.h"
#include "data/csv.h"
#include "data/dataset.h"
#include "data/read.h"

/* No number or class name is anywhere near this long; a cell beyond it is
 * refused before libcsv's buffer grows with it. */
#define CELL_MAX (1u << 20)

typedef struct reader {
    cocob_error *err;
    const char *path, *target;
    cocob_task task;
    cocob_status s; /* the first failure: the callbacks do nothing after it */
    size_t row;     /* being read, from 1: the header */
    size_t cell;    /* in the row, from 0 */
    char **names;   /* the header's */
    size_t columns, target_column;
    size_t rows;  /* of data, read whole */
    size_t limit; /* the most feature and target floats */
    float *features, *targets;
    size_t floats_cap;  /* of features, in floats */
    size_t targets_cap; /* of targets, or of texts, in rows */
    char **texts;       /* to classify: each row's target cell */
} reader;

static void *bounded_realloc(void *p, size_t n)
{
    return n > CELL_MAX ? NULL : realloc(p, n);
}

/* Where a cell is: "file: row 3, column 2 (\"age\")". */
static void where(reader *r, cocob_status s, size_t column)
{
    cocob_fail(r->err, s, "%s: row %zu, column %zu", r->path, r->row, column + 1);
    if (r->names && column < r->columns)
        cocob_error_append(r->err, " (\"%s\")", r->names[column]);
    r->s = s;
}

int cocob_csv_number(const char *text, size_t len, float *out)
{
    if (strlen(text) != len)
        return COCOB_CSV_NOT_A_NUMBER;
    int minus = text[0] == '-';
    const char *digits = text + (minus || text[0] == '+');
    double v;
    if (cocob_number_double(digits, NULL, 0, DBL_MAX, &v) != COCOB_NUMBER_OK)
        return COCOB_CSV_NOT_A_NUMBER;
    float f = (float)(minus ? -v : v);
    if (!isfinite(f))
        return COCOB_CSV_BEYOND_FLOAT;
    *out = f;
    return COCOB_CSV_NUMBER;
}

/* Grows *p, of *cap items of size each, to hold at least want, doubling. */
static int grow(void **p, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return 1;
    size_t next = *cap < 64 ? 64 : *cap;
    while (next < want)
        next = next > SIZE_MAX / 2 ? SIZE_MAX : next * 2;
    size_t bytes;
    if (!size_mul(next, size, &bytes))
        return 0;
    void *bigger = realloc(*p, bytes);
    if (!bigger)
        return 0;
    *p = bigger;
    *cap = next;
    return 1;
}

/* Room for one more row of data, or a failure naming why not. */
static int room_for_row(reader *r)
{
    size_t per = r->columns - 1, floats, want;
    int fits = r->rows < UINT32_MAX && size_add(r->rows, 1, &want) &&
               size_mul(want, per + (r->task == COCOB_TASK_REGRESS), &floats) &&
               floats <= r->limit;
    if (!fits) {
        cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY,
                   "%s: row %zu: more rows than this machine's memory may hold for data", r->path,
                   r->row);
        r->s = COCOB_ERR_OUT_OF_MEMORY;
        return 0;
    }
    void **targets = r->task == COCOB_TASK_REGRESS ? (void **)&r->targets : (void **)&r->texts;
    size_t target_size = r->task == COCOB_TASK_REGRESS ? sizeof(float) : sizeof(char *);
    size_t target_cap = r->targets_cap;
    if (!grow((void **)&r->features, &r->floats_cap, want * per, sizeof(float)) ||
        !grow(targets, &target_cap, want, target_size)) {
        cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "%s: row %zu: out of host memory", r->path,
                   r->row);
        r->s = COCOB_ERR_OUT_OF_MEMORY;
        return 0;
    }
    if (r->task != COCOB_TASK_REGRESS)
        for (size_t i = r->targets_cap; i < target_cap; i++)
            r->texts[i] = NULL;
    r->targets_cap = target_cap;
    return 1;
}

static void header_cell(reader *r, const char *text, size_t len)
{
    char *name = malloc(len + 1);
    char **names = realloc(r->names, (r->columns + 1) * sizeof *names);
    if (names)
        r->names = names;
    if (!name || !names) {
        free(name);
        r->s = cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", r->path);
        return;
    }
    memcpy(name, text, len);
    name[len] = '\0';
    r->names[r->columns++] = name;
}

static void data_cell(reader *r, const char *text, size_t len)
{
    size_t column = r->cell;
    if (column >= r->columns) {
        where(r, COCOB_ERR_SHAPE, column);
        cocob_error_append(r->err, ": the row has more cells than the header's %zu columns",
                           r->columns);
        return;
    }
    if (column == 0 && !room_for_row(r))
        return;
    if (len == 0) {
        where(r, COCOB_ERR_INVALID_ARGUMENT, column);
        cocob_error_append(r->err, ": the value is missing (an empty cell)");
        return;
    }
    if (column == r->target_column && r->task == COCOB_TASK_CLASSIFY) {
        if (!(r->texts[r->rows] = strdup(text)))
            r->s = cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", r->path);
        return;
    }
    float *into =
        column == r->target_column
            ? &r->targets[r->rows]
            : &r->features[r->rows * (r->columns - 1) + column - (column > r->target_column)];
    int got = cocob_csv_number(text, len, into);
    if (got != COCOB_CSV_NUMBER) {
        where(r, COCOB_ERR_INVALID_ARGUMENT, column);
        cocob_error_append(r->err, ": \"%.40s%s\" is %s", text, len > 40 ? "..." : "",
                           got == COCOB_CSV_BEYOND_FLOAT ? "beyond a float's range"
                                                         : "not a number");
    }
}

static void on_cell(void *field, size_t len, void *user)
{
    reader *r = user;
    /* CSV_APPEND_NULL ends every field with a '\0', an empty one included. */
    const char *text = field ? field : "";
    if (r->s == COCOB_OK)
        r->row == 1 ? header_cell(r, text, len) : data_cell(r, text, len);
    r->cell++;
}

/* The header read: the target found, once, beside a feature or more. */
static void header_done(reader *r)
{
    size_t found = 0;
    for (size_t i = 0; i < r->columns; i++)
        if (strcmp(r->names[i], r->target) == 0) {
            r->target_column = i;
            found++;
        }
    if (found == 0) {
        r->s = cocob_fail(r->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: no column \"%s\" in the header (row 1); its columns are:", r->path,
                          r->target);
        for (size_t i = 0; i < r->columns; i++)
            cocob_error_append(r->err, "%s \"%s\"", i ? "," : "", r->names[i]);
    } else if (found > 1) {
        r->s = cocob_fail(r->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: %zu columns of the header (row 1) are named \"%s\"", r->path,
                          found, r->target);
    } else if (r->columns < 2) {
        r->s = cocob_fail(r->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the target \"%s\" is the header's only column: there are no "
                          "features to learn from",
                          r->path, r->target);
    }
}

static void on_row(int terminator, void *user)
{
    (void)terminator;
    reader *r = user;
    if (r->s == COCOB_OK && r->row == 1) {
        header_done(r);
    } else if (r->s == COCOB_OK && r->cell < r->columns) {
        where(r, COCOB_ERR_SHAPE, r->cell);
        cocob_error_append(r->err,
                           ": the row ends after %zu cells, but the header has %zu "
                           "columns",
                           r->cell, r->columns);
    } else if (r->s == COCOB_OK) {
        r->rows++;
    }
    r->row++;
    r->cell = 0;
}

/* libcsv's failure, at the cell it stopped in. */
static void parse_failed(reader *r, struct csv_parser *p)
{
    if (csv_error(p) == CSV_EPARSE) {
        where(r, COCOB_ERR_INVALID_ARGUMENT, r->cell);
        cocob_error_append(r->err, ": malformed quotes (a quote inside an unquoted cell, text "
                                   "after a closing quote, or a quoted cell never closed)");
    } else {
        where(r, COCOB_ERR_OUT_OF_MEMORY, r->cell);
        cocob_error_append(r->err,
                           ": a cell over %u bytes, which no number or class is, or "
                           "out of host memory",
                           CELL_MAX);
    }
}

static cocob_status parse(reader *r)
{
    cocob_data_file *f;
    cocob_status s = cocob_data_open(r->err, r->path, &f);
    if (s != COCOB_OK)
        return s;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        cocob_data_close(f);
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", r->path);
    }
    csv_set_realloc_func(&p, bounded_realloc);
    unsigned char buf[65536];
    size_t got = sizeof buf;
    while (r->s == COCOB_OK && got == sizeof buf) {
        r->s = cocob_data_read(f, buf, sizeof buf, &got);
        if (r->s == COCOB_OK && csv_parse(&p, buf, got, on_cell, on_row, r) != got &&
            r->s == COCOB_OK)
            parse_failed(r, &p);
    }
    if (r->s == COCOB_OK && csv_fini(&p, on_cell, on_row, r) != 0 && r->s == COCOB_OK)
        parse_failed(r, &p);
    csv_free(&p);
    cocob_data_close(f);
    if (r->s == COCOB_OK && r->columns == 0)
        r->s = cocob_fail(r->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: the file is empty; a CSV data set starts with a header row "
                          "naming its columns",
                          r->path);
    else if (r->s == COCOB_OK && r->rows == 0)
        r->s = cocob_fail(r->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: a header, but no rows of data after it", r->path);
    return r->s;
}

static void reader_free(reader *r)
{
    for (size_t i = 0; i < r->columns; i++)
        free(r->names[i]);
    free(r->names);
    if (r->texts)
        for (size_t i = 0; i < r->targets_cap; i++)
            free(r->texts[i]);
    free(r->texts);
    free(r->features);
    free(r->targets);
}

cocob_status cocob_dataset_load_csv(cocob_context *ctx, const char *path, const char *target,
                                    cocob_task task, const cocob_dataset *classes_of,
                                    cocob_dataset **out)
{
    if (!ctx || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!path || !target || (task != COCOB_TASK_CLASSIFY && task != COCOB_TASK_REGRESS))
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT, "cocob_dataset_load_csv: %s",
                          !path     ? "NULL path"
                          : !target ? "NULL target"
                                    : "no such task");
    if (classes_of && (task != COCOB_TASK_CLASSIFY || !classes_of->class_names))
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_dataset_load_csv: classes_of must be a set read from CSV to "
                          "classify, and the task COCOB_TASK_CLASSIFY");
    reader r = {.err = &ctx->err, .path = path, .target = target, .task = task, .row = 1};
    r.limit = cocob_data_limit() / sizeof(float);
    cocob_status s = parse(&r);
    cocob_dataset_arrays a;
    cocob_dataset_arrays_init(&a);
    a.count = r.rows;
    a.channels = a.height = 1;
    a.width = r.columns - 1;
    a.features = r.features;
    char **names = NULL;
    int32_t *labels = NULL;
    if (s == COCOB_OK && task == COCOB_TASK_CLASSIFY) {
        cocob_csv_column col = {path, r.target_column + 1, r.names[r.target_column]};
        s = classes_of
                ? cocob_csv_map_classes(&ctx->err, &col, r.texts, r.rows, classes_of, &labels)
                : cocob_csv_classes(&ctx->err, &col, r.texts, r.rows, &labels, &a.classes,
                                    &names);
        if (classes_of)
            a.classes = classes_of->classes;
        a.labels = labels;
    } else {
        a.targets = r.targets;
        a.outputs = 1;
    }
    if (s == COCOB_OK)
        s = cocob_dataset_wrap(&ctx->err, path, &a, out);
    if (s == COCOB_OK) {
        r.features = r.targets = NULL;
        if (classes_of)
            s = cocob_csv_copy_names(&ctx->err, classes_of, &names);
        (*out)->class_names = names;
        names = NULL;
        labels = NULL;
    }
    if (names)
        for (size_t i = 0; i < a.classes; i++)
            free(names[i]);
    free(names);
    free(labels);
    reader_free(&r);
    if (s != COCOB_OK) {
        cocob_dataset_destroy(*out);
        *out = NULL;
    }
    return s;
}
