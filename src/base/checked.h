/* Checked size arithmetic: the one place every size computed from input (a
 * count times a size, an offset plus a length) goes through, in the library,
 * the command and the readers, so that no product or sum wraps silently. */
#ifndef COCOB_BASE_CHECKED_H
#define COCOB_BASE_CHECKED_H

#include <stddef.h>
#include <stdint.h>

/* *out = a * b; 0 when the product overflows size_t (*out is then unset). */
static inline int size_mul(size_t a, size_t b, size_t *out)
{
    if (b && a > SIZE_MAX / b)
        return 0;
    *out = a * b;
    return 1;
}

/* *out = a + b; 0 when the sum overflows size_t. */
static inline int size_add(size_t a, size_t b, size_t *out)
{
    if (a > SIZE_MAX - b)
        return 0;
    *out = a + b;
    return 1;
}

/* *out = a * b * c; 0 on overflow. */
static inline int size_mul3(size_t a, size_t b, size_t c, size_t *out)
{
    size_t ab;
    return size_mul(a, b, &ab) && size_mul(ab, c, out);
}

#endif
