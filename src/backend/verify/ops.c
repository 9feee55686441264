/* The verifying backend's ops: each runs on the reference first, then on
 * the device, each side through its own table (the op layer has validated
 * the arguments once, against this backend's buffers, which are as long as
 * either side's), and hands its outputs to cocob_verify_outputs with the
 * op's tolerance.
 *
 * Tolerances are in units of u = 2^-24 times a magnitude. An op that does
 * the reference's operations in its order must agree exactly (0). An op
 * that sums m terms in another order may differ from the reference by twice
 * the bound on either's error, 2 m u times the sum of the terms' sizes
 * (each of at most m roundings errs by at most u of a partial sum, and no
 * partial sum exceeds the sum of the sizes), the sizes being the op run on
 * |inputs|. tanh and exp are a few ulp off in
 * OpenCL C and in libm: tests/test_activation.c derives those bounds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/verify/verify.h"
#include "backend/ref/ref.h"

#define DEV(b) (((verify_backend *)(b))->dev)
#define REF(b) (((verify_backend *)(b))->ref)

static verify_backend *of(cocob_backend *b)
{
    return (verify_backend *)b;
}

static cocob_status no_memory(cocob_backend *b, const char *op)
{
    return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY, "verify: %s: out of host memory", op);
}

/* Ulps between the device's f and the reference's: relu and the identity
 * are the same operations; tanh 5 + 3, sigmoid 15 + 5 (the kernel's bound
 * and the reference's, from the maths, added). */
static double activation_ulps(cocob_activation f)
{
    return f == COCOB_ACT_TANH ? 8 : f == COCOB_ACT_SIGMOID ? 20 : 0;
}

/* An update's guard on each side; none (NULL) stays none. */
static void guard_sides(const cocob_buffer *skip, const cocob_buffer **dev,
                        const cocob_buffer **ref)
{
    *dev = cocob_verify_dev((cocob_span){(cocob_buffer *)skip, 0}).buf;
    *ref = cocob_verify_ref((cocob_span){(cocob_buffer *)skip, 0}).buf;
}

static cocob_status chk_cocob_update(cocob_backend *b, const cocob_update_args *a)
{
    cocob_update_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, st[COCOB_STATE_COUNT];
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    r.grad = cocob_verify_ref((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    for (int k = 0; k < COCOB_STATE_COUNT; k++) {
        st[k] = (cocob_span){a->state[k], a->state_offset};
        d.state[k] = cocob_verify_dev(st[k]).buf;
        r.state[k] = cocob_verify_ref(st[k]).buf;
    }
    guard_sides(a->skip, &d.skip, &r.skip);
    cocob_status s = REF(b)->iface->cocob_update(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->cocob_update(DEV(b), &d);
    if (s != COCOB_OK)
        return s;
    /* w = w1 + a quotient of two divisions, times a sum: measured against
     * |w1| + |the step|, 16 units covers two divisions of 2.5 ulp, the
     * product and the two sums. The states are sums and maxima, taken in the
     * same order: exact. */
    const float *w1 = cocob_verify_ref_floats(st[COCOB_STATE_W1]),
                *wr = cocob_verify_ref_floats(w);
    float *mag = malloc((a->n ? a->n : 1) * sizeof *mag);
    if (!mag)
        return no_memory(b, "cocob_update");
    for (size_t i = 0; i < a->n; i++)
        mag[i] = fabsf(w1[i]) + fabsf(wr[i] - w1[i]);
    static const char *const names[COCOB_STATE_COUNT] = {"w1", "L", "G", "reward", "theta"};
    verify_out outs[1 + COCOB_STATE_COUNT] = {{"w", w, a->n, mag, 16, 0}};
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        outs[1 + k] = (verify_out){names[k], st[k], a->n, NULL, 0, 0};
    char shape[64];
    snprintf(shape, sizeof shape, "%zu", a->n);
    s = cocob_verify_outputs(of(b), "cocob_update", shape, outs, 1 + COCOB_STATE_COUNT);
    free(mag);
    return s;
}

static cocob_status chk_count_nonfinite(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                        size_t n, size_t *count)
{
    cocob_span sx = {(cocob_buffer *)x, offset};
    size_t want = 0;
    cocob_status s = REF(b)->iface->count_nonfinite(REF(b), cocob_verify_ref(sx).buf, offset, n,
                                                    &want);
    if (s == COCOB_OK)
        s = DEV(b)->iface->count_nonfinite(DEV(b), cocob_verify_dev(sx).buf, offset, n, count);
    if (s == COCOB_OK && *count != want && of(b)->mode == COCOB_VERIFY_STOP)
        return cocob_fail(b->err, COCOB_ERR_VERIFY,
                          "verify: count_nonfinite (%zu) on %s (%s) differs from the reference "
                          "in %s: device %zu, reference %zu",
                          n, b->info.name, b->info.selector, b->where[0] ? b->where : "a call",
                          *count, want);
    if (s == COCOB_OK && of(b)->mode == COCOB_VERIFY_RECORD) {
        char shape[32];
        snprintf(shape, sizeof shape, "%zu", n);
        s = cocob_verify_record(of(b), "count_nonfinite", shape,
                                fabs((double)*count - (double)want),
                                *count == want ? 0 : INFINITY, 0, 1, *count == want);
    }
    return s;
}

static cocob_status chk_flag_nonfinite(cocob_backend *b, cocob_span x, size_t n, cocob_span flag)
{
    cocob_status s = REF(b)->iface->flag_nonfinite(REF(b), cocob_verify_ref(x), n,
                                                   cocob_verify_ref(flag));
    if (s == COCOB_OK)
        s = DEV(b)->iface->flag_nonfinite(DEV(b), cocob_verify_dev(x), n, cocob_verify_dev(flag));
    if (s != COCOB_OK)
        return s;
    verify_out out = {"flag", flag, 1, NULL, 0, 1};
    char shape[32];
    snprintf(shape, sizeof shape, "%zu", n);
    return cocob_verify_outputs(of(b), "flag_nonfinite", shape, &out, 1);
}

/* Elements from a span's start to the last of M rows of N at stride ld. */
static size_t extent(size_t rows, size_t cols, size_t ld)
{
    return rows ? (rows - 1) * ld + cols : 0;
}

static cocob_status chk_gemm(cocob_backend *b, int ta, int tb, size_t M, size_t N, size_t K,
                             float alpha, cocob_span A, size_t lda, cocob_span B, size_t ldb,
                             float beta, cocob_span C, size_t ldc)
{
    cocob_status s = COCOB_OK;
    /* The magnitude is the GEMM of the absolute values, |alpha| |op(A)|
     * |op(B)| + |beta| |C|, with C as it was before the op. */
    size_t na = ta ? extent(K, M, lda) : extent(M, K, lda);
    size_t nb = tb ? extent(N, K, ldb) : extent(K, N, ldb), nc = extent(M, N, ldc);
    float *absA = cocob_verify_abs(cocob_verify_ref_floats(A), na);
    float *absB = cocob_verify_abs(cocob_verify_ref_floats(B), nb);
    float *mag = cocob_verify_abs(cocob_verify_ref_floats(C), nc);
    if (!absA || !absB || !mag)
        s = no_memory(b, "gemm");
    if (s == COCOB_OK) {
        cocob_ref_gemm(ta, tb, M, N, K, fabsf(alpha), absA, lda, absB, ldb, fabsf(beta), mag,
                       ldc);
        s = REF(b)->iface->gemm(REF(b), ta, tb, M, N, K, alpha, cocob_verify_ref(A), lda,
                                cocob_verify_ref(B), ldb, beta, cocob_verify_ref(C), ldc);
    }
    if (s == COCOB_OK)
        s = DEV(b)->iface->gemm(DEV(b), ta, tb, M, N, K, alpha, cocob_verify_dev(A), lda,
                                cocob_verify_dev(B), ldb, beta, cocob_verify_dev(C), ldc);
    if (s == COCOB_OK) {
        verify_out out = {"C", C, nc, mag, 2.0 * (double)(K + 1), 0};
        char shape[64];
        snprintf(shape, sizeof shape, "%zux%zux%zu %s%s", M, N, K, ta ? "T" : "N",
                 tb ? "T" : "N");
        s = cocob_verify_outputs(of(b), "gemm", shape, &out, 1);
    }
    free(absA);
    free(absB);
    free(mag);
    return s;
}

static cocob_status chk_bias_add(cocob_backend *b, cocob_activation f, cocob_span x,
                                 cocob_span bias, cocob_span y, size_t outer, size_t channels,
                                 size_t inner)
{
    cocob_status s = REF(b)->iface->bias_add(REF(b), f, cocob_verify_ref(x),
                                             cocob_verify_ref(bias), cocob_verify_ref(y), outer,
                                             channels, inner);
    if (s == COCOB_OK)
        s = DEV(b)->iface->bias_add(DEV(b), f, cocob_verify_dev(x), cocob_verify_dev(bias),
                                    cocob_verify_dev(y), outer, channels, inner);
    if (s != COCOB_OK)
        return s;
    verify_out out = {"y", y, outer * channels * inner, NULL, activation_ulps(f), 0};
    char shape[64];
    snprintf(shape, sizeof shape, "%zux%zux%zu %s", outer, channels, inner,
             cocob_activation_name(f));
    return cocob_verify_outputs(of(b), "bias_add", shape, &out, 1);
}

static cocob_status chk_bias_grad(cocob_backend *b, cocob_span dy, cocob_span db, size_t outer,
                                  size_t channels, size_t inner)
{
    cocob_status s = REF(b)->iface->bias_grad(REF(b), cocob_verify_ref(dy), cocob_verify_ref(db),
                                              outer, channels, inner);
    if (s != COCOB_OK)
        return s;
    size_t n = outer * channels * inner;
    float *abs = cocob_verify_abs(cocob_verify_ref_floats(dy), n);
    float *mag = malloc(channels * sizeof *mag);
    if (!abs || !mag)
        s = no_memory(b, "bias_grad");
    if (s == COCOB_OK) {
        cocob_ref_bias_grad(abs, mag, outer, channels, inner);
        s = DEV(b)->iface->bias_grad(DEV(b), cocob_verify_dev(dy), cocob_verify_dev(db), outer,
                                     channels, inner);
    }
    if (s == COCOB_OK) {
        verify_out out = {"db", db, channels, mag, 2.0 * (double)(outer * inner), 0};
        char shape[64];
        snprintf(shape, sizeof shape, "%zux%zux%zu", outer, channels, inner);
        s = cocob_verify_outputs(of(b), "bias_grad", shape, &out, 1);
    }
    free(abs);
    free(mag);
    return s;
}

static cocob_status chk_activation(cocob_backend *b, cocob_activation f, cocob_span x,
                                   cocob_span y, size_t n)
{
    cocob_status s = REF(b)->iface->activation(REF(b), f, cocob_verify_ref(x),
                                               cocob_verify_ref(y), n);
    if (s == COCOB_OK)
        s = DEV(b)->iface->activation(DEV(b), f, cocob_verify_dev(x), cocob_verify_dev(y), n);
    if (s != COCOB_OK)
        return s;
    verify_out out = {"y", y, n, NULL, activation_ulps(f), 0};
    char shape[64];
    snprintf(shape, sizeof shape, "%zu %s", n, cocob_activation_name(f));
    return cocob_verify_outputs(of(b), "activation", shape, &out, 1);
}

static cocob_status chk_activation_grad(cocob_backend *b, cocob_activation f, cocob_span y,
                                        cocob_span dy, cocob_span dx, size_t n)
{
    cocob_status s = REF(b)->iface->activation_grad(REF(b), f, cocob_verify_ref(y),
                                                    cocob_verify_ref(dy), cocob_verify_ref(dx),
                                                    n);
    if (s == COCOB_OK)
        s = DEV(b)->iface->activation_grad(DEV(b), f, cocob_verify_dev(y), cocob_verify_dev(dy),
                                           cocob_verify_dev(dx), n);
    if (s != COCOB_OK)
        return s;
    verify_out out = {"dx", dx, n, NULL, 0, 0};
    char shape[64];
    snprintf(shape, sizeof shape, "%zu %s", n, cocob_activation_name(f));
    return cocob_verify_outputs(of(b), "activation_grad", shape, &out, 1);
}

typedef cocob_status (*rows_op)(cocob_backend *, cocob_span, cocob_span, cocob_span, size_t,
                                size_t);

/* A loss op or its gradient (x, what it is held to, the output, rows,
 * columns): on the reference, then on the device. */
static cocob_status run_rows(cocob_backend *b, rows_op ref, rows_op dev, cocob_span x,
                             cocob_span t, cocob_span out, size_t rows, size_t cols)
{
    cocob_status s = ref(REF(b), cocob_verify_ref(x), cocob_verify_ref(t), cocob_verify_ref(out),
                         rows, cols);
    if (s == COCOB_OK)
        s = dev(DEV(b), cocob_verify_dev(x), cocob_verify_dev(t), cocob_verify_dev(out), rows,
                cols);
    return s;
}

static cocob_status rows_outputs(cocob_backend *b, const char *op, const verify_out *o,
                                 size_t rows, size_t cols)
{
    char shape[64];
    snprintf(shape, sizeof shape, "%zux%zu", rows, cols);
    return cocob_verify_outputs(of(b), op, shape, o, 1);
}

/* Each row's loss = log(sum exp(x - max)) + max - x[label], and each
 * dlogit = (softmax - onehot) / rows: exp and log within 3 ulp in both, and
 * sums of classes terms. */
static double softmax_xent_ulps(size_t classes)
{
    return 16 + 2.0 * (double)classes;
}

static cocob_status chk_softmax_xent(cocob_backend *b, cocob_span logits, cocob_span labels,
                                     cocob_span loss, size_t rows, size_t classes)
{
    cocob_status s = run_rows(b, REF(b)->iface->softmax_xent, DEV(b)->iface->softmax_xent, logits,
                              labels, loss, rows, classes);
    if (s != COCOB_OK)
        return s;
    /* The loss measured against log(classes) + 2 max|x| of its row, the
     * size of what it adds. */
    float *loss_mag = malloc(rows * sizeof *loss_mag);
    if (!loss_mag)
        return no_memory(b, "softmax_xent");
    const float *x = cocob_verify_ref_floats(logits);
    for (size_t r = 0; r < rows; r++) {
        float top = 0;
        for (size_t c = 0; c < classes; c++)
            top = fmaxf(top, fabsf(x[r * classes + c]));
        loss_mag[r] = logf((float)classes) + 2 * top;
    }
    verify_out out = {"loss", loss, rows, loss_mag, softmax_xent_ulps(classes), 0};
    s = rows_outputs(b, "softmax_xent", &out, rows, classes);
    free(loss_mag);
    return s;
}

static cocob_status chk_softmax_xent_grad(cocob_backend *b, cocob_span logits, cocob_span labels,
                                          cocob_span dlogits, size_t rows, size_t classes)
{
    cocob_status s = run_rows(b, REF(b)->iface->softmax_xent_grad,
                              DEV(b)->iface->softmax_xent_grad, logits, labels, dlogits, rows,
                              classes);
    if (s != COCOB_OK)
        return s;
    /* Each dlogit measured against 1 / rows, the size of a probability
     * over rows. */
    size_t nd = rows * classes;
    float *d_mag = malloc(nd * sizeof *d_mag);
    if (!d_mag)
        return no_memory(b, "softmax_xent_grad");
    for (size_t i = 0; i < nd; i++)
        d_mag[i] = 1.0f / (float)rows;
    verify_out out = {"dlogits", dlogits, nd, d_mag, softmax_xent_ulps(classes), 0};
    s = rows_outputs(b, "softmax_xent_grad", &out, rows, classes);
    free(d_mag);
    return s;
}

/* mse and mse_grad do the reference's operations in its order; only the
 * division may differ, on a device without a correctly rounded one, where
 * OpenCL allows 2.5 ulp: 5 units of the value itself (NULL magnitude). */
static const double mse_ulps = 5;

static cocob_status chk_mse(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span loss,
                            size_t rows, size_t cols)
{
    cocob_status s = run_rows(b, REF(b)->iface->mse, DEV(b)->iface->mse, x, targets, loss, rows,
                              cols);
    if (s != COCOB_OK)
        return s;
    verify_out out = {"loss", loss, rows, NULL, mse_ulps, 0};
    return rows_outputs(b, "mse", &out, rows, cols);
}

static cocob_status chk_mse_grad(cocob_backend *b, cocob_span x, cocob_span targets,
                                 cocob_span dx, size_t rows, size_t cols)
{
    cocob_status s = run_rows(b, REF(b)->iface->mse_grad, DEV(b)->iface->mse_grad, x, targets, dx,
                              rows, cols);
    if (s != COCOB_OK)
        return s;
    verify_out out = {"dx", dx, rows * cols, NULL, mse_ulps, 0};
    return rows_outputs(b, "mse_grad", &out, rows, cols);
}

static cocob_status chk_argmax(cocob_backend *b, cocob_span x, cocob_span out, size_t rows,
                               size_t cols)
{
    cocob_status s = REF(b)->iface->argmax(REF(b), cocob_verify_ref(x), cocob_verify_ref(out),
                                           rows, cols);
    if (s == COCOB_OK)
        s = DEV(b)->iface->argmax(DEV(b), cocob_verify_dev(x), cocob_verify_dev(out), rows, cols);
    if (s != COCOB_OK)
        return s;
    verify_out o = {"out", out, rows, NULL, 0, 1};
    char shape[64];
    snprintf(shape, sizeof shape, "%zux%zu", rows, cols);
    return cocob_verify_outputs(of(b), "argmax", shape, &o, 1);
}

typedef cocob_status (*dropout_op)(cocob_backend *, cocob_span, cocob_span, size_t, float,
                                   uint64_t, uint64_t);

/* dropout and its gradient draw the same mask with the same generator and
 * scale by the same float: exact. */
static cocob_status chk_dropout_op(cocob_backend *b, const char *op, const char *out_name,
                                   dropout_op ref, dropout_op dev, cocob_span in, cocob_span out,
                                   size_t n, float p, uint64_t seed, uint64_t counter)
{
    cocob_status s = ref(REF(b), cocob_verify_ref(in), cocob_verify_ref(out), n, p, seed,
                         counter);
    if (s == COCOB_OK)
        s = dev(DEV(b), cocob_verify_dev(in), cocob_verify_dev(out), n, p, seed, counter);
    if (s != COCOB_OK)
        return s;
    verify_out o = {out_name, out, n, NULL, 0, 0};
    char shape[64];
    snprintf(shape, sizeof shape, "%zu p=%g", n, p);
    return cocob_verify_outputs(of(b), op, shape, &o, 1);
}

static cocob_status chk_dropout(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                                uint64_t seed, uint64_t counter)
{
    return chk_dropout_op(b, "dropout", "y", REF(b)->iface->dropout, DEV(b)->iface->dropout, x, y,
                          n, p, seed, counter);
}

static cocob_status chk_dropout_grad(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                     float p, uint64_t seed, uint64_t counter)
{
    return chk_dropout_op(b, "dropout_grad", "dx", REF(b)->iface->dropout_grad,
                          DEV(b)->iface->dropout_grad, dy, dx, n, p, seed, counter);
}

static void conv_text(const cocob_conv_shape *c, char *out, size_t cap)
{
    snprintf(out, cap, "%zux%zux%zux%zu k%zux%zu s%zu p%zu", c->batch, c->channels, c->height,
             c->width, c->kernel_h, c->kernel_w, c->stride, c->pad);
}

static size_t image_count(const cocob_conv_shape *c)
{
    return c->batch * c->channels * c->height * c->width;
}

static size_t filter_count(const cocob_conv_shape *c)
{
    return c->filters * c->channels * c->kernel_h * c->kernel_w;
}

static size_t output_count(const cocob_conv_shape *c)
{
    return c->batch * c->filters * c->out_h * c->out_w;
}

typedef cocob_status (*conv_op)(cocob_backend *, const cocob_conv_shape *, cocob_span, cocob_span,
                                cocob_span);
typedef void (*conv_loop)(const cocob_conv_shape *, const float *, const float *, float *);

/* One of the three convolution ops: its inputs' and output's element
 * counts, and the reference loop that, run on |inputs|, gives the
 * magnitude. Each sums, per output element, terms = C KH KW products
 * (conv2d), F KH KW (grad_input) or N OH OW (grad_weights) in an order of
 * the device's own: the GEMM bound, 2 terms u of that magnitude. */
typedef struct conv_check {
    const char *op, *out_name;
    size_t n_a, n_b, n_out, terms;
    conv_loop magnitude;
    conv_op ref, dev;
} conv_check;

static cocob_status chk_conv(cocob_backend *b, const cocob_conv_shape *sh, const conv_check *c,
                             cocob_span in_a, cocob_span in_b, cocob_span out)
{
    cocob_status s = COCOB_OK;
    float *abs_a = cocob_verify_abs(cocob_verify_ref_floats(in_a), c->n_a);
    float *abs_b = cocob_verify_abs(cocob_verify_ref_floats(in_b), c->n_b);
    float *mag = malloc((c->n_out ? c->n_out : 1) * sizeof *mag);
    if (!abs_a || !abs_b || !mag)
        s = no_memory(b, c->op);
    if (s == COCOB_OK) {
        c->magnitude(sh, abs_a, abs_b, mag);
        s = c->ref(REF(b), sh, cocob_verify_ref(in_a), cocob_verify_ref(in_b),
                   cocob_verify_ref(out));
    }
    if (s == COCOB_OK)
        s = c->dev(DEV(b), sh, cocob_verify_dev(in_a), cocob_verify_dev(in_b),
                   cocob_verify_dev(out));
    if (s == COCOB_OK) {
        verify_out o = {c->out_name, out, c->n_out, mag, 2.0 * (double)c->terms, 0};
        char shape[96];
        conv_text(sh, shape, sizeof shape);
        snprintf(shape + strlen(shape), sizeof shape - strlen(shape), " f%zu", sh->filters);
        s = cocob_verify_outputs(of(b), c->op, shape, &o, 1);
    }
    free(abs_a);
    free(abs_b);
    free(mag);
    return s;
}

static cocob_status chk_conv2d(cocob_backend *b, const cocob_conv_shape *sh, cocob_span x,
                               cocob_span w, cocob_span y)
{
    conv_check c = {"conv2d",
                    "y",
                    image_count(sh),
                    filter_count(sh),
                    output_count(sh),
                    sh->channels * sh->kernel_h * sh->kernel_w,
                    cocob_ref_conv2d,
                    REF(b)->iface->conv2d,
                    DEV(b)->iface->conv2d};
    return chk_conv(b, sh, &c, x, w, y);
}

static cocob_status chk_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *sh,
                                          cocob_span dy, cocob_span w, cocob_span dx)
{
    conv_check c = {"conv2d_grad_input",
                    "dx",
                    output_count(sh),
                    filter_count(sh),
                    image_count(sh),
                    sh->filters * sh->kernel_h * sh->kernel_w,
                    cocob_ref_conv2d_grad_input,
                    REF(b)->iface->conv2d_grad_input,
                    DEV(b)->iface->conv2d_grad_input};
    return chk_conv(b, sh, &c, dy, w, dx);
}

static cocob_status chk_conv2d_grad_weights(cocob_backend *b, const cocob_conv_shape *sh,
                                            cocob_span dy, cocob_span x, cocob_span dw)
{
    conv_check c = {"conv2d_grad_weights",
                    "dw",
                    output_count(sh),
                    image_count(sh),
                    filter_count(sh),
                    sh->batch * sh->out_h * sh->out_w,
                    cocob_ref_conv2d_grad_weights,
                    REF(b)->iface->conv2d_grad_weights,
                    DEV(b)->iface->conv2d_grad_weights};
    return chk_conv(b, sh, &c, dy, x, dw);
}

static void pool_text(const cocob_pool_shape *p, char *out, size_t cap)
{
    snprintf(out, cap, "%zux%zux%zu k%zu s%zu", p->planes, p->height, p->width, p->size,
             p->stride);
}

static cocob_status chk_maxpool(cocob_backend *b, const cocob_pool_shape *sh, cocob_span x,
                                cocob_span y, cocob_span idx)
{
    cocob_status s = REF(b)->iface->maxpool(REF(b), sh, cocob_verify_ref(x), cocob_verify_ref(y),
                                            cocob_verify_ref(idx));
    if (s == COCOB_OK)
        s = DEV(b)->iface->maxpool(DEV(b), sh, cocob_verify_dev(x), cocob_verify_dev(y),
                                   cocob_verify_dev(idx));
    if (s != COCOB_OK)
        return s;
    size_t n = sh->planes * sh->out_h * sh->out_w;
    verify_out o[2] = {{"y", y, n, NULL, 0, 0}, {"idx", idx, n, NULL, 0, 1}};
    char shape[96];
    pool_text(sh, shape, sizeof shape);
    return cocob_verify_outputs(of(b), "maxpool", shape, o, 2);
}

static cocob_status chk_maxpool_grad(cocob_backend *b, const cocob_pool_shape *sh, cocob_span dy,
                                     cocob_span idx, cocob_span dx)
{
    cocob_status s = REF(b)->iface->maxpool_grad(REF(b), sh, cocob_verify_ref(dy),
                                                 cocob_verify_ref(idx), cocob_verify_ref(dx));
    if (s != COCOB_OK)
        return s;
    size_t ny = sh->planes * sh->out_h * sh->out_w, nx = sh->planes * sh->height * sh->width;
    float *abs = cocob_verify_abs(cocob_verify_ref_floats(dy), ny);
    float *mag = malloc((nx ? nx : 1) * sizeof *mag);
    if (!abs || !mag)
        s = no_memory(b, "maxpool_grad");
    if (s == COCOB_OK) {
        cocob_ref_maxpool_grad(sh, abs, (const int32_t *)cocob_verify_ref_floats(idx), mag);
        s = DEV(b)->iface->maxpool_grad(DEV(b), sh, cocob_verify_dev(dy), cocob_verify_dev(idx),
                                        cocob_verify_dev(dx));
    }
    if (s == COCOB_OK) {
        /* An input is in at most ceil(size / stride)^2 windows. */
        size_t per = (sh->size + sh->stride - 1) / sh->stride;
        verify_out o = {"dx", dx, nx, mag, 2.0 * (double)(per * per), 0};
        char shape[96];
        pool_text(sh, shape, sizeof shape);
        s = cocob_verify_outputs(of(b), "maxpool_grad", shape, &o, 1);
    }
    free(abs);
    free(mag);
    return s;
}

static cocob_status chk_triad(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                              const cocob_buffer *c, float s_, size_t n)
{
    cocob_span sa = {a, 0}, sb = {(cocob_buffer *)bb, 0}, sc = {(cocob_buffer *)c, 0};
    cocob_status s = REF(b)->iface->triad(REF(b), cocob_verify_ref(sa).buf,
                                          cocob_verify_ref(sb).buf, cocob_verify_ref(sc).buf, s_,
                                          n);
    if (s == COCOB_OK)
        s = DEV(b)->iface->triad(DEV(b), cocob_verify_dev(sa).buf, cocob_verify_dev(sb).buf,
                                 cocob_verify_dev(sc).buf, s_, n);
    if (s != COCOB_OK)
        return s;
    verify_out o = {"a", sa, n, NULL, 0, 0};
    char shape[32];
    snprintf(shape, sizeof shape, "%zu", n);
    return cocob_verify_outputs(of(b), "triad", shape, &o, 1);
}

/* stats: the minimum, the maximum and the count are of the same values on
 * both sides, so exact; the sums, of n non-negative terms in another order,
 * within 2 n u of the sum each (the summation bound above, as for GEMM). */
static cocob_status chk_stats(cocob_backend *b, cocob_span x, cocob_span y, cocob_span z,
                              size_t n, cocob_stats *out)
{
    cocob_stats want;
    cocob_status s = REF(b)->iface->stats(REF(b), cocob_verify_ref(x), cocob_verify_ref(y),
                                          cocob_verify_ref(z), n, &want);
    if (s == COCOB_OK)
        s = DEV(b)->iface->stats(DEV(b), cocob_verify_dev(x), cocob_verify_dev(y),
                                 cocob_verify_dev(z), n, out);
    if (s != COCOB_OK)
        return s;
    double ulps = 2.0 * (double)n;
    double e_sum = want.sum > 0 ? fabs(out->sum - want.sum) / want.sum / 0x1p-24 : 0;
    double e_sq = want.sum_sq > 0 ? fabs(out->sum_sq - want.sum_sq) / want.sum_sq / 0x1p-24 : 0;
    int exact = out->min == want.min && out->max == want.max && out->count == want.count;
    double units = exact ? fmax(e_sum, e_sq) : INFINITY;
    int pass = units <= ulps;
    char shape[32];
    snprintf(shape, sizeof shape, "%zu%s%s", n, y.buf ? " x-y" : "", z.buf ? " /z" : "");
    if (!pass && of(b)->mode == COCOB_VERIFY_STOP)
        return cocob_fail(b->err, COCOB_ERR_VERIFY,
                          "verify: stats (%s) on %s (%s) differs from the reference in %s: "
                          "device min %.9g sum %.9g max %.9g sum of squares %.9g count %zu, "
                          "reference %.9g %.9g %.9g %.9g %zu",
                          shape, b->info.name, b->info.selector,
                          b->where[0] ? b->where : "a call", out->min, out->sum, out->max,
                          out->sum_sq, out->count, want.min, want.sum, want.max, want.sum_sq,
                          want.count);
    if (of(b)->mode == COCOB_VERIFY_RECORD)
        s = cocob_verify_record(of(b), "stats", shape, fabs(out->sum - want.sum), units, ulps, n,
                                pass);
    return s;
}

/* The baselines' steps share one signature. w is held against |w before| +
 * |the step|, 16 units covering a square root, a division and the few
 * roundings around them; the states are sums and products in the
 * reference's order, exact, except Adadelta's acc_delta, which takes a
 * quotient of square roots: 16 units of itself. */
typedef cocob_status (*baseline_op)(cocob_backend *, const cocob_baseline_args *);

static cocob_status chk_baseline(cocob_backend *b, const cocob_baseline_args *a,
                                 baseline_op dev_op, baseline_op ref_op, const char *op)
{
    cocob_baseline_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, st[COCOB_BASELINE_MAX_STATES];
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    r.grad = cocob_verify_ref((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    for (int k = 0; k < COCOB_BASELINE_MAX_STATES; k++) {
        st[k] = (cocob_span){a->state[k], a->state_offset};
        d.state[k] = cocob_verify_dev(st[k]).buf;
        r.state[k] = cocob_verify_ref(st[k]).buf;
    }
    guard_sides(a->skip, &d.skip, &r.skip);
    float *mag = cocob_verify_abs(cocob_verify_ref_floats(w), a->n);
    float *before = mag ? malloc((a->n ? a->n : 1) * sizeof *before) : NULL;
    if (!before) {
        free(mag);
        return no_memory(b, op);
    }
    memcpy(before, cocob_verify_ref_floats(w), a->n * sizeof *before);
    cocob_status s = ref_op(REF(b), &r);
    if (s == COCOB_OK)
        s = dev_op(DEV(b), &d);
    if (s == COCOB_OK) {
        const float *after = cocob_verify_ref_floats(w);
        for (size_t i = 0; i < a->n; i++)
            mag[i] += fabsf(after[i] - before[i]);
        verify_out outs[1 + COCOB_BASELINE_MAX_STATES] = {{"w", w, a->n, mag, 16, 0}};
        int count = 1;
        static const char *const names[COCOB_BASELINE_MAX_STATES] = {"state 0", "state 1"};
        for (int k = 0; k < COCOB_BASELINE_MAX_STATES; k++)
            if (a->state[k])
                outs[count++] = (verify_out){names[k],
                                             st[k],
                                             a->n,
                                             NULL,
                                             strcmp(op, "adadelta_update") == 0 && k == 1 ? 16 : 0,
                                             0};
        char shape[32];
        snprintf(shape, sizeof shape, "%zu", a->n);
        s = cocob_verify_outputs(of(b), op, shape, outs, count);
    }
    free(mag);
    free(before);
    return s;
}

#define BASELINE(name)                                                              \
    static cocob_status chk_##name(cocob_backend *b, const cocob_baseline_args *a)  \
    {                                                                               \
        return chk_baseline(b, a, DEV(b)->iface->name, REF(b)->iface->name, #name); \
    }
BASELINE(sgd_update)
BASELINE(adagrad_update)
BASELINE(rmsprop_update)
BASELINE(adadelta_update)
BASELINE(adam_update)
#undef BASELINE

/* cKT: its states are sums, and reward's product and the weight's product
 * and quotient are each one rounding, all in the reference's order, so a
 * device with IEEE division agrees exactly; 16 units of |x0| + |the step|
 * on w, as COCOB's, leave room for a division of 2.5 ulp (OpenCL's
 * floor without correct rounding). */
static cocob_status chk_ckt_update(cocob_backend *b, const cocob_ckt_args *a)
{
    cocob_ckt_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, st[COCOB_CKT_STATES];
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    r.grad = cocob_verify_ref((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    for (int k = 0; k < COCOB_CKT_STATES; k++) {
        st[k] = (cocob_span){a->state[k], a->state_offset};
        d.state[k] = cocob_verify_dev(st[k]).buf;
        r.state[k] = cocob_verify_ref(st[k]).buf;
    }
    guard_sides(a->skip, &d.skip, &r.skip);
    cocob_status s = REF(b)->iface->ckt_update(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->ckt_update(DEV(b), &d);
    if (s != COCOB_OK)
        return s;
    const float *x0 = cocob_verify_ref_floats(st[COCOB_CKT_X0]), *wr = cocob_verify_ref_floats(w);
    float *mag = malloc((a->n ? a->n : 1) * sizeof *mag);
    if (!mag)
        return no_memory(b, "ckt_update");
    for (size_t i = 0; i < a->n; i++)
        mag[i] = fabsf(x0[i]) + fabsf(wr[i] - x0[i]);
    static const char *const names[COCOB_CKT_STATES] = {"sum_negative_gradients", "reward", "t",
                                                        "x0"};
    verify_out outs[1 + COCOB_CKT_STATES] = {{"w", w, a->n, mag, 16, 0}};
    for (int k = 0; k < COCOB_CKT_STATES; k++)
        outs[1 + k] = (verify_out){names[k], st[k], a->n, NULL, 0, 0};
    char shape[64];
    snprintf(shape, sizeof shape, "%zu", a->n);
    s = cocob_verify_outputs(of(b), "ckt_update", shape, outs, 1 + COCOB_CKT_STATES);
    free(mag);
    return s;
}

/* w as ckt_update's: theta's bet is the same float division on both sides. */
static cocob_status chk_kt_update(cocob_backend *b, const cocob_kt_args *a)
{
    cocob_kt_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, st[COCOB_KT_STATES];
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    r.grad = cocob_verify_ref((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    d.scalars = cocob_verify_dev((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    r.scalars = cocob_verify_ref((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    for (int k = 0; k < COCOB_KT_STATES; k++) {
        st[k] = (cocob_span){a->state[k], a->state_offset};
        d.state[k] = cocob_verify_dev(st[k]).buf;
        r.state[k] = cocob_verify_ref(st[k]).buf;
    }
    guard_sides(a->skip, &d.skip, &r.skip);
    cocob_status s = REF(b)->iface->kt_update(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->kt_update(DEV(b), &d);
    if (s != COCOB_OK)
        return s;
    const float *x0 = cocob_verify_ref_floats(st[COCOB_KT_X0]), *wr = cocob_verify_ref_floats(w);
    float *mag = malloc((a->n ? a->n : 1) * sizeof *mag);
    if (!mag)
        return no_memory(b, "kt_update");
    for (size_t i = 0; i < a->n; i++)
        mag[i] = fabsf(x0[i]) + fabsf(wr[i] - x0[i]);
    verify_out outs[2] = {{"w", w, a->n, mag, 16, 0},
                          {"theta", st[COCOB_KT_THETA], a->n, NULL, 0, 0}};
    char shape[64];
    snprintf(shape, sizeof shape, "%zu", a->n);
    s = cocob_verify_outputs(of(b), "kt_update", shape, outs, 2);
    free(mag);
    return s;
}

/* w against |w| + |eta g|: eta is the same float on both sides, the step
 * the same two roundings. */
static cocob_status chk_dog_update(cocob_backend *b, const cocob_dog_args *a)
{
    cocob_dog_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, g = {(cocob_buffer *)a->grad, a->grad_offset};
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev(g).buf;
    r.grad = cocob_verify_ref(g).buf;
    d.scalars = cocob_verify_dev((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    r.scalars = cocob_verify_ref((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    guard_sides(a->skip, &d.skip, &r.skip);
    /* The weights before the step, for the magnitudes. */
    float *mag = malloc((a->n ? a->n : 1) * sizeof *mag);
    if (!mag)
        return no_memory(b, "dog_update");
    const float *wr = cocob_verify_ref_floats(w), *gr = cocob_verify_ref_floats(g),
                *eta = cocob_verify_ref_floats(
                    (cocob_span){(cocob_buffer *)a->scalars, a->eta_offset});
    for (size_t i = 0; i < a->n; i++)
        mag[i] = fabsf(wr[i]) + fabsf(eta[0] * (gr[i] + a->weight_decay * wr[i]));
    cocob_status s = REF(b)->iface->dog_update(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->dog_update(DEV(b), &d);
    if (s == COCOB_OK) {
        verify_out outs[1] = {{"w", w, a->n, mag, 4, 0}};
        char shape[64];
        snprintf(shape, sizeof shape, "%zu", a->n);
        s = cocob_verify_outputs(of(b), "dog_update", shape, outs, 1);
    }
    free(mag);
    return s;
}

/* Each sum against the sum of its terms' magnitudes: the device's float
 * sums round at most about the part's length plus the tree's depth times
 * (ref/lr_free.c). */
static cocob_status chk_lr_free_reduce(cocob_backend *b, const cocob_lr_free_reduce_args *a)
{
    cocob_lr_free_reduce_args d = *a, r = *a;
    cocob_span w = {(cocob_buffer *)a->w, a->w_offset},
               g = {(cocob_buffer *)a->grad, a->grad_offset},
               x0 = {(cocob_buffer *)a->x0, a->x0_offset},
               out = {a->partials, a->partials_offset};
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev(g).buf;
    r.grad = cocob_verify_ref(g).buf;
    d.x0 = cocob_verify_dev(x0).buf;
    r.x0 = cocob_verify_ref(x0).buf;
    d.partials = cocob_verify_dev(out).buf;
    r.partials = cocob_verify_ref(out).buf;
    cocob_status s = REF(b)->iface->lr_free_reduce(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->lr_free_reduce(DEV(b), &d);
    if (s != COCOB_OK)
        return s;
    const float *wr = cocob_verify_ref_floats(w), *gr = cocob_verify_ref_floats(g),
                *xr = cocob_verify_ref_floats(x0);
    size_t sums = a->parts * COCOB_REDUCE_SUMS, chunk = a->n / a->parts + (a->n % a->parts != 0);
    float *mag = calloc(sums, sizeof *mag);
    if (!mag)
        return no_memory(b, "lr_free_reduce");
    for (size_t i = 0; i < a->n; i++) {
        double gi = fabs((double)(gr[i] + a->weight_decay * wr[i])),
               di = fabs((double)xr[i] - wr[i]), xi = wr[i];
        float *m = mag + i / chunk * COCOB_REDUCE_SUMS;
        m[COCOB_REDUCE_GAIN] += (float)(gi * di);
        m[COCOB_REDUCE_GG] += (float)(gi * gi);
        m[COCOB_REDUCE_DD] += (float)(di * di);
        m[COCOB_REDUCE_XX] += (float)(xi * xi);
    }
    verify_out outs[1] = {{"partials", out, sums, mag, (double)chunk + 16, 0}};
    char shape[64];
    snprintf(shape, sizeof shape, "%zu in %zu", a->n, a->parts);
    s = cocob_verify_outputs(of(b), "lr_free_reduce", shape, outs, 1);
    free(mag);
    return s;
}

/* The same float sums in the same order on both sides: KT's scalars equal.
 * DoG's take square roots and a division, which OpenCL 1.2 allows 3 and
 * 2.5 ulps where the device does not round them correctly (the build asks
 * for correct rounding where it can, opencl/program.c): rbar's root, then
 * eta's root of G and its quotient, at most 3 + 1.5 + 3 + 2.5 + 1 (the
 * product with lr) = 11 ulps of eta; G is the same sums, equal. */
static cocob_status chk_lr_free_finalize(cocob_backend *b, const cocob_lr_free_finalize_args *a)
{
    cocob_lr_free_finalize_args d = *a, r = *a;
    cocob_span p = {(cocob_buffer *)a->partials, a->partials_offset},
               sc = {a->scalars, a->scalars_offset};
    d.partials = cocob_verify_dev(p).buf;
    r.partials = cocob_verify_ref(p).buf;
    d.scalars = cocob_verify_dev(sc).buf;
    r.scalars = cocob_verify_ref(sc).buf;
    guard_sides(a->skip, &d.skip, &r.skip);
    cocob_status s = REF(b)->iface->lr_free_finalize(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->lr_free_finalize(DEV(b), &d);
    if (s != COCOB_OK)
        return s;
    /* Prodigy's: d_hat's division 2.5 ulps, which d and d_max may take
     * on; the bias correction's log, expm1 (3 ulps each, their product 1
     * more), square root and quotient, at most 2 (3 + 1 + 3) + 1.5 + 2.5
     * + 1 = 19 ulps. D-Adapt Adam's d is a quotient (2.5 ulps), its dlr
     * that times lr, and with bias correction a log1p, a product, two
     * expm1s, a square root and a quotient more (2 + 0.5 + 3 + 3 + 3 +
     * 2.5): 24 ulps. */
    enum {
        MOST = COCOB_PRODIGY_SCALARS + 0 > COCOB_DADAPT_ADAM_SCALARS + 0
                   ? COCOB_PRODIGY_SCALARS
                   : COCOB_DADAPT_ADAM_SCALARS
    };
    float mag[MOST];
    int dog = a->method == COCOB_LR_FREE_DOG && a->scalars_count == COCOB_DOG_SCALARS;
    int prodigy = a->method == COCOB_LR_FREE_PRODIGY && a->scalars_count == COCOB_PRODIGY_SCALARS;
    int dadapt = a->method == COCOB_LR_FREE_DADAPT_ADAM &&
                 a->scalars_count == COCOB_DADAPT_ADAM_SCALARS;
    if (dog || prodigy || dadapt) {
        const float *v = cocob_verify_ref_floats(sc);
        for (size_t k = 0; k < a->scalars_count; k++)
            mag[k] = fabsf(v[k]);
    }
    double ulps = dog ? 11 : prodigy ? 19 : dadapt ? 24 : 0;
    verify_out outs[1] = {{"scalars", sc, a->scalars_count, ulps > 0 ? mag : NULL, ulps, 0}};
    char shape[64];
    snprintf(shape, sizeof shape, "method %d, %zu parts", (int)a->method, a->parts);
    return cocob_verify_outputs(of(b), "lr_free_finalize", shape, outs, 1);
}

/* Prodigy's pass: the moments and s are the same roundings in the same
 * order on both sides, equal; the sums as lr_free_reduce's, against the
 * sums of their terms' magnitudes (ref/prodigy.c). */
static cocob_status chk_prodigy_accumulate(cocob_backend *b,
                                           const cocob_prodigy_accumulate_args *a)
{
    cocob_prodigy_accumulate_args d = *a, r = *a;
    cocob_span w = {(cocob_buffer *)a->w, a->w_offset},
               g = {(cocob_buffer *)a->grad, a->grad_offset},
               out = {a->partials, a->partials_offset}, st[COCOB_PRODIGY_STATES];
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev(g).buf;
    r.grad = cocob_verify_ref(g).buf;
    d.partials = cocob_verify_dev(out).buf;
    r.partials = cocob_verify_ref(out).buf;
    d.scalars = cocob_verify_dev((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    r.scalars = cocob_verify_ref((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    for (int k = 0; k < COCOB_PRODIGY_STATES; k++) {
        st[k] = (cocob_span){a->state[k], a->state_offset};
        d.state[k] = cocob_verify_dev(st[k]).buf;
        r.state[k] = cocob_verify_ref(st[k]).buf;
    }
    guard_sides(a->skip, &d.skip, &r.skip);
    cocob_status s = REF(b)->iface->prodigy_accumulate(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->prodigy_accumulate(DEV(b), &d);
    if (s != COCOB_OK)
        return s;
    /* After the pass: s is the new one, as in the sum of |s|. */
    const float *wr = cocob_verify_ref_floats(w), *gr = cocob_verify_ref_floats(g),
                *p0 = cocob_verify_ref_floats(st[COCOB_PRODIGY_P0]),
                *sr = cocob_verify_ref_floats(st[COCOB_PRODIGY_S]);
    size_t sums = a->parts * COCOB_REDUCE_SUMS, chunk = a->n / a->parts + (a->n % a->parts != 0);
    float *mag = calloc(sums, sizeof *mag);
    if (!mag)
        return no_memory(b, "prodigy_accumulate");
    float decay = a->h.decouple ? 0.0f : a->h.weight_decay;
    for (size_t i = 0; i < a->n; i += a->h.slice_p) {
        float *m = mag + i / chunk * COCOB_REDUCE_SUMS;
        m[COCOB_PRODIGY_DOT] += fabsf((gr[i] + decay * wr[i]) * (p0[i] - wr[i]));
        m[COCOB_PRODIGY_ABS_S] += fabsf(sr[i]);
    }
    verify_out outs[4] = {
        {"partials", out, sums, mag, (double)chunk + 16, 0},
        {"exp_avg", st[COCOB_PRODIGY_EXP_AVG], a->n, NULL, 0, 0},
        {"exp_avg_sq", st[COCOB_PRODIGY_EXP_AVG_SQ], a->n, NULL, 0, 0},
        {"s", st[COCOB_PRODIGY_S], a->n, NULL, 0, 0},
    };
    char shape[64];
    snprintf(shape, sizeof shape, "%zu in %zu", a->n, a->parts);
    s = cocob_verify_outputs(of(b), "prodigy_accumulate", shape, outs, 4);
    free(mag);
    return s;
}

/* w against |w| + |the step|, as the baselines': the step's square root
 * and division may each be 3 and 2.5 ulps off on a device that does not
 * round them correctly. */
static cocob_status chk_prodigy_update(cocob_backend *b, const cocob_prodigy_update_args *a)
{
    cocob_prodigy_update_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, g = {(cocob_buffer *)a->grad, a->grad_offset},
               m = {(cocob_buffer *)a->exp_avg, a->state_offset},
               v = {(cocob_buffer *)a->exp_avg_sq, a->state_offset},
               sc = {(cocob_buffer *)a->scalars, a->scalars_offset};
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev(g).buf;
    r.grad = cocob_verify_ref(g).buf;
    d.exp_avg = cocob_verify_dev(m).buf;
    r.exp_avg = cocob_verify_ref(m).buf;
    d.exp_avg_sq = cocob_verify_dev(v).buf;
    r.exp_avg_sq = cocob_verify_ref(v).buf;
    d.scalars = cocob_verify_dev(sc).buf;
    r.scalars = cocob_verify_ref(sc).buf;
    guard_sides(a->skip, &d.skip, &r.skip);
    float *mag = malloc((a->n ? a->n : 1) * sizeof *mag);
    if (!mag)
        return no_memory(b, "prodigy_update");
    const float *wr = cocob_verify_ref_floats(w), *gr = cocob_verify_ref_floats(g),
                *mr = cocob_verify_ref_floats(m), *vr = cocob_verify_ref_floats(v),
                *s = cocob_verify_ref_floats(sc);
    float dd = s[COCOB_PRODIGY_D], dlr = s[COCOB_PRODIGY_DLR];
    for (size_t i = 0; i < a->n; i++) {
        float num = a->h.beta1 > 0 ? mr[i] : dd * (gr[i] + a->h.weight_decay * wr[i]);
        mag[i] = fabsf(wr[i]) * (1 + fabsf(a->h.weight_decay * dlr)) +
                 fabsf(dlr * num / (sqrtf(vr[i]) + dd * a->h.eps));
    }
    cocob_status st = REF(b)->iface->prodigy_update(REF(b), &r);
    if (st == COCOB_OK)
        st = DEV(b)->iface->prodigy_update(DEV(b), &d);
    if (st == COCOB_OK) {
        verify_out outs[1] = {{"w", w, a->n, mag, 16, 0}};
        char shape[64];
        snprintf(shape, sizeof shape, "%zu", a->n);
        st = cocob_verify_outputs(of(b), "prodigy_update", shape, outs, 1);
    }
    free(mag);
    return st;
}

/* The three states are products and sums in the reference's order: equal.
 * Each part's sum against the sum of its terms' magnitudes, as
 * lr_free_reduce's (the part's length plus 16 units), the numerator's
 * terms each a square root and a division (3 and 2.5 ulps on a device that
 * does not round them correctly) inside those 16. */
static cocob_status chk_dadapt_adam_accumulate(cocob_backend *b,
                                               const cocob_dadapt_adam_accumulate_args *a)
{
    cocob_dadapt_adam_accumulate_args d = *a, r = *a;
    cocob_span w = {(cocob_buffer *)a->w, a->w_offset},
               g = {(cocob_buffer *)a->grad, a->grad_offset},
               out = {a->partials, a->partials_offset}, st[COCOB_DADAPT_ADAM_STATES];
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev(g).buf;
    r.grad = cocob_verify_ref(g).buf;
    d.partials = cocob_verify_dev(out).buf;
    r.partials = cocob_verify_ref(out).buf;
    d.scalars = cocob_verify_dev((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    r.scalars = cocob_verify_ref((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    for (int k = 0; k < COCOB_DADAPT_ADAM_STATES; k++) {
        st[k] = (cocob_span){a->state[k], a->state_offset};
        d.state[k] = cocob_verify_dev(st[k]).buf;
        r.state[k] = cocob_verify_ref(st[k]).buf;
    }
    guard_sides(a->skip, &d.skip, &r.skip);
    size_t sums = a->parts * COCOB_REDUCE_SUMS, chunk = a->n / a->parts + (a->n % a->parts != 0);
    float *mag = calloc(sums, sizeof *mag);
    if (!mag)
        return no_memory(b, "dadapt_adam_accumulate");
    /* The numerator's magnitudes from the state before the pass. */
    const float *wr = cocob_verify_ref_floats(w), *gr = cocob_verify_ref_floats(g),
                *sr = cocob_verify_ref_floats(st[COCOB_DADAPT_ADAM_S]),
                *vr = cocob_verify_ref_floats(st[COCOB_DADAPT_ADAM_EXP_AVG_SQ]);
    for (size_t i = 0; i < a->n; i++)
        mag[i / chunk * COCOB_REDUCE_SUMS + COCOB_DADAPT_SUM_NUMERATOR] += fabsf(
            (gr[i] + a->weight_decay * wr[i]) * (sr[i] / (sqrtf(vr[i]) + a->eps)));
    cocob_status s = REF(b)->iface->dadapt_adam_accumulate(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->dadapt_adam_accumulate(DEV(b), &d);
    if (s == COCOB_OK) {
        for (size_t i = 0; i < a->n; i++)
            mag[i / chunk * COCOB_REDUCE_SUMS + COCOB_DADAPT_SUM_S_L1] += fabsf(sr[i]);
        verify_out outs[4] = {{"partials", out, sums, mag, (double)chunk + 16, 0},
                              {"exp_avg", st[COCOB_DADAPT_ADAM_EXP_AVG], a->n, NULL, 0, 0},
                              {"exp_avg_sq", st[COCOB_DADAPT_ADAM_EXP_AVG_SQ], a->n, NULL, 0, 0},
                              {"s", st[COCOB_DADAPT_ADAM_S], a->n, NULL, 0, 0}};
        char shape[64];
        snprintf(shape, sizeof shape, "%zu in %zu", a->n, a->parts);
        s = cocob_verify_outputs(of(b), "dadapt_adam_accumulate", shape, outs, 4);
    }
    free(mag);
    return s;
}

/* w against |w| + |decay step_dlr w| + |the step|: the step's square root
 * and division may each be 2.5 and 3 ulps off on a device that does not
 * round them correctly, 16 units as the baselines' w. */
static cocob_status chk_dadapt_adam_update(cocob_backend *b,
                                           const cocob_dadapt_adam_update_args *a)
{
    cocob_dadapt_adam_update_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, m = {(cocob_buffer *)a->state[0], a->state_offset},
               v = {(cocob_buffer *)a->state[1], a->state_offset},
               sc = {(cocob_buffer *)a->scalars, a->scalars_offset};
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.state[0] = cocob_verify_dev(m).buf;
    r.state[0] = cocob_verify_ref(m).buf;
    d.state[1] = cocob_verify_dev(v).buf;
    r.state[1] = cocob_verify_ref(v).buf;
    d.scalars = cocob_verify_dev((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    r.scalars = cocob_verify_ref((cocob_span){(cocob_buffer *)a->scalars, 0}).buf;
    guard_sides(a->skip, &d.skip, &r.skip);
    float *mag = malloc((a->n ? a->n : 1) * sizeof *mag);
    if (!mag)
        return no_memory(b, "dadapt_adam_update");
    const float *wr = cocob_verify_ref_floats(w), *mr = cocob_verify_ref_floats(m),
                *vr = cocob_verify_ref_floats(v), *scr = cocob_verify_ref_floats(sc);
    float shrink = fabsf(a->decay * scr[COCOB_DADAPT_ADAM_STEP_DLR]);
    for (size_t i = 0; i < a->n; i++)
        mag[i] = fabsf(wr[i]) * (1 + shrink) + fabsf(mr[i] / (sqrtf(vr[i]) + a->eps));
    cocob_status s = REF(b)->iface->dadapt_adam_update(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->dadapt_adam_update(DEV(b), &d);
    if (s == COCOB_OK) {
        verify_out outs[1] = {{"w", w, a->n, mag, 16, 0}};
        char shape[64];
        snprintf(shape, sizeof shape, "%zu", a->n);
        s = cocob_verify_outputs(of(b), "dadapt_adam_update", shape, outs, 1);
    }
    free(mag);
    return s;
}

/* Schedule-Free: exp_avg_sq is a product and a sum in the reference's
 * order, exact; y and z take the normalised gradient, whose square root
 * and division may each be 2.5 ulp off on a device that does not round
 * them correctly (OpenCL's floor), so each is held to 16 units of its
 * size before the step plus the step's, as the baselines' w. */
static cocob_status chk_schedule_free_update(cocob_backend *b, const cocob_schedule_free_args *a)
{
    cocob_schedule_free_args d = *a, r = *a;
    cocob_span w = {a->w, a->w_offset}, z = {a->z, a->state_offset},
               v = {a->exp_avg_sq, a->state_offset};
    d.w = cocob_verify_dev(w).buf;
    r.w = cocob_verify_ref(w).buf;
    d.grad = cocob_verify_dev((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    r.grad = cocob_verify_ref((cocob_span){(cocob_buffer *)a->grad, 0}).buf;
    d.z = cocob_verify_dev(z).buf;
    r.z = cocob_verify_ref(z).buf;
    d.exp_avg_sq = cocob_verify_dev(v).buf;
    r.exp_avg_sq = cocob_verify_ref(v).buf;
    guard_sides(a->skip, &d.skip, &r.skip);
    size_t n = a->n ? a->n : 1;
    float *mag = malloc(2 * n * sizeof *mag), *before = malloc(2 * n * sizeof *before);
    if (!mag || !before) {
        free(mag);
        free(before);
        return no_memory(b, "schedule_free_update");
    }
    memcpy(before, cocob_verify_ref_floats(w), a->n * sizeof *before);
    memcpy(before + n, cocob_verify_ref_floats(z), a->n * sizeof *before);
    cocob_status s = REF(b)->iface->schedule_free_update(REF(b), &r);
    if (s == COCOB_OK)
        s = DEV(b)->iface->schedule_free_update(DEV(b), &d);
    if (s == COCOB_OK) {
        const float *wa = cocob_verify_ref_floats(w), *za = cocob_verify_ref_floats(z);
        for (size_t i = 0; i < a->n; i++) {
            float y0 = before[i], z0 = before[n + i];
            mag[i] = fabsf(y0) + fabsf(z0) + fabsf(wa[i] - y0);
            mag[n + i] = fabsf(z0) + fabsf(za[i] - z0);
        }
        verify_out outs[3] = {{"w", w, a->n, mag, 16, 0}, {"z", z, a->n, mag + n, 16, 0}};
        int count = 2;
        if (a->exp_avg_sq)
            outs[count++] = (verify_out){"exp_avg_sq", v, a->n, NULL, 0, 0};
        char shape[64];
        snprintf(shape, sizeof shape, "%zu%s", a->n,
                 !a->grad        ? " eval"
                 : a->exp_avg_sq ? " adamw"
                                 : " sgd");
        s = cocob_verify_outputs(of(b), "schedule_free_update", shape, outs, count);
    }
    free(mag);
    free(before);
    return s;
}

const cocob_backend_i cocob_verify_iface = {
    .destroy = cocob_verify_destroy,
    .alloc = cocob_verify_alloc,
    .free = cocob_verify_free,
    .upload = cocob_verify_upload,
    .upload_queued = cocob_verify_upload_queued,
    .download = cocob_verify_download,
    .copy = cocob_verify_copy,
    .fill = cocob_verify_fill,
    .finish = cocob_verify_finish,
    .cocob_update = chk_cocob_update,
    .count_nonfinite = chk_count_nonfinite,
    .flag_nonfinite = chk_flag_nonfinite,
    .gemm = chk_gemm,
    .bias_add = chk_bias_add,
    .bias_grad = chk_bias_grad,
    .activation = chk_activation,
    .activation_grad = chk_activation_grad,
    .softmax_xent = chk_softmax_xent,
    .softmax_xent_grad = chk_softmax_xent_grad,
    .mse = chk_mse,
    .mse_grad = chk_mse_grad,
    .argmax = chk_argmax,
    .dropout = chk_dropout,
    .dropout_grad = chk_dropout_grad,
    .conv2d = chk_conv2d,
    .conv2d_grad_input = chk_conv2d_grad_input,
    .conv2d_grad_weights = chk_conv2d_grad_weights,
    .maxpool = chk_maxpool,
    .maxpool_grad = chk_maxpool_grad,
    .triad = chk_triad,
    .stats = chk_stats,
    .sgd_update = chk_sgd_update,
    .adagrad_update = chk_adagrad_update,
    .rmsprop_update = chk_rmsprop_update,
    .adadelta_update = chk_adadelta_update,
    .adam_update = chk_adam_update,
    .ckt_update = chk_ckt_update,
    .kt_update = chk_kt_update,
    .dog_update = chk_dog_update,
    .lr_free_reduce = chk_lr_free_reduce,
    .lr_free_finalize = chk_lr_free_finalize,
    .prodigy_accumulate = chk_prodigy_accumulate,
    .prodigy_update = chk_prodigy_update,
    .schedule_free_update = chk_schedule_free_update,
    .dadapt_adam_accumulate = chk_dadapt_adam_accumulate,
    .dadapt_adam_update = chk_dadapt_adam_update,
};
