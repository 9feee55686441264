/* prodigy_accumulate and prodigy_update, Prodigy's passes around
 * lr_free_finalize's Prodigy case: one step worked in double against the
 * reference (slice_p, coupled decay, beta1 0), a step without progress that
 * moves no weight, the bias correction and growth_rate, the ops'
 * validation, and the kernels against the reference. The authors' own
 * trajectories are tests/test_prodigy_authors.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"
#include "optimutil.h"
#include "runtime/handles.h"
#include "testutil.h"

enum { SUMS = COCOB_REDUCE_SUMS, SCALARS = COCOB_PRODIGY_SCALARS };

static cocob_prodigy_hyper defaults(void)
{
    return (cocob_prodigy_hyper){.lr = 1,
                                 .beta1 = 0.9f,
                                 .beta2 = 0.999f,
                                 .beta3 = sqrtf(0.999f),
                                 .eps = 1e-8f,
                                 .d0 = 1e-6f,
                                 .decouple = 1,
                                 .slice_p = 1};
}

/* One step's operands and results, on the host. */
typedef struct step {
    size_t n, parts;
    float *w, *g, *p0, *m, *v, *s, *partials, sc[SCALARS];
} step;

static step make(size_t n, size_t parts, uint64_t seed)
{
    test_rng rng = {seed};
    step t = {.n = n, .parts = parts};
    float **f[6] = {&t.w, &t.g, &t.p0, &t.m, &t.v, &t.s};
    for (int k = 0; k < 6; k++) {
        *f[k] = malloc(n * sizeof(float));
        ck_assert_ptr_nonnull(*f[k]);
    }
    t.partials = calloc(parts * SUMS, sizeof(float));
    ck_assert_ptr_nonnull(t.partials);
    for (size_t i = 0; i < n; i++) {
        t.p0[i] = test_rng_uniform(&rng, -0.5f, 0.5f);
        t.w[i] = t.p0[i] + test_rng_uniform(&rng, -1e-3f, 1e-3f);
        t.g[i] = (test_rng_next(&rng) & 7) == 0 ? 0.0f : test_rng_uniform(&rng, -1, 1);
        t.m[i] = test_rng_uniform(&rng, -1e-6f, 1e-6f);
        t.v[i] = test_rng_uniform(&rng, 0, 1e-12f);
        t.s[i] = test_rng_uniform(&rng, -1e-6f, 1e-6f);
    }
    /* A few steps in: d has grown from d0, the numerator is positive. */
    t.sc[COCOB_PRODIGY_D] = 3e-5f;
    t.sc[COCOB_PRODIGY_D_MAX] = 3e-5f;
    t.sc[COCOB_PRODIGY_D_NUMERATOR] = 2e-10f;
    t.sc[COCOB_PRODIGY_K] = 3;
    t.sc[COCOB_PRODIGY_BIAS_CORRECTION] = 1;
    return t;
}

static void drop(step *t)
{
    float *f[7] = {t->w, t->g, t->p0, t->m, t->v, t->s, t->partials};
    for (int k = 0; k < 7; k++)
        free(f[k]);
}

/* Which of the passes run() takes. */
enum { ACCUMULATE = 1, FINALIZE = 2, UPDATE = 4, ALL = 7 };

/* The passes on ctx's backend, in place on t (fin: the finalize's settings
 * beyond its buffers): each reads what t holds, so that a device's pass can
 * start from the reference's results of the one before. */
static void run(cocob_context *ctx, step *t, const cocob_prodigy_hyper *h,
                const cocob_lr_free_finalize_args *fin, int passes)
{
    cocob_backend *b = ctx->backend;
    size_t n = t->n;
    cocob_buffer *bw = test_put(b, t->w, n), *bg = test_put(b, t->g, n),
                 *st[COCOB_PRODIGY_STATES] = {test_put(b, t->p0, n), test_put(b, t->m, n),
                                              test_put(b, t->v, n), test_put(b, t->s, n)},
                 *bp = test_put(b, t->partials, t->parts * SUMS),
                 *bs = test_put(b, t->sc, SCALARS);
    cocob_prodigy_accumulate_args a = {.w = bw,
                                       .w_offset = TEST_OFF,
                                       .grad = bg,
                                       .grad_offset = TEST_OFF,
                                       .state_offset = TEST_OFF,
                                       .n = n,
                                       .parts = t->parts,
                                       .partials = bp,
                                       .partials_offset = TEST_OFF,
                                       .scalars = bs,
                                       .scalars_offset = TEST_OFF,
                                       .h = *h};
    memcpy(a.state, st, sizeof st);
    cocob_status s = passes & ACCUMULATE ? cocob_op_prodigy_accumulate(b, &a) : COCOB_OK;
    cocob_lr_free_finalize_args f = *fin;
    f.method = COCOB_LR_FREE_PRODIGY;
    f.partials = bp;
    f.partials_offset = TEST_OFF;
    f.parts = t->parts;
    f.scalars = bs;
    f.scalars_offset = TEST_OFF;
    f.scalars_count = SCALARS;
    if (s == COCOB_OK && passes & FINALIZE)
        s = cocob_op_lr_free_finalize(b, &f);
    cocob_prodigy_update_args u = {.w = bw,
                                   .w_offset = TEST_OFF,
                                   .grad = bg,
                                   .grad_offset = TEST_OFF,
                                   .exp_avg = st[COCOB_PRODIGY_EXP_AVG],
                                   .exp_avg_sq = st[COCOB_PRODIGY_EXP_AVG_SQ],
                                   .state_offset = TEST_OFF,
                                   .n = n,
                                   .scalars = bs,
                                   .scalars_offset = TEST_OFF,
                                   .h = *h};
    if (s == COCOB_OK && passes & UPDATE)
        s = cocob_op_prodigy_update(b, &u);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    float *out[] = {t->w, t->m, t->v, t->s, t->partials, t->sc};
    cocob_buffer *from[] = {bw, st[1], st[2], st[3], bp, bs};
    size_t len[] = {n, n, n, n, t->parts * SUMS, SCALARS};
    for (int k = 0; k < 6; k++) {
        float *got = test_take(b, from[k], len[k]);
        memcpy(out[k], got + TEST_OFF, len[k] * sizeof(float));
        free(got);
    }
    b->iface->free(b, bg);
    b->iface->free(b, st[0]);
}

static void near(const char *what, double got, double want, double rel)
{
    ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s %.9g, want %.9g (rel %.3g)", what,
                  got, want, fabs(got - want) / fabs(want));
}

/* Its authors' step (prodigy.py) in double, from the same floats: five
 * weights, every second in the sums (slice_p 2), decay 0.5 coupled, so that
 * it joins the gradient in the moments and in <g, p0 - w>; beta1 0 steps
 * along the gradient with the new d. The reference within a few float
 * roundings. */
START_TEST(one_step_by_hand_on_ref)
{
    cocob_context *ctx = test_context("ref");
    for (int beta1_zero = 0; beta1_zero < 2; beta1_zero++) {
        cocob_prodigy_hyper h = defaults();
        h.slice_p = 2;
        h.decouple = 0;
        h.weight_decay = 0.5f;
        h.beta1 = beta1_zero ? 0 : 0.9f;
        step t = make(5, 2, 11), t0 = make(5, 2, 11);
        cocob_lr_free_finalize_args fin = {.lr = 1,
                                           .d0 = h.d0,
                                           .d_coef = 1,
                                           .growth_rate = INFINITY,
                                           .beta1 = h.beta1,
                                           .beta2 = h.beta2,
                                           .beta3 = h.beta3};
        run(ctx, &t, &h, &fin, ALL);
        double d = t0.sc[COCOB_PRODIGY_D], dlr = d, c = d / h.d0 * dlr, dot = 0, den = 0;
        for (size_t i = 0; i < 5; i++) {
            double g = t0.g[i] + 0.5 * (double)t0.w[i];
            double m = h.beta1 * (double)t0.m[i] + d * (1 - (double)h.beta1) * g;
            double v = h.beta2 * (double)t0.v[i] + d * d * (1 - (double)h.beta2) * g * g;
            near("exp_avg", t.m[i], m, 1e-6);
            near("exp_avg_sq", t.v[i], v, 1e-6);
            if (i % 2) {
                ck_assert_msg(t.s[i] == t0.s[i], "s[%zu] moved outside the slice", i);
                continue;
            }
            double s = h.beta3 * (double)t0.s[i] + c * g;
            near("s", t.s[i], s, 1e-6);
            dot += g * ((double)t0.p0[i] - t0.w[i]);
            den += fabs(s);
        }
        double num = t0.sc[COCOB_PRODIGY_D_NUMERATOR] * (double)h.beta3 + d / h.d0 * dlr * dot;
        double d_hat = num / den, d_new = fmax(t0.sc[COCOB_PRODIGY_D_MAX], d_hat);
        near("d_numerator", t.sc[COCOB_PRODIGY_D_NUMERATOR], num, 1e-5);
        near("d_denom", t.sc[COCOB_PRODIGY_D_DENOM], den, 1e-6);
        near("d_hat", t.sc[COCOB_PRODIGY_D_HAT], d_hat, 1e-5);
        near("d", t.sc[COCOB_PRODIGY_D], d_new, 1e-5);
        ck_assert(t.sc[COCOB_PRODIGY_K] == 4 && t.sc[COCOB_PRODIGY_TAKEN] == 1 &&
                  t.sc[COCOB_PRODIGY_DLR] == (float)dlr);
        for (size_t i = 0; i < 5; i++) {
            double g = t0.g[i] + 0.5 * (double)t0.w[i], dn = t.sc[COCOB_PRODIGY_D];
            double num_i = beta1_zero ? dn * g : (double)t.m[i];
            double w = t0.w[i] - dlr * num_i / (sqrt((double)t.v[i]) + dn * h.eps);
            near("w", t.w[i], w, 1e-6);
        }
        drop(&t);
        drop(&t0);
    }
    cocob_context_destroy(ctx);
}
END_TEST

/* Zero gradients: d_denom is 0 and its authors return before the update,
 * the moments and s moved (by nothing) and k, d and d_numerator kept; the
 * update reads taken 0 and leaves the weights. The next step goes on. */
START_TEST(a_step_without_progress_moves_no_weight)
{
    cocob_context *ctx = test_context("ref");
    float w0[3] = {0.5f, -1, 2}, zero[3] = {0}, g[3] = {0.1f, -0.2f, 0.3f}, w[3], sc[SCALARS];
    cocob_tensor *tw, *tg;
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &tw), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tw, w0, 3), COCOB_OK);
    cocob_optimizer_config cfg;
    cocob_optimizer_config_init(&cfg, COCOB_OPTIMIZER_PRODIGY);
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &cfg, 1, &tw, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tg, zero, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(tw, w, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, SCALARS), COCOB_OK);
    ck_assert(memcmp(w, w0, sizeof w) == 0);
    ck_assert(sc[COCOB_PRODIGY_TAKEN] == 0 && sc[COCOB_PRODIGY_K] == 0 &&
              sc[COCOB_PRODIGY_D] == 1e-6f && sc[COCOB_PRODIGY_D_NUMERATOR] == 0);
    ck_assert_int_eq(cocob_tensor_upload(tg, g, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(tw, w, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, SCALARS), COCOB_OK);
    ck_assert(sc[COCOB_PRODIGY_TAKEN] == 1 && sc[COCOB_PRODIGY_K] == 1);
    /* Adam's first step moves each weight by about d lr against its gradient. */
    for (int i = 0; i < 3; i++)
        ck_assert(w[i] != w0[i] && (w[i] < w0[i]) == (g[i] > 0));
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tw);
    cocob_tensor_destroy(tg);
    cocob_context_destroy(ctx);
}
END_TEST

/* With use_bias_correction the scalar after k steps is the next step's,
 * sqrt(1 - beta2^(k+1)) / (1 - beta1^(k+1)), and dlr the last step's d
 * times the one before; growth_rate 1.5 holds d to 1.5 times the last d
 * once d has left d0 (while d is d0 it takes d_hat outright, as its
 * authors'), and the bound is met: d_max runs ahead of d. */
START_TEST(bias_correction_and_growth_rate)
{
    cocob_context *ctx = test_context("ref");
    enum { N = 64, STEPS = 40 };
    float w0[N], g[N], sc[SCALARS], before[SCALARS];
    test_rng rng = {5};
    for (int i = 0; i < N; i++)
        w0[i] = test_rng_uniform(&rng, -1, 1);
    cocob_tensor *tw, *tg;
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &tw), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tw, w0, N), COCOB_OK);
    cocob_optimizer_config cfg;
    cocob_optimizer_config_init(&cfg, COCOB_OPTIMIZER_PRODIGY);
    cfg.use_bias_correction = 1;
    cfg.growth_rate = 1.5;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &cfg, 1, &tw, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, before, SCALARS), COCOB_OK);
    near("first bias correction", before[COCOB_PRODIGY_BIAS_CORRECTION], sqrt(0.001) / 0.1, 1e-6);
    int bounded = 0;
    for (int k = 1; k <= STEPS; k++) {
        /* A gradient that keeps its sign: d grows. */
        for (int i = 0; i < N; i++)
            g[i] = (i % 2 ? 1.0f : -1.0f) * (1 + test_rng_uniform(&rng, 0, 0.1f));
        ck_assert_int_eq(cocob_tensor_upload(tg, g, N), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, SCALARS), COCOB_OK);
        near("bias_correction", sc[COCOB_PRODIGY_BIAS_CORRECTION],
             sqrt(1 - pow(0.999, k + 1)) / (1 - pow(0.9, k + 1)), 1e-5);
        ck_assert(sc[COCOB_PRODIGY_DLR] ==
                  before[COCOB_PRODIGY_D] * 1.0f * before[COCOB_PRODIGY_BIAS_CORRECTION]);
        if (before[COCOB_PRODIGY_D] != 1e-6f)
            ck_assert_msg(sc[COCOB_PRODIGY_D] <= 1.5f * before[COCOB_PRODIGY_D],
                          "step %d: d %g after %g", k, sc[COCOB_PRODIGY_D],
                          before[COCOB_PRODIGY_D]);
        bounded += sc[COCOB_PRODIGY_D_MAX] > sc[COCOB_PRODIGY_D];
        memcpy(before, sc, sizeof sc);
    }
    ck_assert_msg(bounded > 0 && sc[COCOB_PRODIGY_D] > 1e-6f, "d %g, bounded %d steps",
                  sc[COCOB_PRODIGY_D], bounded);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tw);
    cocob_tensor_destroy(tg);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(the_ops_refuse_bad_arguments)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[7];
    for (int k = 0; k < 7; k++)
        ck_assert_int_eq(b->iface->alloc(b, 16 * sizeof(float), &buf[k]), COCOB_OK);
    cocob_prodigy_accumulate_args a = {.w = buf[0],
                                       .grad = buf[1],
                                       .state = {buf[2], buf[3], buf[4], buf[5]},
                                       .n = 16,
                                       .parts = 4,
                                       .partials = buf[6],
                                       .scalars = buf[0],
                                       .h = defaults()};
    ck_assert_int_eq(cocob_op_prodigy_accumulate(b, &a), COCOB_OK);
    cocob_prodigy_accumulate_args x = a;
    x.h.slice_p = 0;
    ck_assert_int_eq(cocob_op_prodigy_accumulate(b, &x), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "prodigy_accumulate: slice_p (0)"));
    x = a;
    x.state[COCOB_PRODIGY_S] = buf[3];
    ck_assert_int_eq(cocob_op_prodigy_accumulate(b, &x), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "s"));
    x = a;
    x.parts = 5;
    ck_assert_int_eq(cocob_op_prodigy_accumulate(b, &x), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "partials"));
    x = a;
    x.scalars_offset = 8;
    ck_assert_int_eq(cocob_op_prodigy_accumulate(b, &x), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "scalars"));
    cocob_prodigy_update_args u = {.w = buf[0],
                                   .grad = buf[1],
                                   .exp_avg = buf[3],
                                   .exp_avg_sq = buf[4],
                                   .n = 16,
                                   .scalars = buf[6],
                                   .h = defaults()};
    ck_assert_int_eq(cocob_op_prodigy_update(b, &u), COCOB_OK);
    cocob_prodigy_update_args y = u;
    y.exp_avg = buf[0];
    ck_assert_int_eq(cocob_op_prodigy_update(b, &y), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "prodigy_update"));
    y = u;
    y.h.d0 = 0;
    ck_assert_int_eq(cocob_op_prodigy_update(b, &y), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "d0"));
    for (int k = 0; k < 7; k++)
        b->iface->free(b, buf[k]);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* The kernels against the reference, each pass from the reference's
 * results of the one before, as the verify backend runs them: the moments
 * and s are the same roundings in the same order, equal; each part's sums
 * within the part's length plus 16 roundings of 2^-24 times the sum of its
 * terms' magnitudes (lr_free_reduce's bound, the tree's depth inside the
 * 16); the fold's scalars within 19 units of 2^-24 of their size (d_hat's
 * division and the bias correction's functions, src/backend/verify/ops.c);
 * the weights within 16 of their size plus the step's (a square root and a
 * division, each 3 and 2.5 ulps off where the device does not round them
 * correctly). slice_p 1 and 3, coupled decay, beta1 0 and the bias
 * correction in turn. */
START_TEST(the_kernels_against_ref)
{
    size_t n = optim_length(_i);
    cocob_context *ctx[2] = {test_context("ref"), test_context(test_device_selector())};
    double worst[3] = {0};
    for (int c = 0; c < 3; c++) {
        size_t parts = c == 0 ? 1 : c == 1 ? (n < 5 ? n : 5) : (n < 256 ? n : 256);
        cocob_prodigy_hyper h = defaults();
        h.slice_p = c == 1 ? 3 : 1;
        h.decouple = c != 1;
        h.weight_decay = c == 0 ? 0 : 0.01f;
        h.beta1 = c == 2 ? 0 : 0.9f;
        cocob_lr_free_finalize_args fin = {.lr = 1,
                                           .d0 = h.d0,
                                           .d_coef = 1,
                                           .growth_rate = INFINITY,
                                           .beta1 = h.beta1,
                                           .beta2 = h.beta2,
                                           .beta3 = h.beta3,
                                           .use_bias_correction = c == 2};
        step want = make(n, parts, n + (uint64_t)c), got = make(n, parts, n + (uint64_t)c),
             in = make(n, parts, n + (uint64_t)c);
        run(ctx[0], &want, &h, &fin, ACCUMULATE);
        run(ctx[1], &got, &h, &fin, ACCUMULATE);
        ck_assert(memcmp(want.m, got.m, n * sizeof(float)) == 0);
        ck_assert(memcmp(want.v, got.v, n * sizeof(float)) == 0);
        ck_assert(memcmp(want.s, got.s, n * sizeof(float)) == 0);
        size_t chunk = (n + parts - 1) / parts;
        float decay = h.decouple ? 0 : h.weight_decay;
        for (size_t p = 0; p < parts; p++) {
            double mag[2] = {0};
            for (size_t i = p * chunk; i < n && i < (p + 1) * chunk; i += 1)
                if (i % h.slice_p == 0) {
                    mag[0] += fabs((double)(in.g[i] + decay * in.w[i]) * (in.p0[i] - in.w[i]));
                    mag[1] += fabs((double)want.s[i]);
                }
            for (int k = 0; k < SUMS; k++) {
                double err = fabs((double)got.partials[p * SUMS + k] -
                                  want.partials[p * SUMS + k]);
                double m = k < 2 ? mag[k] : 0;
                double units = m > 0 ? err / m / 0x1p-24 : err > 0 ? INFINITY : 0;
                worst[0] = fmax(worst[0], units / (double)(chunk + 16));
                ck_assert_msg(units <= (double)(chunk + 16),
                              "n %zu, part %zu, sum %d: %.3g units", n, p, k, units);
            }
        }
        memcpy(got.partials, want.partials, parts * SUMS * sizeof(float));
        run(ctx[0], &want, &h, &fin, FINALIZE);
        run(ctx[1], &got, &h, &fin, FINALIZE);
        for (int k = 0; k < SCALARS; k++) {
            double err = fabs((double)got.sc[k] - want.sc[k]);
            double units = want.sc[k] != 0 ? err / fabs(want.sc[k]) / 0x1p-24
                           : err > 0       ? INFINITY
                                           : 0;
            worst[1] = fmax(worst[1], units / 19);
            ck_assert_msg(units <= 19, "n %zu: scalar %d %.9g on the device, %.9g on ref", n, k,
                          got.sc[k], want.sc[k]);
        }
        memcpy(got.sc, want.sc, sizeof got.sc);
        run(ctx[0], &want, &h, &fin, UPDATE);
        run(ctx[1], &got, &h, &fin, UPDATE);
        float d = want.sc[COCOB_PRODIGY_D], dlr = want.sc[COCOB_PRODIGY_DLR];
        for (size_t i = 0; i < n; i++) {
            float num = h.beta1 > 0 ? want.m[i] : d * (in.g[i] + decay * in.w[i]);
            double mag = fabs(in.w[i]) * (1 + fabs(h.weight_decay * dlr)) +
                         fabs(dlr * num / (sqrtf(want.v[i]) + d * h.eps));
            double units = fabs((double)got.w[i] - want.w[i]) / mag / 0x1p-24;
            worst[2] = fmax(worst[2], units / 16);
            ck_assert_msg(units <= 16, "n %zu: w[%zu] %.9g on the device, %.9g on ref", n, i,
                          got.w[i], want.w[i]);
        }
        drop(&want);
        drop(&got);
        drop(&in);
    }
    printf("prodigy on %s, n=%zu: of their bounds, partials %.3g, scalars %.3g, weights %.3g\n",
           cocob_context_device(ctx[1])->name, n, worst[0], worst[1], worst[2]);
    cocob_context_destroy(ctx[0]);
    cocob_context_destroy(ctx[1]);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("prodigy");
    TCase *tc = tcase_create("prodigy");
    tcase_add_test(tc, one_step_by_hand_on_ref);
    tcase_add_test(tc, a_step_without_progress_moves_no_weight);
    tcase_add_test(tc, bias_correction_and_growth_rate);
    tcase_add_test(tc, the_ops_refuse_bad_arguments);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, the_kernels_against_ref, 0, OPTIM_LENGTHS);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
