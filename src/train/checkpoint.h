/* Resuming a training run from a checkpoint. */
#ifndef COCOB_TRAIN_CHECKPOINT_H
#define COCOB_TRAIN_CHECKPOINT_H

#include "cocob/cocob.h"

/* cocob_checkpoint_load for a run that goes on: *at holds this run's batch
 * size, example count and data fingerprint, and a checkpoint made with
 * others is refused (COCOB_ERR_INVALID_ARGUMENT, naming both values) before
 * m and opt change. On success *at is the checkpoint's progress. */
cocob_status cocob_checkpoint_resume(const char *path, cocob_model *m, cocob_optimizer *opt,
                                     cocob_progress *at);

#endif
