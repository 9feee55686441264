/* The verifying backend's buffers, its comparison, and its creation. The ops
 * themselves are in ops.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/verify/verify.h"

static verify_backend *of(cocob_backend *b)
{
    return (verify_backend *)b;
}

static verify_pair *pair_of(const cocob_buffer *buf)
{
    return buf->handle;
}

cocob_span cocob_verify_dev(cocob_span s)
{
    return s.buf ? (cocob_span){pair_of(s.buf)->dev, s.off} : s;
}

cocob_span cocob_verify_ref(cocob_span s)
{
    return s.buf ? (cocob_span){pair_of(s.buf)->ref, s.off} : s;
}

float *cocob_verify_ref_floats(cocob_span s)
{
    return (float *)pair_of(s.buf)->ref->handle + s.off;
}

float *cocob_verify_abs(const float *x, size_t n)
{
    float *a = malloc((n ? n : 1) * sizeof *a);
    for (size_t i = 0; a && i < n; i++)
        a[i] = fabsf(x[i]);
    return a;
}

static cocob_status row_for(verify_backend *c, const char *op, const char *shape,
                            cocob_verify_row **out)
{
    for (size_t i = 0; i < c->row_count; i++)
        if (strcmp(c->rows[i].op, op) == 0 && strcmp(c->rows[i].shape, shape) == 0) {
            *out = &c->rows[i];
            return COCOB_OK;
        }
    if (c->row_count == c->row_cap) {
        size_t cap = c->row_cap ? 2 * c->row_cap : 32;
        cocob_verify_row *grown = realloc(c->rows, cap * sizeof *grown);
        if (!grown)
            return cocob_fail(c->base.err, COCOB_ERR_OUT_OF_MEMORY, "verify: out of host memory");
        c->rows = grown;
        c->row_cap = cap;
    }
    cocob_verify_row *r = &c->rows[c->row_count++];
    memset(r, 0, sizeof *r);
    snprintf(r->op, sizeof r->op, "%s", op);
    snprintf(r->shape, sizeof r->shape, "%s", shape);
    r->pass = 1;
    *out = r;
    return COCOB_OK;
}

cocob_status cocob_verify_record(verify_backend *c, const char *op, const char *shape, double abs,
                                 double units, double ulps, size_t elements, int pass)
{
    cocob_verify_row *r = NULL;
    cocob_status s = row_for(c, op, shape, &r);
    if (s != COCOB_OK)
        return s;
    if (units * 0x1p-24 > r->max_rel_err)
        r->max_rel_err = units * 0x1p-24;
    if (abs > r->max_abs_err)
        r->max_abs_err = abs;
    if (ulps * 0x1p-24 > r->tolerance)
        r->tolerance = ulps * 0x1p-24;
    r->elements += elements;
    r->calls++;
    r->pass = r->pass && pass;
    return COCOB_OK;
}

/* The worst element of one output: its error in units of u, or INFINITY
 * where the magnitude is 0 and the two differ. */
typedef struct worst {
    size_t index;
    double units, abs;
    size_t first_bad; /* n when none */
} worst;

static worst measure(const verify_out *o, const float *dev, const float *ref)
{
    worst w = {0, 0, 0, o->n};
    for (size_t i = 0; i < o->n; i++) {
        double units = 0, abs = 0;
        if (o->ints) {
            int32_t d, r;
            memcpy(&d, dev + i, 4);
            memcpy(&r, ref + i, 4);
            units = d == r ? 0 : INFINITY;
            abs = fabs((double)d - r);
        } else if (!(dev[i] == ref[i] || (isnan(dev[i]) && isnan(ref[i])))) {
            double m = o->mag ? o->mag[i] : fabs(ref[i]);
            abs = fabs((double)dev[i] - ref[i]);
            units = m > 0 ? abs / m / 0x1p-24 : INFINITY;
            if (isnan(abs))
                units = abs = INFINITY;
        }
        if (units > o->ulps && w.first_bad == o->n)
            w.first_bad = i;
        if (units > w.units || (units == w.units && abs > w.abs)) {
            w.units = units;
            w.index = i;
        }
        if (abs > w.abs)
            w.abs = abs;
    }
    return w;
}

static cocob_status diverged(verify_backend *c, const char *op, const char *shape,
                             const verify_out *o, const float *dev, const float *ref, size_t i)
{
    double m = o->ints ? 0 : o->mag ? o->mag[i] : fabs(ref[i]);
    cocob_fail(c->base.err, COCOB_ERR_VERIFY,
               "verify: %s (%s) on %s (%s) differs from the reference in %s, tensor %s, "
               "index %zu: ",
               op, shape, c->dev->info.name, c->dev->info.selector,
               c->base.where[0] ? c->base.where : "a direct call", o->tensor, i);
    if (o->ints) {
        int32_t d, r;
        memcpy(&d, dev + i, 4);
        memcpy(&r, ref + i, 4);
        cocob_error_append(c->base.err, "device %d, reference %d (they must be equal)", (int)d,
                           (int)r);
        return COCOB_ERR_VERIFY;
    }
    cocob_error_append(c->base.err,
                       "device %.9g, reference %.9g: %.3g units of 2^-24 times the magnitude "
                       "%.3g, over the op's tolerance of %g",
                       dev[i], ref[i], fabs((double)dev[i] - ref[i]) / m / 0x1p-24, m, o->ulps);
    return COCOB_ERR_VERIFY;
}

cocob_status cocob_verify_outputs(verify_backend *c, const char *op, const char *shape,
                                  const verify_out *outs, int count)
{
    for (int k = 0; k < count; k++) {
        const verify_out *o = &outs[k];
        if (o->n > c->host_cap) {
            float *grown = realloc(c->host, o->n * sizeof *grown);
            if (!grown)
                return cocob_fail(c->base.err, COCOB_ERR_OUT_OF_MEMORY,
                                  "verify: out of host memory for %zu floats", o->n);
            c->host = grown;
            c->host_cap = o->n;
        }
        cocob_span d = cocob_verify_dev(o->span);
        const float *ref = cocob_verify_ref_floats(o->span);
        cocob_status s = c->dev->iface->download(c->dev, d.buf, d.off * 4, c->host, o->n * 4);
        if (s != COCOB_OK)
            return s;
        worst w = measure(o, c->host, ref);
        if (c->mode == COCOB_VERIFY_STOP && w.first_bad < o->n)
            return diverged(c, op, shape, o, c->host, ref, w.first_bad);
        if (c->mode == COCOB_VERIFY_RECORD) {
            s = cocob_verify_record(c, op, shape, w.abs, w.units, o->ulps, o->n,
                                    w.first_bad == o->n);
            if (s != COCOB_OK)
                return s;
        }
        /* The next op starts from the reference's values on both sides. */
        s = c->dev->iface->upload(c->dev, d.buf, d.off * 4, ref, o->n * 4);
        if (s != COCOB_OK)
            return s;
    }
    return COCOB_OK;
}

/* ---- buffers: one on each side ---- */

cocob_status cocob_verify_alloc(cocob_backend *b, size_t bytes, cocob_buffer **out)
{
    verify_backend *c = of(b);
    cocob_buffer *buf = malloc(sizeof *buf);
    verify_pair *p = calloc(1, sizeof *p);
    if (!buf || !p) {
        free(buf);
        free(p);
        return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY, "verify: out of host memory");
    }
    cocob_status s = c->dev->iface->alloc(c->dev, bytes, &p->dev);
    if (s == COCOB_OK)
        s = c->ref->iface->alloc(c->ref, bytes, &p->ref);
    if (s != COCOB_OK) {
        if (p->dev)
            c->dev->iface->free(c->dev, p->dev);
        free(p);
        free(buf);
        return s;
    }
    buf->handle = p;
    buf->bytes = bytes;
    /* The device's bytes: the reference's copy is the check's, not the model's. */
    cocob_backend_count_alloc(b, bytes);
    *out = buf;
    return COCOB_OK;
}

void cocob_verify_free(cocob_backend *b, cocob_buffer *buf)
{
    verify_backend *c = of(b);
    if (!buf)
        return;
    verify_pair *p = pair_of(buf);
    b->live_bytes -= buf->bytes;
    c->dev->iface->free(c->dev, p->dev);
    c->ref->iface->free(c->ref, p->ref);
    free(p);
    free(buf);
}

cocob_status cocob_verify_upload(cocob_backend *b, cocob_buffer *dst, size_t off, const void *src,
                                 size_t bytes)
{
    verify_backend *c = of(b);
    cocob_status s = c->dev->iface->upload(c->dev, pair_of(dst)->dev, off, src, bytes);
    return s == COCOB_OK ? c->ref->iface->upload(c->ref, pair_of(dst)->ref, off, src, bytes) : s;
}

cocob_status cocob_verify_upload_queued(cocob_backend *b, cocob_buffer *dst, size_t off,
                                        const void *src, size_t bytes)
{
    verify_backend *c = of(b);
    cocob_status s = c->dev->iface->upload_queued(c->dev, pair_of(dst)->dev, off, src, bytes);
    return s == COCOB_OK ? c->ref->iface->upload(c->ref, pair_of(dst)->ref, off, src, bytes) : s;
}

/* What the caller reads is the device's: the reference only checks it. */
cocob_status cocob_verify_download(cocob_backend *b, const cocob_buffer *src, size_t off,
                                   void *dst, size_t bytes)
{
    verify_backend *c = of(b);
    return c->dev->iface->download(c->dev, pair_of(src)->dev, off, dst, bytes);
}

cocob_status cocob_verify_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_off,
                               const cocob_buffer *src, size_t src_off, size_t bytes)
{
    verify_backend *c = of(b);
    cocob_status s = c->dev->iface->copy(c->dev, pair_of(dst)->dev, dst_off, pair_of(src)->dev,
                                         src_off, bytes);
    return s == COCOB_OK ? c->ref->iface->copy(c->ref, pair_of(dst)->ref, dst_off,
                                               pair_of(src)->ref, src_off, bytes)
                         : s;
}

cocob_status cocob_verify_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                               size_t count)
{
    verify_backend *c = of(b);
    cocob_status s = c->dev->iface->fill(c->dev, pair_of(dst)->dev, offset, value, count);
    return s == COCOB_OK ? c->ref->iface->fill(c->ref, pair_of(dst)->ref, offset, value, count)
                         : s;
}

cocob_status cocob_verify_finish(cocob_backend *b)
{
    return of(b)->dev->iface->finish(of(b)->dev);
}

void cocob_verify_destroy(cocob_backend *b)
{
    verify_backend *c = of(b);
    c->dev->iface->destroy(c->dev);
    c->ref->iface->destroy(c->ref);
    free(c->rows);
    free(c->host);
    free(c);
}

const cocob_verify_row *cocob_verify_backend_rows(const cocob_backend *b, size_t *count)
{
    if (b->iface != &cocob_verify_iface) {
        *count = 0;
        return NULL;
    }
    const verify_backend *c = (const verify_backend *)b;
    *count = c->row_count;
    return c->rows;
}

cocob_verify_mode cocob_verify_backend_mode(const cocob_backend *b)
{
    return b->iface == &cocob_verify_iface ? ((const verify_backend *)b)->mode : COCOB_VERIFY_OFF;
}

cocob_status cocob_verify_backend_create(cocob_backend *dev, cocob_verify_mode mode,
                                         cocob_error *err, const cocob_logger *log,
                                         cocob_backend **out)
{
    verify_backend *c = calloc(1, sizeof *c);
    if (!c)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "verify: out of host memory");
    cocob_status s = cocob_ref_backend_create(err, log, &c->ref);
    if (s != COCOB_OK) {
        free(c);
        return s;
    }
    c->dev = dev;
    c->mode = mode;
    c->base.iface = &cocob_verify_iface;
    c->base.info = dev->info;
    c->base.err = err;
    c->base.log = log;
    *out = &c->base;
    return COCOB_OK;
}
