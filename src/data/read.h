/* Reading a data file as a stream, inflating it when it is gzip, so that one
 * path serves file.gz and file, and a reader holds only the bytes it asks
 * for: a header first, then the examples it uses. Every failure names the
 * file. */
#ifndef COCOB_DATA_READ_H
#define COCOB_DATA_READ_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct cocob_data_file cocob_data_file;

/* Opens path, which must be a regular file (base/files.h says why not),
 * for its data: the file inflated when it starts with gzip's magic bytes
 * (its members joined, as gunzip does), else its bytes as they are. */
cocob_status cocob_data_open(cocob_error *err, const char *path, cocob_data_file **out);

/* Up to n bytes of data into buf; *got is less than n only at the end. */
cocob_status cocob_data_read(cocob_data_file *f, void *buf, size_t n, size_t *got);

/* Up to n bytes of data in a new buffer *out, which the caller frees, grown
 * with what arrives, so that a header's claim costs no memory the file does
 * not back; *got is less than n only at the end. */
cocob_status cocob_data_take(cocob_data_file *f, size_t n, unsigned char **out, size_t *got);

/* Reads on to the end, keeping nothing: *rest is how many bytes of data
 * there were, so that a reader that used part of a file still tells a
 * truncated or overlong one. */
cocob_status cocob_data_rest(cocob_data_file *f, uint64_t *rest);

void cocob_data_close(cocob_data_file *f);

/* The most bytes a data set's values may take: half the machine's memory,
 * leaving the rest to the model, its batches and the device's copies.
 * Pixels are kept as bytes, a byte a value; features as floats, four. */
size_t cocob_data_limit(void);

#endif
