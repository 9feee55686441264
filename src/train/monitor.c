/* The training monitor: each parameter tensor's gradient range, COCOB's L,
 * the effective learning rate, the weights' norm and their drift, measured
 * with the stats op on the device; the median alone comes to the host. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/monitor.h"
#include "optim/optimizer.h"
#include "ops/ops.h"

/* A tensor's place in the parameter arena. */
typedef struct part {
    size_t off, count;
} part;

static part part_of(const cocob_model *m, size_t row)
{
    size_t seen = 0;
    for (size_t i = 0; i < m->count; i++) {
        const model_layer *l = &m->layers[i];
        if (l->w_count && seen++ == row)
            return (part){l->w_off, l->w_count};
        if (l->b_count && seen++ == row)
            return (part){l->b_off, l->b_count};
    }
    return (part){0, 0};
}

cocob_status cocob_monitor_open(monitor *mo, cocob_model *m)
{
    memset(mo, 0, sizeof *mo);
    cocob_error *err = &m->ctx->err;
    cocob_backend *b = m->ctx->backend;
    mo->count = cocob_model_tensor_count(m);
    size_t largest = 0;
    for (size_t i = 0; i < m->count; i++) {
        largest = m->layers[i].w_count > largest ? m->layers[i].w_count : largest;
        largest = m->layers[i].b_count > largest ? m->layers[i].b_count : largest;
    }
    mo->rows = calloc(mo->count ? mo->count : 1, sizeof *mo->rows);
    for (int k = 0; k < 3 && mo->rows; k++)
        if (!(mo->host[k] = malloc(largest * sizeof(float) + 1)))
            break;
    mo->ratios = malloc(largest * sizeof(float) + 1);
    if (!mo->rows || !mo->host[2] || !mo->ratios)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "monitor: out of host memory");
    for (size_t r = 0; r < mo->count; r++)
        cocob_model_tensor_name(m, r, mo->rows[r].name, sizeof mo->rows[r].name);
    size_t bytes = m->params * sizeof(float);
    cocob_status s = b->iface->alloc(b, bytes, &mo->start);
    if (s == COCOB_OK)
        s = b->iface->alloc(b, bytes, &mo->before);
    if (s == COCOB_OK)
        s = cocob_op_copy(b, mo->start, 0, m->param_arena->buf, 0, bytes);
    return s;
}

cocob_status cocob_monitor_mark(monitor *mo, cocob_model *m)
{
    cocob_backend *b = m->ctx->backend;
    return cocob_op_copy(b, mo->before, 0, m->param_arena->buf, 0, m->params * sizeof(float));
}

/* The k-th smallest of v[0 .. n), by Hoare's selection; reorders v. */
static float select_kth(float *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* The median of |after - before| / |g| over the elements whose g is not 0. */
static cocob_status lr_median(monitor *mo, cocob_model *m, part p, double *out)
{
    cocob_backend *b = m->ctx->backend;
    size_t off = p.off * sizeof(float), bytes = p.count * sizeof(float);
    cocob_status s = cocob_op_download(b, m->param_arena->buf, off, mo->host[0], bytes);
    if (s == COCOB_OK)
        s = cocob_op_download(b, mo->before, off, mo->host[1], bytes);
    if (s == COCOB_OK)
        s = cocob_op_download(b, m->grad_arena->buf, off, mo->host[2], bytes);
    if (s != COCOB_OK)
        return s;
    size_t n = 0;
    for (size_t i = 0; i < p.count; i++)
        if (mo->host[2][i] != 0.0f)
            mo->ratios[n++] = fabsf(mo->host[0][i] - mo->host[1][i]) / fabsf(mo->host[2][i]);
    if (n == 0) {
        *out = 0;
        return COCOB_OK;
    }
    double mid = select_kth(mo->ratios, n, n / 2);
    if (n % 2 == 0)
        mid = (mid + select_kth(mo->ratios, n, n / 2 - 1)) / 2;
    *out = mid;
    return COCOB_OK;
}

cocob_status cocob_monitor_measure(monitor *mo, cocob_model *m, const cocob_optimizer *opt)
{
    cocob_backend *b = m->ctx->backend;
    cocob_buffer *w = m->param_arena->buf, *g = m->grad_arena->buf;
    int is_cocob = opt->cfg.kind == COCOB_OPTIMIZER_COCOB;
    cocob_status s = COCOB_OK;
    for (size_t r = 0; r < mo->count && s == COCOB_OK; r++) {
        part p = part_of(m, r);
        cocob_tensor_stats *t = &mo->rows[r];
        cocob_span none = {NULL, 0}, ws = {w, p.off}, gs = {g, p.off};
        cocob_stats gr, lr, wn, dr, L = {NAN, NAN, NAN, NAN, 1};
        t->count = p.count;
        s = cocob_op_stats(b, gs, none, none, p.count, &gr);
        if (s == COCOB_OK)
            s = cocob_op_stats(b, ws, (cocob_span){mo->before, p.off}, gs, p.count, &lr);
        if (s == COCOB_OK)
            s = cocob_op_stats(b, ws, none, none, p.count, &wn);
        if (s == COCOB_OK)
            s = cocob_op_stats(b, ws, (cocob_span){mo->start, p.off}, none, p.count, &dr);
        if (s == COCOB_OK && is_cocob)
            s = cocob_op_stats(b,
                               (cocob_span){opt->state[COCOB_STATE_L], opt->offsets[0] + p.off},
                               none, none, p.count, &L);
        if (s == COCOB_OK)
            s = lr_median(mo, m, p, &t->lr_median);
        if (s != COCOB_OK)
            break;
        t->g_min = gr.min;
        t->g_mean = gr.sum / (double)gr.count;
        t->g_max = gr.max;
        t->L_mean = L.sum / (double)L.count;
        t->L_max = L.max;
        t->lr_mean = lr.count ? lr.sum / (double)lr.count : 0;
        t->lr_max = lr.max;
        t->w_norm = sqrt(wn.sum_sq);
        t->drift = sqrt(dr.sum_sq);
    }
    return s;
}

void cocob_monitor_close(monitor *mo, cocob_model *m)
{
    cocob_backend *b = m->ctx->backend;
    if (mo->start)
        b->iface->free(b, mo->start);
    if (mo->before)
        b->iface->free(b, mo->before);
    for (int k = 0; k < 3; k++)
        free(mo->host[k]);
    free(mo->ratios);
    free(mo->rows);
    memset(mo, 0, sizeof *mo);
}
