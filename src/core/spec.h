/* Model specs: "dense:10" and the like, parsed and printed. */
#ifndef COCOB_CORE_SPEC_H
#define COCOB_CORE_SPEC_H

#include "cocob/cocob.h"

/* The spec item that would make this layer, such as "conv:32x5x5:s1:p2". */
void cocob_layer_name(const cocob_layer *d, char *out, size_t cap);

#endif
