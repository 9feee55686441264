/* Checkpoints: a model's weights, its optimizer's whole state, the
 * generators' state and where the run is, in one file that a crash cannot
 * leave half-written.
 *
 * Layout, little-endian: the magic "COCOBCKP", a u32 version, a u32 section
 * count, then each section as a 4-byte tag, a u64 length, the CRC-32 of its
 * payload (zlib's), and the payload:
 *   MODL  input c, h, w; the layer count; per layer its kind, units, kernel
 *         h and w, stride, pad (u64 each but the kind, u32) and dropout rate
 *         (f32); the parameter count; dropout's seed and draws so far
 *   PARM  the parameters, f32
 *   OPTM  the optimizer's kind (u32), steps taken, state count, floats per
 *         state, and its description, as cocob_optimizer_describe writes it
 *   OSTA  each state buffer in turn, f32
 *   PROG  epochs done, steps into the next, steps in all, the shuffle's seed,
 *         the batch size, the training examples and their fingerprint
 * Version 1 had no batch size, examples or fingerprint in PROG; it is
 * refused, as a run cannot go on from it exactly.
 * A save replaces the target whole (base/replace.h): the target is always
 * a whole, earlier or later, checkpoint. A load first walks the sections'
 * heads, so that a damaged length or a cut file is called damage rather
 * than another model; then it checks each section's CRC before it believes
 * what the section says, and everything before it changes anything. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/checked.h"
#include "train/checkpoint.h"
#include "base/files.h"
#include "base/le.h"
#include "nn/model.h"
#include "base/replace.h"
#include "nn/spec.h"
#include "optim/optimizer.h"
#include "ops/ops.h"

#define MAGIC "COCOBCKP"
enum {
    VERSION = 2,
    SECTIONS = 5,
    FILE_HEAD = 16,
    SECTION_HEAD = 16,
    LAYER_BYTES = 4 + 5 * 8 + 4,
    MODEL_FIXED = 32 + 24,
    DESCRIBE = 256,
    OPTIMIZER_BYTES = 28 + DESCRIBE,
    PROGRESS_BYTES = 7 * 8
};

static const char tags[SECTIONS][5] = {"MODL", "PARM", "OPTM", "OSTA", "PROG"};

/* ---- a growing little-endian byte buffer ---- */

typedef struct bytes {
    unsigned char *p;
    size_t len, cap;
    int failed;
} bytes;

static void put(bytes *b, const void *src, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_u32(bytes *b, uint32_t v)
{
    unsigned char le[4];
    cocob_le_put_u32(le, v);
    put(b, le, 4);
}

static void put_u64(bytes *b, uint64_t v)
{
    unsigned char le[8];
    cocob_le_put_u64(le, v);
    put(b, le, 8);
}

static void put_f32(bytes *b, float f)
{
    unsigned char le[4];
    cocob_le_put_f32(le, f);
    put(b, le, 4);
}

/* n floats in the file's byte order. */
static void floats_le(bytes *b, const float *f, size_t n)
{
    for (size_t i = 0; i < n && !b->failed; i++)
        put_f32(b, f[i]);
}

static uint32_t crc_of(const unsigned char *p, size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        crc = crc32(crc, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)crc;
}

/* ---- what a model and an optimizer write ---- */

static void model_section(bytes *b, const cocob_model *m)
{
    put_u64(b, m->input.c);
    put_u64(b, m->input.h);
    put_u64(b, m->input.w);
    put_u64(b, m->count);
    for (size_t i = 0; i < m->count; i++) {
        const cocob_layer *d = &m->layers[i].desc;
        put_u32(b, (uint32_t)d->kind);
        put_u64(b, d->units);
        put_u64(b, d->kernel_h);
        put_u64(b, d->kernel_w);
        put_u64(b, d->stride);
        put_u64(b, d->pad);
        put_f32(b, d->rate);
    }
    put_u64(b, m->params);
    put_u64(b, m->seed);
    put_u64(b, m->draws);
}

static void optimizer_head(bytes *b, const cocob_optimizer *opt)
{
    char describe[DESCRIBE] = {0};
    cocob_optimizer_describe(opt, describe, sizeof describe);
    put_u32(b, (uint32_t)opt->cfg.kind);
    put_u64(b, opt->steps);
    put_u64(b, opt->state_count);
    put_u64(b, opt->total);
    put(b, describe, sizeof describe);
}

static void progress_section(bytes *b, const cocob_progress *p)
{
    put_u64(b, p->epoch);
    put_u64(b, p->step);
    put_u64(b, p->total_steps);
    put_u64(b, p->shuffle_seed);
    put_u64(b, p->batch);
    put_u64(b, p->examples);
    put_u64(b, p->data_fingerprint);
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

/* One section: its tag, length and CRC, then its payload. */
static void section(bytes *b, int index, const unsigned char *payload, size_t n)
{
    put(b, tags[index], 4);
    put_u64(b, n);
    put_u32(b, crc_of(payload, n));
    put(b, payload, n);
}

/* ---- saving ---- */

cocob_status cocob_checkpoint_save(const char *path, cocob_model *m, const cocob_optimizer *opt,
                                   const cocob_progress *progress)
{
    if (!path || !m || !opt || !progress)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_error *err = &m->ctx->err;
    cocob_status s = check_pair(m, opt);
    if (s != COCOB_OK)
        return s;
    cocob_backend *b = m->ctx->backend;
    size_t states = opt->state_count * opt->total;
    float *host = malloc((m->params > states ? m->params : states) * sizeof *host + 1);
    bytes part[SECTIONS] = {{0}}, file = {0};
    if (!host)
        s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                       "checkpoint %s: out of host memory for %zu floats", path,
                       m->params > states ? m->params : states);
    model_section(&part[0], m);
    if (s == COCOB_OK)
        s = cocob_op_download(b, m->param_arena->buf, 0, host, m->params * sizeof *host);
    if (s == COCOB_OK)
        floats_le(&part[1], host, m->params);
    optimizer_head(&part[2], opt);
    for (size_t k = 0; k < opt->state_count && s == COCOB_OK; k++) {
        s = cocob_op_download(b, opt->state[k], 0, host, opt->total * sizeof *host);
        if (s == COCOB_OK)
            floats_le(&part[3], host, opt->total);
    }
    progress_section(&part[4], progress);
    if (s == COCOB_OK) {
        put(&file, MAGIC, 8);
        put_u32(&file, VERSION);
        put_u32(&file, SECTIONS);
        for (int k = 0; k < SECTIONS; k++) {
            file.failed |= part[k].failed;
            section(&file, k, part[k].p ? part[k].p : (const unsigned char *)"", part[k].len);
        }
        if (file.failed)
            s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                           "checkpoint %s: out of host memory for %zu bytes", path, file.cap);
    }
    if (s == COCOB_OK)
        s = cocob_file_replace(err, path, "checkpoint", file.p, file.len);
    for (int k = 0; k < SECTIONS; k++)
        free(part[k].p);
    free(file.p);
    free(host);
    return s;
}

/* ---- loading ---- */

typedef struct reader {
    const char *path;
    cocob_error *err;
    int fd;
    uint64_t size;
    uint64_t at[SECTIONS], len[SECTIONS]; /* each payload's offset and length */
} reader;

/* The file's own bytes contradict each other: cut, flipped, or appended to. */
__attribute__((format(printf, 2, 3))) static cocob_status damaged(const reader *r,
                                                                  const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return cocob_fail(r->err, COCOB_ERR_IO, "checkpoint %s is damaged: %s", r->path, detail);
}

/* A well-formed file made for something else. */
__attribute__((format(printf, 3, 4))) static cocob_status mismatch(const reader *r,
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

/* n bytes from offset at, which the walk has shown to lie inside the file. */
static cocob_status read_at(const reader *r, uint64_t at, void *dst, size_t n)
{
    unsigned char *p = dst;
    for (size_t done = 0; done < n;) {
        ssize_t got = pread(r->fd, p + done, n - done, (off_t)(at + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return cocob_fail(r->err, COCOB_ERR_IO, "checkpoint %s: cannot read: %s", r->path,
                              strerror(errno));
        if (got == 0)
            return damaged(r, "truncated while it was read: it ends at byte %llu",
                           (unsigned long long)(at + done));
        done += (size_t)got;
    }
    return COCOB_OK;
}

/* The section heads, in order, each length within the file and the last
 * section ending where the file ends: a length field that is damaged, or
 * a file cut or appended to, is found here, before any length is taken as
 * a model's or an optimizer's size. */
static cocob_status walk(reader *r)
{
    uint64_t off = FILE_HEAD;
    for (int k = 0; k < SECTIONS; k++) {
        unsigned char head[SECTION_HEAD];
        if (r->size - off < SECTION_HEAD)
            return damaged(r, "truncated: the file ends %llu bytes into the head of section %s",
                           (unsigned long long)(r->size - off), tags[k]);
        cocob_status s = read_at(r, off, head, SECTION_HEAD);
        if (s != COCOB_OK)
            return s;
        if (memcmp(head, tags[k], 4) != 0) {
            char seen[5];
            for (int i = 0; i < 4; i++)
                seen[i] = head[i] >= 0x20 && head[i] < 0x7f ? (char)head[i] : '?';
            seen[4] = '\0';
            return damaged(r, "section %d is tagged \"%s\" at byte %llu, where %s belongs", k + 1,
                           seen, (unsigned long long)off, tags[k]);
        }
        uint64_t len = cocob_le_get_u64(head + 4), left = r->size - off - SECTION_HEAD;
        if (len > left)
            return damaged(r,
                           "section %s claims %llu bytes but the file has %llu left: it is "
                           "truncated, or that length is damaged",
                           tags[k], (unsigned long long)len, (unsigned long long)left);
        r->at[k] = off + SECTION_HEAD;
        r->len[k] = len;
        off += SECTION_HEAD + len;
    }
    if (off != r->size)
        return damaged(r,
                       "%llu bytes follow its last section: a length is damaged, or "
                       "something was appended",
                       (unsigned long long)(r->size - off));
    return COCOB_OK;
}

/* Section k's payload, in a new buffer the caller frees, once its CRC
 * holds: from here on what it says is what was saved. */
static cocob_status take(const reader *r, int k, unsigned char **payload)
{
    size_t n = (size_t)r->len[k];
    unsigned char *p = r->len[k] < SIZE_MAX ? malloc(n + 1) : NULL;
    if (!p)
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY,
                          "checkpoint %s: out of host memory for section %s, %llu bytes", r->path,
                          tags[k], (unsigned long long)r->len[k]);
    unsigned char crc_le[4];
    cocob_status s = read_at(r, r->at[k] - 4, crc_le, 4);
    if (s == COCOB_OK)
        s = read_at(r, r->at[k], p, n);
    uint32_t crc = cocob_le_get_u32(crc_le);
    if (s == COCOB_OK && crc_of(p, n) != crc)
        s = damaged(r, "section %s: CRC-32 0x%08lx stored, 0x%08lx computed", tags[k],
                    (unsigned long)crc, (unsigned long)crc_of(p, n));
    if (s != COCOB_OK) {
        free(p);
        return s;
    }
    *payload = p;
    return COCOB_OK;
}

/* A section whose CRC holds but whose length is not what the sections
 * before it imply: written wrongly, not made for another model. */
static cocob_status check_len(const reader *r, int k, size_t want, const char *why)
{
    if (r->len[k] == want)
        return COCOB_OK;
    return damaged(r, "section %s holds %llu bytes, where %s needs %zu", tags[k],
                   (unsigned long long)r->len[k], why, want);
}

/* The stored model (its CRC checked) against m: the first thing that
 * differs, with both values; or damage if the section contradicts itself. */
static cocob_status compare_model(const reader *r, const unsigned char *stored,
                                  const cocob_model *m)
{
    uint64_t len = r->len[0];
    if (len < MODEL_FIXED)
        return damaged(r, "section MODL holds %llu bytes, fewer than any model's %d",
                       (unsigned long long)len, MODEL_FIXED);
    uint64_t c = cocob_le_get_u64(stored), h = cocob_le_get_u64(stored + 8),
             w = cocob_le_get_u64(stored + 16);
    uint64_t count = cocob_le_get_u64(stored + 24);
    if ((len - MODEL_FIXED) % LAYER_BYTES != 0 || (len - MODEL_FIXED) / LAYER_BYTES != count)
        return damaged(r,
                       "section MODL holds %llu bytes, which does not fit the %llu layers "
                       "it names",
                       (unsigned long long)len, (unsigned long long)count);
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
    bytes mine = {0};
    model_section(&mine, m);
    if (mine.failed)
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "checkpoint: out of host memory");
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < m->count && s == COCOB_OK; i++) {
        const unsigned char *a = stored + 32 + i * LAYER_BYTES;
        if (memcmp(a, mine.p + 32 + i * LAYER_BYTES, LAYER_BYTES) == 0)
            continue;
        cocob_layer theirs = {(cocob_layer_kind)cocob_le_get_u32(a),
                              (size_t)cocob_le_get_u64(a + 4),
                              (size_t)cocob_le_get_u64(a + 12),
                              (size_t)cocob_le_get_u64(a + 20),
                              (size_t)cocob_le_get_u64(a + 28),
                              (size_t)cocob_le_get_u64(a + 36),
                              cocob_le_get_f32(a + 44)};
        char t[64] = "an unknown layer", o[64];
        if (theirs.kind <= COCOB_LAYER_FLATTEN)
            cocob_layer_name(&theirs, t, sizeof t);
        cocob_layer_name(&m->layers[i].desc, o, sizeof o);
        s = mismatch(r, COCOB_ERR_SHAPE,
                     "was made for a different model: layer %zu is %s there, %s here", i, t, o);
    }
    /* The same layers make the same parameters. */
    const unsigned char *tail = stored + 32 + m->count * LAYER_BYTES;
    if (s == COCOB_OK && cocob_le_get_u64(tail) != m->params)
        s = damaged(r, "its model section counts %llu parameters, where its layers make %zu",
                    (unsigned long long)cocob_le_get_u64(tail), m->params);
    free(mine.p);
    return s;
}

static cocob_status compare_optimizer(const reader *r, const unsigned char *stored,
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
        return damaged(r,
                       "the optimizer's state sizes, %llu of %llu, are not what %s keeps, "
                       "%zu of %zu",
                       (unsigned long long)cocob_le_get_u64(stored + 12),
                       (unsigned long long)cocob_le_get_u64(stored + 20), mine, opt->state_count,
                       opt->total);
    return COCOB_OK;
}

/* The run the checkpoint was made in against this one: the same batches of
 * the same examples, or its step count means other examples. */
static cocob_status compare_run(const reader *r, const cocob_progress *was,
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

/* The file's head: the magic, a version this build reads, its sections. */
static cocob_status check_head(const reader *r)
{
    unsigned char head[FILE_HEAD] = {0};
    size_t n = r->size < FILE_HEAD ? (size_t)r->size : FILE_HEAD;
    cocob_status s = read_at(r, 0, head, n);
    if (s != COCOB_OK)
        return s;
    if (memcmp(head, MAGIC, n < 8 ? n : 8) != 0 || n == 0)
        return cocob_fail(r->err, COCOB_ERR_IO,
                          "checkpoint %s is not a cocob checkpoint: it does not start with "
                          "COCOBCKP",
                          r->path);
    if (n < FILE_HEAD)
        return damaged(r, "truncated: the file is %zu bytes, shorter than a checkpoint's head",
                       n);
    uint32_t version = cocob_le_get_u32(head + 8);
    if (version == 1)
        return cocob_fail(r->err, COCOB_ERR_IO,
                          "checkpoint %s is of version 1, from an older cocob; this build "
                          "reads version %d, which also records the batch size and the data "
                          "a run was made on, as going on exactly needs",
                          r->path, VERSION);
    if (version != VERSION)
        return cocob_fail(r->err, COCOB_ERR_IO,
                          "checkpoint %s is of version %lu; this build reads version %d", r->path,
                          (unsigned long)version, VERSION);
    if (cocob_le_get_u32(head + 12) != SECTIONS)
        return damaged(r, "its head counts %lu sections, where version %d has %d",
                       (unsigned long)cocob_le_get_u32(head + 12), VERSION, SECTIONS);
    return COCOB_OK;
}

/* Every section read and checked into payload, nothing changed yet. */
static cocob_status read_all(reader *r, cocob_model *m, const cocob_optimizer *opt,
                             unsigned char *payload[SECTIONS])
{
    cocob_status s = check_head(r);
    if (s == COCOB_OK)
        s = walk(r);
    if (s == COCOB_OK)
        s = take(r, 0, &payload[0]);
    if (s == COCOB_OK)
        s = compare_model(r, payload[0], m);
    if (s == COCOB_OK)
        s = check_len(r, 1, m->params * 4, "its model's parameters");
    if (s == COCOB_OK)
        s = take(r, 1, &payload[1]);
    if (s == COCOB_OK)
        s = check_len(r, 2, OPTIMIZER_BYTES, "an optimizer's head");
    if (s == COCOB_OK)
        s = take(r, 2, &payload[2]);
    if (s == COCOB_OK)
        s = compare_optimizer(r, payload[2], opt);
    if (s == COCOB_OK)
        s = check_len(r, 3, opt->state_count * opt->total * 4, "its optimizer's state");
    if (s == COCOB_OK)
        s = take(r, 3, &payload[3]);
    if (s == COCOB_OK)
        s = check_len(r, 4, PROGRESS_BYTES, "the progress");
    if (s == COCOB_OK)
        s = take(r, 4, &payload[4]);
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
    reader r = {path, &m->ctx->err, -1, 0, {0}, {0}};
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
    if (s == COCOB_OK) {
        const unsigned char *mp = payload[0] + 32 + m->count * LAYER_BYTES + 8;
        m->seed = cocob_le_get_u64(mp);
        m->draws = cocob_le_get_u64(mp + 8);
        opt->steps = cocob_le_get_u64(payload[2] + 4);
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
