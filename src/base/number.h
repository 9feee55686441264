/* The one parser for every number a user gives cocob: the command's flags,
 * the environment variables and the numbers inside a model spec. It takes
 * plain decimal digits only (no blanks, no sign, nothing after), and checks
 * the range itself, so that "-1", " 5" and 1e30 are refused rather than
 * wrapped or saturated. */
#ifndef COCOB_BASE_NUMBER_H
#define COCOB_BASE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

typedef enum cocob_number_status {
    COCOB_NUMBER_OK = 0,
    COCOB_NUMBER_EMPTY,  /* nothing, or nothing where digits start */
    COCOB_NUMBER_SYNTAX, /* a blank, a sign or other text */
    COCOB_NUMBER_RANGE   /* below min or above max, overflow included */
} cocob_number_status;

/* A whole number in [min, max]. With end NULL the whole text must be the
 * number; otherwise *end is set past the digits and text may go on. */
cocob_number_status cocob_number_u64(const char *text, const char **end, uint64_t min,
                                     uint64_t max, uint64_t *out);

/* The same for size_t. */
cocob_number_status cocob_number_size(const char *text, const char **end, size_t min, size_t max,
                                      size_t *out);

/* A finite decimal number in [min, max] ("0.5", "1e-3"), with the same rules:
 * no blanks, no sign, no "nan" or "inf". */
cocob_number_status cocob_number_double(const char *text, const char **end, double min,
                                        double max, double *out);

/* Why text was refused, for a message: "wants a whole number from 1 to
 * 4294967295, not \" 5\" (it starts with a blank)". Writes into buf. */
const char *cocob_number_why(cocob_number_status s, const char *text, uint64_t min, uint64_t max,
                             char *buf, size_t size);

/* The same for cocob_number_double's ranges. */
const char *cocob_number_why_double(cocob_number_status s, const char *text, double min,
                                    double max, char *buf, size_t size);

#endif
