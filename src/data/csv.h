/* The parts of the CSV reader that its tests and the class encoding share. */
#ifndef COCOB_DATA_CSV_H
#define COCOB_DATA_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "runtime/handles.h"

enum { COCOB_CSV_NUMBER, COCOB_CSV_NOT_A_NUMBER, COCOB_CSV_BEYOND_FLOAT };

/* A cell's text, of len bytes, as a float: an optional sign, then a finite
 * decimal number (cocob_number_double's rules) that a float can hold. One
 * of the COCOB_CSV_* above; *out is set only for COCOB_CSV_NUMBER. */
int cocob_csv_number(const char *text, size_t len, float *out);

/* The target column, for messages. */
typedef struct cocob_csv_column {
    const char *path;
    size_t number; /* from 1 */
    const char *name;
} cocob_csv_column;

/* The class of each of rows texts (data row i is the file's row i + 2):
 * the distinct texts in sorted order, numerically when every one is a
 * number. *labels gets rows labels, *names the classes' texts (the first
 * row's spelling of each number); both the caller's to free. Refuses more
 * than COCOB_CSV_MAX_CLASSES, naming the row that brings one too many. */
cocob_status cocob_csv_classes(cocob_error *err, const cocob_csv_column *col, char *const *texts,
                               size_t rows, int32_t **labels, size_t *classes, char ***names);

/* The same texts labelled with the classes of like (a set read from CSV):
 * a text that is none of them is refused, naming its row. */
cocob_status cocob_csv_map_classes(cocob_error *err, const cocob_csv_column *col,
                                   char *const *texts, size_t rows, const cocob_dataset *like,
                                   int32_t **labels);

/* A copy of d's class names in *names, the caller's to free. */
cocob_status cocob_csv_copy_names(cocob_error *err, const cocob_dataset *d, char ***names);

#endif
