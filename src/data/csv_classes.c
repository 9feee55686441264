/* A CSV target column's texts as class indices: sorted, as scikit-learn's
 * LabelEncoder sorts them, so that the same values give the same classes
 * whatever order the rows come in. */
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/dataset.h"

typedef struct item {
    const char *text;
    float value; /* when every text is a number */
    size_t row;  /* of data, from 0 */
} item;

/* Ties go by row, so that a class's first item is its first row. */
static int by_row(const item *a, const item *b)
{
    return (a->row > b->row) - (a->row < b->row);
}

static int by_value(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    int c = (a->value > b->value) - (a->value < b->value);
    return c ? c : by_row(a, b);
}

static int by_text(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    int c = strcmp(a->text, b->text);
    return c ? c : by_row(a, b);
}

static int by_index(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

static int is_number(const char *text, float *value)
{
    return cocob_csv_number(text, strlen(text), value) == COCOB_CSV_NUMBER;
}

static cocob_status oom(cocob_error *err, const cocob_csv_column *col)
{
    return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                      "%s: out of host memory for the classes of "
                      "column %zu (\"%s\")",
                      col->path, col->number, col->name);
}

static void free_names(char **names, size_t n)
{
    if (names)
        for (size_t i = 0; i < n; i++)
            free(names[i]);
    free(names);
}

/* The first row of the class past the limit, by the rows classes first
 * appear in: firsts holds each class's first row. */
static cocob_status too_many(cocob_error *err, const cocob_csv_column *col, size_t *firsts,
                             size_t classes)
{
    qsort(firsts, classes, sizeof *firsts, by_index);
    return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                      "%s: row %zu, column %zu (\"%s\"): one class more than the %d a target "
                      "column may hold (it has %zu distinct values); is it a number to regress?",
                      col->path, firsts[COCOB_CSV_MAX_CLASSES] + 2, col->number, col->name,
                      COCOB_CSV_MAX_CLASSES, classes);
}

cocob_status cocob_csv_classes(cocob_error *err, const cocob_csv_column *col, char *const *texts,
                               size_t rows, int32_t **labels, size_t *classes, char ***names)
{
    *labels = NULL;
    *names = NULL;
    *classes = 0;
    item *items = malloc(rows * sizeof *items);
    int32_t *y = malloc(rows * sizeof *y);
    size_t *firsts = malloc(rows * sizeof *firsts);
    if (!items || !y || !firsts) {
        free(items);
        free(y);
        free(firsts);
        return oom(err, col);
    }
    int numeric = 1;
    for (size_t i = 0; i < rows; i++) {
        items[i] = (item){texts[i], 0, i};
        numeric = numeric && is_number(texts[i], &items[i].value);
    }
    int (*compare)(const void *, const void *) = numeric ? by_value : by_text;
    qsort(items, rows, sizeof *items, compare);
    size_t n = 0;
    for (size_t i = 0; i < rows; i++) {
        int fresh = i == 0 || (numeric ? items[i].value != items[i - 1].value
                                       : strcmp(items[i].text, items[i - 1].text) != 0);
        if (fresh)
            firsts[n++] = i;
    }
    cocob_status s = COCOB_OK;
    char **kept = NULL;
    for (size_t k = 0; k < n && n <= COCOB_CSV_MAX_CLASSES; k++)
        for (size_t i = firsts[k]; i < (k + 1 < n ? firsts[k + 1] : rows); i++)
            y[items[i].row] = (int32_t)k;
    if (n > COCOB_CSV_MAX_CLASSES) {
        for (size_t k = 0; k < n; k++)
            firsts[k] = items[firsts[k]].row;
        s = too_many(err, col, firsts, n);
    } else if (!(kept = calloc(n, sizeof *kept))) {
        s = oom(err, col);
    } else {
        for (size_t k = 0; k < n && s == COCOB_OK; k++)
            if (!(kept[k] = strdup(items[firsts[k]].text)))
                s = oom(err, col);
    }
    free(items);
    free(firsts);
    if (s != COCOB_OK) {
        free(y);
        free_names(kept, n);
        return s;
    }
    *labels = y;
    *names = kept;
    *classes = n;
    return COCOB_OK;
}

cocob_status cocob_csv_map_classes(cocob_error *err, const cocob_csv_column *col,
                                   char *const *texts, size_t rows, const cocob_dataset *like,
                                   int32_t **labels)
{
    *labels = NULL;
    size_t n = like->classes;
    char *const *names = like->class_names;
    float *values = malloc((n ? n : 1) * sizeof *values);
    int32_t *y = malloc(rows * sizeof *y);
    if (!values || !y) {
        free(values);
        free(y);
        return oom(err, col);
    }
    int numeric = 1;
    for (size_t k = 0; k < n; k++)
        numeric = numeric && is_number(names[k], &values[k]);
    for (size_t i = 0; i < rows; i++) {
        float v = 0;
        int found = 0;
        size_t lo = 0, hi = n;
        /* The classes are sorted as cocob_csv_classes sorted them. */
        while (lo < hi && (!numeric || is_number(texts[i], &v))) {
            size_t mid = lo + (hi - lo) / 2;
            int c = numeric ? (v > values[mid]) - (v < values[mid])
                            : strcmp(texts[i], names[mid]);
            if (c == 0) {
                y[i] = (int32_t)mid;
                found = 1;
                break;
            }
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (!found) {
            free(values);
            free(y);
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "%s: row %zu, column %zu (\"%s\"): \"%.40s%s\" is not one of the "
                              "%zu classes of the training data",
                              col->path, i + 2, col->number, col->name, texts[i],
                              strlen(texts[i]) > 40 ? "..." : "", n);
        }
    }
    free(values);
    *labels = y;
    return COCOB_OK;
}

cocob_status cocob_csv_copy_names(cocob_error *err, const cocob_dataset *d, char ***names)
{
    *names = calloc(d->classes ? d->classes : 1, sizeof **names);
    cocob_status s = *names ? COCOB_OK : COCOB_ERR_OUT_OF_MEMORY;
    for (size_t k = 0; k < d->classes && s == COCOB_OK; k++)
        if (!((*names)[k] = strdup(d->class_names[k])))
            s = COCOB_ERR_OUT_OF_MEMORY;
    if (s != COCOB_OK) {
        free_names(*names, d->classes);
        *names = NULL;
        return cocob_fail(err, s, "out of host memory for %zu class names", d->classes);
    }
    return COCOB_OK;
}
