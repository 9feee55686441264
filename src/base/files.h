/* Opening the files a user names, for reading and for writing, the one way:
 * a reader never blocks on a FIFO or reads a device, and every refusal gives
 * the real reason (missing, permission, a folder, a symlink loop). */
#ifndef COCOB_BASE_FILES_H
#define COCOB_BASE_FILES_H

#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

/* Opens path for reading in binary mode, only if it is a regular file (after
 * following symlinks); *size is its length. what names the file in the
 * message ("checkpoint", "training images"). COCOB_ERR_IO otherwise. */
cocob_status cocob_file_open_read(cocob_error *err, const char *path, const char *what,
                                  FILE **out, uint64_t *size);

/* Whether a file can be created or replaced at path, without changing
 * anything there: its folder exists and is writable, and path is not a
 * folder or other non-regular file. For outputs, checked before training
 * starts so that a bad path never costs an epoch. */
cocob_status cocob_file_check_writable(cocob_error *err, const char *path, const char *what);

#endif
