/* cKT: the reference against hand-worked steps (in double), the guard that
 * leaves weights and state alone, the settings' checks, the op's
 * validation, and the kernel against the reference. Its authors' own
 * trajectories are tests/test_ckt_authors.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"
#include "optimutil.h"
#include "runtime/handles.h"
#include "testutil.h"

enum { N = 3 };

typedef struct run {
    cocob_context *ctx;
    cocob_tensor *w, *g;
    cocob_optimizer *opt;
} run;

static run start(const char *selector, const cocob_optimizer_config *cfg, const float *w0)
{
    run r;
    r.ctx = test_context(selector);
    ck_assert_int_eq(cocob_tensor_create(r.ctx, N, &r.w), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(r.ctx, N, &r.g), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(r.w, w0, N), COCOB_OK);
    ck_assert_msg(cocob_optimizer_create(r.ctx, cfg, 1, &r.w, &r.opt) == COCOB_OK, "%s",
                  cocob_context_error(r.ctx));
    return r;
}

static cocob_status step(run *r, const float *grad)
{
    ck_assert_int_eq(cocob_tensor_upload(r->g, grad, N), COCOB_OK);
    return cocob_optimizer_step(r->opt, (const cocob_tensor *const *)&r->g);
}

static void finish(run *r)
{
    cocob_optimizer_destroy(r->opt);
    cocob_tensor_destroy(r->g);
    cocob_tensor_destroy(r->w);
    cocob_context_destroy(r->ctx);
}

/* The weights and the four states, one after the other. */
static void snapshot(run *r, float out[5][N])
{
    ck_assert_int_eq(cocob_tensor_download(r->w, out[0], N), COCOB_OK);
    for (size_t k = 0; k < 4; k++)
        ck_assert_int_eq(cocob_optimizer_read_state(r->opt, k, 0, out[1 + k], N), COCOB_OK);
}

START_TEST(hand_worked_steps)
{
    /* Three coordinates: a gradient, none (0 twice: its t stays 1 and its
     * weight at x0), and one that flips sign; weight decay 0.5 on the
     * second run makes the middle one's gradient 0.5 w, not 0. Each step
     * is worked out in double from the floats the last one left: its five
     * float operations err by half an ulp each, so 4 ulps of the value
     * cover them. */
    static const float w0[N] = {0.5f, -0.25f, 0.125f};
    static const float grads[2][N] = {{0.5f, 0.0f, -1.0f}, {0.25f, 0.0f, 2.0f}};
    for (int decay = 0; decay < 2; decay++) {
        cocob_optimizer_config c;
        cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_CKT);
        ck_assert(c.w == 1e-4 && c.weight_decay == 0 && c.lr == 0);
        c.weight_decay = decay ? 0.5 : 0;
        run r = start("ref", &c, w0);
        double w[N], sum[N] = {0}, reward[N], t[N];
        for (int i = 0; i < N; i++) {
            w[i] = w0[i];
            reward[i] = (double)(float)1e-4;
            t[i] = 1;
        }
        for (int s = 0; s < 2; s++) {
            ck_assert_int_eq(step(&r, grads[s]), COCOB_OK);
            for (int i = 0; i < N; i++) {
                double g = grads[s][i] + c.weight_decay * w[i];
                sum[i] -= g;
                reward[i] -= g * (w[i] - w0[i]);
                t[i] += g != 0;
                w[i] = reward[i] * sum[i] / t[i] + w0[i];
            }
            float got[5][N];
            snapshot(&r, got);
            const double *want[5] = {w, sum, reward, t, NULL};
            for (int q = 0; q < 4; q++)
                for (int i = 0; i < N; i++) {
                    double tol = 4 * ldexp(fabs(want[q][i]), -24);
                    ck_assert_msg(fabs(got[q][i] - want[q][i]) <= tol,
                                  "decay %d, step %d: %s[%d] is %.9g, want %.9g", decay, s + 1,
                                  q ? cocob_optimizer_state_name(r.opt, (size_t)q - 1) : "w", i,
                                  got[q][i], want[q][i]);
                }
            /* t counts exactly; x0 is the first weights' very floats. The
             * next step starts from the floats: w - x0 keeps only the few
             * digits of a small step, so a double run drifts from the float
             * one by far more than one step's roundings. */
            for (int i = 0; i < N; i++) {
                ck_assert(got[3][i] == (float)t[i]);
                ck_assert(got[4][i] == w0[i]);
                w[i] = got[0][i];
                sum[i] = got[1][i];
                reward[i] = got[2][i];
            }
        }
        /* Without decay the middle weight never had a gradient: untouched. */
        if (!decay) {
            float now[N];
            ck_assert_int_eq(cocob_tensor_download(r.w, now, N), COCOB_OK);
            ck_assert(now[1] == w0[1]);
        }
        finish(&r);
    }
}
END_TEST

START_TEST(a_nonfinite_gradient_leaves_weights_and_state_alone)
{
    const char *selector = _i ? test_device_selector() : "ref";
    static const float w0[N] = {0.5f, -0.25f, 0.125f};
    static const float good[N] = {0.5f, 0.25f, -1.0f};
    const float bad[N] = {0.5f, NAN, -1.0f};
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_CKT);
    run r = start(selector, &c, w0);
    ck_assert_int_eq(step(&r, good), COCOB_OK);
    float before[5][N], after[5][N];
    snapshot(&r, before);
    ck_assert_int_eq(step(&r, bad), COCOB_ERR_NONFINITE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(r.ctx), "cKT step: gradient 0"));
    snapshot(&r, after);
    ck_assert(memcmp(before, after, sizeof before) == 0);
    ck_assert_uint_eq(cocob_optimizer_steps(r.opt), 1);
    finish(&r);
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
        double lr, w, weight_decay;
        const char *says;
    } bad[] = {
        {1e-3, 1e-4, 0, "cKT takes no learning rate"},
        {0, 0, 0, "w, the initial wealth, must be above 0"},
        {0, 1e-60, 0, "w, the initial wealth"}, /* 0 as a float */
        {0, INFINITY, 0, "w, the initial wealth"},
        {0, 1e-4, -1, "weight_decay must be at least 0"},
        {0, 1e-4, NAN, "weight_decay"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_CKT);
        c.lr = bad[k].lr;
        c.w = bad[k].w;
        c.weight_decay = bad[k].weight_decay;
        ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt),
                         COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_msg(strstr(cocob_context_error(ctx), bad[k].says), "case %zu: %s", k,
                      cocob_context_error(ctx));
    }
    /* w is cKT's alone. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAM);
    c.w = 1e-4;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "Adam has no use for w"));
    ck_assert(cocob_optimizer_uses(COCOB_OPTIMIZER_CKT, "w") &&
              cocob_optimizer_uses(COCOB_OPTIMIZER_CKT, "weight_decay") &&
              !cocob_optimizer_uses(COCOB_OPTIMIZER_CKT, "lr") &&
              !cocob_optimizer_uses(COCOB_OPTIMIZER_COCOB, "w"));

    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_CKT);
    c.weight_decay = 1e-3;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt), COCOB_OK);
    char text[128];
    cocob_optimizer_describe(opt, text, sizeof text);
    ck_assert_str_eq(text, "cKT (w 0.0001, weight decay 0.001)");
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(w);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(the_op_refuses_overlaps_and_short_spans)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[6];
    for (int k = 0; k < 6; k++)
        ck_assert_int_eq(b->iface->alloc(b, 16 * sizeof(float), &buf[k]), COCOB_OK);
    cocob_ckt_args a = {.w = buf[0], .grad = buf[1], .n = 16};
    for (int k = 0; k < COCOB_CKT_STATES; k++)
        a.state[k] = buf[2 + k];
    ck_assert_int_eq(cocob_op_ckt_update(b, &a), COCOB_OK);
    cocob_ckt_args shared = a;
    shared.state[COCOB_CKT_X0] = buf[0];
    ck_assert_int_eq(cocob_op_ckt_update(b, &shared), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "ckt_update"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "x0"));
    cocob_ckt_args late = a;
    late.state_offset = 1;
    ck_assert_int_eq(cocob_op_ckt_update(b, &late), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "sum_negative_gradients"));
    cocob_ckt_args none = a;
    none.n = 0;
    ck_assert_int_eq(cocob_op_ckt_update(b, &none), COCOB_ERR_INVALID_ARGUMENT);
    for (int k = 0; k < 6; k++)
        b->iface->free(b, buf[k]);
    cocob_context_destroy(ctx);
}
END_TEST

/* steps of cfg on ref and on the device under test from the same weights
 * and gradients, then the weights and the four states compared. The
 * gradients stay within [-1, 1], KT's assumption (beyond it a bet can
 * lose more than the wealth, which then grows without bound and ends in
 * inf - inf, where NaN would equal NaN), spread over four decades, one in
 * eight exactly 0 for t's count. The kernel keeps ref's order of
 * operations: bit for bit where the device divides correctly rounded;
 * OpenCL's own division rounds within 2.5 ulp, and the baselines' suites
 * allow such devices the same 1e-5. */
static void check_kernel(const cocob_optimizer_config *cfg, size_t n, int steps)
{
    optim_kernel_opts o = {.grads = OPTIM_GRADS_UNIT, .salt = 7};
    optim_kernel_run r;
    optim_kernel_begin(&r, cfg, n, steps, &o);
    ck_assert_uint_eq(cocob_optimizer_state_count(r.opt[0]), COCOB_CKT_STATES);
    optim_kernel_compare_all(&r);
    optim_kernel_end(&r);
}

START_TEST(kernel_matches_reference_over_200_steps)
{
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_CKT);
    check_kernel(&c, optim_length(_i), optim_steps(200));
    c.weight_decay = 1e-3;
    c.w = 0.5;
    check_kernel(&c, optim_length(_i), optim_steps(200));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ckt");
    TCase *tc = tcase_create("ckt");
    tcase_add_test(tc, hand_worked_steps);
    tcase_add_loop_test(tc, a_nonfinite_gradient_leaves_weights_and_state_alone, 0, 2);
    tcase_add_test(tc, settings_are_checked);
    tcase_add_test(tc, the_op_refuses_overlaps_and_short_spans);
    tcase_add_loop_test(tc, kernel_matches_reference_over_200_steps, 0, OPTIM_LENGTHS);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
