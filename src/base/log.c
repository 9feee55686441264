#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *level_name(cocob_log_level level)
{
    switch (level) {
    case COCOB_LOG_DEBUG: return "debug";
    case COCOB_LOG_INFO: return "info";
    case COCOB_LOG_WARN: return "warning";
    default: return "error";
    }
}

void cocob_log(const cocob_logger *log, cocob_log_level level, const char *fmt, ...)
{
    if (!log || level < log->level || level >= COCOB_LOG_OFF)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (log->fn)
        log->fn(level, line, log->user);
    else
        fprintf(stderr, "cocob: %s: %s\n", level_name(level), line);
}
