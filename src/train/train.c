/* The training loop: epochs of shuffled batches, each followed by an
 * evaluation on the test set, with reports for a progress display. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "train/checkpoint.h"
#include "train/data_parallel.h"
#include "base/files.h"
#include "nn/model.h"
#include "train/monitor.h"
#include "data/dataset.h"

void cocob_train_options_init(cocob_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 1;
    o->batch = 100;
    o->seed = 1;
}

static cocob_status check_fit(cocob_model *m, const cocob_dataset *d, const char *what)
{
    cocob_error *err = &m->ctx->err;
    if (!d)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "no %s data", what);
    cocob_shape in = m->input;
    if (d->channels != in.c || d->height != in.h || d->width != in.w)
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "the %s data holds %zux%zux%zu images, but the "
                          "model takes %zux%zux%zu",
                          what, d->channels, d->height, d->width, in.c, in.h, in.w);
    /* Labels are for softmax cross-entropy, float targets for MSE. */
    cocob_loss loss = cocob_model_loss(m);
    if ((loss == COCOB_LOSS_XENT) != (d->labels != NULL))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "the %s data holds %s, but the model's loss is %s, which takes %s",
                          what, d->labels ? "class labels" : "float targets (regression)",
                          cocob_loss_name(loss),
                          loss == COCOB_LOSS_XENT ? "class labels" : "float targets");
    size_t has = d->labels ? d->classes : d->outputs;
    if (has != cocob_model_outputs(m))
        return cocob_fail(err, COCOB_ERR_SHAPE,
                          "the %s data has %zu %s, but the model "
                          "ends in %zu outputs",
                          what, has, d->labels ? "classes" : "targets per example",
                          cocob_model_outputs(m));
    return COCOB_OK;
}

/* The examples and labels (or targets) of one batch, gathered on the host. */
typedef struct batch_buffers {
    float *x;
    int32_t *y; /* for a labelled set */
    float *t;   /* for a set with targets */
    uint32_t *order;
} batch_buffers;

/* Sized by the examples a batch can hold, min(batch, d->count), so that a
 * batch of ten million over 500 examples holds memory for 500. */
static cocob_status batch_alloc(cocob_model *m, const cocob_dataset *d, size_t batch,
                                batch_buffers *bb)
{
    size_t n = batch < d->count ? batch : d->count, example, xbytes, ybytes, tbytes, obytes;
    if (!size_mul3(d->channels, d->height, d->width, &example) ||
        !size_mul3(n, example, sizeof *bb->x, &xbytes) || !size_mul(n, sizeof *bb->y, &ybytes) ||
        !size_mul3(n, d->targets ? d->outputs : 0, sizeof *bb->t, &tbytes) ||
        !size_mul(d->count, sizeof *bb->order, &obytes))
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "a batch of %zu examples of %zux%zux%zu is larger than memory can "
                          "address",
                          n, d->channels, d->height, d->width);
    bb->x = malloc(xbytes);
    bb->y = d->labels ? malloc(ybytes) : NULL;
    bb->t = d->targets ? malloc(tbytes) : NULL;
    bb->order = malloc(obytes);
    if (!bb->x || (d->labels && !bb->y) || (d->targets && !bb->t) || !bb->order)
        return cocob_fail(&m->ctx->err, COCOB_ERR_OUT_OF_MEMORY,
                          "out of host memory for a batch of %zu examples (%zu bytes)", n,
                          xbytes);
    return COCOB_OK;
}

/* A batch beyond COCOB_BATCH_MAX is refused before any memory is asked for. */
static cocob_status check_batch(cocob_model *m, size_t batch, const char *who)
{
    if (batch == 0 || batch > COCOB_BATCH_MAX)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: a batch of %zu examples; it must be from 1 to %zu", who, batch,
                          (size_t)COCOB_BATCH_MAX);
    return COCOB_OK;
}

static void batch_free(batch_buffers *bb)
{
    free(bb->x);
    free(bb->y);
    free(bb->t);
    free(bb->order);
}

/* The examples as stored, in order: the set itself is the batch. */
static cocob_status evaluate(cocob_model *m, const cocob_dataset *d, size_t batch,
                             cocob_evaluation *e)
{
    return cocob_model_eval_set(m, d, batch, e);
}

cocob_status cocob_evaluate(cocob_model *m, const cocob_dataset *d, size_t batch, double *loss,
                            double *accuracy)
{
    if (!m || !loss || !accuracy)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_status s = check_fit(m, d, "evaluation");
    if (s != COCOB_OK)
        return s;
    s = check_batch(m, batch, "evaluate");
    if (s != COCOB_OK)
        return s;
    if (d->count == 0)
        return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "evaluate: the data set must not be empty");
    cocob_evaluation e;
    s = evaluate(m, d, batch, &e);
    *loss = e.loss;
    *accuracy = e.accuracy;
    return s;
}

/* The run stopped on request after step `batch` of an epoch, or (0) after
 * the whole epoch, with its checkpoint saved when it has one. */
static cocob_status stopped(cocob_error *err, const cocob_train_options *o, size_t epoch,
                            size_t batch, size_t per_epoch)
{
    if (batch)
        cocob_fail(err, COCOB_ERR_INTERRUPTED,
                   "stopped on request in epoch %zu, after step "
                   "%zu of %zu",
                   epoch, batch, per_epoch);
    else
        cocob_fail(err, COCOB_ERR_INTERRUPTED, "stopped on request after epoch %zu of %zu", epoch,
                   o->epochs);
    if (o->checkpoint)
        cocob_error_append(err, "; saved %s, to resume from", o->checkpoint);
    else
        cocob_error_append(err, "; nothing was saved (no checkpoint was set)");
    return COCOB_ERR_INTERRUPTED;
}

/* Whether to stop after this step: across ranks, whether any rank asked
 * before the step's sum, so that all stop after the same step. */
static int stop_asked(const cocob_train_options *o, const cocob_shard *shard)
{
    if (shard->comm)
        return shard->stop;
    return o->should_stop && o->should_stop(o->user);
}

cocob_status cocob_train(cocob_model *m, cocob_optimizer *opt, const cocob_dataset *train,
                         const cocob_dataset *test, const cocob_train_options *o)
{
    if (!m || !opt)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_train_options defaults;
    if (!o) {
        cocob_train_options_init(&defaults);
        o = &defaults;
    }
    cocob_error *err = &m->ctx->err;
    cocob_status s = check_fit(m, train, "training");
    if (s == COCOB_OK && test)
        s = check_fit(m, test, "test");
    if (s == COCOB_OK)
        s = check_batch(m, o->batch, "train");
    if (s != COCOB_OK)
        return s;
    if (o->batch == 0 || o->epochs == 0 || train->count == 0 || train->count > UINT32_MAX)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "train: %zu epochs of batches of %zu over %zu examples", o->epochs,
                          o->batch, train->count);
    const cocob_comm *comm = o->comm;
    if (comm && (s = cocob_dp_check(m, comm, o->batch, train->count)))
        return s;
    /* Every rank holds the same weights and state: rank 0 alone saves them. */
    cocob_train_options ranked;
    if (comm && comm->rank != 0) {
        ranked = *o;
        ranked.checkpoint = NULL;
        o = &ranked;
    }
    /* A bad checkpoint path is found before an epoch's work depends on it. */
    if (o->checkpoint && (s = cocob_file_check_writable(err, o->checkpoint, "checkpoint")))
        return s;
    cocob_progress at = {0, 0, 0, o->seed, o->batch, train->count, 0};
    if (o->checkpoint || o->resume || comm)
        at.data_fingerprint = cocob_dataset_fingerprint(train);
    if (o->resume) {
        s = cocob_checkpoint_resume(o->resume, m, opt, &at);
        if (s != COCOB_OK)
            return s;
        if (at.epoch >= o->epochs)
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "resume: %s holds a run %llu epoch(s) done, and %zu were asked "
                              "for in all: nothing is left to do",
                              o->resume, (unsigned long long)at.epoch, o->epochs);
        if (at.shuffle_seed != o->seed)
            cocob_log(&m->ctx->log, COCOB_LOG_INFO,
                      "resume: shuffling with the run's own seed %llu, not %llu",
                      (unsigned long long)at.shuffle_seed, (unsigned long long)o->seed);
        cocob_log(&m->ctx->log, COCOB_LOG_INFO,
                  "resume: %s, after %llu epoch(s) and %llu step(s) more", o->resume,
                  (unsigned long long)at.epoch, (unsigned long long)at.step);
    }
    batch_buffers bb = {0};
    s = batch_alloc(m, train, o->batch, &bb);
    cocob_shard shard = {comm, 0, 0, NULL, 0, NULL, 0, 0, 0, 0, 0};
    if (s == COCOB_OK && comm) {
        size_t floats = m->params + 2;
        shard.host = malloc(floats * sizeof *shard.host);
        /* A bucket ends at a layer, and the last at the first layer. */
        if (comm->start_sum)
            shard.requests = calloc(m->count + 1, sizeof *shard.requests);
        if (!shard.host || (comm->start_sum && !shard.requests))
            s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                           "train: out of host memory for the %zu floats of the gradient's sum",
                           floats);
        uint64_t given[] = {o->epochs, o->batch,     at.shuffle_seed,    at.epoch,
                            at.step,   train->count, at.data_fingerprint};
        if (s == COCOB_OK)
            s = cocob_dp_agree_start(m, comm, shard.host, given, sizeof given / sizeof *given);
    }
    monitor mo = {0};
    if (s == COCOB_OK && o->on_monitor)
        s = cocob_monitor_open(&mo, m);
    size_t per_epoch = cocob_batch_count(train->count, o->batch);
    size_t step = (size_t)at.total_steps, first_epoch = (size_t)at.epoch + 1;
    double start_all = cocob_now();
    for (size_t epoch = first_epoch; s == COCOB_OK && epoch <= o->epochs; epoch++) {
        /* A resumed epoch replays its shuffle and skips the steps it took. */
        cocob_shuffle(bb.order, train->count, at.shuffle_seed, epoch);
        double start = cocob_now(), sum = 0;
        size_t seen = 0, skipped = 0, first_step = epoch == first_epoch ? (size_t)at.step : 0;
        for (size_t k = first_step; s == COCOB_OK && k < per_epoch; k++) {
            size_t first = k * o->batch;
            size_t n = train->count - first < o->batch ? train->count - first : o->batch;
            size_t part = 0, mine = n;
            if (comm)
                cocob_dp_part(comm, n, &part, &mine);
            cocob_dataset_gather(train, bb.order, first + part, mine, bb.x, bb.y);
            if (bb.t)
                cocob_dataset_gather_targets(train, bb.order, first + part, mine, bb.t);
            double loss;
            int watch = o->on_monitor && (o->monitor_every ? (step + 1) % o->monitor_every == 0
                                                           : k + 1 == per_epoch);
            if (watch)
                s = cocob_monitor_mark(&mo, m);
            cocob_batch mb = {bb.x, bb.y, bb.t, mine};
            if (s == COCOB_OK && comm) {
                /* Asked before the sum, which tells every rank whether any asked. */
                shard.total = n;
                shard.first = part;
                shard.stop = o->should_stop && o->should_stop(o->user);
                s = cocob_model_step_shard(m, opt, &mb, &shard, &loss);
            } else if (s == COCOB_OK) {
                s = cocob_model_step(m, opt, &mb, &loss, NULL);
            }
            if (s == COCOB_OK && watch) {
                s = cocob_monitor_measure(&mo, m, opt);
                cocob_monitor_report mr = {epoch, k + 1, step + 1, mo.count, mo.rows};
                if (s == COCOB_OK)
                    o->on_monitor(&mr, o->user);
            }
            if (s == COCOB_ERR_NONFINITE && o->skip_nonfinite) {
                cocob_log(&m->ctx->log, COCOB_LOG_WARN, "epoch %zu, step %zu dropped: %s", epoch,
                          k + 1, err->message);
                skipped++;
                s = COCOB_OK;
            } else if (s == COCOB_OK) {
                sum += loss * (double)n;
                seen += n;
            }
            if (s == COCOB_OK && comm && comm->check_every_step) {
                char when[64];
                snprintf(when, sizeof when, "after step %zu of epoch %zu", k + 1, epoch);
                s = cocob_dp_agree_weights(m, comm, shard.host, when);
            }
            if (s != COCOB_OK)
                cocob_error_append(err, " (epoch %zu, step %zu)", epoch, k + 1);
            step++;
            cocob_progress here = {epoch - 1,          k + 1,    step,
                                   at.shuffle_seed,    at.batch, at.examples,
                                   at.data_fingerprint};
            /* A periodic save waits for the epoch's first trained batch: an
             * epoch that so far only dropped batches may be dead, and must
             * not replace the last good checkpoint. */
            int saved = s == COCOB_OK && o->checkpoint && o->checkpoint_every &&
                        step % o->checkpoint_every == 0 && k + 1 < per_epoch && seen;
            if (saved)
                s = cocob_checkpoint_save(o->checkpoint, m, opt, &here);
            if (s == COCOB_OK && o->on_step) {
                double t = cocob_now(), elapsed = t - start_all;
                double done = (double)((epoch - first_epoch) * per_epoch + k + 1 - first_step);
                double total = (double)((o->epochs - first_epoch + 1) * per_epoch - first_step);
                cocob_step_report r = {epoch,
                                       o->epochs,
                                       k + 1,
                                       per_epoch,
                                       step,
                                       seen ? sum / (double)seen : NAN,
                                       (double)seen / (t - start),
                                       elapsed,
                                       elapsed / done * (total - done)};
                o->on_step(&r, o->user);
            }
            /* A stop asked during an epoch's last step waits for the epoch's
             * end, whose save and report come anyway. */
            if (s == COCOB_OK && k + 1 < per_epoch && stop_asked(o, &shard)) {
                if (o->checkpoint && !saved)
                    s = cocob_checkpoint_save(o->checkpoint, m, opt, &here);
                if (s == COCOB_OK)
                    s = stopped(err, o, epoch, k + 1, per_epoch);
            }
        }
        if (s != COCOB_OK)
            break;
        if (skipped && !seen) {
            s = cocob_fail(err, COCOB_ERR_NONFINITE,
                           "epoch %zu: every one of its %zu batch(es) was dropped for NaN or "
                           "infinite values (skip_nonfinite): the run has stopped learning, "
                           "and the last checkpoint is kept as it was",
                           epoch, skipped);
            break;
        }
        double seconds = cocob_now() - start;
        cocob_epoch_report r = {
            epoch, o->epochs, step,    seen ? sum / (double)seen : NAN, -1,     -1,
            -1,    -1,        seconds, (double)seen / seconds,          skipped};
        /* The trained weights are saved before the evaluation, and the epoch
         * is reported whatever fails after its training, so that a late
         * failure never loses a finished epoch. Both are of x, Schedule-Free's
         * evaluation point; the next step puts y back. The ranks compare y. */
        if (comm) {
            char when[48];
            snprintf(when, sizeof when, "after epoch %zu", epoch);
            s = cocob_dp_agree_weights(m, comm, shard.host, when);
        }
        if (s == COCOB_OK)
            s = cocob_optimizer_eval_weights(opt);
        if (s == COCOB_OK && o->checkpoint) {
            cocob_progress p = {
                epoch, 0, step, at.shuffle_seed, at.batch, at.examples, at.data_fingerprint};
            s = cocob_checkpoint_save(o->checkpoint, m, opt, &p);
        }
        if (s == COCOB_OK && test) {
            cocob_evaluation e;
            s = comm ? cocob_dp_evaluate(m, comm, test, o->batch, &e)
                     : evaluate(m, test, o->batch, &e);
            if (s == COCOB_OK) {
                /* A figure that does not apply to the model's loss stays -1. */
                r.test_loss = e.loss;
                r.test_accuracy = test->labels ? e.accuracy : -1;
                r.test_rmse = test->labels ? -1 : e.rmse;
                r.test_r2 = test->labels ? -1 : e.r2;
            } else {
                cocob_error_prepend(err, "epoch %zu: during the test evaluation: ", epoch);
            }
        }
        if (o->on_epoch)
            o->on_epoch(&r, o->user);
        if (s == COCOB_OK && epoch < o->epochs && stop_asked(o, &shard))
            s = stopped(err, o, epoch, 0, per_epoch);
    }
    /* What the caller evaluates, predicts or saves next is x, as after an
     * epoch, also after a stop part way. */
    if (s == COCOB_ERR_INTERRUPTED) {
        cocob_status e = cocob_optimizer_eval_weights(opt);
        s = e != COCOB_OK ? e : s;
    }
    cocob_monitor_close(&mo, m);
    batch_free(&bb);
    free(shard.host);
    free(shard.requests);
    return s;
}
