/* What the fuzz harnesses share: a quiet reference context, made once, and
 * a scratch file to hand a reader its input, since the readers take paths. */
#ifndef COCOB_FUZZ_COMMON_H
#define COCOB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "cocob/cocob.h"

/* The harness's context on ref, logging nothing; NULL if it cannot be made. */
cocob_context *fuzz_context(void);

/* Writes len bytes to scratch file number slot (0 or 1) of this process and
 * returns its path, or NULL if it cannot be written. */
const char *fuzz_file(int slot, const uint8_t *data, size_t len);

/* libFuzzer's entry point, which every harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
