/* KT: the reference against hand-worked steps (in double), the guard that
 * leaves weights, state and scalars alone, the settings' checks, the op's
 * validation, and the device against the reference over many steps. Its
 * authors' own trajectories are tests/test_kt_authors.c's; the pass that
 * updates the scalars is tests/test_lr_free.c's. */
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

/* The weights, the two states and the two scalars, one after the other. */
static void snapshot(run *r, float out[4][N])
{
    ck_assert_int_eq(cocob_tensor_download(r->w, out[0], N), COCOB_OK);
    for (size_t k = 0; k < 2; k++)
        ck_assert_int_eq(cocob_optimizer_read_state(r->opt, k, 0, out[1 + k], N), COCOB_OK);
    memset(out[3], 0, sizeof out[3]);
    ck_assert_int_eq(cocob_optimizer_read_scalars(r->opt, out[3], 2), COCOB_OK);
}

START_TEST(hand_worked_steps)
{
    /* Three coordinates, one with no gradient; weight decay 0.5 on the
     * second run joins the gradient after the gain is taken. Each step is
     * worked out in double from the floats the last one left: a step's few
     * float operations err by half an ulp each, so 4 ulps of the value
     * (of the wealth, for the gain, a sum of three products) cover them. */
    static const float w0[N] = {0.5f, -0.25f, 0.125f};
    static const float grads[3][N] = {{0.5f, 0.0f, -0.5f},
                                      {0.25f, 0.0f, 0.5f},
                                      {-0.5f, 0.0f, 0.25f}};
    for (int decay = 0; decay < 2; decay++) {
        cocob_optimizer_config c;
        cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
        ck_assert(c.w == 1e-4 && c.weight_decay == 0 && c.lr == 0);
        c.weight_decay = decay ? 0.5 : 0;
        run r = start("ref", &c, w0);
        double w[N], theta[N] = {0}, wealth = (double)(float)1e-4, iter = 1;
        for (int i = 0; i < N; i++)
            w[i] = w0[i];
        for (int s = 0; s < 3; s++) {
            ck_assert_int_eq(step(&r, grads[s]), COCOB_OK);
            double gain = 0, mag = 0;
            for (int i = 0; i < N; i++) {
                gain += grads[s][i] * (w0[i] - w[i]);
                mag += fabs(grads[s][i] * (w0[i] - w[i]));
            }
            wealth += gain;
            iter += 1;
            for (int i = 0; i < N; i++) {
                theta[i] -= grads[s][i] + c.weight_decay * w[i];
                w[i] = theta[i] * (wealth / iter) + w0[i];
            }
            float got[4][N];
            snapshot(&r, got);
            ck_assert_msg(fabs(got[3][0] - wealth) <= 4 * ldexp(fabs(wealth) + mag, -24),
                          "decay %d, step %d: wealth %.9g, want %.9g", decay, s + 1, got[3][0],
                          wealth);
            ck_assert(got[3][1] == (float)iter);
            for (int i = 0; i < N; i++) {
                ck_assert_msg(fabs(got[0][i] - w[i]) <= 4 * ldexp(fabs(w[i]), -24),
                              "decay %d, step %d: w[%d] is %.9g, want %.9g", decay, s + 1, i,
                              got[0][i], w[i]);
                ck_assert(got[1][i] == w0[i]);
                ck_assert_msg(fabs(got[2][i] - theta[i]) <= 4 * ldexp(fabs(theta[i]), -24),
                              "decay %d, step %d: theta[%d] is %.9g, want %.9g", decay, s + 1, i,
                              got[2][i], theta[i]);
            }
            /* The next step starts from the floats, as the device does. */
            wealth = got[3][0];
            for (int i = 0; i < N; i++) {
                w[i] = got[0][i];
                theta[i] = got[2][i];
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

START_TEST(a_nonfinite_gradient_leaves_weights_state_and_scalars_alone)
{
    const char *selector = _i ? test_device_selector() : "ref";
    static const float w0[N] = {0.5f, -0.25f, 0.125f};
    static const float good[N] = {0.5f, 0.25f, -0.5f};
    const float bad[N] = {0.5f, NAN, -0.5f};
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
    run r = start(selector, &c, w0);
    ck_assert_int_eq(step(&r, good), COCOB_OK);
    ck_assert_int_eq(step(&r, good), COCOB_OK);
    float before[4][N], after[4][N];
    snapshot(&r, before);
    ck_assert_int_eq(step(&r, bad), COCOB_ERR_NONFINITE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(r.ctx), "KT step: gradient 0"));
    snapshot(&r, after);
    ck_assert(memcmp(before, after, sizeof before) == 0);
    ck_assert_uint_eq(cocob_optimizer_steps(r.opt), 2);
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
        {1e-3, 1e-4, 0, "KT takes no learning rate"},
        {0, 0, 0, "KT: w, the initial wealth, must be above 0"},
        {0, 1e-60, 0, "w, the initial wealth"}, /* 0 as a float */
        {0, INFINITY, 0, "w, the initial wealth"},
        {0, 1e-4, -1, "KT: weight_decay must be at least 0"},
        {0, 1e-4, NAN, "weight_decay"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
        c.lr = bad[k].lr;
        c.w = bad[k].w;
        c.weight_decay = bad[k].weight_decay;
        ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt),
                         COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_msg(strstr(cocob_context_error(ctx), bad[k].says), "case %zu: %s", k,
                      cocob_context_error(ctx));
    }
    ck_assert(cocob_optimizer_uses(COCOB_OPTIMIZER_KT, "w") &&
              cocob_optimizer_uses(COCOB_OPTIMIZER_KT, "weight_decay") &&
              !cocob_optimizer_uses(COCOB_OPTIMIZER_KT, "lr"));
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
    c.weight_decay = 1e-3;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &w, &opt), COCOB_OK);
    char text[128];
    cocob_optimizer_describe(opt, text, sizeof text);
    ck_assert_str_eq(text, "KT (w 0.0001, weight decay 0.001)");
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(w);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(the_op_refuses_overlaps_and_short_spans)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[5];
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(b->iface->alloc(b, 16 * sizeof(float), &buf[k]), COCOB_OK);
    cocob_kt_args a = {.w = buf[0], .grad = buf[1], .n = 16, .scalars = buf[4]};
    a.state[COCOB_KT_X0] = buf[2];
    a.state[COCOB_KT_THETA] = buf[3];
    ck_assert_int_eq(cocob_op_kt_update(b, &a), COCOB_OK);
    cocob_kt_args shared = a;
    shared.state[COCOB_KT_THETA] = buf[0];
    ck_assert_int_eq(cocob_op_kt_update(b, &shared), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "kt_update"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "theta"));
    cocob_kt_args covered = a;
    covered.scalars = buf[3];
    ck_assert_int_eq(cocob_op_kt_update(b, &covered), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "scalars"));
    cocob_kt_args late = a;
    late.scalars_offset = 15;
    ck_assert_int_eq(cocob_op_kt_update(b, &late), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "scalars"));
    late = a;
    late.state_offset = 1;
    ck_assert_int_eq(cocob_op_kt_update(b, &late), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "x0"));
    cocob_kt_args none = a;
    none.n = 0;
    ck_assert_int_eq(cocob_op_kt_update(b, &none), COCOB_ERR_INVALID_ARGUMENT);
    for (int k = 0; k < 5; k++)
        b->iface->free(b, buf[k]);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* Each step the device's wealth within 1e-5 of ref's, above 0, and iter
 * the same count on both; the largest relative gap of the wealth in *data. */
static void scalars_agree(optim_kernel_run *r, int t, void *data)
{
    float sc[2][2];
    for (int d = 0; d < 2; d++)
        ck_assert_int_eq(cocob_optimizer_read_scalars(r->opt[d], sc[d], 2), COCOB_OK);
    ck_assert(sc[0][1] == sc[1][1] && sc[0][1] == (float)(t + 2));
    ck_assert_msg(sc[0][0] > 0, "n=%zu, step %d: the wealth %g fell to 0 or below", r->n, t + 1,
                  sc[0][0]);
    double e = fabs((double)sc[1][0] - sc[0][0]) / sc[0][0], *worst = data;
    *worst = fmax(*worst, e);
    ck_assert_msg(e <= 1e-5, "n=%zu, step %d: wealth %.9g on the device, %.9g on ref", r->n,
                  t + 1, sc[1][0], sc[0][0]);
}

/* steps of cfg through the optimizer on ref and on the device under test
 * from the same weights and gradients, then the weights, theta and the
 * scalars compared. The gradients' norm stays at most 1, KT's assumption
 * (beyond it the wealth can go below 0 and the weights grow without
 * bound), over four decades, some exactly 0. The kernels' only difference
 * from ref is the gain, a float sum where ref's is double (within about
 * 2^-24 n of the sum of its terms' magnitudes, test_lr_free), and the
 * float division of the bet on a device that does not divide correctly
 * rounded; both reach the weights through the bet, so the tolerances are
 * relative to the wealth and to |x0| + |x - x0|. */
static void check_device(const cocob_optimizer_config *cfg, size_t n, int steps)
{
    double worst_wealth = 0, worst_w = 0, worst_theta = 0;
    optim_kernel_opts o = {.grads = OPTIM_GRADS_UNIT_NORM,
                           .salt = 7,
                           .after_step = scalars_agree,
                           .data = &worst_wealth};
    optim_kernel_run r;
    optim_kernel_begin(&r, cfg, n, steps, &o);
    float *w0 = r.w0, *got = r.got, *want = r.want;
    ck_assert_int_eq(cocob_tensor_download(r.w[1], got, n), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(r.w[0], want, n), COCOB_OK);
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - want[i]) / (fabs(w0[i]) + fabs(want[i] - w0[i]));
        worst_w = fmax(worst_w, e);
        ck_assert_msg(e <= 1e-5, "n=%zu: w[%zu] %.9g on the device, %.9g on ref", n, i, got[i],
                      want[i]);
    }
    ck_assert(memcmp(w0, want, n * sizeof *want) != 0);
    ck_assert_int_eq(cocob_optimizer_read_state(r.opt[1], COCOB_KT_THETA, 0, got, n), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_state(r.opt[0], COCOB_KT_THETA, 0, want, n), COCOB_OK);
    size_t at;
    worst_theta = test_max_rel_err(got, want, n, &at);
    /* Without decay theta is the same float sums of the same gradients. */
    if (cfg->weight_decay == 0)
        ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0,
                      "n=%zu: theta[%zu] %.9g on the device, %.9g on ref", n, at, got[at],
                      want[at]);
    else
        ck_assert_msg(worst_theta <= 1e-5, "n=%zu: theta[%zu] %.9g on the device, %.9g on ref", n,
                      at, got[at], want[at]);
    printf("kt on %s, n=%zu, %d steps, weight decay %g: wealth %.3g, w %.3g, theta %.3g\n",
           cocob_context_device(r.ctx[1])->name, n, steps, cfg->weight_decay, worst_wealth,
           worst_w, worst_theta);
    optim_kernel_end(&r);
}

START_TEST(device_matches_reference_over_200_steps)
{
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
    check_device(&c, optim_length(_i), optim_steps(200));
    c.weight_decay = 1e-3;
    c.w = 0.5;
    check_device(&c, optim_length(_i), optim_steps(200));
}
END_TEST
#endif

static Suite *suite(void)
{
    Suite *s = suite_create("kt");
    TCase *tc = tcase_create("kt");
    tcase_add_test(tc, hand_worked_steps);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, a_nonfinite_gradient_leaves_weights_state_and_scalars_alone, 0, 2);
    tcase_add_loop_test(tc, device_matches_reference_over_200_steps, 0, OPTIM_LENGTHS);
#else
    tcase_add_loop_test(tc, a_nonfinite_gradient_leaves_weights_state_and_scalars_alone, 0, 1);
#endif
    tcase_add_test(tc, settings_are_checked);
    tcase_add_test(tc, the_op_refuses_overlaps_and_short_spans);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
