/* Resuming a training run from a checkpoint. */
#ifndef COCOB_TRAIN_CHECKPOINT_H
#define COCOB_TRAIN_CHECKPOINT_H

#include "cocob/cocob.h"

/* The format, which cocob_model_load reads too: MODL and PARM are a saved
 * model's, the rest a run's. */
#define CHECKPOINT_MAGIC "COCOBCKP"
enum {
    CHECKPOINT_VERSION = 3,
    CHECKPOINT_SECTIONS = 6,
    CHECKPOINT_PARM = 1,
    CHECKPOINT_LOSS = 5
};
extern const char cocob_checkpoint_tags[CHECKPOINT_SECTIONS][5];

/* The sections a checkpoint of this version holds, or 0 for a version this
 * build does not read. Version 2 is version 3 without LOSS: it is still
 * read, and the model keeps the loss it has. */
int cocob_checkpoint_sections(uint32_t version);

/* cocob_checkpoint_load for a run that goes on: *at holds this run's batch
 * size, example count and data fingerprint, and a checkpoint made with
 * others is refused (COCOB_ERR_INVALID_ARGUMENT, naming both values) before
 * m and opt change. On success *at is the checkpoint's progress. */
cocob_status cocob_checkpoint_resume(const char *path, cocob_model *m, cocob_optimizer *opt,
                                     cocob_progress *at);

#endif
