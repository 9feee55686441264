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
 *   PROG  epochs done, steps into the next, steps in all, the shuffle's seed
 * A save writes a temporary file beside the target, fsyncs it, renames it
 * over the target and fsyncs the folder: the target is always a whole,
 * earlier or later, checkpoint. A load checks everything (the sections'
 * CRCs, the model, the optimizer) before it changes anything. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/model.h"
#include "core/spec.h"
#include "optim/optimizer.h"

#define MAGIC "COCOBCKP"
enum { VERSION = 1, SECTIONS = 5, SECTION_HEAD = 16, LAYER_BYTES = 4 + 5 * 8 + 4,
       DESCRIBE = 256 };

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
    unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24)};
    put(b, le, 4);
}

static void put_u64(bytes *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_f32(bytes *b, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(b, v);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static float get_f32(const unsigned char *p)
{
    uint32_t v = get_u32(p);
    float f;
    memcpy(&f, &v, 4);
    return f;
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

static cocob_status io_fail(cocob_error *err, const char *what, const char *path)
{
    return cocob_fail(err, COCOB_ERR_IO, "checkpoint %s: %s: %s", path, what, strerror(errno));
}

/* data to tmp, fsynced, renamed over path, the folder fsynced. */
static cocob_status write_atomically(cocob_error *err, const char *path, const bytes *data)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (!tmp)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "checkpoint %s: out of host memory",
                          path);
    snprintf(tmp, n + 32, "%s.tmp.%ld", path, (long)getpid());
    cocob_status s = COCOB_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        s = io_fail(err, "cannot create the temporary file", tmp);
        free(tmp);
        return s;
    }
    for (size_t done = 0; done < data->len && s == COCOB_OK;) {
        ssize_t w = write(fd, data->p + done, data->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            s = io_fail(err, "cannot write", tmp);
        else
            done += (size_t)w;
    }
    if (s == COCOB_OK && fsync(fd) != 0)
        s = io_fail(err, "cannot flush to disk", tmp);
    if (close(fd) != 0 && s == COCOB_OK)
        s = io_fail(err, "cannot close", tmp);
    if (s == COCOB_OK && rename(tmp, path) != 0)
        s = io_fail(err, "cannot rename the temporary file over it", path);
    if (s != COCOB_OK) {
        unlink(tmp);
        free(tmp);
        return s;
    }
    free(tmp);
    /* The rename itself lasts only once the folder is on disk too. */
    char *dir = strdup(path);
    if (!dir)
        return COCOB_OK;
    char *slash = strrchr(dir, '/');
    const char *folder = slash ? (slash == dir ? "/" : (*slash = '\0', dir)) : ".";
    int dfd = open(folder, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir);
    return COCOB_OK;
}

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
        s = b->iface->download(b, m->param_arena->buf, 0, host, m->params * sizeof *host);
    if (s == COCOB_OK)
        floats_le(&part[1], host, m->params);
    optimizer_head(&part[2], opt);
    for (size_t k = 0; k < opt->state_count && s == COCOB_OK; k++) {
        s = b->iface->download(b, opt->state[k], 0, host, opt->total * sizeof *host);
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
        s = write_atomically(err, path, &file);
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
    FILE *f;
} reader;

static cocob_status corrupt(const reader *r, const char *fmt, const char *detail)
{
    return cocob_fail(r->err, COCOB_ERR_IO, "checkpoint %s: %s%s", r->path, fmt, detail);
}

/* Exactly n bytes, or an error that says the file ends early. */
static cocob_status read_exact(const reader *r, void *dst, size_t n, const char *where)
{
    size_t got = fread(dst, 1, n, r->f);
    if (got == n)
        return COCOB_OK;
    if (ferror(r->f))
        return cocob_fail(r->err, COCOB_ERR_IO, "checkpoint %s: cannot read: %s", r->path,
                          strerror(errno));
    char detail[160];
    snprintf(detail, sizeof detail, "the file ends %zu bytes into %s, which needs %zu", got,
             where, n);
    return corrupt(r, "truncated: ", detail);
}

/* Section k: its head, its length against want, its payload (a new buffer
 * the caller frees) against its CRC. A length other than want is
 * COCOB_ERR_SHAPE with *len set and nothing read past the head, so that
 * the caller can name what differs. */
static cocob_status take_section(reader *r, int k, size_t want, unsigned char **payload,
                                 uint64_t *len)
{
    unsigned char head[SECTION_HEAD];
    char detail[160];
    snprintf(detail, sizeof detail, "the head of section %s", tags[k]);
    cocob_status s = read_exact(r, head, SECTION_HEAD, detail);
    if (s != COCOB_OK)
        return s;
    if (memcmp(head, tags[k], 4) != 0) {
        snprintf(detail, sizeof detail, "section %d is \"%.4s\", expected %s", k + 1,
                 (const char *)head, tags[k]);
        return corrupt(r, "not a cocob checkpoint of this version: ", detail);
    }
    *len = get_u64(head + 4);
    if (*len != want)
        return COCOB_ERR_SHAPE;
    unsigned char *p = malloc(want + 1);
    if (!p)
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY,
                          "checkpoint %s: out of host memory for %zu bytes", r->path, want);
    snprintf(detail, sizeof detail, "section %s", tags[k]);
    s = read_exact(r, p, want, detail);
    uint32_t crc = get_u32(head + 12), actual = s == COCOB_OK ? crc_of(p, want) : crc;
    if (s == COCOB_OK && actual != crc) {
        snprintf(detail, sizeof detail, "section %s: CRC-32 0x%08lx stored, 0x%08lx computed",
                 tags[k], (unsigned long)crc, (unsigned long)actual);
        s = corrupt(r, "corrupt: ", detail);
    }
    if (s != COCOB_OK) {
        free(p);
        return s;
    }
    *payload = p;
    return COCOB_OK;
}

static cocob_status other_model(const reader *r, const char *what)
{
    return cocob_fail(r->err, COCOB_ERR_SHAPE,
                      "checkpoint %s was made for a different model: %s", r->path, what);
}

/* The stored model against m, layer by layer, to name the first difference. */
static cocob_status compare_model(const reader *r, const unsigned char *stored, size_t len,
                                  const cocob_model *m)
{
    bytes mine = {0};
    model_section(&mine, m);
    cocob_status s = COCOB_OK;
    char what[200];
    if (mine.failed)
        s = cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "checkpoint: out of host memory");
    else if (len < 32 || get_u64(stored) != m->input.c || get_u64(stored + 8) != m->input.h ||
             get_u64(stored + 16) != m->input.w) {
        snprintf(what, sizeof what, "its input is %llux%llux%llu, this model's %zux%zux%zu",
                 len >= 32 ? (unsigned long long)get_u64(stored) : 0ULL,
                 len >= 32 ? (unsigned long long)get_u64(stored + 8) : 0ULL,
                 len >= 32 ? (unsigned long long)get_u64(stored + 16) : 0ULL, m->input.c,
                 m->input.h, m->input.w);
        s = other_model(r, what);
    } else if (get_u64(stored + 24) != m->count || len != mine.len) {
        snprintf(what, sizeof what, "it has %llu layers, this model %zu",
                 (unsigned long long)get_u64(stored + 24), m->count);
        s = other_model(r, what);
    } else {
        for (size_t i = 0; i < m->count && s == COCOB_OK; i++) {
            const unsigned char *a = stored + 32 + i * LAYER_BYTES;
            if (memcmp(a, mine.p + 32 + i * LAYER_BYTES, LAYER_BYTES) == 0)
                continue;
            cocob_layer theirs = {(cocob_layer_kind)get_u32(a), (size_t)get_u64(a + 4),
                                  (size_t)get_u64(a + 12), (size_t)get_u64(a + 20),
                                  (size_t)get_u64(a + 28), (size_t)get_u64(a + 36),
                                  get_f32(a + 44)};
            char t[64] = "an unknown layer", o[64];
            if (theirs.kind <= COCOB_LAYER_FLATTEN)
                cocob_layer_name(&theirs, t, sizeof t);
            cocob_layer_name(&m->layers[i].desc, o, sizeof o);
            snprintf(what, sizeof what, "layer %zu is %s there, %s here", i, t, o);
            s = other_model(r, what);
        }
    }
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
    if (get_u32(stored) != (uint32_t)opt->cfg.kind || strcmp(theirs, mine) != 0)
        return cocob_fail(r->err, COCOB_ERR_SHAPE,
                          "checkpoint %s was made with the optimizer %s; this run has %s",
                          r->path, theirs, mine);
    if (get_u64(stored + 12) != opt->state_count || get_u64(stored + 20) != opt->total)
        return corrupt(r, "corrupt: ", "the optimizer's state sizes do not match its kind");
    return COCOB_OK;
}

/* A model section of another length than m's: read as far as it goes, to
 * name the first difference; such a section is small. */
static cocob_status other_model_section(reader *r, uint64_t len, const cocob_model *m)
{
    if (len > (1u << 20))
        return other_model(r, "its model section is far larger than this model's");
    unsigned char *stored = malloc((size_t)len + 1);
    if (!stored)
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY, "checkpoint: out of host memory");
    cocob_status s = read_exact(r, stored, (size_t)len, "section MODL");
    if (s == COCOB_OK)
        s = compare_model(r, stored, (size_t)len, m);
    free(stored);
    return s == COCOB_OK ? other_model(r, "its model section differs in size") : s;
}

cocob_status cocob_checkpoint_load(const char *path, cocob_model *m, cocob_optimizer *opt,
                                   cocob_progress *progress)
{
    if (!path || !m || !opt || !progress)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_status s = check_pair(m, opt);
    if (s != COCOB_OK)
        return s;
    size_t want[SECTIONS] = {32 + m->count * LAYER_BYTES + 24, m->params * 4, 28 + DESCRIBE,
                             opt->state_count * opt->total * 4, 32};
    reader r = {path, &m->ctx->err, fopen(path, "rb")};
    if (!r.f)
        return cocob_fail(r.err, COCOB_ERR_IO, "checkpoint %s: cannot open: %s", path,
                          strerror(errno));
    unsigned char head[16];
    char detail[120];
    s = read_exact(&r, head, sizeof head, "the file's head");
    if (s == COCOB_OK && memcmp(head, MAGIC, 8) != 0) {
        s = corrupt(&r, "not a cocob checkpoint: ", "it does not start with COCOBCKP");
    } else if (s == COCOB_OK && (get_u32(head + 8) != VERSION || get_u32(head + 12) != SECTIONS)) {
        snprintf(detail, sizeof detail, "version %lu with %lu sections; this build reads "
                 "version %d", (unsigned long)get_u32(head + 8), (unsigned long)get_u32(head + 12),
                 VERSION);
        s = corrupt(&r, "unsupported: ", detail);
    }
    unsigned char *payload[SECTIONS] = {NULL};
    for (int k = 0; k < SECTIONS && s == COCOB_OK; k++) {
        uint64_t len = 0;
        s = take_section(&r, k, want[k], &payload[k], &len);
        if (s == COCOB_ERR_SHAPE && k == 0)
            s = other_model_section(&r, len, m);
        else if (s == COCOB_ERR_SHAPE)
            s = cocob_fail(r.err, COCOB_ERR_SHAPE,
                           "checkpoint %s: section %s holds %llu bytes; this model and "
                           "optimizer need %zu: it was made for another",
                           path, tags[k], (unsigned long long)len, want[k]);
        if (s == COCOB_OK && k == 0)
            s = compare_model(&r, payload[0], want[0], m);
        if (s == COCOB_OK && k == 2)
            s = compare_optimizer(&r, payload[2], opt);
    }
    if (s == COCOB_OK && fgetc(r.f) != EOF)
        s = corrupt(&r, "corrupt: ", "there are bytes after its last section");
    fclose(r.f);
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
        host[i] = get_f32(payload[1] + 4 * i);
    if (s == COCOB_OK)
        s = b->iface->upload(b, m->param_arena->buf, 0, host, m->params * sizeof *host);
    for (size_t k = 0; s == COCOB_OK && k < opt->state_count; k++) {
        const unsigned char *at = payload[3] + 4 * k * opt->total;
        for (size_t i = 0; i < opt->total; i++)
            host[i] = get_f32(at + 4 * i);
        s = b->iface->upload(b, opt->state[k], 0, host, opt->total * sizeof *host);
    }
    if (s == COCOB_OK) {
        const unsigned char *mp = payload[0] + 32 + m->count * LAYER_BYTES + 8;
        m->seed = get_u64(mp);
        m->draws = get_u64(mp + 8);
        opt->steps = get_u64(payload[2] + 4);
        const unsigned char *pp = payload[4];
        *progress = (cocob_progress){get_u64(pp), get_u64(pp + 8), get_u64(pp + 16),
                                     get_u64(pp + 24)};
    }
    free(host);
    for (int k = 0; k < SECTIONS; k++)
        free(payload[k]);
    return s;
}
