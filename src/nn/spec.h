/* Model specs: "dense:10" and the like, parsed and printed. */
#ifndef COCOB_NN_SPEC_H
#define COCOB_NN_SPEC_H

#include "cocob/cocob.h"

/* The largest layers a model takes: dense units, conv filters, and any
 * kernel, window, stride or pad. A spec's numbers are checked against them
 * as they are read, and cocob_model_add checks a layer made in C. */
enum { LAYER_MAX_UNITS = 1 << 24, LAYER_MAX_FILTERS = 65536, LAYER_MAX_WINDOW = 1024 };

/* The spec item that would make this layer, such as "conv:32x5x5:s1:p2". */
void cocob_layer_name(const cocob_layer *d, char *out, size_t cap);

#endif
