/* dog_update, DoG's fused step after lr_free_finalize has set eta: the
 * reference against the formula's two float roundings (src/backend/ref/
 * dog.c), eta taken at its offset among DoG's scalars and not from a
 * neighbour, the guard that leaves the weights alone, the op's validation,
 * and the device against the reference, op by op and through the
 * optimizer over many steps. DoG's scalars by hand are
 * tests/test_optimizer.c's, the sums they fold tests/test_lr_free.c's, its
 * authors' trajectories tests/test_dog_authors.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"
#include "optimutil.h"
#include "runtime/handles.h"
#include "testutil.h"

/* DoG's four scalars as the optimizer keeps them, eta third: each a
 * different power of two, so that a step taken with a neighbour of eta
 * shows. */
static const float scalars[COCOB_DOG_SCALARS] = {
    [COCOB_DOG_RBAR] = 0.75f, [COCOB_DOG_G] = 4.0f, [COCOB_DOG_ETA] = 0.125f, [COCOB_DOG_FIRST] = 1};

/* Random weights in [-1, 1] and gradients over four decades, one in eight
 * exactly 0. */
static void inputs(size_t n, uint64_t seed, float *w, float *g)
{
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++) {
        w[i] = test_rng_uniform(&rng, -1, 1);
        uint64_t r = test_rng_next(&rng);
        g[i] = (r & 7) == 0 ? 0.0f
                            : test_rng_uniform(&rng, -1, 1) * powf(10.0f, -(float)((r >> 3) % 4));
    }
}

/* dog_update on ctx over n weights w and gradients g, each at TEST_OFF in
 * a buffer of its own, eta at its place among the scalars, with the guard
 * *skip (none when NULL). Returns the weights' whole buffer. */
static float *run(cocob_context *ctx, const float *w, const float *g, size_t n, float decay,
                  const int *skip)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bw = test_put(b, w, n), *bg = test_put(b, g, n),
                 *bs = test_put(b, scalars, COCOB_DOG_SCALARS),
                 *bk = skip ? test_put(b, skip, 1) : NULL;
    cocob_dog_args a = {.w = bw,
                        .w_offset = TEST_OFF,
                        .grad = bg,
                        .grad_offset = TEST_OFF,
                        .n = n,
                        .weight_decay = decay,
                        .scalars = bs,
                        .eta_offset = TEST_OFF + COCOB_DOG_ETA,
                        .skip = bk,
                        .skip_offset = TEST_OFF};
    ck_assert_msg(cocob_op_dog_update(b, &a) == COCOB_OK, "%s", cocob_context_error(ctx));
    free(test_take(b, bg, n));
    free(test_take(b, bs, COCOB_DOG_SCALARS));
    if (bk)
        free(test_take(b, bk, 1));
    return test_take(b, bw, n);
}

/* One float rounding of a double that holds an exact float sum or
 * product: the float operation's own result. */
static float rounded(double x)
{
    return (float)x;
}

/* On ref and on the device: g = grad + decay w and w - eta g, each one
 * rounding of the exact result (a product or sum of two floats is exact
 * in double, and rounding it once to float is the float operation), with
 * eta the scalar at eta_offset: bit for bit, as neither divides nor takes
 * a root, and cl/dog.cl turns contraction off. */
START_TEST(the_formula_with_eta_at_its_offset)
{
    cocob_context *ctx = test_context(_i ? test_device_selector() : "ref");
    enum { N = 1000 };
    float w[N], g[N];
    inputs(N, 11, w, g);
    const float eta = scalars[COCOB_DOG_ETA];
    for (int d = 0; d < 2; d++) {
        float decay = d ? 1e-3f : 0;
        float *got = run(ctx, w, g, N, decay, NULL);
        size_t moved = 0;
        for (size_t i = 0; i < N; i++) {
            float gi = rounded((double)g[i] + rounded((double)decay * w[i]));
            float want = rounded((double)w[i] - rounded((double)eta * gi));
            ck_assert_msg(got[TEST_OFF + i] == want,
                          "decay %g: w[%zu] is %.9g, the formula %.9g (from %.9g, gradient %.9g)",
                          decay, i, got[TEST_OFF + i], want, w[i], g[i]);
            moved += want != w[i];
        }
        ck_assert_uint_gt(moved, N / 2);
        free(got);
    }
    cocob_context_destroy(ctx);
}
END_TEST

/* The guard set (flag_nonfinite found a NaN in this step) leaves every
 * weight as it was; clear, the step is taken. */
START_TEST(the_guard_leaves_the_weights_alone)
{
    cocob_context *ctx = test_context(_i ? test_device_selector() : "ref");
    enum { N = 37 };
    float w[N], g[N];
    inputs(N, 5, w, g);
    const int set = 1, clear = 0;
    float *got = run(ctx, w, g, N, 1e-3f, &set);
    ck_assert(memcmp(got + TEST_OFF, w, sizeof w) == 0);
    free(got);
    got = run(ctx, w, g, N, 1e-3f, &clear);
    ck_assert(memcmp(got + TEST_OFF, w, sizeof w) != 0);
    free(got);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(the_op_refuses_overlaps_and_short_spans)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[4];
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(b->iface->alloc(b, 16 * sizeof(float), &buf[k]), COCOB_OK);
    cocob_dog_args a = {.w = buf[0],
                        .grad = buf[1],
                        .n = 16,
                        .scalars = buf[2],
                        .eta_offset = COCOB_DOG_ETA};
    ck_assert_int_eq(cocob_op_dog_update(b, &a), COCOB_OK);
    struct {
        cocob_dog_args a;
        cocob_status want;
        const char *says;
    } bad[] = {
        {a, COCOB_ERR_INVALID_ARGUMENT, "dog_update: the length must be nonzero"},
        {a, COCOB_ERR_INVALID_ARGUMENT,
         "dog_update: w (16 elements from offset 0) overlaps grad"},
        {a, COCOB_ERR_INVALID_ARGUMENT, "dog_update: w (16 elements from offset 0) overlaps eta"},
        {a, COCOB_ERR_INVALID_ARGUMENT,
         "dog_update: w (16 elements from offset 0) overlaps skip"},
        {a, COCOB_ERR_SHAPE, "dog_update: w needs 16 elements from offset 1"},
        {a, COCOB_ERR_SHAPE, "dog_update: grad needs 16 elements from offset 1"},
        {a, COCOB_ERR_SHAPE, "dog_update: eta needs 1 elements from offset 16"},
        {a, COCOB_ERR_SHAPE, "dog_update: skip needs 1 elements from offset 16"},
        {a, COCOB_ERR_INVALID_ARGUMENT, "dog_update: grad has no buffer"},
        {a, COCOB_ERR_INVALID_ARGUMENT, "dog_update: eta has no buffer"},
    };
    bad[0].a.n = 0;
    bad[1].a.grad = buf[0];
    bad[2].a.scalars = buf[0];
    bad[3].a.skip = buf[0];
    bad[4].a.w_offset = 1;
    bad[5].a.grad_offset = 1;
    bad[6].a.eta_offset = 16;
    bad[7].a.skip = buf[3];
    bad[7].a.skip_offset = 16;
    bad[8].a.grad = NULL;
    bad[9].a.scalars = NULL;
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        ck_assert_int_eq(cocob_op_dog_update(b, &bad[k].a), bad[k].want);
        ck_assert_msg(strstr(cocob_context_error(ctx), bad[k].says), "case %zu: %s", k,
                      cocob_context_error(ctx));
    }
    for (int k = 0; k < 4; k++)
        b->iface->free(b, buf[k]);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* The op on the device against ref at each of optim_lengths, with and
 * without decay: bit for bit, for the reasons above, on every device
 * (OpenCL rounds float sums and products correctly). */
START_TEST(kernel_matches_reference)
{
    size_t n = optim_length(_i);
    float *w = malloc(n * sizeof *w), *g = malloc(n * sizeof *g);
    ck_assert(w && g);
    inputs(n, n * 31 + 7, w, g);
    cocob_context *ref = test_context("ref"), *dev = test_context(test_device_selector());
    for (int d = 0; d < 2; d++) {
        float decay = d ? 1e-3f : 0;
        float *want = run(ref, w, g, n, decay, NULL), *got = run(dev, w, g, n, decay, NULL);
        size_t at;
        test_max_rel_err(got + TEST_OFF, want + TEST_OFF, n, &at);
        ck_assert_msg(memcmp(got + TEST_OFF, want + TEST_OFF, n * sizeof *got) == 0,
                      "n=%zu, decay %g: w[%zu] %.9g on the device, %.9g on ref", n, decay, at,
                      got[TEST_OFF + at], want[TEST_OFF + at]);
        free(want);
        free(got);
    }
    printf("dog_update on %s, n=%zu: bit for bit\n", cocob_context_device(dev)->name, n);
    cocob_context_destroy(dev);
    cocob_context_destroy(ref);
    free(w);
    free(g);
}
END_TEST

/* Through the optimizer the device's scalars are not ref's bits: its
 * lr_free_reduce sums |x - x0|^2 and <g, g> in float over each part where
 * ref sums in double (tests/test_lr_free.c bounds the difference), and a
 * device that does not divide and take roots correctly rounded rounds
 * eta = lr rbar / sqrt(G) within a few ulp. rbar is the root of a sum of
 * squared differences x - x0 that keep only a few digits of the weights
 * in the first steps, so its relative gap is the largest (measured on
 * PoCL: rbar 2.8e-6, eta 2.8e-6, G 1.5e-7, w 2.2e-7 relative to |x0| +
 * |x - x0|, the most over the lengths, with and without decay); 1e-5,
 * KT's tolerance for the same kind of difference, holds them all. */
static const double device_sums_tol = 1e-5;

/* The device's rbar, G and eta against ref's each step, and first_step 0
 * on both: the largest relative gaps, in data. */
static void scalars_agree(optim_kernel_run *r, int t, void *data)
{
    double *worst = data;
    float sc[2][COCOB_DOG_SCALARS];
    for (int d = 0; d < 2; d++)
        ck_assert_int_eq(cocob_optimizer_read_scalars(r->opt[d], sc[d], COCOB_DOG_SCALARS),
                         COCOB_OK);
    ck_assert(sc[0][COCOB_DOG_FIRST] == 0 && sc[1][COCOB_DOG_FIRST] == 0);
    for (int k = 0; k < COCOB_DOG_FIRST; k++) {
        double e = fabs((double)sc[1][k] - sc[0][k]) / sc[0][k];
        worst[k] = fmax(worst[k], e);
        ck_assert_msg(e <= device_sums_tol, "n=%zu, step %d: %s %.9g on the device, %.9g on ref",
                      r->n, t + 1, cocob_optimizer_scalar_name(r->opt[0], (size_t)k), sc[1][k],
                      sc[0][k]);
    }
}

/* steps of cfg through the optimizer on ref and on the device under test
 * from the same weights and gradients (within [-1, 1] over four decades,
 * one in eight exactly 0), the scalars each step, then the weights
 * relative to |x0| + |x - x0| (through eta) and x0. */
static void check_optimizer(const cocob_optimizer_config *cfg, size_t n, int steps)
{
    double worst[COCOB_DOG_FIRST] = {0}, worst_w = 0;
    optim_kernel_opts o = {.grads = OPTIM_GRADS_UNIT,
                           .salt = 7,
                           .after_step = scalars_agree,
                           .data = worst};
    optim_kernel_run r;
    optim_kernel_begin(&r, cfg, n, steps, &o);
    ck_assert_int_eq(cocob_tensor_download(r.w[1], r.got, n), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(r.w[0], r.want, n), COCOB_OK);
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)r.got[i] - r.want[i]) /
                   (fabs(r.w0[i]) + fabs(r.want[i] - r.w0[i]));
        worst_w = fmax(worst_w, e);
        ck_assert_msg(e <= device_sums_tol, "n=%zu: w[%zu] %.9g on the device, %.9g on ref", n, i,
                      r.got[i], r.want[i]);
    }
    ck_assert(memcmp(r.w0, r.want, n * sizeof *r.want) != 0);
    /* x0 is the first weights' very floats on both. */
    ck_assert_int_eq(cocob_optimizer_read_state(r.opt[1], COCOB_DOG_X0, 0, r.got, n), COCOB_OK);
    ck_assert(memcmp(r.w0, r.got, n * sizeof *r.got) == 0);
    printf("dog on %s, n=%zu, %d steps, weight decay %g: rbar %.3g, G %.3g, eta %.3g, w %.3g\n",
           cocob_context_device(r.ctx[1])->name, n, steps, cfg->weight_decay, worst[0], worst[1],
           worst[2], worst_w);
    optim_kernel_end(&r);
}

START_TEST(device_matches_reference_over_200_steps)
{
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    check_optimizer(&c, optim_length(_i), optim_steps(200));
    c.weight_decay = 1e-3;
    check_optimizer(&c, optim_length(_i), optim_steps(200));
}
END_TEST
#endif

static Suite *suite(void)
{
    Suite *s = suite_create("dog");
    TCase *tc = tcase_create("dog");
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, the_formula_with_eta_at_its_offset, 0, 2);
    tcase_add_loop_test(tc, the_guard_leaves_the_weights_alone, 0, 2);
    tcase_add_loop_test(tc, kernel_matches_reference, 0, OPTIM_LENGTHS);
    tcase_add_loop_test(tc, device_matches_reference_over_200_steps, 0, OPTIM_LENGTHS);
#else
    tcase_add_loop_test(tc, the_formula_with_eta_at_its_offset, 0, 1);
    tcase_add_loop_test(tc, the_guard_leaves_the_weights_alone, 0, 1);
#endif
    tcase_add_test(tc, the_op_refuses_overlaps_and_short_spans);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
