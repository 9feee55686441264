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

/* The optimizer on one context, for optim_check_kernel. */
typedef struct side {
    cocob_context *ctx;
    cocob_tensor *w, *g;
    cocob_optimizer *opt;
} side;

static side side_new(const char *selector, const cocob_optimizer_config *cfg, const float *w0,
                     size_t n)
{
    side s;
    s.ctx = test_context(selector);
    ck_assert_int_eq(cocob_tensor_create(s.ctx, n, &s.w), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(s.ctx, n, &s.g), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(s.w, w0, n), COCOB_OK);
    ck_assert_msg(cocob_optimizer_create(s.ctx, cfg, 1, &s.w, &s.opt) == COCOB_OK, "%s",
                  cocob_context_error(s.ctx));
    return s;
}

static void side_step(side *s, const float *grad, size_t n, int t)
{
    ck_assert_int_eq(cocob_tensor_upload(s->g, grad, n), COCOB_OK);
    cocob_status st = cocob_optimizer_step(s->opt, (const cocob_tensor *const *)&s->g);
    ck_assert_msg(st == COCOB_OK, "step %d: %s", t, cocob_context_error(s->ctx));
}

static void side_free(side *s)
{
    cocob_optimizer_destroy(s->opt);
    cocob_tensor_destroy(s->g);
    cocob_tensor_destroy(s->w);
    cocob_context_destroy(s->ctx);
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

/* Compares one buffer; returns the largest relative error. */
static double compare(const char *what, const float *got, const float *want, size_t n, int exact,
                      const char *kind)
{
    size_t at;
    double err = test_max_rel_err(got, want, n, &at);
    if (exact)
        ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0,
                      "%s, n=%zu: %s[%zu] %.9g on the device, %.9g on ref (not bit for bit)",
                      kind, n, what, at, got[at], want[at]);
    else
        /* OpenCL's own division (2.5 ulp) and sqrt (3 ulp) round
         * otherwise; COCOB's suite allows such devices the same 1e-5. No
         * device of this kind was at hand to measure. */
        ck_assert_msg(err <= 1e-5, "%s, n=%zu: %s[%zu] %.9g on the device, %.9g on ref (%.3g)",
                      kind, n, what, at, got[at], want[at], err);
    return err;
}

void optim_check_kernel(const cocob_optimizer_config *cfg, size_t n, int steps)
{
    const char *kind = cocob_optimizer_kind_name(cfg->kind);
    test_rng rng = {n * 31 + (uint64_t)cfg->kind};
    float *w0 = malloc(n * sizeof *w0), *grad = malloc(n * sizeof *grad);
    float *got = malloc(n * sizeof *got), *want = malloc(n * sizeof *want);
    ck_assert(w0 && grad && got && want);
    for (size_t i = 0; i < n; i++)
        w0[i] = test_rng_uniform(&rng, -0.5f, 0.5f);
    side ref = side_new("ref", cfg, w0, n), dev = side_new(test_device_selector(), cfg, w0, n);
    for (int t = 0; t < steps; t++) {
        for (size_t i = 0; i < n; i++) {
            uint64_t r = test_rng_next(&rng);
            /* One in eight exactly zero; the rest spread over six decades. */
            grad[i] = (r & 7) == 0 ? 0.0f
                                   : (float)((double)(r >> 11) * 0x1.0p-53 - 0.5) *
                                         powf(10.0f, (float)((r >> 3) % 6) - 3.0f);
        }
        side_step(&ref, grad, n, t);
        side_step(&dev, grad, n, t);
    }
    int exact = exact_device(dev.ctx);
    ck_assert_int_eq(cocob_tensor_download(dev.w, got, n), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(ref.w, want, n), COCOB_OK);
    double worst = compare("w", got, want, n, exact, kind);
    size_t states = cocob_optimizer_state_count(ref.opt);
    ck_assert_uint_eq(cocob_optimizer_state_count(dev.opt), states);
    for (size_t k = 0; k < states; k++) {
        ck_assert_int_eq(cocob_optimizer_read_state(dev.opt, k, 0, got, n), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_read_state(ref.opt, k, 0, want, n), COCOB_OK);
        double err = compare(cocob_optimizer_state_name(ref.opt, k), got, want, n, exact, kind);
        worst = err > worst ? err : worst;
    }
    ck_assert_uint_eq(cocob_optimizer_steps(dev.opt), (uint64_t)steps);
    printf("%s on %s, n=%zu, %d steps, %zu state buffer(s): max relative error %.3g%s\n", kind,
           cocob_context_device(dev.ctx)->name, n, steps, states, worst,
           exact ? " (bit for bit required)" : "");
    side_free(&dev);
    side_free(&ref);
    free(w0);
    free(grad);
    free(got);
    free(want);
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
