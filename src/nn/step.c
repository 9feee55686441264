/* One batch through a model: a training step, or an evaluation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
#include "nn/model.h"
#include "nn/spec.h"
#include "ops/ops.h"
#include "optim/optimizer.h"

static void free_batch_buffers(cocob_model *m)
{
    cocob_backend *b = m->ctx->backend;
    for (size_t i = 0; i < m->count; i++)
        cocob_layer_free(m, i);
    cocob_buffer **own[] = {&m->x, &m->labels, &m->targets, &m->loss, &m->predicted};
    for (size_t k = 0; k < sizeof own / sizeof *own; k++) {
        if (*own[k])
            b->iface->free(b, *own[k]);
        *own[k] = NULL;
    }
    free(m->host);
    m->host = NULL;
    m->capacity = 0;
}

/* Makes every buffer a batch of n needs, once: later batches of n or fewer
 * reuse them, so that a step allocates nothing. */
static cocob_status ensure_capacity(cocob_model *m, size_t n)
{
    cocob_error *err = &m->ctx->err;
    if (!m->param_arena)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "model: call cocob_model_init before training or evaluating");
    if (n == 0 || n > COCOB_BATCH_MAX)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "model: a batch of %zu examples; it must be from 1 to %zu", n,
                          (size_t)COCOB_BATCH_MAX);
    if (n <= m->capacity)
        return COCOB_OK;
    size_t xbytes, tbytes;
    if (!size_mul3(n, cocob_shape_size(m->input), sizeof(float), &xbytes) ||
        !size_mul3(n, cocob_model_outputs(m), sizeof(float), &tbytes))
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                          "model: a batch of %zu inputs of %zu floats, or of %zu outputs, is "
                          "more bytes than memory can address",
                          n, cocob_shape_size(m->input), cocob_model_outputs(m));
    cocob_backend *b = m->ctx->backend;
    free_batch_buffers(m);
    /* One more float than the losses: the step's guard flag, downloaded with them. */
    m->host = malloc((n + 1) * sizeof *m->host);
    cocob_status s = m->host ? COCOB_OK
                             : cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                                          "model: out of host memory for the losses");
    if (s == COCOB_OK)
        s = b->iface->alloc(b, xbytes, &m->x);
    if (s == COCOB_OK)
        s = b->iface->alloc(b, (n + 1) * sizeof(float), &m->loss);
    cocob_buffer **own[] = {&m->labels, &m->predicted};
    for (size_t k = 0; k < sizeof own / sizeof *own && s == COCOB_OK; k++)
        s = b->iface->alloc(b, n * sizeof(float), own[k]);
    if (s == COCOB_OK && !m->plan.loss->labels)
        s = b->iface->alloc(b, tbytes, &m->targets);
    for (size_t k = 0; k < m->plan.count && s == COCOB_OK; k++)
        s = cocob_layer_alloc(m, &m->plan.steps[k], n);
    if (s != COCOB_OK) {
        /* A batch too large for the device should not hold on to the part
         * of it that did fit. */
        free_batch_buffers(m);
        cocob_error_append(err, " (making the buffers for a batch of %zu)", n);
        return s;
    }
    m->capacity = n;
    return COCOB_OK;
}

/* What the batch holds, for messages. */
static const char *batch_kind(const cocob_batch *batch)
{
    return batch->labels ? (batch->targets ? "both labels and targets" : "labels")
                         : (batch->targets ? "targets" : "neither labels nor targets");
}

/* Checks the batch against the model, then makes the buffers for its size. */
static cocob_status take_batch(cocob_model *m, const cocob_batch *batch)
{
    cocob_error *err = &m->ctx->err;
    if (!batch || !batch->x)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "model: the batch has no inputs");
    if (m->plan.loss) {
        int labels = m->plan.loss->labels;
        if ((labels ? !batch->labels : !batch->targets) || (batch->labels && batch->targets))
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "model: the batch holds %s, but the model's loss, %s (%s), "
                              "takes %s alone",
                              batch_kind(batch), cocob_loss_name(m->loss_kind),
                              m->plan.loss->title, labels ? "int32 labels" : "float targets");
    }
    return ensure_capacity(m, batch->count);
}

/* Queued without a wait: the device reads the batch's arrays after this returns,
 * until the batch's first download, which waits for the upload too (see
 * settle). */
static cocob_status upload_batch(cocob_model *m, const cocob_batch *batch)
{
    cocob_backend *b = m->ctx->backend;
    size_t n = batch->count, outputs = cocob_model_outputs(m);
    for (size_t i = 0; batch->labels && i < n; i++)
        if (batch->labels[i] < 0 || (size_t)batch->labels[i] >= outputs)
            return cocob_fail(&m->ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                              "example %zu of the batch has label %d, but the model has %zu "
                              "outputs",
                              i, (int)batch->labels[i], outputs);
    cocob_status s = cocob_op_upload_queued(b, m->x, 0, batch->x,
                                            n * cocob_shape_size(m->input) * sizeof(float));
    if (s == COCOB_OK && batch->labels)
        s = cocob_op_upload_queued(b, m->labels, 0, batch->labels, n * sizeof(int32_t));
    /* The targets go up as they are: a NaN among them makes its example's
     * loss NaN, which the step's guard stops like any other. */
    if (s == COCOB_OK && batch->targets)
        s = cocob_op_upload_queued(b, m->targets, 0, batch->targets, n * outputs * sizeof(float));
    return s;
}

/* A batch that failed before its download may leave the upload of the
 * caller's x and labels in flight; the caller may reuse them once the batch
 * returns, so this waits for the device first. The first failure's message
 * is the one kept. */
static cocob_status settle(cocob_model *m, cocob_status s)
{
    if (s == COCOB_OK)
        return s;
    cocob_error *err = &m->ctx->err;
    char *first = strdup(err->message);
    cocob_backend *b = m->ctx->backend;
    if (b->iface->finish(b) != COCOB_OK && first)
        cocob_fail(err, s, "%s", first);
    free(first);
    return s;
}

/* The labels or the targets, whichever the loss takes. */
static cocob_span truth(const cocob_model *m)
{
    return (cocob_span){m->plan.loss->labels ? m->labels : m->targets, 0};
}

/* The loss step: the plan's loss, per example, of the outputs. */
static cocob_status loss_step(cocob_model *m, size_t n)
{
    cocob_backend *b = m->ctx->backend;
    snprintf(b->where, sizeof b->where, "the loss (%s)", m->plan.loss->title);
    return m->plan.loss->loss(b, (cocob_span){m->layers[m->plan.logits].y, 0}, truth(m),
                              (cocob_span){m->loss, 0}, n, cocob_model_outputs(m));
}

/* The loss-gradient step: the mean loss's gradient with respect to the
 * outputs, into the last layer's dy, where the backward walk starts. */
static cocob_status loss_grad_step(cocob_model *m, size_t n)
{
    cocob_backend *b = m->ctx->backend;
    const model_layer *l = &m->layers[m->plan.logits];
    snprintf(b->where, sizeof b->where, "the loss's gradient (%s)", m->plan.loss->title);
    return m->plan.loss->grad(b, (cocob_span){l->y, 0}, truth(m), (cocob_span){l->dy, 0}, n,
                              cocob_model_outputs(m));
}

static cocob_status forward_layers(cocob_model *m, size_t n, int training)
{
    cocob_status s = COCOB_OK;
    for (size_t k = 0; k < m->plan.count && s == COCOB_OK; k++)
        s = cocob_layer_forward(m, &m->plan.steps[k], n, training);
    return s;
}

/* The plan walked forward, then the loss. */
static cocob_status forward(cocob_model *m, size_t n, int training)
{
    cocob_status s = forward_layers(m, n, training);
    if (s == COCOB_OK)
        s = loss_step(m, n);
    return s;
}

static cocob_status bucket(cocob_model *m, cocob_shard *sh, size_t n, size_t lo, int last);

/* The loss-gradient step, then the plan walked in reverse. With sh, the
 * gradients of the layers done so far are summed across the ranks while
 * the earlier layers' backward runs: the arena holds the layers in order,
 * so that all from layer l's first weight on are final once l is done. */
static cocob_status backward(cocob_model *m, size_t n, cocob_shard *sh)
{
    cocob_status s = loss_grad_step(m, n);
    for (size_t k = m->plan.count; k-- > 0 && s == COCOB_OK;) {
        const plan_step *st = &m->plan.steps[k];
        s = cocob_layer_backward(m, st, n);
        if (s == COCOB_OK && sh)
            s = bucket(m, sh, n, k ? m->layers[st->layer].w_off : 0, k == 0);
    }
    return s;
}

/* The batch's summed loss, in double: the host adds what the device left.
 * With flag, also the int32 after the losses, in the same download: a
 * training step's one wait. */
static cocob_status loss_sum(cocob_model *m, size_t n, double *sum, int32_t *flag)
{
    cocob_backend *b = m->ctx->backend;
    cocob_status s = cocob_op_download(b, m->loss, 0, m->host, (n + !!flag) * sizeof(float));
    *sum = 0;
    for (size_t i = 0; i < n && s == COCOB_OK; i++)
        *sum += m->host[i];
    if (flag && s == COCOB_OK)
        memcpy(flag, &m->host[n], sizeof *flag);
    return s;
}

/* How many of n floats at off in buf are NaN or infinite. */
static cocob_status bad_count(cocob_model *m, cocob_buffer *buf, size_t off, size_t n,
                              size_t *bad)
{
    cocob_backend *b = m->ctx->backend;
    return cocob_op_count_nonfinite(b, buf, off, n, bad);
}

/* A NaN or infinite loss: names the first layer whose output holds one, so
 * the user knows where the numbers went wrong, or the input itself. */
static cocob_status nonfinite_loss(cocob_model *m, size_t n, double sum)
{
    cocob_error *err = &m->ctx->err;
    size_t bad = 0;
    cocob_status s = bad_count(m, m->x, 0, n * cocob_shape_size(m->input), &bad);
    if (s != COCOB_OK)
        return s;
    if (bad)
        return cocob_fail(err, COCOB_ERR_NONFINITE,
                          "the loss is %g: the input batch itself "
                          "holds %zu NaN or infinite value(s); no weight was changed",
                          sum, bad);
    if (m->targets) {
        s = bad_count(m, m->targets, 0, n * cocob_model_outputs(m), &bad);
        if (s != COCOB_OK)
            return s;
        if (bad)
            return cocob_fail(err, COCOB_ERR_NONFINITE,
                              "the loss is %g: the batch's targets hold %zu NaN or infinite "
                              "value(s); no weight was changed",
                              sum, bad);
    }
    for (size_t i = 0; i < m->count; i++) {
        const model_layer *l = &m->layers[i];
        size_t o = cocob_plan_output(&m->plan, i);
        cocob_buffer *y = o == PLAN_NONE ? NULL : m->layers[o].y;
        if (!y)
            continue;
        s = bad_count(m, y, 0, n * cocob_shape_size(l->out), &bad);
        if (s != COCOB_OK)
            return s;
        if (bad) {
            char name[64];
            cocob_layer_name(&l->desc, name, sizeof name);
            return cocob_fail(err, COCOB_ERR_NONFINITE,
                              "the loss is %g: layer %zu (%s) is the first whose output holds "
                              "NaN or infinite values (%zu of %zu); no weight was changed",
                              sum, i, name, bad, n * cocob_shape_size(l->out));
        }
    }
    return cocob_fail(err, COCOB_ERR_NONFINITE,
                      "the loss is %g, though every layer's output "
                      "is finite; no weight was changed",
                      sum);
}

/* A NaN or infinite gradient: names the layer and the tensor. */
static cocob_status nonfinite_grad(cocob_model *m)
{
    cocob_buffer *g = m->grad_arena->buf;
    for (size_t i = 0; i < m->count; i++) {
        const model_layer *l = &m->layers[i];
        const struct {
            const char *what;
            size_t off, count;
        } parts[] = {{"weights", l->w_off, l->w_count}, {"biases", l->b_off, l->b_count}};
        for (int k = 0; k < 2; k++) {
            size_t bad = 0;
            if (!parts[k].count)
                continue;
            cocob_status s = bad_count(m, g, parts[k].off, parts[k].count, &bad);
            if (s != COCOB_OK)
                return s;
            if (bad) {
                char name[64];
                cocob_layer_name(&l->desc, name, sizeof name);
                return cocob_fail(&m->ctx->err, COCOB_ERR_NONFINITE,
                                  "the gradient of layer %zu (%s)'s %s holds %zu NaN or "
                                  "infinite value(s) of %zu; no weight was changed",
                                  i, name, parts[k].what, bad, parts[k].count);
            }
        }
    }
    return cocob_fail(&m->ctx->err, COCOB_ERR_NONFINITE,
                      "the gradient holds NaN or infinite values; no weight was changed");
}

/* With timing, waits for the device and adds the time since *mark to *slot. */
static cocob_status lap(cocob_model *m, cocob_step_timing *timing, double *slot, double *mark)
{
    if (!timing)
        return COCOB_OK;
    cocob_status s = m->ctx->backend->iface->finish(m->ctx->backend);
    double t = cocob_now();
    *slot += t - *mark;
    *mark = t;
    return s;
}

/* Floats [lo, hi) of the gradient arena to the host, scaled by this rank's
 * share of the batch: the mean over its n becomes its part of the mean over
 * all. With tail, the losses' sum and the stop request follow the arena's
 * last float, to be summed with it. */
static cocob_status scaled(cocob_model *m, cocob_shard *sh, size_t n, size_t lo, size_t hi,
                           int tail)
{
    size_t count = m->grad_arena->count;
    float *host = sh->host;
    double local;
    cocob_status s = cocob_op_download(m->ctx->backend, m->grad_arena->buf, lo * sizeof *host,
                                       host + lo, (hi - lo) * sizeof *host);
    if (s == COCOB_OK && tail)
        s = loss_sum(m, n, &local, NULL);
    if (s != COCOB_OK)
        return s;
    double part = (double)n / (double)sh->total;
    for (size_t i = lo; i < hi; i++)
        host[i] = (float)(host[i] * part);
    if (tail) {
        host[count] = (float)local;
        host[count + 1] = sh->stop ? 1.0f : 0.0f;
    }
    return COCOB_OK;
}

static cocob_status sum_failed(cocob_model *m, const cocob_comm *c)
{
    return cocob_fail(&m->ctx->err, COCOB_ERR_IO,
                      "rank %d of %d: the sum of the gradients across the ranks failed", c->rank,
                      c->size);
}

/* Lets the buckets in flight move on (wait 0), or waits for them all
 * (wait 1); testing the oldest moves them all. */
static cocob_status progress(cocob_model *m, cocob_shard *sh, int wait)
{
    const cocob_comm *c = sh->comm;
    while (sh->done < sh->started) {
        int done = 1;
        void *r = sh->requests[sh->done];
        if (r && c->finish_sum(r, wait, &done, c->user) != 0)
            return sum_failed(m, c);
        if (!done)
            return COCOB_OK;
        sh->done++;
        if (c->times && sh->done == sh->started && sh->unstarted == 0)
            c->times->communication += cocob_now() - sh->first_start;
    }
    return COCOB_OK;
}

/* Floats a bucket gathers before its sum starts. One sum costs a latency
 * of some microseconds whatever its size, and the models here hold from
 * thousands to a few million floats: 64 Ki floats (256 KiB) makes the
 * larger ones a few buckets, so that the sum of the last layers runs
 * behind the backward of the first, where DDP's 25 MB would make any of
 * them a single bucket, summed after backward as without overlap. */
#define BUCKET_FLOATS ((size_t)1 << 16)

/* Called after each layer's backward, with lo the first float of the
 * arena that is final: starts the sum of the floats from lo to what is
 * already started once they fill a bucket, and the last one (last) in any
 * case; otherwise only lets the sums in flight move on. */
static cocob_status bucket(cocob_model *m, cocob_shard *sh, size_t n, size_t lo, int last)
{
    size_t hi = sh->unstarted;
    int first = sh->started == 0;
    if (hi - lo < BUCKET_FLOATS && !(last && (hi > lo || first)))
        return progress(m, sh, 0);
    /* The first bucket ends the arena, so that the losses follow it. */
    cocob_status s = scaled(m, sh, n, lo, hi, first);
    if (s != COCOB_OK)
        return s;
    const cocob_comm *c = sh->comm;
    if (first)
        sh->first_start = cocob_now();
    if (c->start_sum(sh->host + lo, hi - lo + (first ? 2 : 0), &sh->requests[sh->started],
                     c->user) != 0)
        return sum_failed(m, c);
    sh->started++;
    sh->unstarted = lo;
    return progress(m, sh, 0);
}

/* The data-parallel part of a step, between backward and the guard: the
 * gradient arena, scaled by this rank's share of the batch, goes to the
 * host and is summed across the ranks, with the losses' sum and the stop
 * requests in the same call (or, with start_sum, the buckets backward
 * started are waited for), then goes back. *global is the sum of every
 * rank's losses. */
static cocob_status share(cocob_model *m, cocob_shard *sh, size_t n, double *global)
{
    cocob_backend *b = m->ctx->backend;
    size_t count = m->grad_arena->count;
    float *host = sh->host;
    const cocob_comm *c = sh->comm;
    double start = cocob_now();
    cocob_status s = COCOB_OK;
    if (c->start_sum) {
        s = progress(m, sh, 1);
    } else {
        s = scaled(m, sh, n, 0, count, 1);
        if (s == COCOB_OK && c->allreduce_sum(host, count + 2, c->user) != 0)
            s = sum_failed(m, c);
    }
    if (s != COCOB_OK)
        return s;
    if (c->times) {
        double waited = cocob_now() - start;
        c->times->exposed += waited;
        c->times->communication += c->start_sum ? 0 : waited;
        c->times->backward += start - sh->backward;
        c->times->steps++;
        c->times->buckets += c->start_sum ? sh->started : 1;
    }
    *global = host[count];
    sh->stop = host[count + 1] > 0;
    return cocob_op_upload(b, m->grad_arena->buf, 0, host, count * sizeof *host);
}

static cocob_status step(cocob_model *m, cocob_optimizer *opt, const cocob_batch *batch,
                         cocob_shard *shard, double *loss, cocob_step_timing *timing)
{
    double mark = cocob_now();
    cocob_status s = take_batch(m, batch);
    size_t n = s == COCOB_OK ? batch->count : 0;
    if (s == COCOB_OK)
        s = upload_batch(m, batch);
    if (s == COCOB_OK)
        s = lap(m, timing, timing ? &timing->data : NULL, &mark);
    /* Schedule-Free's gradient is taken at y, which an evaluation at x
     * has set aside. */
    if (s == COCOB_OK)
        s = cocob_optimizer_train_weights(opt);
    if (s == COCOB_OK)
        s = forward(m, n, 1);
    if (s == COCOB_OK)
        s = lap(m, timing, timing ? &timing->forward : NULL, &mark);
    if (shard) {
        shard->started = shard->done = 0;
        shard->unstarted = m->grad_arena->count;
        shard->backward = cocob_now();
    }
    if (s == COCOB_OK)
        s = backward(m, n, shard && shard->comm->start_sum ? shard : NULL);
    if (s == COCOB_OK)
        s = lap(m, timing, timing ? &timing->backward : NULL, &mark);
    double global = 0;
    if (s == COCOB_OK && shard)
        s = share(m, shard, n, &global);
    /* Every rank sees the same sum: a loss that is not finite on one rank
     * stops the step on all, even where the gradients stayed finite. */
    if (s == COCOB_OK && shard && !isfinite(global)) {
        *loss = global / (double)shard->total;
        double local;
        s = loss_sum(m, n, &local, NULL);
        if (s == COCOB_OK && !isfinite(local))
            return nonfinite_loss(m, n, local);
        return settle(m, s == COCOB_OK ? cocob_fail(&m->ctx->err, COCOB_ERR_NONFINITE,
                                                    "the loss summed across the ranks is %g: "
                                                    "another rank's share of the batch made "
                                                    "it; no weight was changed",
                                                    global)
                                       : s);
    }
    /* The guard: an int32 after the losses, set on the device when the loss
     * or the gradient holds a NaN or an infinity, and read by the updates,
     * which then leave the weights alone; the host looks at it only after
     * the whole step is queued. */
    cocob_backend *b = m->ctx->backend;
    cocob_span flag = {m->loss, n};
    const cocob_tensor *grads = m->grad_arena;
    snprintf(b->where, sizeof b->where, "the optimizer step");
    if (s == COCOB_OK)
        s = cocob_op_fill(b, m->loss, n, 0.0f, 1);
    if (s == COCOB_OK)
        s = cocob_op_flag_nonfinite(b, (cocob_span){m->loss, 0}, n, flag);
    if (s == COCOB_OK)
        s = cocob_optim_step_guarded(opt, &grads, flag);
    double sum = 0;
    int32_t flagged = 0;
    if (s == COCOB_OK)
        s = loss_sum(m, n, &sum, &flagged);
    /* The update's time includes the read that ends the step. */
    if (s == COCOB_OK)
        s = lap(m, timing, timing ? &timing->update : NULL, &mark);
    *loss = shard ? global / (double)shard->total : n ? sum / (double)n : 0;
    if (s != COCOB_OK || !flagged)
        return settle(m, s);
    /* Skipped on the device; off the fast path, find what went wrong. */
    cocob_optim_unstep(opt);
    return isfinite(sum) ? nonfinite_grad(m) : nonfinite_loss(m, n, sum);
}

cocob_status cocob_model_step(cocob_model *m, cocob_optimizer *opt, const cocob_batch *batch,
                              double *loss, cocob_step_timing *timing)
{
    return step(m, opt, batch, NULL, loss, timing);
}

cocob_status cocob_model_step_shard(cocob_model *m, cocob_optimizer *opt,
                                    const cocob_batch *batch, cocob_shard *shard, double *loss)
{
    m->shard = shard;
    cocob_status s = step(m, opt, batch, shard, loss, NULL);
    m->shard = NULL;
    return s;
}

cocob_status cocob_model_eval_batch(cocob_model *m, const cocob_batch *batch, double *loss,
                                    size_t *correct)
{
    *loss = 0;
    *correct = 0;
    cocob_status s = take_batch(m, batch);
    if (s == COCOB_OK)
        s = upload_batch(m, batch);
    size_t n = s == COCOB_OK ? batch->count : 0;
    if (s == COCOB_OK)
        s = forward(m, n, 0);
    if (s == COCOB_OK && batch->labels) {
        cocob_backend *b = m->ctx->backend;
        snprintf(b->where, sizeof b->where, "the predictions (argmax)");
        s = cocob_op_argmax(b, (cocob_span){m->layers[m->plan.logits].y, 0},
                            (cocob_span){m->predicted, 0}, n, cocob_model_outputs(m));
        /* int32 predictions in the float scratch: both are 4 bytes. */
        int32_t predicted;
        if (s == COCOB_OK)
            s = cocob_op_download(b, m->predicted, 0, m->host, n * sizeof(int32_t));
        for (size_t i = 0; i < n && s == COCOB_OK; i++) {
            memcpy(&predicted, &m->host[i], sizeof predicted);
            *correct += predicted == batch->labels[i];
        }
    }
    if (s == COCOB_OK)
        s = loss_sum(m, n, loss, NULL);
    return settle(m, s);
}

cocob_status cocob_model_logits(cocob_model *m, const float *x, size_t n, float *logits)
{
    cocob_backend *b = m->ctx->backend;
    cocob_status s = ensure_capacity(m, n);
    if (s == COCOB_OK)
        s = cocob_op_upload(b, m->x, 0, x, n * cocob_shape_size(m->input) * sizeof(float));
    if (s == COCOB_OK)
        s = forward_layers(m, n, 0);
    if (s == COCOB_OK)
        s = cocob_op_download(b, m->layers[m->plan.logits].y, 0, logits,
                              n * cocob_model_outputs(m) * sizeof(float));
    return s;
}
