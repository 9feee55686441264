/* Reading data files through zlib, which passes a plain file through as it
 * is, so that one path serves file.gz and file. Every failure names the file. */
#ifndef COCOB_DATA_READ_H
#define COCOB_DATA_READ_H

#include <stddef.h>
#include <zlib.h>

#include "core/error.h"

cocob_status cocob_data_open(cocob_error *err, const char *path, gzFile *out);

/* Reads up to len bytes into buf; *got falls short of len only at the end of
 * the data. A corrupt or cut gzip stream is an error. */
cocob_status cocob_data_read(cocob_error *err, gzFile f, const char *path, void *buf, size_t len,
                             size_t *got);

/* Reads up to limit bytes (or to the end, when there are fewer) into a new
 * buffer *out of *got bytes, which the caller frees. */
cocob_status cocob_data_read_all(cocob_error *err, gzFile f, const char *path, size_t limit,
                                 unsigned char **out, size_t *got);

/* The number of bytes left to read, read and dropped. */
cocob_status cocob_data_count_rest(cocob_error *err, gzFile f, const char *path, size_t *rest);

#endif
