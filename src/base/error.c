#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void append_v(cocob_error *err, const char *fmt, va_list ap)
{
    size_t used = strlen(err->message);
    if (used >= COCOB_ERROR_CAP - 1)
        return;
    int n = vsnprintf(err->message + used, COCOB_ERROR_CAP - used, fmt, ap);
    if (n >= 0 && (size_t)n >= COCOB_ERROR_CAP - used) {
        static const char cut[] = "\n[... message cut ...]";
        memcpy(err->message + COCOB_ERROR_CAP - sizeof cut, cut, sizeof cut);
    }
}

cocob_status cocob_fail(cocob_error *err, cocob_status s, const char *fmt, ...)
{
    err->status = s;
    err->message[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    append_v(err, fmt, ap);
    va_end(ap);
    return s;
}

void cocob_error_append(cocob_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append_v(err, fmt, ap);
    va_end(ap);
}

void cocob_error_prepend(cocob_error *err, const char *fmt, ...)
{
    char was[COCOB_ERROR_CAP];
    memcpy(was, err->message, sizeof was);
    err->message[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    append_v(err, fmt, ap);
    va_end(ap);
    cocob_error_append(err, "%s", was);
}

void cocob_error_clear(cocob_error *err)
{
    err->status = COCOB_OK;
    err->message[0] = '\0';
}

const char *cocob_status_name(cocob_status s)
{
    switch (s) {
    case COCOB_OK: return "COCOB_OK";
    case COCOB_ERR_INVALID_ARGUMENT: return "COCOB_ERR_INVALID_ARGUMENT";
    case COCOB_ERR_SHAPE: return "COCOB_ERR_SHAPE";
    case COCOB_ERR_OUT_OF_MEMORY: return "COCOB_ERR_OUT_OF_MEMORY";
    case COCOB_ERR_NO_DEVICE: return "COCOB_ERR_NO_DEVICE";
    case COCOB_ERR_OPENCL: return "COCOB_ERR_OPENCL";
    case COCOB_ERR_BUILD: return "COCOB_ERR_BUILD";
    case COCOB_ERR_DEVICE_LIMIT: return "COCOB_ERR_DEVICE_LIMIT";
    case COCOB_ERR_IO: return "COCOB_ERR_IO";
    case COCOB_ERR_UNSUPPORTED: return "COCOB_ERR_UNSUPPORTED";
    case COCOB_ERR_NONFINITE: return "COCOB_ERR_NONFINITE";
    case COCOB_ERR_VERIFY: return "COCOB_ERR_VERIFY";
    case COCOB_ERR_INTERRUPTED: return "COCOB_ERR_INTERRUPTED";
    }
    return "COCOB_ERR_UNKNOWN";
}
