/* The model spec language: a comma-separated list of layers, and the two
 * networks of the paper by name. */
#include <stdio.h>
#include <string.h>

#include "nn/model.h"
#include "base/number.h"
#include "nn/spec.h"

/* The paper's MNIST networks (Orabona & Tommasi 2017, section 6). The CNN
 * pads "same": 28 -> 14 -> 7. */
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
    case COCOB_LAYER_MAXPOOL:
        snprintf(out, cap, "maxpool:%zu:s%zu", d->kernel_h, d->stride);
        return;
    case COCOB_LAYER_RELU: snprintf(out, cap, "relu"); return;
    case COCOB_LAYER_TANH: snprintf(out, cap, "tanh"); return;
    case COCOB_LAYER_SIGMOID: snprintf(out, cap, "sigmoid"); return;
    case COCOB_LAYER_DROPOUT: snprintf(out, cap, "dropout:%g", d->rate); return;
    case COCOB_LAYER_FLATTEN: snprintf(out, cap, "flatten"); return;
    }
    snprintf(out, cap, "?");
}

/* Why an item was refused, for the message. */
typedef struct why {
    char text[256];
} why;

/* The number called what at *p, in [min, max], which then points past it.
 * A refusal quotes the number's text up to the next 'x' or ':'. */
static int number(const char **p, const char *what, size_t min, size_t max, size_t *out, why *w)
{
    cocob_number_status s = cocob_number_size(*p, p, min, max, out);
    if (s == COCOB_NUMBER_OK)
        return 1;
    char text[64], reason[160];
    size_t len = strcspn(*p, "x:");
    snprintf(text, sizeof text, "%.*s", (int)(len < 40 ? len : 40), *p);
    snprintf(w->text, sizeof w->text, "the %s %s", what,
             cocob_number_why(s, text, min, max, reason, sizeof reason));
    return 0;
}

/* Nothing may follow at p. */
static int nothing_after(const char *p, const char *item, why *w)
{
    if (!*p)
        return 1;
    snprintf(w->text, sizeof w->text, "\"%s\" after \"%.*s\" is not part of it", p,
             (int)(p - item), item);
    return 0;
}

/* Optional ":sN" and ":pN" suffixes, in that order; pad NULL for none. */
static int suffixes(const char *p, const char *item, size_t *stride, size_t *pad, why *w)
{
    if (strncmp(p, ":s", 2) == 0) {
        p += 2;
        if (!number(&p, "stride", 1, LAYER_MAX_WINDOW, stride, w))
            return 0;
    }
    if (strncmp(p, ":p", 2) == 0) {
        if (!pad) {
            snprintf(w->text, sizeof w->text, "a max pool takes no pad, only :sS");
            return 0;
        }
        p += 2;
        if (!number(&p, "pad", 0, LAYER_MAX_WINDOW, pad, w))
            return 0;
        if (strncmp(p, ":s", 2) == 0) {
            snprintf(w->text, sizeof w->text, "the stride comes before the pad: :sS:pP");
            return 0;
        }
    }
    return nothing_after(p, item, w);
}

static int parse_item(const char *item, cocob_layer *out, why *w)
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
        if (!number(&p, "unit count", 1, LAYER_MAX_UNITS, &a, w) || !nothing_after(p, item, w))
            return 0;
        *out = cocob_dense(a);
        return 1;
    }
    if (strncmp(item, "conv:", 5) == 0) {
        p = item + 5;
        if (!number(&p, "filter count", 1, LAYER_MAX_FILTERS, &a, w))
            return 0;
        if (*p++ != 'x') {
            snprintf(w->text, sizeof w->text, "the filters want a kernel after them: FxKHxKW");
            return 0;
        }
        if (!number(&p, "kernel height", 1, LAYER_MAX_WINDOW, &b, w))
            return 0;
        if (*p++ != 'x') {
            snprintf(w->text, sizeof w->text, "the kernel wants a width: FxKHxKW");
            return 0;
        }
        if (!number(&p, "kernel width", 1, LAYER_MAX_WINDOW, &c, w))
            return 0;
        size_t stride = 1, pad = (b - 1) / 2;
        if (!suffixes(p, item, &stride, &pad, w))
            return 0;
        *out = cocob_conv2d(a, b, c, stride, pad);
        return 1;
    }
    if (strncmp(item, "maxpool:", 8) == 0) {
        p = item + 8;
        if (!number(&p, "window", 1, LAYER_MAX_WINDOW, &a, w))
            return 0;
        size_t stride = a;
        if (!suffixes(p, item, &stride, NULL, w))
            return 0;
        *out = cocob_maxpool(a, stride);
        return 1;
    }
    if (strncmp(item, "dropout:", 8) == 0) {
        double rate;
        cocob_number_status s = cocob_number_double(item + 8, NULL, 0.0, 1.0, &rate);
        if (s != COCOB_NUMBER_OK) {
            char reason[160];
            snprintf(w->text, sizeof w->text, "the rate %s",
                     cocob_number_why_double(s, item + 8, 0.0, 1.0, reason, sizeof reason));
            return 0;
        }
        if (rate >= 1.0) {
            snprintf(w->text, sizeof w->text,
                     "the rate must be below 1, which would drop "
                     "every input");
            return 0;
        }
        *out = cocob_dropout((float)rate);
        return 1;
    }
    snprintf(w->text, sizeof w->text, "no layer is called that");
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
        why w = {"it is longer than any layer"};
        if (len >= sizeof item ||
            (memcpy(item, p, len), item[len] = '\0', !parse_item(item, &layer, &w)))
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "model spec item %zu, \"%.*s\", is not a layer: %s. Layers: "
                              "dense:N, conv:FxKHxKW[:sS][:pP], maxpool:K[:sS], relu, tanh, "
                              "sigmoid, dropout:P (0 <= P < 1), flatten; or the names mlp, cnn",
                              position, (int)(len > 100 ? 100 : len), p, w.text);
        cocob_status s = cocob_model_add(m, layer);
        if (s != COCOB_OK)
            return s;
        if (!comma)
            return COCOB_OK;
        p = comma + 1;
    }
}
