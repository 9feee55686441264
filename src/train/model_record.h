/* A model's description as checkpoints and saved models both record it,
 * the section MODL: input c, h, w; the layer count; per layer its kind
 * (u32), units, kernel h and w, stride, pad (u64 each) and dropout rate
 * (f32); the parameter count; dropout's seed and draws so far. */
#ifndef COCOB_TRAIN_MODEL_RECORD_H
#define COCOB_TRAIN_MODEL_RECORD_H

#include "base/sections.h"
#include "nn/model.h"

enum { RECORD_LAYER_BYTES = 4 + 5 * 8 + 4, RECORD_FIXED = 32 + 24 };

void cocob_model_record(cocob_bytes *b, const cocob_model *m);
/* Layer i of a record whose length has been checked. */
cocob_layer cocob_record_layer(const unsigned char *record, size_t i);
/* Damage unless the record's length fits the layer count it names. */
cocob_status cocob_record_check(const cocob_sections *r, const unsigned char *record);

#endif
