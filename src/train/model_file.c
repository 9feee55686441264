/* Saved models: a model's layers and weights, without an optimizer, for
 * inference or a new run; and the model part of a checkpoint, read the
 * same way.
 *
 * Layout: the magic "COCOBMDL" and the sections of base/sections.h:
 *   MODL  the model, as train/model_record.h records it (as checkpoints do)
 *   LOSS  the loss, u32: a cocob_loss (0 softmax cross-entropy, 1 mean squared error)
 *   PARM  the parameters, f32
 * A load checks everything, CRCs first, before it builds anything, and
 * frees what it built when a later part fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/le.h"
#include "ops/ops.h"
#include "train/checkpoint.h"
#include "train/model_record.h"

#define MODEL_MAGIC "COCOBMDL"
enum { MODEL_VERSION = 1, MODEL_SECTIONS = 3, MODEL_LOSS = 1, MODEL_PARM = 2 };

static const char model_tags[MODEL_SECTIONS][5] = {"MODL", "LOSS", "PARM"};

cocob_status cocob_model_save(const cocob_model *m, const char *path)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_error *err = &m->ctx->err;
    if (!path)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "cocob_model_save: path is NULL");
    if (!m->param_arena)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_model_save: call cocob_model_init first");
    float *host = malloc(m->params * sizeof *host);
    if (!host)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                          "model file %s: out of host memory for %zu floats", path, m->params);
    cocob_bytes part[MODEL_SECTIONS] = {{0}};
    cocob_model_record(&part[0], m);
    cocob_bytes_u32(&part[1], (uint32_t)cocob_model_loss(m));
    cocob_status s = cocob_op_download(m->ctx->backend, m->param_arena->buf, 0, host,
                                       m->params * sizeof *host);
    if (s == COCOB_OK) {
        cocob_bytes_floats(&part[MODEL_PARM], host, m->params);
        s = cocob_sections_save(err, path, "model file", MODEL_MAGIC, MODEL_VERSION, model_tags,
                                MODEL_SECTIONS, part);
    }
    for (int k = 0; k < MODEL_SECTIONS; k++)
        free(part[k].p);
    free(host);
    return s;
}

/* The file's head: which of the two kinds it is, of a version this build
 * reads; r then knows its sections, *parm where the weights are and *loss
 * where the loss is (-1: the file records none). */
static cocob_status read_head(cocob_sections *r, int *parm, int *loss)
{
    unsigned char head[SECTIONS_FILE_HEAD] = {0};
    size_t n = r->size < SECTIONS_FILE_HEAD ? (size_t)r->size : SECTIONS_FILE_HEAD;
    cocob_status s = cocob_sections_read(r, 0, head, n);
    if (s != COCOB_OK)
        return s;
    int model = n >= 8 && memcmp(head, MODEL_MAGIC, 8) == 0;
    if (!model && !(n >= 8 && memcmp(head, CHECKPOINT_MAGIC, 8) == 0))
        return cocob_fail(r->err, COCOB_ERR_IO,
                          "model file %s is neither a saved model nor a checkpoint: it starts "
                          "with neither " MODEL_MAGIC " nor " CHECKPOINT_MAGIC,
                          r->path);
    r->what = model ? "model file" : "checkpoint";
    r->tags = model ? model_tags : cocob_checkpoint_tags;
    if (n < SECTIONS_FILE_HEAD)
        return cocob_sections_damaged(r,
                                      "truncated: the file is %zu bytes, shorter than its head",
                                      n);
    uint32_t version = cocob_le_get_u32(head + 8);
    r->count = model ? (version == MODEL_VERSION ? MODEL_SECTIONS : 0)
                     : cocob_checkpoint_sections(version);
    if (r->count == 0)
        return cocob_fail(r->err, COCOB_ERR_IO, "%s %s is of version %lu; this build reads %s",
                          r->what, r->path, (unsigned long)version,
                          model ? "version 1" : "versions 2 and 3");
    *parm = model ? MODEL_PARM : CHECKPOINT_PARM;
    *loss = model ? MODEL_LOSS : r->count > CHECKPOINT_LOSS ? CHECKPOINT_LOSS : -1;
    if (cocob_le_get_u32(head + 12) != (uint32_t)r->count)
        return cocob_sections_damaged(r, "its head counts %lu sections, where version %lu has %d",
                                      (unsigned long)cocob_le_get_u32(head + 12),
                                      (unsigned long)version, r->count);
    return COCOB_OK;
}

/* The model the record describes, its layers added and checked as
 * cocob_model_add checks a caller's; not yet initialised. */
static cocob_status build(const cocob_sections *r, cocob_context *ctx,
                          const unsigned char *record, cocob_model **out)
{
    cocob_status s = cocob_record_check(r, record);
    if (s != COCOB_OK)
        return s;
    uint64_t c = cocob_le_get_u64(record), h = cocob_le_get_u64(record + 8),
             w = cocob_le_get_u64(record + 16), count = cocob_le_get_u64(record + 24);
    if (c > 65536 || h > 65536 || w > 65536)
        return cocob_fail(r->err, COCOB_ERR_SHAPE,
                          "%s %s: its layers do not build: the input is %llux%llux%llu", r->what,
                          r->path, (unsigned long long)c, (unsigned long long)h,
                          (unsigned long long)w);
    cocob_model *m = NULL;
    s = cocob_model_create(ctx, (size_t)c, (size_t)h, (size_t)w, &m);
    for (size_t i = 0; i < count && s == COCOB_OK; i++) {
        cocob_layer d = cocob_record_layer(record, i);
        if ((uint32_t)d.kind > COCOB_LAYER_FLATTEN)
            s = cocob_fail(r->err, COCOB_ERR_IO,
                           "%s %s: layer %zu is of kind %lu, which this build does not know",
                           r->what, r->path, i, (unsigned long)d.kind);
        else
            s = cocob_model_add(m, d);
    }
    const unsigned char *tail = record + 32 + count * RECORD_LAYER_BYTES;
    if (s == COCOB_OK && count == 0)
        s = cocob_fail(r->err, COCOB_ERR_SHAPE, "%s %s: its layers do not build: there are none",
                       r->what, r->path);
    else if (s != COCOB_OK && s != COCOB_ERR_IO && s != COCOB_ERR_OUT_OF_MEMORY)
        cocob_error_prepend(r->err, "%s %s: its layers do not build: ", r->what, r->path);
    if (s == COCOB_OK && cocob_le_get_u64(tail) != m->params)
        s = cocob_sections_damaged(r,
                                   "its model section counts %llu parameters, where its layers "
                                   "make %zu",
                                   (unsigned long long)cocob_le_get_u64(tail), m->params);
    if (s != COCOB_OK) {
        cocob_model_destroy(m);
        return s;
    }
    *out = m;
    return COCOB_OK;
}

/* The loss the file names in section k, set on m before its init; a
 * version 2 checkpoint (k < 0) records none, and loads as softmax
 * cross-entropy's. */
static cocob_status take_loss(const cocob_sections *r, int k, cocob_model *m)
{
    if (k < 0)
        return COCOB_OK;
    unsigned char *loss = NULL;
    cocob_status s = cocob_sections_check_len(r, k, 4, "the loss");
    if (s == COCOB_OK)
        s = cocob_sections_take(r, k, &loss);
    uint32_t kind = s == COCOB_OK ? cocob_le_get_u32(loss) : 0;
    if (s == COCOB_OK && kind > (uint32_t)COCOB_LOSS_MSE)
        s = cocob_fail(r->err, COCOB_ERR_IO,
                       "%s %s: its loss is of kind %lu, which this build does not know (0 is "
                       "softmax cross-entropy, 1 mean squared error)",
                       r->what, r->path, (unsigned long)kind);
    if (s == COCOB_OK)
        s = cocob_model_set_loss(m, (cocob_loss)kind);
    free(loss);
    return s;
}

/* The weights into m, initialised for them. */
static cocob_status fill(const cocob_sections *r, cocob_model *m, const unsigned char *record,
                         const unsigned char *parm)
{
    float *host = malloc(m->params * sizeof *host);
    if (!host)
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY,
                          "%s %s: out of host memory for %zu floats", r->what, r->path,
                          m->params);
    for (size_t i = 0; i < m->params; i++)
        host[i] = cocob_le_get_f32(parm + 4 * i);
    const unsigned char *tail = record + 32 + m->count * RECORD_LAYER_BYTES;
    cocob_status s = cocob_model_init(m, 0);
    if (s == COCOB_ERR_SHAPE)
        cocob_error_prepend(r->err, "%s %s: its layers do not build: ", r->what, r->path);
    if (s == COCOB_OK)
        s = cocob_tensor_upload(m->param_arena, host, m->params);
    if (s == COCOB_OK) {
        m->seed = cocob_le_get_u64(tail + 8);
        m->draws = cocob_le_get_u64(tail + 16);
    }
    free(host);
    return s;
}

cocob_status cocob_model_load(cocob_context *ctx, const char *path, cocob_model **out)
{
    if (!ctx || !out)
        return COCOB_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!path)
        return cocob_fail(&ctx->err, COCOB_ERR_INVALID_ARGUMENT,
                          "cocob_model_load: path is NULL");
    cocob_sections r = {path, "model file", &ctx->err, -1, 0, NULL, 0, {0}, {0}};
    FILE *f;
    cocob_status s = cocob_file_open_read(r.err, path, "model file", &f, &r.size);
    if (s != COCOB_OK)
        return s;
    r.fd = fileno(f);
    int parm = 0, loss = -1;
    unsigned char *record = NULL, *weights = NULL;
    cocob_model *m = NULL;
    s = read_head(&r, &parm, &loss);
    if (s == COCOB_OK)
        s = cocob_sections_walk(&r);
    if (s == COCOB_OK)
        s = cocob_sections_take(&r, 0, &record);
    if (s == COCOB_OK)
        s = build(&r, ctx, record, &m);
    if (s == COCOB_OK)
        s = take_loss(&r, loss, m);
    if (s == COCOB_OK)
        s = cocob_sections_check_len(&r, parm, m->params * 4, "its model's parameters");
    if (s == COCOB_OK)
        s = cocob_sections_take(&r, parm, &weights);
    fclose(f);
    if (s == COCOB_OK)
        s = fill(&r, m, record, weights);
    free(record);
    free(weights);
    if (s != COCOB_OK) {
        cocob_model_destroy(m);
        return s;
    }
    *out = m;
    return COCOB_OK;
}
