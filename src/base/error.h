/* The last failure of a context: a status and a message naming what failed. */
#ifndef COCOB_BASE_ERROR_H
#define COCOB_BASE_ERROR_H

#include "cocob/cocob.h"

/* Big enough for a kernel build log of a few hundred lines; longer logs are
 * cut, and the cut is marked. */
#define COCOB_ERROR_CAP 16384

typedef struct cocob_error {
    cocob_status status;
    char message[COCOB_ERROR_CAP];
} cocob_error;

/* Records the failure and returns s, so that a caller can write
 * `return cocob_fail(err, COCOB_ERR_SHAPE, "...", ...);`. */
cocob_status cocob_fail(cocob_error *err, cocob_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends to the message of the failure already recorded. */
void cocob_error_append(cocob_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Puts text before the message of the failure already recorded, for a
 * caller that knows where the failure happened ("epoch 1: during the test
 * evaluation: "). */
void cocob_error_prepend(cocob_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void cocob_error_clear(cocob_error *err);

#endif
