/* Checkpoints: a model's weights, its optimizer's whole state, the
 * generators' state and where the run is, in one file that a crash cannot
 * leave half-written.
 *
 * Layout: the magic "COCOBCKP" and the sections of base/sections.h:
 *   MODL  the model, as train/model_record.h records it
 *   PARM  the parameters, f32
 *   OPTM  the optimizer's kind (u32), steps taken, state count, floats per
 *         state, and its description, as cocob_optimizer_describe writes it
 *   OSTA  each state buffer in turn, then the kind's device scalars (KT's
 *         wealth and iter; none for the others), f32
 *   PROG  epochs done, steps into the next, steps in all, the shuffle's seed,
 *         the batch size, the training examples and their fingerprint
 *   LOSS  the model's loss, u32, as a saved model's LOSS section holds it
 * Version 1 had no batch size, examples or fingerprint in PROG; it is
 * refused, as a run cannot go on from it exactly. Version 2 had no LOSS: it
 * is read, and the model keeps its own loss.
 * A save replaces the target whole (base/replace.h): the target is always
 * a whole, earlier or later, checkpoint. A load first walks the sections'
 * heads, so that a damaged length or a cut file is called damage rather
 * than another model; then it checks each section's CRC before it believes
 * what the section says, and everything before it changes anything. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/checkpoint.h"
#include "base/files.h"
#include "base/le.h"
#include "train/model_record.h"
#include "nn/spec.h"
#include "optim/optimizer.h"
#include "ops/ops.h"

#define MAGIC CHECKPOINT_MAGIC
enum {
    VERSION = CHECKPOINT_VERSION,
    SECTIONS = CHECKPOINT_SECTIONS,
    DESCRIBE = 256,
    OPTIMIZER_BYTES = 28 + DESCRIBE,
    PROGRESS_BYTES = 7 * 8
};

const char cocob_checkpoint_tags[SECTIONS][5] = {"MODL", "PARM", "OPTM", "OSTA", "PROG", "LOSS"};

int cocob_checkpoint_sections(uint32_t version)
{
    return version == VERSION ? SECTIONS : version == 2 ? SECTIONS - 1 : 0;
}

/* ---- what an optimizer and a run write ---- */

static void optimizer_head(cocob_bytes *b, const cocob_optimizer *opt)
{
    char describe[DESCRIBE] = {0};
    cocob_optimizer_describe(opt, describe, sizeof describe);
    cocob_bytes_u32(b, (uint32_t)opt->cfg.kind);
    cocob_bytes_u64(b, opt->steps);
    cocob_bytes_u64(b, opt->state_count);
    cocob_bytes_u64(b, opt->total);
    cocob_bytes_put(b, describe, sizeof describe);
}

static void progress_section(cocob_bytes *b, const cocob_progress *p)
{
    cocob_bytes_u64(b, p->epoch);
    cocob_bytes_u64(b, p->step);
    cocob_bytes_u64(b, p->total_steps);
    cocob_bytes_u64(b, p->shuffle_seed);
    cocob_bytes_u64(b, p->batch);
    cocob_bytes_u64(b, p->examples);
    cocob_bytes_u64(b, p->data_fingerprint);
}

static cocob_status check_pair(cocob_model *m, const cocob_optimizer *opt)
{
    cocob_error *err = &m->ctx->err;
    if (!m->param_arena)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "checkpoint: call cocob_model_init first");
    if (opt->ctx != m->ctx || opt->count != 1 || opt->params[0] != m->param_arena)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "checkpoint: the optimizer must be the one made over "
                          "cocob_model_params(m)");
    return COCOB_OK;
}

/* ---- saving ---- */

cocob_status cocob_checkpoint_save(const char *path, cocob_model *m, cocob_optimizer *opt,
                                   const cocob_progress *progress)
{
    if (!path || !m || !opt || !progress)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_error *err = &m->ctx->err;
    cocob_status s = check_pair(m, opt);
    if (s == COCOB_OK)
        s = cocob_optimizer_eval_weights(opt);
    if (s != COCOB_OK)
        return s;
    cocob_backend *b = m->ctx->backend;
    size_t states = opt->state_count * opt->total;
    if (states < opt->scalar_count)
        states = opt->scalar_count;
    float *host = malloc((m->params > states ? m->params : states) * sizeof *host + 1);
    cocob_bytes part[SECTIONS] = {{0}};
    if (!host)
        s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                       "checkpoint %s: out of host memory for %zu floats", path,
                       m->params > states ? m->params : states);
    cocob_model_record(&part[0], m);
    if (s == COCOB_OK)
        s = cocob_op_download(b, m->param_arena->buf, 0, host, m->params * sizeof *host);
    if (s == COCOB_OK)
        cocob_bytes_floats(&part[1], host, m->params);
    optimizer_head(&part[2], opt);
    for (size_t k = 0; k < opt->state_count && s == COCOB_OK; k++) {
        s = cocob_op_download(b, opt->state[k], 0, host, opt->total * sizeof *host);
        if (s == COCOB_OK)
            cocob_bytes_floats(&part[3], host, opt->total);
    }
    if (s == COCOB_OK && opt->scalar_count)
        s = cocob_op_download(b, opt->scalars, 0, host, opt->scalar_count * sizeof *host);
    if (s == COCOB_OK)
        cocob_bytes_floats(&part[3], host, opt->scalar_count);
    progress_section(&part[4], progress);
    cocob_bytes_u32(&part[CHECKPOINT_LOSS], (uint32_t)cocob_model_loss(m));
    if (s == COCOB_OK)
        s = cocob_sections_save(err, path, "checkpoint", MAGIC, VERSION, cocob_checkpoint_tags,
                                SECTIONS, part);
    for (int k = 0; k < SECTIONS; k++)
        free(part[k].p);
    free(host);
    return s;
}

/* ---- loading ---- */

/* A well-formed file made for something else. */
__attribute__((format(printf, 3, 4))) static cocob_status mismatch(const cocob_sections *r,
                                                                   cocob_status status,
                                                                   const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return cocob_fail(r->err, status, "checkpoint %s %s", r->path, detail);
}

/* The stored model (its CRC checked) against m: the first thing that
 * differs, with both values; or damage if the section contradicts itself. */
static cocob_status compare_model(const cocob_sections *r, const unsigned char *stored,
                                  const cocob_model *m)
{
    cocob_status s = cocob_record_check(r, stored);
    if (s != COCOB_OK)
        return s;
    uint64_t c = cocob_le_get_u64(stored), h = cocob_le_get_u64(stored + 8),
             w = cocob_le_get_u64(stored + 16);
    uint64_t count = cocob_le_get_u64(stored + 24);
    if (c != m->input.c || h != m->input.h || w != m->input.w)
        return mismatch(r, COCOB_ERR_SHAPE,
                        "was made for a different model: its input is %llux%llux%llu, this "
                        "model's %zux%zux%zu",
                        (unsigned long long)c, (unsigned long long)h, (unsigned long long)w,
                        m->input.c, m->input.h, m->input.w);
    if (count != m->count)
        return mismatch(r, COCOB_ERR_SHAPE,
                        "was made for a different model: it has %llu layers, this model %zu",
                        (unsigned long long)count, m->count);
    cocob_bytes mine = {0};
    cocob_model_record(&mine, m);
    if (mine.failed) {
        free(mine.p);
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "checkpoint: out of host memory");
    }
    for (size_t i = 0; i < m->count && s == COCOB_OK; i++) {
        const unsigned char *a = stored + 32 + i * RECORD_LAYER_BYTES;
        if (memcmp(a, mine.p + 32 + i * RECORD_LAYER_BYTES, RECORD_LAYER_BYTES) == 0)
            continue;
        cocob_layer theirs = cocob_record_layer(stored, i);
        char t[64] = "an unknown layer", o[64];
        if (theirs.kind <= COCOB_LAYER_FLATTEN)
            cocob_layer_name(&theirs, t, sizeof t);
        cocob_layer_name(&m->layers[i].desc, o, sizeof o);
        s = mismatch(r, COCOB_ERR_SHAPE,
                     "was made for a different model: layer %zu is %s there, %s here", i, t, o);
    }
    /* The same layers make the same parameters. */
    const unsigned char *tail = stored + 32 + m->count * RECORD_LAYER_BYTES;
    if (s == COCOB_OK && cocob_le_get_u64(tail) != m->params)
        s = cocob_sections_damaged(
            r, "its model section counts %llu parameters, where its layers make %zu",
            (unsigned long long)cocob_le_get_u64(tail), m->params);
    free(mine.p);
    return s;
}

static cocob_status compare_optimizer(const cocob_sections *r, const unsigned char *stored,
                                      const cocob_optimizer *opt)
{
    char mine[DESCRIBE] = {0}, theirs[DESCRIBE];
    cocob_optimizer_describe(opt, mine, sizeof mine);
    memcpy(theirs, stored + 28, DESCRIBE);
    theirs[DESCRIBE - 1] = '\0';
    if (cocob_le_get_u32(stored) != (uint32_t)opt->cfg.kind || strcmp(theirs, mine) != 0)
        return mismatch(r, COCOB_ERR_SHAPE, "was made with the optimizer %s; this run has %s",
                        theirs, mine);
    if (cocob_le_get_u64(stored + 12) != opt->state_count ||
        cocob_le_get_u64(stored + 20) != opt->total)
        return cocob_sections_damaged(
            r,
            "the optimizer's state sizes, %llu of %llu, are not what %s keeps, "
            "%zu of %zu",
            (unsigned long long)cocob_le_get_u64(stored + 12),
            (unsigned long long)cocob_le_get_u64(stored + 20), mine, opt->state_count,
            opt->total);
    return COCOB_OK;
}

/* A model trained for one loss goes on with it: the same weights under
 * another loss are another run. */
static cocob_status compare_loss(const cocob_sections *r, const cocob_model *m)
{
    unsigned char *stored = NULL;
    cocob_status s = cocob_sections_check_len(r, CHECKPOINT_LOSS, 4, "the loss");
    if (s == COCOB_OK)
        s = cocob_sections_take(r, CHECKPOINT_LOSS, &stored);
    if (s != COCOB_OK)
        return s;
    uint32_t kind = cocob_le_get_u32(stored);
    free(stored);
    if (kind > (uint32_t)COCOB_LOSS_MSE)
        return cocob_sections_damaged(r, "its loss is of kind %lu, which no cocob writes",
                                      (unsigned long)kind);
    if (kind != (uint32_t)cocob_model_loss(m))
        return mismatch(r, COCOB_ERR_SHAPE,
                        "was made for a model whose loss is %s; this model's loss is %s (set "
                        "it with --loss or cocob_model_set_loss)",
                        cocob_loss_name((cocob_loss)kind), cocob_loss_name(cocob_model_loss(m)));
    return COCOB_OK;
}

/* The run the checkpoint was made in against this one: the same batches of
 * the same examples, or its step count means other examples. */
static cocob_status compare_run(const cocob_sections *r, const cocob_progress *was,
                                const cocob_progress *now)
{
    if (was->batch == 0 || was->examples == 0)
        return mismatch(r, COCOB_ERR_INVALID_ARGUMENT,
                        "records no batch size or example count (it was not saved by "
                        "cocob_train), so a run cannot go on from it exactly");
    if (was->batch != now->batch)
        return mismatch(r, COCOB_ERR_INVALID_ARGUMENT,
                        "was made with batches of %llu, this run asks for %llu; resume with "
                        "batches of %llu",
                        (unsigned long long)was->batch, (unsigned long long)now->batch,
                        (unsigned long long)was->batch);
    if (was->examples != now->examples)
        return mismatch(r, COCOB_ERR_INVALID_ARGUMENT,
                        "was made on %llu training examples, this run has %llu",
                        (unsigned long long)was->examples, (unsigned long long)now->examples);
    if (was->data_fingerprint != now->data_fingerprint)
        return mismatch(r, COCOB_ERR_INVALID_ARGUMENT,
                        "was made on other data: as many examples, but fingerprint %016llx, "
                        "this data %016llx",
                        (unsigned long long)was->data_fingerprint,
                        (unsigned long long)now->data_fingerprint);
    return COCOB_OK;
}

/* The file's head: the magic, a version this build reads, its sections,
 * whose count r takes from the version. */
static cocob_status check_head(cocob_sections *r)
{
    unsigned char head[SECTIONS_FILE_HEAD] = {0};
    size_t n = r->size < SECTIONS_FILE_HEAD ? (size_t)r->size : SECTIONS_FILE_HEAD;
    cocob_status s = cocob_sections_read(r, 0, head, n);
    if (s != COCOB_OK)
        return s;
    if (memcmp(head, MAGIC, n < 8 ? n : 8) != 0 || n == 0)
        return cocob_fail(r->err, COCOB_ERR_IO,
                          "checkpoint %s is not a cocob checkpoint: it does not start with "
                          "COCOBCKP",
                          r->path);
    if (n < SECTIONS_FILE_HEAD)
        return cocob_sections_damaged(
            r, "truncated: the file is %zu bytes, shorter than a checkpoint's head", n);
    uint32_t version = cocob_le_get_u32(head + 8);
    if (version == 1)
        return cocob_fail(r->err, COCOB_ERR_IO,
                          "checkpoint %s is of version 1, from an older cocob; this build "
                          "reads version %d, which also records the batch size and the data "
                          "a run was made on, as going on exactly needs",
                          r->path, VERSION);
    r->count = cocob_checkpoint_sections(version);
    if (r->count == 0)
        return cocob_fail(r->err, COCOB_ERR_IO,
                          "checkpoint %s is of version %lu; this build reads versions 2 and 3",
                          r->path, (unsigned long)version);
    if (cocob_le_get_u32(head + 12) != (uint32_t)r->count)
        return cocob_sections_damaged(r, "its head counts %lu sections, where version %lu has %d",
                                      (unsigned long)cocob_le_get_u32(head + 12),
                                      (unsigned long)version, r->count);
    return COCOB_OK;
}

/* Every section read and checked into payload, nothing changed yet. */
static cocob_status read_all(cocob_sections *r, cocob_model *m, const cocob_optimizer *opt,
                             unsigned char *payload[SECTIONS])
{
    cocob_status s = check_head(r);
    if (s == COCOB_OK)
        s = cocob_sections_walk(r);
    if (s == COCOB_OK)
        s = cocob_sections_take(r, 0, &payload[0]);
    if (s == COCOB_OK)
        s = compare_model(r, payload[0], m);
    if (s == COCOB_OK)
        s = cocob_sections_check_len(r, 1, m->params * 4, "its model's parameters");
    if (s == COCOB_OK)
        s = cocob_sections_take(r, 1, &payload[1]);
    if (s == COCOB_OK)
        s = cocob_sections_check_len(r, 2, OPTIMIZER_BYTES, "an optimizer's head");
    if (s == COCOB_OK)
        s = cocob_sections_take(r, 2, &payload[2]);
    if (s == COCOB_OK)
        s = compare_optimizer(r, payload[2], opt);
    if (s == COCOB_OK)
        s = cocob_sections_check_len(r, 3,
                                     (opt->state_count * opt->total + opt->scalar_count) * 4,
                                     "its optimizer's state");
    if (s == COCOB_OK)
        s = cocob_sections_take(r, 3, &payload[3]);
    if (s == COCOB_OK)
        s = cocob_sections_check_len(r, 4, PROGRESS_BYTES, "the progress");
    if (s == COCOB_OK)
        s = cocob_sections_take(r, 4, &payload[4]);
    if (s == COCOB_OK && r->count > CHECKPOINT_LOSS)
        s = compare_loss(r, m);
    return s;
}

/* The load, checking the run against expect when it is not NULL. */
static cocob_status load(const char *path, cocob_model *m, cocob_optimizer *opt,
                         const cocob_progress *expect, cocob_progress *progress)
{
    if (!path || !m || !opt || !progress)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_status s = check_pair(m, opt);
    if (s != COCOB_OK)
        return s;
    cocob_sections r = {path,     "checkpoint", &m->ctx->err, -1, 0, cocob_checkpoint_tags,
                        SECTIONS, {0},          {0}};
    FILE *f;
    s = cocob_file_open_read(r.err, path, "checkpoint", &f, &r.size);
    if (s != COCOB_OK)
        return s;
    r.fd = fileno(f);
    unsigned char *payload[SECTIONS] = {NULL};
    s = read_all(&r, m, opt, payload);
    fclose(f);
    cocob_progress was = {0};
    if (s == COCOB_OK) {
        const unsigned char *pp = payload[4];
        was = (cocob_progress){cocob_le_get_u64(pp),      cocob_le_get_u64(pp + 8),
                               cocob_le_get_u64(pp + 16), cocob_le_get_u64(pp + 24),
                               cocob_le_get_u64(pp + 32), cocob_le_get_u64(pp + 40),
                               cocob_le_get_u64(pp + 48)};
        if (expect)
            s = compare_run(&r, &was, expect);
    }
    /* Nothing has changed so far; from here on only the device can fail. */
    cocob_backend *b = m->ctx->backend;
    float *host = NULL;
    if (s == COCOB_OK) {
        size_t most = m->params > opt->total ? m->params : opt->total;
        if (most < opt->scalar_count)
            most = opt->scalar_count;
        if (!(host = malloc(most * sizeof *host + 1)))
            s = cocob_fail(r.err, COCOB_ERR_OUT_OF_MEMORY, "checkpoint %s: out of host memory",
                           path);
    }
    for (size_t i = 0; s == COCOB_OK && i < m->params; i++)
        host[i] = cocob_le_get_f32(payload[1] + 4 * i);
    if (s == COCOB_OK)
        s = cocob_op_upload(b, m->param_arena->buf, 0, host, m->params * sizeof *host);
    for (size_t k = 0; s == COCOB_OK && k < opt->state_count; k++) {
        const unsigned char *at = payload[3] + 4 * k * opt->total;
        for (size_t i = 0; i < opt->total; i++)
            host[i] = cocob_le_get_f32(at + 4 * i);
        s = cocob_op_upload(b, opt->state[k], 0, host, opt->total * sizeof *host);
    }
    if (s == COCOB_OK && opt->scalar_count) {
        const unsigned char *at = payload[3] + 4 * opt->state_count * opt->total;
        for (size_t i = 0; i < opt->scalar_count; i++)
            host[i] = cocob_le_get_f32(at + 4 * i);
        s = cocob_op_upload(b, opt->scalars, 0, host, opt->scalar_count * sizeof *host);
    }
    if (s == COCOB_OK) {
        const unsigned char *mp = payload[0] + 32 + m->count * RECORD_LAYER_BYTES + 8;
        m->seed = cocob_le_get_u64(mp);
        m->draws = cocob_le_get_u64(mp + 8);
        opt->steps = cocob_le_get_u64(payload[2] + 4);
        /* Saved at x, with y in the state (cocob_checkpoint_save). */
        opt->at_x = cocob_optim_is_schedule_free(opt->cfg.kind);
        *progress = was;
    }
    free(host);
    for (int k = 0; k < SECTIONS; k++)
        free(payload[k]);
    return s;
}

cocob_status cocob_checkpoint_load(const char *path, cocob_model *m, cocob_optimizer *opt,
                                   cocob_progress *progress)
{
    return load(path, m, opt, NULL, progress);
}

cocob_status cocob_checkpoint_resume(const char *path, cocob_model *m, cocob_optimizer *opt,
                                     cocob_progress *at)
{
    if (!at)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_progress now = *at;
    return load(path, m, opt, &now, at);
}
