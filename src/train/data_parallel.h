/* cocob_train across ranks (cocob_train_options.comm): each rank's share of
 * a batch, and the checks that the ranks agree. */
#ifndef COCOB_TRAIN_DATA_PARALLEL_H
#define COCOB_TRAIN_DATA_PARALLEL_H

#include "nn/model.h"

/* Checks comm, and that every batch of an epoch, the last included, holds
 * an example for each rank. */
cocob_status cocob_dp_check(cocob_model *m, const cocob_comm *comm, size_t batch,
                            size_t examples);
/* The first example and the count of rank's share of a batch of n: the
 * shares are contiguous, in rank order, and differ by at most one. */
void cocob_dp_part(const cocob_comm *comm, size_t n, size_t *first, size_t *count);
/* Compares a digest of what each rank was given (the options that decide
 * the batches, the data's fingerprint) across the ranks, then the weights. */
cocob_status cocob_dp_agree_start(cocob_model *m, const cocob_comm *comm, float *host,
                                  const uint64_t *given, size_t given_count);
/* Compares the weights across the ranks; when names the moment for the
 * message ("after epoch 3"). host holds the parameters' floats. */
cocob_status cocob_dp_agree_weights(cocob_model *m, const cocob_comm *comm, float *host,
                                    const char *when);

/* cocob_model_eval_set across the ranks: each evaluates its contiguous
 * share of d (cocob_dp_part), and the losses' and correct predictions'
 * sums are summed. The figures are one process's but for the order of the
 * loss's sum, and its rounding to float on each rank. */
cocob_status cocob_dp_evaluate(cocob_model *m, const cocob_comm *comm, const cocob_dataset *d,
                               size_t batch, cocob_evaluation *e);

#endif
