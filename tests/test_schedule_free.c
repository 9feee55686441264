/* Schedule-Free SGD and AdamW: the reference against hand-worked steps (in
 * double), the per-step scalars with warmup and polynomial weighting, the
 * evaluation point and the way back to y, the guard that leaves weights,
 * state and the host's sums alone, the settings' checks, the op's
 * validation, and the kernel against the reference. Its authors' own
 * trajectories are tests/test_schedule_free_authors.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"
#include "optimutil.h"
#include "runtime/handles.h"
#include "testutil.h"

enum { N = 3, MAX_STATES = 3 };

typedef struct run {
    cocob_context *ctx;
    cocob_tensor *w, *g;
    cocob_optimizer *opt;
} run;

static run start(const char *selector, const cocob_optimizer_config *cfg, const float *w0,
                 size_t n)
{
    run r;
    r.ctx = test_context(selector);
    ck_assert_int_eq(cocob_tensor_create(r.ctx, n, &r.w), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(r.ctx, n, &r.g), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(r.w, w0, n), COCOB_OK);
    ck_assert_msg(cocob_optimizer_create(r.ctx, cfg, 1, &r.w, &r.opt) == COCOB_OK, "%s",
                  cocob_context_error(r.ctx));
    return r;
}

static cocob_status step(run *r, const float *grad, size_t n)
{
    ck_assert_int_eq(cocob_tensor_upload(r->g, grad, n), COCOB_OK);
    return cocob_optimizer_step(r->opt, (const cocob_tensor *const *)&r->g);
}

static void finish(run *r)
{
    cocob_optimizer_destroy(r->opt);
    cocob_tensor_destroy(r->g);
    cocob_tensor_destroy(r->w);
    cocob_context_destroy(r->ctx);
}

/* The weights, then every state (z, AdamW's exp_avg_sq, y). */
static void snapshot(run *r, float out[1 + MAX_STATES][N])
{
    memset(out, 0, sizeof(float[1 + MAX_STATES][N]));
    ck_assert_int_eq(cocob_tensor_download(r->w, out[0], N), COCOB_OK);
    for (size_t k = 0; k < cocob_optimizer_state_count(r->opt); k++)
        ck_assert_int_eq(cocob_optimizer_read_state(r->opt, k, 0, out[1 + k], N), COCOB_OK);
}

static double lerp(double a, double b, double c)
{
    return fabs(c) < 0.5 ? a + c * (b - a) : b - (b - a) * (1 - c);
}

START_TEST(hand_worked_steps)
{
    /* Four steps, warmup over 3 (so lr rises, lr_max follows it, and the
     * weights lr_max^2 (k+1)^0.5 differ every step), weight decay 0.1,
     * one coordinate whose gradient is 0. Each step is worked out in
     * double, the package's formula, from the floats the last one left:
     * about ten float operations, each within half an ulp, and a lerp
     * between y and z that may cancel: 16 units of |y| + |z| + |the step|. */
    static const float w0[N] = {0.5f, -0.25f, 0.125f};
    static const float grads[4][N] = {{0.5f, 0.0f, -1.0f},
                                      {0.25f, 0.0f, 2.0f},
                                      {-0.75f, 0.0f, 0.5f},
                                      {0.125f, 0.0f, -0.25f}};
    for (int adamw = 0; adamw < 2; adamw++) {
        cocob_optimizer_config c;
        cocob_optimizer_config_init(&c,
                                    adamw ? COCOB_OPTIMIZER_SF_ADAMW : COCOB_OPTIMIZER_SF_SGD);
        ck_assert(c.lr == (adamw ? 0.0025 : 1.0) && c.weight_lr_power == 2 && c.r == 0 &&
                  c.warmup_steps == 0 && c.weight_decay == 0);
        ck_assert(adamw ? c.beta1 == 0.9 && c.beta2 == 0.999 && c.eps == 1e-8 && c.momentum == 0
                        : c.momentum == 0.9 && c.beta1 == 0 && c.eps == 0);
        c.warmup_steps = 3;
        c.r = 0.5;
        c.weight_decay = 0.1;
        if (!adamw)
            c.lr = 0.5;
        double b1 = adamw ? c.beta1 : c.momentum;
        run r = start("ref", &c, w0, N);
        double y[N], z[N], v[N] = {0}, weight_sum = 0, lr_max = -1;
        for (int i = 0; i < N; i++)
            y[i] = z[i] = w0[i];
        for (int s = 0; s < 4; s++) {
            ck_assert_int_eq(step(&r, grads[s], N), COCOB_OK);
            double lr = c.lr * (s < 3 ? (s + 1) / 3.0 : 1.0);
            lr_max = fmax(lr, lr_max);
            double weight = pow(s + 1, c.r) * pow(lr_max, c.weight_lr_power);
            weight_sum += weight;
            double ckp1 = weight / weight_sum, mag[N];
            for (int i = 0; i < N; i++) {
                double g = grads[s][i];
                if (adamw) {
                    v[i] = v[i] * c.beta2 + (1 - c.beta2) * g * g;
                    g = g / (sqrt(v[i] / (1 - pow(c.beta2, s + 1))) + c.eps);
                }
                g += c.weight_decay * y[i];
                double before = fabs(y[i]) + fabs(z[i]);
                y[i] = lerp(y[i], z[i], (float)ckp1) + lr * (b1 * (1 - ckp1) - 1) * g;
                z[i] -= lr * g;
                mag[i] = before + fabs(lr * g);
            }
            float got[1 + MAX_STATES][N];
            snapshot(&r, got);
            /* y, the state, is the weights while they hold it. */
            ck_assert(memcmp(got[0], got[adamw ? 3 : 2], sizeof got[0]) == 0);
            for (int i = 0; i < N; i++) {
                double tol = 16 * ldexp(mag[i], -24);
                ck_assert_msg(fabs(got[0][i] - y[i]) <= tol && fabs(got[1][i] - z[i]) <= tol,
                              "%s step %d [%d]: y %.9g z %.9g, want %.9g %.9g",
                              adamw ? "adamw" : "sgd", s + 1, i, got[0][i], got[1][i], y[i],
                              z[i]);
                if (adamw)
                    ck_assert(fabs(got[2][i] - v[i]) <= 4 * ldexp(v[i], -24));
                y[i] = got[0][i];
                z[i] = got[1][i];
                v[i] = got[2][i];
            }
        }
        /* The evaluation point, the package's eval(): lerp(y, z, 1 - 1 / beta1)
         * in float; y comes back to the bit. */
        float yb[N], x[N], back[N], held[N];
        ck_assert_int_eq(cocob_tensor_download(r.w, yb, N), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_eval_weights(r.opt), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_eval_weights(r.opt), COCOB_OK); /* once only */
        ck_assert_int_eq(cocob_tensor_download(r.w, x, N), COCOB_OK);
        size_t ys = cocob_optimizer_state_count(r.opt) - 1;
        ck_assert_str_eq(cocob_optimizer_state_name(r.opt, ys), "y");
        ck_assert_int_eq(cocob_optimizer_read_state(r.opt, ys, 0, held, N), COCOB_OK);
        ck_assert(memcmp(held, yb, sizeof yb) == 0);
        float cx = (float)(1 - 1 / b1);
        for (int i = 0; i < N; i++) {
            float zf = (float)z[i];
            ck_assert_msg(x[i] == yb[i] + cx * (zf - yb[i]), "x[%d] %.9g", i, x[i]);
        }
        ck_assert(memcmp(x, yb, sizeof x) != 0);
        ck_assert_int_eq(cocob_optimizer_train_weights(r.opt), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_download(r.w, back, N), COCOB_OK);
        ck_assert(memcmp(back, yb, sizeof yb) == 0);
        finish(&r);
    }
}
END_TEST

/* A run of four steps from the same start, the third gradient bad (NaN)
 * or not there at all: the guard must leave no trace, the host's weight
 * sum and lr_max included, so that the two end bit for bit the same. An
 * evaluation before the bad step checks that it, too, is undone. */
START_TEST(a_nonfinite_gradient_leaves_weights_state_and_sums_alone)
{
    const char *selector = _i % 2 ? test_device_selector() : "ref";
    int adamw = _i / 2;
    static const float w0[N] = {0.5f, -0.25f, 0.125f};
    static const float good[3][N] = {{0.5f, 0.25f, -1.0f}, {0.25f, -0.5f, 2.0f}, {1, 2, 3}};
    const float bad[N] = {0.5f, NAN, -1.0f};
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, adamw ? COCOB_OPTIMIZER_SF_ADAMW : COCOB_OPTIMIZER_SF_SGD);
    c.warmup_steps = 5;
    float ends[2][1 + MAX_STATES][N];
    for (int with_bad = 0; with_bad < 2; with_bad++) {
        run r = start(selector, &c, w0, N);
        ck_assert_int_eq(step(&r, good[0], N), COCOB_OK);
        ck_assert_int_eq(step(&r, good[1], N), COCOB_OK);
        if (with_bad) {
            float before[1 + MAX_STATES][N], after[1 + MAX_STATES][N];
            ck_assert_int_eq(cocob_optimizer_eval_weights(r.opt), COCOB_OK);
            snapshot(&r, before);
            ck_assert_int_eq(step(&r, bad, N), COCOB_ERR_NONFINITE);
            ck_assert_ptr_nonnull(strstr(cocob_context_error(r.ctx), "step: gradient 0"));
            ck_assert_uint_eq(cocob_optimizer_steps(r.opt), 2);
            /* The step put y back before its guard: the weights are y now. */
            snapshot(&r, after);
            ck_assert(memcmp(before[1], after[1], sizeof before - sizeof before[0]) == 0);
            ck_assert(memcmp(after[0], before[adamw ? 3 : 2], sizeof after[0]) == 0);
        }
        ck_assert_int_eq(step(&r, good[2], N), COCOB_OK);
        snapshot(&r, ends[with_bad]);
        finish(&r);
    }
    ck_assert(memcmp(ends[0], ends[1], sizeof ends[0]) == 0);
}
END_TEST

START_TEST(settings_are_checked)
{
    cocob_context *ctx = test_context("ref");
    cocob_tensor *w;
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &w), COCOB_OK);
    cocob_optimizer *opt = NULL;
    cocob_optimizer_config c;
    struct {
        cocob_optimizer_kind kind;
        const char *field;
        double value;
        const char *says;
    } bad[] = {
        {COCOB_OPTIMIZER_SF_SGD, "lr", 0, "Schedule-Free SGD: lr must be above 0"},
        {COCOB_OPTIMIZER_SF_SGD, "lr", 1e300, "lr must be above 0"},
        {COCOB_OPTIMIZER_SF_SGD, "momentum", 1, "momentum must be between 0 and 1"},
        {COCOB_OPTIMIZER_SF_SGD, "momentum", -0.5, "momentum must be between 0 and 1"},
        {COCOB_OPTIMIZER_SF_ADAMW, "beta1", 1, "Schedule-Free AdamW: beta1 must be between"},
        {COCOB_OPTIMIZER_SF_ADAMW, "beta2", 1, "beta2 must be at least 0 and below 1"},
        {COCOB_OPTIMIZER_SF_ADAMW, "eps", 1e-60, "eps must be above 0 as a float"},
        {COCOB_OPTIMIZER_SF_ADAMW, "weight_decay", -1, "weight_decay must be at least 0"},
        {COCOB_OPTIMIZER_SF_SGD, "warmup_steps", 2.5, "warmup_steps must be a whole number"},
        {COCOB_OPTIMIZER_SF_SGD, "warmup_steps", -1, "warmup_steps must be a whole number"},
        {COCOB_OPTIMIZER_SF_ADAMW, "r", NAN, "r must be finite"},
        {COCOB_OPTIMIZER_SF_SGD, "weight_lr_power", INFINITY, "weight_lr_power must be finite"},
        {COCOB_OPTIMIZER_SF_SGD, "eps", 1e-8, "Schedule-Free SGD has no use for eps"},
        {COCOB_OPTIMIZER_ADAM, "r", 1, "Adam has no use for r"},
        {COCOB_OPTIMIZER_SGD, "warmup_steps", 3, "SGD has no use for warmup_steps"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cocob_optimizer_config_init(&c, bad[k].kind);
        if (bad[k].kind == COCOB_OPTIMIZER_SGD)
            c.lr = 0.1;
        double *field = strcmp(bad[k].field, "lr") == 0             ? &c.lr
                        : strcmp(bad[k].field, "momentum") == 0     ? &c.momentum
                        : strcmp(bad[k].field, "beta1") == 0        ? &c.beta1
                        : strcmp(bad[k].field, "beta2") == 0        ? &c.beta2
                        : strcmp(bad[k].field, "eps") == 0          ? &c.eps
                        : strcmp(bad[k].field, "weight_decay") == 0 ? &c.weight_decay
                        : strcmp(bad[k].field, "warmup_steps") == 0 ? &c.warmup_steps
                        : strcmp(bad[k].field, "r") == 0            ? &c.r
                                                                    : &c.weight_lr_power;
        *field = bad[k].value;
        ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt),
                         COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_msg(strstr(cocob_context_error(ctx), bad[k].says), "case %zu: %s", k,
                      cocob_context_error(ctx));
    }
    ck_assert(cocob_optimizer_uses(COCOB_OPTIMIZER_SF_SGD, "momentum") &&
              !cocob_optimizer_uses(COCOB_OPTIMIZER_SF_SGD, "beta1") &&
              cocob_optimizer_uses(COCOB_OPTIMIZER_SF_ADAMW, "beta2") &&
              cocob_optimizer_uses(COCOB_OPTIMIZER_SF_ADAMW, "weight_lr_power") &&
              !cocob_optimizer_uses(COCOB_OPTIMIZER_ADAMW, "warmup_steps"));

    /* The weights overflow a double: said at the step, nothing moved. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SF_SGD);
    c.r = 400;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt), COCOB_OK);
    cocob_tensor *g;
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &g), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_fill(g, 1.0f), COCOB_OK);
    cocob_status s = COCOB_OK;
    for (int k = 0; k < 8 && s == COCOB_OK; k++)
        s = cocob_optimizer_step(opt, (const cocob_tensor *const *)&g);
    ck_assert_int_eq(s, COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "beyond a double"));
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(g);

    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SF_ADAMW);
    c.warmup_steps = 100;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt), COCOB_OK);
    char text[160];
    cocob_optimizer_describe(opt, text, sizeof text);
    ck_assert_str_eq(text, "Schedule-Free AdamW (lr 0.0025, betas 0.9 0.999, eps 1e-08, warmup "
                           "100 steps, weight_lr_power 2)");
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(w);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(the_op_refuses_overlaps_short_spans_and_bad_scalars)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[4];
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(b->iface->alloc(b, 16 * sizeof(float), &buf[k]), COCOB_OK);
    cocob_schedule_free_args a = {.w = buf[0],
                                  .grad = buf[1],
                                  .z = buf[2],
                                  .exp_avg_sq = buf[3],
                                  .n = 16};
    a.h.bias_correction2 = 1;
    ck_assert_int_eq(cocob_op_schedule_free_update(b, &a), COCOB_OK);
    cocob_schedule_free_args shared = a;
    shared.exp_avg_sq = buf[2];
    ck_assert_int_eq(cocob_op_schedule_free_update(b, &shared), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "schedule_free_update"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "exp_avg_sq"));
    cocob_schedule_free_args late = a;
    late.state_offset = 1;
    ck_assert_int_eq(cocob_op_schedule_free_update(b, &late), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "z"));
    cocob_schedule_free_args none = a;
    none.n = 0;
    ck_assert_int_eq(cocob_op_schedule_free_update(b, &none), COCOB_ERR_INVALID_ARGUMENT);
    cocob_schedule_free_args nan = a;
    nan.h.y_step = NAN;
    ck_assert_int_eq(cocob_op_schedule_free_update(b, &nan), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "not finite"));
    /* The evaluation point reads neither gradient nor exp_avg_sq. */
    cocob_schedule_free_args eval = {.w = buf[0], .z = buf[2], .n = 16};
    ck_assert_int_eq(cocob_op_schedule_free_update(b, &eval), COCOB_OK);
    for (int k = 0; k < 4; k++)
        b->iface->free(b, buf[k]);
    cocob_context_destroy(ctx);
}
END_TEST

/* steps of cfg on ref and on the device under test from the same weights
 * and gradients (over four decades, one in eight exactly 0), with an
 * evaluation at x every tenth step, then the weights (at x, then at y)
 * and the states compared: bit for bit where the device divides and takes
 * square roots correctly rounded, as C does on the host; OpenCL's own
 * division and square root round within 2.5 and 3 ulp, and the baselines'
 * suites allow such devices the same 1e-5. */
static void check_kernel(const cocob_optimizer_config *cfg, size_t n, int steps)
{
    optim_kernel_opts o = {.grads = OPTIM_GRADS_UNIT, .salt = 7, .eval_every = 10};
    optim_kernel_run r;
    optim_kernel_begin(&r, cfg, n, steps, &o);
    optim_kernel_compare_all(&r);
    optim_kernel_end(&r);
}

START_TEST(kernel_matches_reference_over_200_steps)
{
    for (int adamw = 0; adamw < 2; adamw++) {
        cocob_optimizer_config c;
        cocob_optimizer_config_init(&c,
                                    adamw ? COCOB_OPTIMIZER_SF_ADAMW : COCOB_OPTIMIZER_SF_SGD);
        check_kernel(&c, optim_length(_i), optim_steps(200));
        c.weight_decay = 1e-3;
        c.warmup_steps = 20;
        c.r = 1;
        check_kernel(&c, optim_length(_i), optim_steps(200));
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("schedule_free");
    TCase *tc = tcase_create("schedule_free");
    tcase_add_test(tc, hand_worked_steps);
    tcase_add_loop_test(tc, a_nonfinite_gradient_leaves_weights_state_and_sums_alone, 0, 4);
    tcase_add_test(tc, settings_are_checked);
    tcase_add_test(tc, the_op_refuses_overlaps_short_spans_and_bad_scalars);
    tcase_add_loop_test(tc, kernel_matches_reference_over_200_steps, 0, OPTIM_LENGTHS);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
