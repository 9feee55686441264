#include "base/number.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* strtoull and strtod skip blanks and take a sign: both are refused before
 * they are called, so that "-1" never becomes 18446744073709551615. */
static cocob_number_status first(const char *text)
{
    if (!text || !*text)
        return COCOB_NUMBER_EMPTY;
    return is_digit(text[0]) || (text[0] == '.' && is_digit(text[1])) ? COCOB_NUMBER_OK
                                                                      : COCOB_NUMBER_SYNTAX;
}

cocob_number_status cocob_number_u64(const char *text, const char **end, uint64_t min,
                                     uint64_t max, uint64_t *out)
{
    cocob_number_status s = first(text);
    if (s != COCOB_NUMBER_OK)
        return s;
    if (!is_digit(text[0]))
        return COCOB_NUMBER_SYNTAX;
    errno = 0;
    char *stop;
    unsigned long long v = strtoull(text, &stop, 10);
    if (!end && *stop)
        return COCOB_NUMBER_SYNTAX;
    if (errno == ERANGE || v < min || v > max)
        return COCOB_NUMBER_RANGE;
    if (end)
        *end = stop;
    *out = (uint64_t)v;
    return COCOB_NUMBER_OK;
}

cocob_number_status cocob_number_size(const char *text, const char **end, size_t min, size_t max,
                                      size_t *out)
{
    uint64_t v;
    cocob_number_status s = cocob_number_u64(text, end, min, max, &v);
    if (s == COCOB_NUMBER_OK)
        *out = (size_t)v;
    return s;
}

cocob_number_status cocob_number_double(const char *text, const char **end, double min,
                                        double max, double *out)
{
    cocob_number_status s = first(text);
    if (s != COCOB_NUMBER_OK)
        return s;
    /* Only decimal notation: strtod would also take "0x1p3". */
    size_t n = 0;
    while (is_digit(text[n]) || text[n] == '.' || text[n] == 'e' || text[n] == 'E' ||
           ((text[n] == '+' || text[n] == '-') && n > 0 &&
            (text[n - 1] == 'e' || text[n - 1] == 'E')))
        n++;
    errno = 0;
    char *stop;
    double v = strtod(text, &stop);
    if ((size_t)(stop - text) > n || (!end && *stop))
        return COCOB_NUMBER_SYNTAX;
    if (errno == ERANGE || !isfinite(v) || v < min || v > max)
        return COCOB_NUMBER_RANGE;
    if (end)
        *end = stop;
    *out = v;
    return COCOB_NUMBER_OK;
}

static const char *reason(cocob_number_status s, const char *text)
{
    if (s == COCOB_NUMBER_EMPTY)
        return "it is empty";
    if (s == COCOB_NUMBER_RANGE)
        return "it is out of range";
    if (text && (text[0] == ' ' || text[0] == '\t'))
        return "it starts with a blank";
    if (text && (text[0] == '-' || text[0] == '+'))
        return "no sign is allowed";
    return "it is not a plain decimal number";
}

const char *cocob_number_why(cocob_number_status s, const char *text, uint64_t min, uint64_t max,
                             char *buf, size_t size)
{
    snprintf(buf, size, "wants a whole number from %llu to %llu, not \"%s\" (%s)",
             (unsigned long long)min, (unsigned long long)max, text ? text : "", reason(s, text));
    return buf;
}

const char *cocob_number_why_double(cocob_number_status s, const char *text, double min,
                                    double max, char *buf, size_t size)
{
    snprintf(buf, size, "wants a number from %g to %g, not \"%s\" (%s)", min, max,
             text ? text : "", reason(s, text));
    return buf;
}
