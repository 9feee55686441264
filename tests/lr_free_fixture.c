/* The reader of tests/fixtures/lr_free/: strict, so that a fixture that the
 * script changed in form fails here rather than reading as zeros. */
#include "lr_free_fixture.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    lr_fixture *f;
    const char *file;
    size_t line;
    char *why;
    size_t why_len;
    int run;                                /* the dtype section, -1 before the first */
    size_t step;                            /* 1-based within the run, 0 before the first */
    unsigned char *seen;                    /* per step: which lines it had, see mark() */
    size_t tensors, init_lines, grad_lines; /* as declared, and as counted */
} reader;

static int fail(reader *r, const char *fmt, ...)
{
    int n = snprintf(r->why, r->why_len, "%s:%zu: ", r->file, r->line);
    if (n < 0 || (size_t)n >= r->why_len)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why + n, r->why_len - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Exactly n numbers in text, into out. A float32 value, printed with 9
 * digits, is the float nearest to them, which strtod and a cast could miss
 * by double rounding. */
static int parse(reader *r, const char *text, double *out, size_t n, int float32)
{
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        char *end;
        errno = 0;
        double v = float32 ? (double)strtof(p, &end) : strtod(p, &end);
        if (end == p || errno == ERANGE)
            return fail(r, "expected %zu numbers, number %zu is not one", n, i + 1);
        out[i] = v;
        p = end;
    }
    while (*p == ' ')
        p++;
    if (*p)
        return fail(r, "more than the %zu numbers expected", n);
    return 0;
}

static int numbers(reader *r, const char *text, double *out, size_t n)
{
    return parse(r, text, out, n, 0);
}

/* The numbers of a float32 tensor: the inputs, which both runs share, and
 * the float32 run's tensors. */
static int floats(reader *r, const char *text, double *out, size_t n)
{
    return parse(r, text, out, n, 1);
}

static int size_value(reader *r, const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || errno || v > 1000000)
        return fail(r, "'%s' is not a count", text);
    *out = (size_t)v;
    return 0;
}

/* The first word of *p, NUL-terminated in place; *p moves past it. */
static char *word(char **p)
{
    char *s = *p;
    while (*s == ' ')
        s++;
    char *e = s;
    while (*e && *e != ' ')
        e++;
    if (*e)
        *e++ = '\0';
    *p = e;
    return s;
}

static int copy_name(reader *r, char *dst, const char *src)
{
    if (!*src || strlen(src) >= LR_FIXTURE_NAME)
        return fail(r, "name '%s' is empty or too long", src);
    strcpy(dst, src);
    return 0;
}

static const lr_fixture_tensor *tensor_of(const lr_fixture *f, const char *name)
{
    for (size_t i = 0; i < f->tensor_count; i++)
        if (!strcmp(f->tensor[i].name, name))
            return &f->tensor[i];
    return NULL;
}

const lr_fixture_scalar *lr_fixture_scalar_of(const lr_fixture *f, const char *name)
{
    for (size_t i = 0; i < f->scalar_count; i++)
        if (!strcmp(f->scalar[i].name, name))
            return &f->scalar[i];
    return NULL;
}

int lr_fixture_state_of(const lr_fixture *f, const char *key)
{
    for (size_t i = 0; i < f->state_count; i++)
        if (!strcmp(f->state_key[i], key))
            return (int)i;
    return -1;
}

double lr_fixture_gap_of(const lr_fixture *f, const char *quantity)
{
    for (size_t i = 0; i < f->gap_count; i++)
        if (!strcmp(f->gap[i].name, quantity))
            return f->gap[i].value;
    return -1;
}

const char *lr_fixture_setting(const lr_fixture *f, const char *name)
{
    for (size_t i = 0; i < f->setting_count; i++)
        if (!strcmp(f->setting[i], name))
            return f->setting_value[i];
    return NULL;
}

/* What a step must hold, as slots of r->seen: its loss lines, then one per
 * tensor for param, eval and each state key, then one per scalar. */
static size_t slots(const lr_fixture *f)
{
    return 2 + f->tensor_count * (2 + f->state_count) + f->scalar_count;
}

static int mark(reader *r, size_t slot)
{
    unsigned char *s = &r->seen[slots(r->f) * (r->step - 1) + slot];
    if (*s)
        return fail(r, "a second line for the same thing in step %zu", r->step);
    *s = 1;
    return 0;
}

static int header_line(reader *r, const char *key, char *rest)
{
    lr_fixture *f = r->f;
    if (!strcmp(key, "fixture")) {
        if (strcmp(rest, "lr_free 1"))
            return fail(r, "not an lr_free fixture of version 1");
        return 0;
    }
    if (!strcmp(key, "method"))
        return copy_name(r, f->method, rest);
    if (!strcmp(key, "case"))
        return copy_name(r, f->case_name, rest);
    if (!strcmp(key, "steps"))
        return size_value(r, rest, &f->steps);
    if (!strcmp(key, "package") || !strcmp(key, "torch"))
        return 0;
    if (!strcmp(key, "setting")) {
        if (f->setting_count == LR_FIXTURE_MAX)
            return fail(r, "too many settings");
        const char *name = word(&rest);
        if (strlen(rest) >= sizeof f->setting_value[0])
            return fail(r, "setting %s: value too long", name);
        strcpy(f->setting_value[f->setting_count], rest);
        return copy_name(r, f->setting[f->setting_count++], name);
    }
    if (!strcmp(key, "tensors"))
        return size_value(r, rest, &r->tensors);
    if (!strcmp(key, "tensor")) {
        if (f->tensor_count == LR_FIXTURE_MAX)
            return fail(r, "too many tensors");
        lr_fixture_tensor *t = &f->tensor[f->tensor_count];
        if (copy_name(r, t->name, word(&rest)) || size_value(r, word(&rest), &t->ndim))
            return -1;
        if (t->ndim < 1 || t->ndim > 4)
            return fail(r, "tensor %s: %zu dimensions", t->name, t->ndim);
        t->count = 1;
        for (size_t d = 0; d < t->ndim; d++) {
            if (size_value(r, word(&rest), &t->dims[d]))
                return -1;
            t->count *= t->dims[d];
        }
        if (*rest || t->count == 0)
            return fail(r, "tensor %s: bad dimensions", t->name);
        t->offset = f->params;
        f->params += t->count;
        f->tensor_count++;
        return 0;
    }
    if (!strcmp(key, "scalar_name")) {
        if (f->scalar_count == LR_FIXTURE_MAX)
            return fail(r, "too many scalars");
        lr_fixture_scalar *s = &f->scalar[f->scalar_count];
        if (copy_name(r, s->name, word(&rest)) || size_value(r, rest, &s->count))
            return -1;
        s->offset = f->scalar_values;
        f->scalar_values += s->count;
        f->scalar_count++;
        return 0;
    }
    if (!strcmp(key, "state_key")) {
        if (f->state_count == LR_FIXTURE_MAX)
            return fail(r, "too many state keys");
        return copy_name(r, f->state_key[f->state_count++], rest);
    }
    if (!strcmp(key, "eval")) {
        if (strcmp(rest, "yes") && strcmp(rest, "no"))
            return fail(r, "eval is yes or no");
        f->has_eval = !strcmp(rest, "yes");
        return 0;
    }
    if (!strcmp(key, "gap")) {
        if (f->gap_count == sizeof f->gap / sizeof f->gap[0])
            return fail(r, "too many gaps");
        lr_fixture_gap *g = &f->gap[f->gap_count++];
        return copy_name(r, g->name, word(&rest)) || numbers(r, rest, &g->value, 1) ? -1 : 0;
    }
    if (!strcmp(key, "init")) {
        const lr_fixture_tensor *t = tensor_of(f, word(&rest));
        if (!t)
            return fail(r, "init of an unknown tensor");
        if (!f->init && !(f->init = calloc(f->params, sizeof *f->init)))
            return fail(r, "out of memory");
        r->init_lines++;
        return floats(r, rest, f->init + t->offset, t->count);
    }
    if (!strcmp(key, "grad")) {
        size_t t = 0;
        if (size_value(r, word(&rest), &t))
            return -1;
        const lr_fixture_tensor *ten = tensor_of(f, word(&rest));
        if (!ten || t < 1 || t > f->steps)
            return fail(r, "grad of an unknown step or tensor");
        if (!f->grad && !(f->grad = calloc(f->steps * f->params, sizeof *f->grad)))
            return fail(r, "out of memory");
        r->grad_lines++;
        return floats(r, rest, f->grad + (t - 1) * f->params + ten->offset, ten->count);
    }
    if (!strcmp(key, "data")) {
        const char *what = word(&rest);
        if (!strcmp(what, "x")) {
            if (size_value(r, word(&rest), &f->examples) ||
                size_value(r, word(&rest), &f->features))
                return -1;
            if (!(f->x = calloc(f->examples * f->features + 1, sizeof *f->x)))
                return fail(r, "out of memory");
            return floats(r, rest, f->x, f->examples * f->features);
        }
        if (!strcmp(what, "labels")) {
            size_t n = 0;
            if (size_value(r, word(&rest), &n))
                return -1;
            if (!f->x || n != f->examples)
                return fail(r, "labels before x, or not one per example");
            double *v = calloc(n + 1, sizeof *v);
            f->labels = calloc(n + 1, sizeof *f->labels);
            if (!v || !f->labels) {
                free(v);
                return fail(r, "out of memory");
            }
            int bad = numbers(r, rest, v, n);
            for (size_t i = 0; i < n && !bad; i++)
                f->labels[i] = (int32_t)v[i];
            free(v);
            return bad;
        }
        return fail(r, "unknown data '%s'", what);
    }
    return fail(r, "unknown line '%s' in the header", key);
}

static int start_run(reader *r, const char *dtype)
{
    lr_fixture *f = r->f;
    int want = r->run + 1;
    if (want > LR_FIXTURE_F64 || strcmp(dtype, want == LR_FIXTURE_F32 ? "float32" : "float64"))
        return fail(r, "dtype %s out of order (float32, then float64)", dtype);
    if (r->run >= 0 && r->step != f->steps)
        return fail(r, "the run before has %zu steps, not %zu", r->step, f->steps);
    if (!f->steps || !f->tensor_count || !f->init || !(f->grad || f->x) || !*f->method ||
        !*f->case_name)
        return fail(r, "the header lacks the steps, tensors, init or the case's data");
    if (r->tensors != f->tensor_count || r->init_lines != f->tensor_count ||
        (f->grad && r->grad_lines != f->steps * f->tensor_count))
        return fail(r, "%zu tensor lines for %zu tensors, %zu init lines, %zu grad lines",
                    f->tensor_count, r->tensors, r->init_lines, r->grad_lines);
    r->run = want;
    r->step = 0;
    lr_fixture_step *s = calloc(f->steps, sizeof *s);
    free(r->seen);
    r->seen = calloc(f->steps * slots(f), 1);
    if (!s || !r->seen) {
        free(s);
        return fail(r, "out of memory");
    }
    f->run[want] = s;
    for (size_t i = 0; i < f->steps; i++) {
        s[i].loss = s[i].eval_loss = NAN;
        s[i].param = calloc(f->params, sizeof(double));
        s[i].scalar = calloc(f->scalar_values + 1, sizeof(double));
        s[i].state = calloc(f->params * f->state_count + 1, sizeof(double));
        s[i].eval = f->has_eval ? calloc(f->params, sizeof(double)) : NULL;
        if (!s[i].param || !s[i].scalar || !s[i].state || (f->has_eval && !s[i].eval))
            return fail(r, "out of memory");
    }
    return 0;
}

/* What slot k of a step stands for, for the message. */
static const char *slot_name(const lr_fixture *f, size_t k)
{
    static char name[2 * LR_FIXTURE_NAME + 16];
    size_t n = f->tensor_count;
    if (k < 2)
        return k ? "eval_loss" : "loss";
    k -= 2;
    if (k < 2 * n)
        snprintf(name, sizeof name, "%s %s", k < n ? "param" : "eval", f->tensor[k % n].name);
    else if (k < n * (2 + f->state_count))
        snprintf(name, sizeof name, "state %s %s", f->state_key[k / n - 2],
                 f->tensor[k % n].name);
    else
        snprintf(name, sizeof name, "scalar %s", f->scalar[k - n * (2 + f->state_count)].name);
    return name;
}

/* Every step of the run that ends here had each of its lines. */
static int check_run(reader *r)
{
    lr_fixture *f = r->f;
    if (r->step != f->steps)
        return fail(r, "the run has %zu steps, not %zu", r->step, f->steps);
    int mlp = f->x != NULL;
    for (size_t t = 0; t < f->steps; t++)
        for (size_t k = 0; k < slots(f); k++) {
            unsigned char want = 1;
            if (k == 0)
                want = (unsigned char)mlp;
            else if (k == 1)
                want = (unsigned char)(mlp && f->has_eval);
            else if (k >= 2 + f->tensor_count && k < 2 + 2 * f->tensor_count)
                want = (unsigned char)f->has_eval;
            if (r->seen[t * slots(f) + k] != want)
                return fail(r, "step %zu of the %s run %s its %s line", t + 1,
                            r->run ? "float64" : "float32", want ? "lacks" : "should not have",
                            slot_name(f, k));
        }
    return 0;
}

static int step_line(reader *r, const char *key, char *rest)
{
    lr_fixture *f = r->f;
    if (!strcmp(key, "step")) {
        size_t t = 0;
        if (size_value(r, rest, &t))
            return -1;
        if (t != r->step + 1 || t > f->steps)
            return fail(r, "step %zu out of order", t);
        r->step = t;
        return 0;
    }
    if (!r->step)
        return fail(r, "'%s' before the first step", key);
    lr_fixture_step *s = &f->run[r->run][r->step - 1];
    if (!strcmp(key, "loss") || !strcmp(key, "eval_loss")) {
        int eval = key[0] == 'e';
        return mark(r, (size_t)eval) || numbers(r, rest, eval ? &s->eval_loss : &s->loss, 1) ? -1
                                                                                             : 0;
    }
    if (!strcmp(key, "param") || !strcmp(key, "eval")) {
        int eval = key[0] == 'e';
        const lr_fixture_tensor *t = tensor_of(f, word(&rest));
        if (!t || (eval && !f->has_eval))
            return fail(r, "%s of an unknown tensor", key);
        size_t i = (size_t)(t - f->tensor);
        if (mark(r, 2 + (eval ? f->tensor_count : 0) + i))
            return -1;
        return parse(r, rest, (eval ? s->eval : s->param) + t->offset, t->count,
                     r->run == LR_FIXTURE_F32);
    }
    if (!strcmp(key, "scalar")) {
        const lr_fixture_scalar *sc = lr_fixture_scalar_of(f, word(&rest));
        if (!sc)
            return fail(r, "an unknown scalar");
        if (mark(r, 2 + f->tensor_count * (2 + f->state_count) + (size_t)(sc - f->scalar)))
            return -1;
        return numbers(r, rest, s->scalar + sc->offset, sc->count);
    }
    if (!strcmp(key, "state")) {
        int k = lr_fixture_state_of(f, word(&rest));
        const lr_fixture_tensor *t = tensor_of(f, word(&rest));
        if (k < 0 || !t)
            return fail(r, "state of an unknown key or tensor");
        size_t i = (size_t)(t - f->tensor);
        if (mark(r, 2 + f->tensor_count * (2 + (size_t)k) + i))
            return -1;
        return parse(r, rest, s->state + (size_t)k * f->params + t->offset, t->count,
                     r->run == LR_FIXTURE_F32);
    }
    return fail(r, "unknown line '%s' in a step", key);
}

static void path_of(char *out, size_t len, const char *file)
{
    snprintf(out, len, "%s/%s", COCOB_LR_FREE_FIXTURES, file);
}

int lr_fixture_load(const char *file, lr_fixture *f, char *why, size_t why_len)
{
    memset(f, 0, sizeof *f);
    reader r = {f, file, 0, why, why_len, -1, 0, NULL, 0, 0, 0};
    char path[4096];
    path_of(path, sizeof path, file);
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(why, why_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int bad = 0, ended = 0;
    while (!bad && (n = getline(&line, &cap, in)) >= 0) {
        r.line++;
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if (ended) {
            bad = fail(&r, "a line after 'end'");
            break;
        }
        char *rest = line;
        const char *key = word(&rest);
        if (!strcmp(key, "dtype"))
            bad = (r.run >= 0 && check_run(&r)) || start_run(&r, rest);
        else if (!strcmp(key, "end")) {
            bad = r.run != LR_FIXTURE_F64 ? fail(&r, "'end' before the float64 run")
                                          : check_run(&r);
            ended = 1;
        } else if (r.run < 0)
            bad = header_line(&r, key, rest);
        else
            bad = step_line(&r, key, rest);
    }
    if (!bad && !ended)
        bad = fail(&r, "no 'end': the file is cut short");
    free(line);
    free(r.seen);
    fclose(in);
    if (bad)
        lr_fixture_free(f);
    return bad ? -1 : 0;
}

void lr_fixture_free(lr_fixture *f)
{
    for (int run = 0; run < 2; run++) {
        if (!f->run[run])
            continue;
        for (size_t t = 0; t < f->steps; t++) {
            free(f->run[run][t].param);
            free(f->run[run][t].eval);
            free(f->run[run][t].scalar);
            free(f->run[run][t].state);
        }
        free(f->run[run]);
    }
    free(f->init);
    free(f->grad);
    free(f->x);
    free(f->labels);
    memset(f, 0, sizeof *f);
}

/* max |a - b| / max |b| over one tensor, the measure of the fixture's gaps. */
double lr_fixture_rel_gap(const float *a, const double *b, size_t n)
{
    double diff = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        diff = fmax(diff, fabs((double)a[i] - b[i]));
        scale = fmax(scale, fabs(b[i]));
    }
    return scale > 0 ? diff / scale : diff;
}

/* The mlp's mean cross-entropy at p and, into grad, its gradient, in double
 * and then rounded once to float: the gradient is not what is under test,
 * so it carries no rounding of its own beyond that one. */
double lr_fixture_mlp_loss_grad(const lr_fixture *f, const float *p, float *grad)
{
    const float *w1 = p, *b1 = p + 12, *w2 = p + 15, *b2 = p + 21;
    double g[23] = {0}, sum = 0, n = (double)f->examples;
    for (size_t e = 0; e < f->examples; e++) {
        const double *x = f->x + e * 4;
        double h[3], z[2], dz[2], dh[3];
        for (int u = 0; u < 3; u++) {
            h[u] = b1[u];
            for (int i = 0; i < 4; i++)
                h[u] += (double)w1[u * 4 + i] * x[i];
            h[u] = fmax(h[u], 0);
        }
        for (int u = 0; u < 2; u++) {
            z[u] = b2[u];
            for (int i = 0; i < 3; i++)
                z[u] += (double)w2[u * 3 + i] * h[i];
        }
        double m = fmax(z[0], z[1]), lse = m + log(exp(z[0] - m) + exp(z[1] - m));
        sum += lse - z[f->labels[e]];
        for (int u = 0; u < 2; u++)
            dz[u] = (exp(z[u] - lse) - (f->labels[e] == u)) / n;
        for (int i = 0; i < 3; i++) {
            dh[i] = h[i] > 0 ? dz[0] * w2[i] + dz[1] * w2[3 + i] : 0;
            g[12 + i] += dh[i];
            for (int k = 0; k < 4; k++)
                g[i * 4 + k] += dh[i] * x[k];
        }
        for (int u = 0; u < 2; u++) {
            g[21 + u] += dz[u];
            for (int i = 0; i < 3; i++)
                g[15 + u * 3 + i] += dz[u] * h[i];
        }
    }
    for (size_t i = 0; i < 23; i++)
        grad[i] = (float)g[i];
    return sum / n;
}
