/* Reading a data file whole into memory, inflating it when it is gzip, so
 * that one path serves file.gz and file. Every failure names the file. */
#ifndef COCOB_DATA_READ_H
#define COCOB_DATA_READ_H

#include <stddef.h>

#include "core/error.h"

/* The data of path in a new buffer *out of *size bytes, which the caller
 * frees: the file inflated when it starts with gzip's magic bytes (its
 * members joined, as gunzip does), else its bytes as they are. Data of more
 * than limit bytes is refused before more than limit bytes are held. */
cocob_status cocob_data_load(cocob_error *err, const char *path, size_t limit,
                             unsigned char **out, size_t *size);

/* The most bytes of pixels a data set can be loaded from: their floats take
 * four times as much, so more than a quarter of the machine's memory could
 * never be held. */
size_t cocob_data_limit(void);

#endif
