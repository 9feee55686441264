/* Replacing a file whole: a reader of the path sees the old contents or the
 * new, never a mix, even if the process dies mid-write. */
#ifndef COCOB_BASE_REPLACE_H
#define COCOB_BASE_REPLACE_H

#include <stddef.h>

#include "base/error.h"

/* Writes data to a temporary file beside path's target, fsyncs it, renames
 * it over the target and fsyncs the folder. A symlink at path stays a
 * symlink (its target is what is replaced), and a file already there keeps
 * its permission bits. The temporary files of saves that were killed, of
 * processes no longer alive, are removed. what names the file in messages
 * ("checkpoint"). */
cocob_status cocob_file_replace(cocob_error *err, const char *path, const char *what,
                                const void *data, size_t len);

#endif
