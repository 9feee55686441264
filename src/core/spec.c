/* The model spec language: a comma-separated list of layers, and the two
 * networks of the paper by name. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/spec.h"

/* The paper's MNIST networks (Orabona & Tommasi 2017, section 6). The CNN
 * pads "same", as the TensorFlow tutorial it follows does: 28 -> 14 -> 7. */
static const struct {
    const char *name, *spec;
} named[] = {
    {"mlp", "dense:1000,relu,dense:1000,relu,dense:10"},
    {"cnn", "conv:32x5x5,relu,maxpool:2,conv:64x5x5,relu,maxpool:2,dense:1024,relu,"
            "dropout:0.5,dense:10"},
};

void cocob_layer_name(const cocob_layer *d, char *out, size_t cap)
{
    switch (d->kind) {
    case COCOB_LAYER_DENSE: snprintf(out, cap, "dense:%zu", d->units); return;
    case COCOB_LAYER_CONV:
        snprintf(out, cap, "conv:%zux%zux%zu:s%zu:p%zu", d->units, d->kernel_h, d->kernel_w,
                 d->stride, d->pad);
        return;
    case COCOB_LAYER_MAXPOOL: snprintf(out, cap, "maxpool:%zu:s%zu", d->kernel_h, d->stride); return;
    case COCOB_LAYER_RELU: snprintf(out, cap, "relu"); return;
    case COCOB_LAYER_TANH: snprintf(out, cap, "tanh"); return;
    case COCOB_LAYER_SIGMOID: snprintf(out, cap, "sigmoid"); return;
    case COCOB_LAYER_DROPOUT: snprintf(out, cap, "dropout:%g", d->rate); return;
    case COCOB_LAYER_FLATTEN: snprintf(out, cap, "flatten"); return;
    }
    snprintf(out, cap, "?");
}

/* A decimal number of at least min at *p, which then points past it. */
static int number(const char **p, size_t *out, size_t min)
{
    if (!isdigit((unsigned char)**p))
        return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(*p, &end, 10);
    if (errno || v < min || v > 1000000000ULL)
        return 0;
    *out = (size_t)v;
    *p = end;
    return 1;
}

/* Optional ":sN" and ":pN" suffixes, in that order. */
static int suffixes(const char *p, size_t *stride, size_t *pad)
{
    if (strncmp(p, ":s", 2) == 0) {
        p += 2;
        if (!number(&p, stride, 1))
            return 0;
    }
    if (pad && strncmp(p, ":p", 2) == 0) {
        p += 2;
        if (!number(&p, pad, 0))
            return 0;
    }
    return *p == '\0';
}

static int parse_item(const char *item, cocob_layer *out)
{
    static const struct {
        const char *word;
        cocob_layer_kind kind;
    } plain[] = {{"relu", COCOB_LAYER_RELU},
                 {"tanh", COCOB_LAYER_TANH},
                 {"sigmoid", COCOB_LAYER_SIGMOID},
                 {"flatten", COCOB_LAYER_FLATTEN}};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        if (strcmp(item, plain[i].word) == 0) {
            *out = (cocob_layer){.kind = plain[i].kind};
            return 1;
        }
    }
    const char *p;
    size_t a, b, c;
    if (strncmp(item, "dense:", 6) == 0) {
        p = item + 6;
        if (!number(&p, &a, 1) || *p)
            return 0;
        *out = cocob_dense(a);
        return 1;
    }
    if (strncmp(item, "conv:", 5) == 0) {
        p = item + 5;
        if (!number(&p, &a, 1) || *p++ != 'x' || !number(&p, &b, 1) || *p++ != 'x' ||
            !number(&p, &c, 1))
            return 0;
        size_t stride = 1, pad = (b - 1) / 2;
        if (!suffixes(p, &stride, &pad))
            return 0;
        *out = cocob_conv2d(a, b, c, stride, pad);
        return 1;
    }
    if (strncmp(item, "maxpool:", 8) == 0) {
        p = item + 8;
        if (!number(&p, &a, 1))
            return 0;
        size_t stride = a;
        if (!suffixes(p, &stride, NULL))
            return 0;
        *out = cocob_maxpool(a, stride);
        return 1;
    }
    if (strncmp(item, "dropout:", 8) == 0) {
        char *end;
        errno = 0;
        double rate = strtod(item + 8, &end);
        if (errno || end == item + 8 || *end || !(rate >= 0.0 && rate < 1.0))
            return 0;
        *out = cocob_dropout((float)rate);
        return 1;
    }
    return 0;
}

cocob_status cocob_model_add_spec(cocob_model *m, const char *spec)
{
    if (!m)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_error *err = &m->ctx->err;
    if (!spec || !*spec)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "model spec is empty");
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strcmp(spec, named[i].name) == 0)
            return cocob_model_add_spec(m, named[i].spec);
    size_t position = 1;
    for (const char *p = spec;; position++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[128];
        cocob_layer layer;
        if (len >= sizeof item || (memcpy(item, p, len), item[len] = '\0', !parse_item(item, &layer)))
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "model spec item %zu, \"%.*s\", is not a layer. Layers: dense:N, "
                              "conv:FxKHxKW[:sS][:pP], maxpool:K[:sS], relu, tanh, sigmoid, "
                              "dropout:P (0 <= P < 1), flatten; or the names mlp, cnn",
                              position, (int)(len > 100 ? 100 : len), p);
        cocob_status s = cocob_model_add(m, layer);
        if (s != COCOB_OK)
            return s;
        if (!comma)
            return COCOB_OK;
        p = comma + 1;
    }
}
