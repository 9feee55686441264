/* Where a context's messages go: the user's callback, or stderr. */
#ifndef COCOB_BASE_LOG_H
#define COCOB_BASE_LOG_H

#include "cocob/cocob.h"

typedef struct cocob_logger {
    cocob_log_fn fn;
    void *user;
    cocob_log_level level;
} cocob_logger;

void cocob_log(const cocob_logger *log, cocob_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
