/* The optimizer suites' shared checks; see optimutil.h. */
#include "optimutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/handles.h"
#include "testutil.h"
#ifdef COCOB_HAVE_OPENCL
#include "backend/opencl/opencl.h"
#endif

float optim_fixture_w0(size_t i)
{
    return ((float)i - 2.5f) / 2.0f;
}

float optim_fixture_grad(size_t i, int t)
{
    return (float)((int)(i * 7 + (size_t)t * 3) % 11 - 5) / 4.0f;
}

/* One unit in the last place of the row's largest weight: the scale of
 * the roundings in a step, so that a weight near 0, the difference of
 * larger numbers, is not held to its own tiny ulp. */
static double row_ulp(const float *row, size_t n)
{
    float big = 0;
    for (size_t i = 0; i < n; i++)
        big = fabsf(row[i]) > big ? fabsf(row[i]) : big;
    return (double)nextafterf(big, INFINITY) - (double)big;
}

double optim_check_fixture(const char *name, const cocob_optimizer_config *cfg,
                           const float want[OPTIM_FIXTURE_STEPS][OPTIM_FIXTURE_N],
                           double max_ulps)
{
    enum { N = OPTIM_FIXTURE_N };
    float w[N], grads[N];
    for (size_t i = 0; i < N; i++)
        w[i] = optim_fixture_w0(i);
    cocob_context *ctx = test_context("ref");
    cocob_tensor *tw, *tg;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &tw), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tw, w, N), COCOB_OK);
    ck_assert_msg(cocob_optimizer_create(ctx, cfg, 1, &tw, &opt) == COCOB_OK, "%s: %s", name,
                  cocob_context_error(ctx));
    double worst = 0;
    for (int t = 0; t < OPTIM_FIXTURE_STEPS; t++) {
        for (size_t i = 0; i < N; i++)
            grads[i] = optim_fixture_grad(i, t);
        ck_assert_int_eq(cocob_tensor_upload(tg, grads, N), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_download(tw, w, N), COCOB_OK);
        double ulp = row_ulp(want[t], N);
        for (size_t i = 0; i < N; i++) {
            double d = fabs((double)w[i] - (double)want[t][i]) / ulp;
            ck_assert_msg(d <= max_ulps,
                          "%s step %d: w[%zu] is %.9g, PyTorch's %.9g (%g ulp of the largest)",
                          name, t + 1, i, w[i], want[t][i], d);
            worst = d > worst ? d : worst;
        }
    }
    printf("%s against PyTorch over %d steps: at most %g ulp of the largest weight apart\n", name,
           OPTIM_FIXTURE_STEPS, worst);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tg);
    cocob_tensor_destroy(tw);
    cocob_context_destroy(ctx);
    return worst;
}

void optim_run_ref(const cocob_optimizer_config *cfg, float *w, size_t n, const float *grads,
                   int steps, float *state)
{
    cocob_context *ctx = test_context("ref");
    cocob_tensor *tw, *tg;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_tensor_create(ctx, n, &tw), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, n, &tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tw, w, n), COCOB_OK);
    ck_assert_msg(cocob_optimizer_create(ctx, cfg, 1, &tw, &opt) == COCOB_OK, "%s",
                  cocob_context_error(ctx));
    for (int t = 0; t < steps; t++) {
        ck_assert_int_eq(cocob_tensor_upload(tg, grads + (size_t)t * n, n), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
    }
    ck_assert_int_eq(cocob_tensor_download(tw, w, n), COCOB_OK);
    for (size_t k = 0; state && k < cocob_optimizer_state_count(opt); k++)
        ck_assert_int_eq(cocob_optimizer_read_state(opt, k, 0, state + k * n, n), COCOB_OK);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tg);
    cocob_tensor_destroy(tw);
    cocob_context_destroy(ctx);
}

/* Whether the device divides and takes square roots correctly rounded, as
 * C does on the host: then the kernels must match the reference exactly. */
static int exact_device(cocob_context *ctx)
{
#ifdef COCOB_HAVE_OPENCL
    cocob_cl_backend *cl = cocob_cl_backend_of(ctx->backend);
    if (cl)
        return cl->dev.correct_divide;
#endif
    (void)ctx;
    return 1; /* the cpu backend: ref's own loops */
}

/* One in eight exactly 0; the rest spread over six decades (the
 * baselines') or over four within [-1, 1] (the betting methods': beyond it
 * a bet can lose more than the wealth, which then grows without bound),
 * for KT over sqrt(n) too, a norm of at most 1. */
static float gradient(test_rng *rng, optim_grads kind, float scale)
{
    uint64_t r = test_rng_next(rng);
    if ((r & 7) == 0)
        return 0.0f;
    if (kind == OPTIM_GRADS_SIX_DECADES)
        return (float)((double)(r >> 11) * 0x1.0p-53 - 0.5) *
               powf(10.0f, (float)((r >> 3) % 6) - 3.0f);
    return (float)((double)(r >> 11) * 0x1.0p-53 * 2 - 1) * scale *
           powf(10.0f, -(float)((r >> 3) % 4));
}

void optim_kernel_begin(optim_kernel_run *r, const cocob_optimizer_config *cfg, size_t n,
                        int steps, const optim_kernel_opts *o)
{
    test_rng rng = {n * 31 + o->salt};
    r->n = n;
    r->steps = steps;
    r->eval = o->eval_every > 0;
    r->kind = cocob_optimizer_kind_name(cfg->kind);
    r->w0 = malloc(n * sizeof *r->w0);
    r->got = malloc(n * sizeof *r->got);
    r->want = malloc(n * sizeof *r->want);
    float *grad = malloc(n * sizeof *grad);
    ck_assert(r->w0 && r->got && r->want && grad);
    for (size_t i = 0; i < n; i++)
        r->w0[i] = test_rng_uniform(&rng, -0.5f, 0.5f);
    for (int d = 0; d < 2; d++) {
        r->ctx[d] = test_context(d ? test_device_selector() : "ref");
        ck_assert_int_eq(cocob_tensor_create(r->ctx[d], n, &r->w[d]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_create(r->ctx[d], n, &r->g[d]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_upload(r->w[d], r->w0, n), COCOB_OK);
        ck_assert_msg(cocob_optimizer_create(r->ctx[d], cfg, 1, &r->w[d], &r->opt[d]) == COCOB_OK,
                      "%s", cocob_context_error(r->ctx[d]));
    }
    r->exact = exact_device(r->ctx[1]);
    float scale = o->grads == OPTIM_GRADS_UNIT_NORM ? 1.0f / sqrtf((float)n) : 1.0f;
    for (int t = 0; t < steps; t++) {
        for (size_t i = 0; i < n; i++)
            grad[i] = gradient(&rng, o->grads, scale);
        for (int d = 0; d < 2; d++) {
            ck_assert_int_eq(cocob_tensor_upload(r->g[d], grad, n), COCOB_OK);
            cocob_status st = cocob_optimizer_step(r->opt[d],
                                                   (const cocob_tensor *const *)&r->g[d]);
            ck_assert_msg(st == COCOB_OK, "step %d: %s", t, cocob_context_error(r->ctx[d]));
            /* Schedule-Free: the next step puts y back from x. */
            if (r->eval && t % o->eval_every == o->eval_every - 1 && t + 1 < steps)
                ck_assert_int_eq(cocob_optimizer_eval_weights(r->opt[d]), COCOB_OK);
        }
        if (o->after_step)
            o->after_step(r, t, o->data);
    }
    free(grad);
}

double optim_kernel_compare(const optim_kernel_run *r, const char *what)
{
    size_t n = r->n, at;
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(isfinite(r->want[i]), "%s, n=%zu: %s[%zu] is %g on ref", r->kind, n, what,
                      i, r->want[i]);
    double err = test_max_rel_err(r->got, r->want, n, &at);
    if (r->exact)
        ck_assert_msg(memcmp(r->got, r->want, n * sizeof *r->got) == 0,
                      "%s, n=%zu: %s[%zu] %.9g on the device, %.9g on ref (not bit for bit)",
                      r->kind, n, what, at, r->got[at], r->want[at]);
    else
        /* OpenCL's own division (2.5 ulp) and sqrt (3 ulp) round
         * otherwise; COCOB's suite allows such devices the same 1e-5. No
         * device of this kind was at hand to measure. */
        ck_assert_msg(err <= 1e-5, "%s, n=%zu: %s[%zu] %.9g on the device, %.9g on ref (%.3g)",
                      r->kind, n, what, at, r->got[at], r->want[at], err);
    return err;
}

/* The weights into r->got (the device's) and r->want (ref's). */
static void download(optim_kernel_run *r)
{
    ck_assert_int_eq(cocob_tensor_download(r->w[1], r->got, r->n), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(r->w[0], r->want, r->n), COCOB_OK);
}

double optim_kernel_compare_all(optim_kernel_run *r)
{
    double worst = 0;
    if (r->eval) {
        for (int d = 0; d < 2; d++)
            ck_assert_int_eq(cocob_optimizer_eval_weights(r->opt[d]), COCOB_OK);
        download(r);
        worst = optim_kernel_compare(r, "x");
        for (int d = 0; d < 2; d++)
            ck_assert_int_eq(cocob_optimizer_train_weights(r->opt[d]), COCOB_OK);
    }
    download(r);
    worst = fmax(worst, optim_kernel_compare(r, "w"));
    /* The weights moved: a step that did nothing would match too. */
    ck_assert_msg(memcmp(r->w0, r->want, r->n * sizeof *r->want) != 0, "%s, n=%zu: w never moved",
                  r->kind, r->n);
    size_t states = cocob_optimizer_state_count(r->opt[0]);
    ck_assert_uint_eq(cocob_optimizer_state_count(r->opt[1]), states);
    for (size_t k = 0; k < states; k++) {
        ck_assert_int_eq(cocob_optimizer_read_state(r->opt[1], k, 0, r->got, r->n), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_read_state(r->opt[0], k, 0, r->want, r->n), COCOB_OK);
        worst = fmax(worst, optim_kernel_compare(r, cocob_optimizer_state_name(r->opt[0], k)));
    }
    for (int d = 0; d < 2; d++)
        ck_assert_uint_eq(cocob_optimizer_steps(r->opt[d]), (uint64_t)r->steps);
    printf("%s on %s, n=%zu, %d steps, %zu state buffer(s): max relative error %.3g%s\n", r->kind,
           cocob_context_device(r->ctx[1])->name, r->n, r->steps, states, worst,
           r->exact ? " (bit for bit required)" : "");
    return worst;
}

void optim_kernel_end(optim_kernel_run *r)
{
    for (int d = 0; d < 2; d++) {
        cocob_optimizer_destroy(r->opt[d]);
        cocob_tensor_destroy(r->g[d]);
        cocob_tensor_destroy(r->w[d]);
        cocob_context_destroy(r->ctx[d]);
    }
    free(r->w0);
    free(r->got);
    free(r->want);
}

void optim_check_kernel(const cocob_optimizer_config *cfg, size_t n, int steps)
{
    optim_kernel_opts o = {.grads = OPTIM_GRADS_SIX_DECADES, .salt = (uint64_t)cfg->kind};
    optim_kernel_run r;
    optim_kernel_begin(&r, cfg, n, steps, &o);
    optim_kernel_compare_all(&r);
    optim_kernel_end(&r);
}

size_t optim_length(int i)
{
    static const size_t full[OPTIM_LENGTHS] = {1, 7, 1000, 100003};
    static const size_t small[OPTIM_LENGTHS] = {1, 7, 261, 773};
    return test_small() ? small[i] : full[i];
}

int optim_steps(int full)
{
    return (int)test_small_or((size_t)full, 10);
}

int optim_main(const char *name, const TTest *hand_worked, const TTest *pytorch,
               const TTest *kernel)
{
    Suite *s = suite_create(name);
    TCase *maths = tcase_create("reference against the maths");
    tcase_add_test(maths, hand_worked);
    tcase_add_test(maths, pytorch);
    suite_add_tcase(s, maths);
    if (kernel) {
        TCase *k = tcase_create("kernel against reference");
        tcase_set_timeout(k, 900);
        tcase_add_loop_test(k, kernel, 0, OPTIM_LENGTHS);
        suite_add_tcase(s, k);
    }
    return test_run(s);
}

cocob_optimizer_config optim_config(cocob_optimizer_kind kind, double lr)
{
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, kind);
    c.lr = lr;
    return c;
}

void optim_check_kernel_with_decay(cocob_optimizer_config cfg, int i)
{
    optim_check_kernel(&cfg, optim_length(i), optim_steps(200));
    cfg.weight_decay = 1e-3;
    optim_check_kernel(&cfg, optim_length(i), optim_steps(200));
}

void optim_check_closed_form(const char *name, const cocob_optimizer_config *cfg, float g,
                             double want)
{
    float many[OPTIM_CLOSED_FORM_STEPS], w = 0.0f;
    for (int t = 0; t < OPTIM_CLOSED_FORM_STEPS; t++)
        many[t] = g;
    optim_run_ref(cfg, &w, 1, many, OPTIM_CLOSED_FORM_STEPS, NULL);
    printf("%s, constant gradient, %d steps: relative error %.3g against the closed form\n", name,
           OPTIM_CLOSED_FORM_STEPS, fabs(w - want) / fabs(want));
    ck_assert_msg(fabs(w - want) <= 1e-6 * fabs(want), "w %.9g, closed form %.9g", w, want);
}
