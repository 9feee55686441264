/* cocob_train across ranks: shares of a batch, and digests compared across
 * the ranks, so that a rank given other options, data or weights is named
 * rather than silently training another model. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/dataset.h"
#include "ops/ops.h"
#include "train/data_parallel.h"

cocob_status cocob_dp_check(cocob_model *m, const cocob_comm *comm, size_t batch, size_t examples)
{
    cocob_error *err = &m->ctx->err;
    if (comm->size < 1 || comm->rank < 0 || comm->rank >= comm->size || !comm->allreduce_sum ||
        !comm->agree)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "train: the communicator is rank %d of %d%s; it needs a rank from 0 "
                          "to size - 1 and both calls",
                          comm->rank, comm->size,
                          comm->allreduce_sum && comm->agree ? "" : ", without its calls");
    if (!comm->start_sum != !comm->finish_sum)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "train: the communicator has start_sum without finish_sum or the "
                          "other way round; it needs both or neither");
    size_t ranks = (size_t)comm->size, last = examples % batch;
    if (batch < ranks)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "train: %zu ranks need at least one example each in every batch, "
                          "but a batch holds %zu; ask for a larger batch",
                          ranks, batch);
    if (last && last < ranks)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "train: %zu ranks need at least one example each in every batch, "
                          "but %zu examples in batches of %zu leave %zu in each epoch's last "
                          "batch; change the batch or the number of examples",
                          ranks, examples, batch, last);
    return COCOB_OK;
}

void cocob_dp_part(const cocob_comm *comm, size_t n, size_t *first, size_t *count)
{
    size_t ranks = (size_t)comm->size, r = (size_t)comm->rank;
    size_t each = n / ranks, more = n % ranks;
    *first = r * each + (r < more ? r : more);
    *count = each + (r < more);
}

/* FNV-1a, 64 bits: a digest to compare, not to defend against anyone. */
static uint64_t digest(uint64_t h, const void *bytes, size_t size)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < size; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static cocob_status agree(cocob_model *m, const cocob_comm *comm, uint64_t value, int *differs)
{
    if (comm->agree(value, differs, comm->user) != 0)
        return cocob_fail(&m->ctx->err, COCOB_ERR_IO,
                          "rank %d of %d: comparing the ranks' digests failed", comm->rank,
                          comm->size);
    return COCOB_OK;
}

cocob_status cocob_dp_agree_weights(cocob_model *m, const cocob_comm *comm, float *host,
                                    const char *when)
{
    const cocob_tensor *w = m->param_arena;
    cocob_status s = cocob_op_download(m->ctx->backend, w->buf, 0, host, w->count * sizeof *host);
    int differs = -1;
    if (s == COCOB_OK)
        s = agree(m, comm, digest(0xcbf29ce484222325ull, host, w->count * sizeof *host),
                  &differs);
    if (s == COCOB_OK && differs >= 0)
        s = cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                       "the weights of rank %d differ from rank 0's %s (%d ranks); every rank "
                       "must make the model with the same seed and take the same steps",
                       differs, when, comm->size);
    return s;
}

cocob_status cocob_dp_agree_start(cocob_model *m, const cocob_comm *comm, float *host,
                                  const uint64_t *given, size_t given_count)
{
    int differs = -1;
    cocob_status s = agree(m, comm,
                           digest(0xcbf29ce484222325ull, given, given_count * sizeof *given),
                           &differs);
    if (s == COCOB_OK && differs >= 0)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "rank %d was given other training options or data than rank 0 "
                          "(the epochs, the batch, the seed, the resumed place, the data's "
                          "size or fingerprint differ; %d ranks): every rank must train with "
                          "the same",
                          differs, comm->size);
    return s == COCOB_OK ? cocob_dp_agree_weights(m, comm, host, "before the first step") : s;
}

cocob_status cocob_dp_evaluate(cocob_model *m, const cocob_comm *comm, const cocob_dataset *d,
                               size_t batch, cocob_evaluation *e)
{
    size_t first, count, correct;
    double sum;
    *e = (cocob_evaluation){NAN, NAN, NAN, NAN};
    cocob_dp_part(comm, d->count, &first, &count);
    cocob_status s = cocob_model_eval_sums(m, d, batch, first, count, &sum, &correct);
    if (s != COCOB_OK)
        return s;
    /* The count in two floats of 24 and 12 bits, exact for any set below
     * 2^36 examples; the loss's sum in one, which rounds it by 6e-8 of
     * itself on each rank. */
    float sums[] = {(float)sum, (float)(correct >> 12), (float)(correct & 4095)};
    if (comm->allreduce_sum(sums, 3, comm->user) != 0)
        return cocob_fail(&m->ctx->err, COCOB_ERR_IO,
                          "rank %d of %d: the sum of the evaluation across the ranks failed",
                          comm->rank, comm->size);
    cocob_batch all = {d->images, d->labels, d->targets, d->count};
    correct = ((size_t)sums[1] << 12) + (size_t)sums[2];
    cocob_model_eval_figures(&all, cocob_model_outputs(m), sums[0], correct, e);
    return COCOB_OK;
}
