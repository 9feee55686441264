/* count_nonfinite and flag_nonfinite, the optimizer's guard: the kernels
 * against the reference, the updates' skip on every backend, and the step
 * they protect. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"
#include "ops/ops.h"

START_TEST(reference_counts_nan_and_both_infinities)
{
    float x[8] = {0, -0.0f, NAN, 1e38f, INFINITY, -INFINITY, 1e-45f, -NAN};
    ck_assert_uint_eq(cocob_ref_count_nonfinite(x, 8), 4);
    ck_assert_uint_eq(cocob_ref_count_nonfinite(x, 2), 0);
}
END_TEST

START_TEST(reference_flag_is_set_by_any_bad_value_and_never_cleared)
{
    float x[4] = {1, 2, INFINITY, 3};
    int32_t flag = 0;
    cocob_ref_flag_nonfinite(x, 2, &flag);
    ck_assert_int_eq(flag, 0);
    cocob_ref_flag_nonfinite(x, 3, &flag);
    ck_assert_int_eq(flag, 1);
    cocob_ref_flag_nonfinite(x, 2, &flag);
    ck_assert_int_eq(flag, 1);
}
END_TEST

START_TEST(guard_arguments_past_their_buffers_are_refused)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *x, *flag;
    ck_assert_int_eq(b->iface->alloc(b, 4 * sizeof(float), &x), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, sizeof(int32_t), &flag), COCOB_OK);
    ck_assert_int_eq(cocob_op_flag_nonfinite(b, (cocob_span){x, 1}, 4, (cocob_span){flag, 0}),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "flag_nonfinite: x needs 4 elements from offset 1"));
    ck_assert_int_eq(cocob_op_flag_nonfinite(b, (cocob_span){x, 0}, 4, (cocob_span){flag, 1}),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "flag_nonfinite: flag needs 1 elements from offset 1"));
    cocob_baseline_args a;
    memset(&a, 0, sizeof a);
    cocob_buffer *sum;
    ck_assert_int_eq(b->iface->alloc(b, 4 * sizeof(float), &sum), COCOB_OK);
    a.w = x;
    a.grad = x;
    a.state[0] = sum;
    a.n = 1;
    a.skip = flag;
    a.skip_offset = 1;
    ck_assert_int_eq(cocob_op_adagrad_update(b, &a), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "adagrad_update: skip needs 1 elements from offset 1"));
    b->iface->free(b, sum);
    b->iface->free(b, flag);
    b->iface->free(b, x);
    cocob_context_destroy(ctx);
}
END_TEST

/* The int32 at off of buf. */
static int32_t flag_at(cocob_backend *b, cocob_buffer *buf, size_t off)
{
    int32_t v;
    ck_assert_int_eq(cocob_op_download(b, buf, off * sizeof v, &v, sizeof v), COCOB_OK);
    return v;
}

/* Ragged lengths, each with its one bad value (NaN, +inf, -inf) at the
 * start, in the middle, at the end, or nowhere; NaNs lie just outside the
 * span, which must not count, and the flag sits at an offset. 4096 is 32
 * whole spans of the OpenCL kernel's 128 elements an item. Run on ref, then
 * on the device under test. */
static const size_t flag_lengths[] = {1, 3, 255, 257, 4096, 4099};

START_TEST(flag_kernel_matches_reference)
{
    const char *selector = _i % 2 == 0 ? "ref" : test_device_selector();
    size_t n = flag_lengths[_i / 2];
    cocob_context *ctx = test_context(selector);
    cocob_backend *b = ctx->backend;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    cocob_buffer *buf, *flag;
    ck_assert_int_eq(b->iface->alloc(b, (n + 4) * sizeof(float), &buf), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, 4 * sizeof(int32_t), &flag), COCOB_OK);
    const float bad[] = {NAN, INFINITY, -INFINITY};
    const size_t where[] = {0, n / 2, n - 1, n};
    for (int k = 0; k < 3; k++)
        for (int p = 0; p < 4; p++) {
            for (size_t i = 0; i < n; i++)
                x[i] = (float)i - 1e3f;
            if (where[p] < n)
                x[where[p]] = bad[k];
            ck_assert_int_eq(cocob_op_fill(b, buf, 0, NAN, n + 4), COCOB_OK);
            ck_assert_int_eq(cocob_op_upload(b, buf, 2 * sizeof(float), x, n * sizeof(float)),
                             COCOB_OK);
            ck_assert_int_eq(cocob_op_fill(b, flag, 0, 0.0f, 4), COCOB_OK);
            int32_t want = 0;
            cocob_ref_flag_nonfinite(x, n, &want);
            cocob_status s = cocob_op_flag_nonfinite(b, (cocob_span){buf, 2}, n,
                                                     (cocob_span){flag, 1});
            ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
            ck_assert_msg(flag_at(b, flag, 1) == want, "%s, n %zu, bad value %d at %zu", selector,
                          n, k, where[p]);
            ck_assert_int_eq(flag_at(b, flag, 0), 0);
            ck_assert_int_eq(flag_at(b, flag, 2), 0);
            /* A set flag stays set over a finite span: flags of spans or. */
            ck_assert_int_eq(cocob_op_fill(b, flag, 1, 1.0f, 1), COCOB_OK);
            int32_t set = flag_at(b, flag, 1);
            ck_assert_int_ne(set, 0);
            ck_assert_int_eq(cocob_op_flag_nonfinite(b, (cocob_span){buf, 2}, 1,
                                                     (cocob_span){flag, 1}),
                             COCOB_OK);
            ck_assert_int_eq(flag_at(b, flag, 1), where[p] == 0 ? 1 : set);
        }
    b->iface->free(b, flag);
    b->iface->free(b, buf);
    cocob_context_destroy(ctx);
    free(x);
}
END_TEST

/* Every update op with its guard set leaves the weights and every state as
 * they were, bit for bit; with the guard clear it does what it does
 * without one. On ref, then on the device under test. */
enum { SKIP_N = 300, SKIP_OPS = 18 };

static cocob_status run_update(cocob_backend *b, int op, cocob_buffer *w, cocob_buffer *g,
                               cocob_buffer *const *st, const cocob_buffer *skip)
{
    if (op == 0) {
        cocob_update_args a;
        memset(&a, 0, sizeof a);
        a.w = w;
        a.grad = g;
        for (int k = 0; k < COCOB_STATE_COUNT; k++)
            a.state[k] = st[k];
        a.w_offset = a.grad_offset = a.state_offset = TEST_OFF;
        a.n = SKIP_N;
        a.alpha = 100.0f;
        a.weight_decay = 0.01f;
        a.skip = skip;
        a.skip_offset = 3;
        return b->iface->cocob_update(b, &a);
    }
    if (op == SKIP_OPS - 3) {
        /* KT: its wealth and iter are two of state 2's floats. */
        cocob_kt_args a;
        memset(&a, 0, sizeof a);
        a.w = w;
        a.grad = g;
        a.state[COCOB_KT_X0] = st[0];
        a.state[COCOB_KT_THETA] = st[1];
        a.w_offset = a.grad_offset = a.state_offset = a.scalars_offset = TEST_OFF;
        a.n = SKIP_N;
        a.weight_decay = 0.01f;
        a.scalars = st[2];
        a.skip = skip;
        a.skip_offset = 3;
        return b->iface->kt_update(b, &a);
    }
    if (op == SKIP_OPS - 2) {
        /* The fold of the global-scalar methods: KT's two scalars in w,
         * the partials in the gradient. */
        cocob_lr_free_finalize_args a = {.method = COCOB_LR_FREE_KT,
                                         .partials = g,
                                         .partials_offset = TEST_OFF,
                                         .parts = SKIP_N / COCOB_REDUCE_SUMS,
                                         .scalars = w,
                                         .scalars_offset = TEST_OFF,
                                         .scalars_count = COCOB_KT_SCALARS,
                                         .skip = skip,
                                         .skip_offset = 3};
        return b->iface->lr_free_finalize(b, &a);
    }
    if (op == SKIP_OPS - 1) {
        /* Schedule-Free AdamW, the longer path: z and exp_avg_sq. */
        cocob_schedule_free_args a;
        memset(&a, 0, sizeof a);
        a.w = w;
        a.grad = g;
        a.z = st[0];
        a.exp_avg_sq = st[1];
        a.w_offset = a.grad_offset = a.state_offset = TEST_OFF;
        a.n = SKIP_N;
        a.h = (cocob_schedule_free_hyper){.ckp1 = 0.25f,
                                          .y_step = -0.1f,
                                          .lr = 0.1f,
                                          .weight_decay = 0.01f,
                                          .beta2 = 0.999f,
                                          .one_minus_beta2 = 0.001f,
                                          .bias_correction2 = 0.5f,
                                          .eps = 1e-8f};
        a.skip = skip;
        a.skip_offset = 3;
        return b->iface->schedule_free_update(b, &a);
    }
    if (op == SKIP_OPS - 4) {
        /* DoG: its eta is one of state 0's floats. */
        cocob_dog_args a = {.w = w,
                            .w_offset = TEST_OFF,
                            .grad = g,
                            .grad_offset = TEST_OFF,
                            .n = SKIP_N,
                            .weight_decay = 0.01f,
                            .scalars = st[0],
                            .eta_offset = TEST_OFF,
                            .skip = skip,
                            .skip_offset = 3};
        return b->iface->dog_update(b, &a);
    }
    if (op == SKIP_OPS - 5) {
        /* DoG's fold: its four scalars in w, the partials in the gradient. */
        cocob_lr_free_finalize_args a = {.method = COCOB_LR_FREE_DOG,
                                         .partials = g,
                                         .partials_offset = TEST_OFF,
                                         .parts = SKIP_N / COCOB_REDUCE_SUMS,
                                         .scalars = w,
                                         .scalars_offset = TEST_OFF,
                                         .scalars_count = COCOB_DOG_SCALARS,
                                         .skip = skip,
                                         .skip_offset = 3,
                                         .reps_rel = 1e-6f,
                                         .lr = 1.0f,
                                         .eps = 1e-8f};
        return b->iface->lr_free_finalize(b, &a);
    }
    if (op == SKIP_OPS - 7) {
        /* Prodigy's step: its scalars in state 2, taken among them. */
        cocob_prodigy_update_args a = {.w = w,
                                       .w_offset = TEST_OFF,
                                       .grad = g,
                                       .grad_offset = TEST_OFF,
                                       .exp_avg = st[0],
                                       .exp_avg_sq = st[1],
                                       .state_offset = TEST_OFF,
                                       .n = SKIP_N,
                                       .scalars = st[2],
                                       .scalars_offset = TEST_OFF,
                                       .h = {.lr = 1,
                                             .beta1 = 0.9f,
                                             .eps = 1e-8f,
                                             .weight_decay = 0.01f,
                                             .d0 = 1e-6f,
                                             .decouple = 1,
                                             .slice_p = 1},
                                       .skip = skip,
                                       .skip_offset = 3};
        return b->iface->prodigy_update(b, &a);
    }
    if (op == SKIP_OPS - 8) {
        /* Prodigy's fold: its scalars in w, the partials in the gradient. */
        cocob_lr_free_finalize_args a = {.method = COCOB_LR_FREE_PRODIGY,
                                         .partials = g,
                                         .partials_offset = TEST_OFF,
                                         .parts = SKIP_N / COCOB_REDUCE_SUMS,
                                         .scalars = w,
                                         .scalars_offset = TEST_OFF,
                                         .scalars_count = COCOB_PRODIGY_SCALARS,
                                         .skip = skip,
                                         .skip_offset = 3,
                                         .lr = 1,
                                         .d0 = 1e-6f,
                                         .d_coef = 1,
                                         .growth_rate = INFINITY,
                                         .beta1 = 0.9f,
                                         .beta2 = 0.999f,
                                         .beta3 = 0.9995f,
                                         .use_bias_correction = 1};
        return b->iface->lr_free_finalize(b, &a);
    }
    if (op == SKIP_OPS - 9) {
        /* Prodigy's pass, which writes no weight: exp_avg in w's place,
         * the weights in state 0, the partials in state 4, its scalars
         * read from the gradient. */
        cocob_prodigy_accumulate_args a = {.w = st[0],
                                           .w_offset = TEST_OFF,
                                           .grad = g,
                                           .grad_offset = TEST_OFF,
                                           .state = {st[1], w, st[2], st[3]},
                                           .state_offset = TEST_OFF,
                                           .n = SKIP_N,
                                           .parts = SKIP_N / COCOB_REDUCE_SUMS,
                                           .partials = st[4],
                                           .partials_offset = TEST_OFF,
                                           .scalars = g,
                                           .scalars_offset = TEST_OFF,
                                           .h = {.lr = 1,
                                                 .beta1 = 0.9f,
                                                 .beta2 = 0.999f,
                                                 .beta3 = 0.9995f,
                                                 .weight_decay = 0.01f,
                                                 .d0 = 1e-6f,
                                                 .slice_p = 2},
                                           .skip = skip,
                                           .skip_offset = 3};
        return b->iface->prodigy_accumulate(b, &a);
    }
    if (op == SKIP_OPS - 10) {
        /* D-Adapt Adam's accumulate: exp_avg in w, which it moves; the
         * weights it reads in state 4, its dlr one of state 3's floats. */
        cocob_dadapt_adam_accumulate_args a;
        memset(&a, 0, sizeof a);
        a.w = st[4];
        a.grad = g;
        a.state[COCOB_DADAPT_ADAM_EXP_AVG] = w;
        a.state[COCOB_DADAPT_ADAM_EXP_AVG_SQ] = st[0];
        a.state[COCOB_DADAPT_ADAM_S] = st[1];
        a.w_offset = a.grad_offset = a.state_offset = a.dlr_offset = TEST_OFF;
        a.n = SKIP_N;
        a.parts = 2;
        a.partials = st[2];
        a.partials_offset = TEST_OFF;
        a.scalars = st[3];
        a.beta1 = 0.9f;
        a.beta2 = 0.999f;
        a.sqrt_beta2 = 0.9995f;
        a.one_minus_beta1 = 0.1f;
        a.one_minus_beta2 = 0.001f;
        a.one_minus_sqrt_beta2 = 0.0005f;
        a.eps = 1e-8f;
        a.weight_decay = 0.01f;
        a.skip = skip;
        a.skip_offset = 3;
        return b->iface->dadapt_adam_accumulate(b, &a);
    }
    if (op == SKIP_OPS - 11) {
        /* D-Adapt Adam's update: its scalars (taken above 0) in state 2. */
        cocob_dadapt_adam_update_args a;
        memset(&a, 0, sizeof a);
        a.w = w;
        a.state[0] = st[0];
        a.state[1] = st[1];
        a.w_offset = a.state_offset = a.scalars_offset = TEST_OFF;
        a.n = SKIP_N;
        a.eps = 1e-8f;
        a.decay = 0.01f;
        a.scalars = st[2];
        a.skip = skip;
        a.skip_offset = 3;
        return b->iface->dadapt_adam_update(b, &a);
    }
    if (op == SKIP_OPS - 12) {
        /* D-Adapt Adam's fold: its six scalars in w, the partials in the gradient. */
        cocob_lr_free_finalize_args a = {.method = COCOB_LR_FREE_DADAPT_ADAM,
                                         .partials = g,
                                         .partials_offset = TEST_OFF,
                                         .parts = SKIP_N / COCOB_REDUCE_SUMS,
                                         .scalars = w,
                                         .scalars_offset = TEST_OFF,
                                         .scalars_count = COCOB_DADAPT_ADAM_SCALARS,
                                         .skip = skip,
                                         .skip_offset = 3,
                                         .lr = 1.0f,
                                         .sqrt_beta2 = 0.9995f,
                                         .one_minus_sqrt_beta2 = 0.0005f,
                                         .growth_rate = INFINITY,
                                         .one_minus_beta1 = 0.1f,
                                         .one_minus_beta2 = 0.001f,
                                         .use_bias_correction = 1};
        return b->iface->lr_free_finalize(b, &a);
    }
    if (op == SKIP_OPS - 6) {
        cocob_ckt_args a;
        memset(&a, 0, sizeof a);
        a.w = w;
        a.grad = g;
        for (int k = 0; k < COCOB_CKT_STATES; k++)
            a.state[k] = st[k];
        a.w_offset = a.grad_offset = a.state_offset = TEST_OFF;
        a.n = SKIP_N;
        a.weight_decay = 0.01f;
        a.skip = skip;
        a.skip_offset = 3;
        return b->iface->ckt_update(b, &a);
    }
    cocob_baseline_args a;
    memset(&a, 0, sizeof a);
    a.w = w;
    a.grad = g;
    a.state[0] = st[0];
    a.state[1] = st[1];
    a.w_offset = a.grad_offset = a.state_offset = TEST_OFF;
    a.n = SKIP_N;
    a.h = (cocob_baseline_hyper){.lr = 0.1f,
                                 .weight_decay = 0.01f,
                                 .eps = 1e-6f,
                                 .momentum = 0.9f,
                                 .one_minus_dampening = 1.0f,
                                 .rho = 0.9f,
                                 .one_minus_rho = 0.1f,
                                 .beta1 = 0.9f,
                                 .one_minus_beta1 = 0.1f,
                                 .beta2 = 0.999f,
                                 .one_minus_beta2 = 0.001f,
                                 .bias2_sqrt = 0.5f,
                                 .shrink = 1.0f};
    a.skip = skip;
    a.skip_offset = 3;
    cocob_status (*const ops[])(cocob_backend *, const cocob_baseline_args *) = {
        b->iface->sgd_update, b->iface->adagrad_update, b->iface->rmsprop_update,
        b->iface->adadelta_update, b->iface->adam_update};
    return ops[op - 1](b, &a);
}

START_TEST(a_set_guard_leaves_weights_and_state_alone)
{
    const char *selector = _i / SKIP_OPS == 0 ? "ref" : test_device_selector();
    int op = _i % SKIP_OPS;
    cocob_context *ctx = test_context(selector);
    cocob_backend *b = ctx->backend;
    enum { BUFS = 2 + COCOB_STATE_COUNT };
    float *host[BUFS], *after = malloc(SKIP_N * sizeof *after);
    ck_assert_ptr_nonnull(after);
    test_rng rng = {(uint64_t)_i + 1};
    cocob_buffer *buf[2][BUFS], *skip;
    ck_assert_int_eq(b->iface->alloc(b, 8 * sizeof(int32_t), &skip), COCOB_OK);
    for (int k = 0; k < BUFS; k++) {
        host[k] = malloc(SKIP_N * sizeof **host);
        ck_assert_ptr_nonnull(host[k]);
        /* Positive states, as the sums and maxima they are. */
        for (size_t i = 0; i < SKIP_N; i++)
            host[k][i] = test_rng_uniform(&rng, k < 2 ? -1.0f : 0.01f, 1.0f);
        for (int c = 0; c < 2; c++)
            buf[c][k] = test_put(b, host[k], SKIP_N);
    }
    /* Copy 0 runs with the guard set, copy 1 with it clear, then again
     * with none. */
    ck_assert_int_eq(cocob_op_fill(b, skip, 0, 0.0f, 8), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, skip, 3, 1.0f, 1), COCOB_OK);
    cocob_status s = run_update(b, op, buf[0][0], buf[0][1], buf[0] + 2, skip);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    for (int k = 0; k < BUFS; k++) {
        ck_assert_int_eq(cocob_op_download(b, buf[0][k], TEST_OFF * sizeof *after, after,
                                           SKIP_N * sizeof *after),
                         COCOB_OK);
        ck_assert_msg(memcmp(after, host[k], SKIP_N * sizeof *after) == 0,
                      "%s, op %d: buffer %d moved under a set guard", selector, op, k);
    }
    ck_assert_int_eq(cocob_op_fill(b, skip, 3, 0.0f, 1), COCOB_OK);
    ck_assert_int_eq(run_update(b, op, buf[1][0], buf[1][1], buf[1] + 2, skip), COCOB_OK);
    ck_assert_int_eq(run_update(b, op, buf[0][0], buf[0][1], buf[0] + 2, NULL), COCOB_OK);
    float *want = malloc(SKIP_N * sizeof *want);
    ck_assert_ptr_nonnull(want);
    ck_assert_int_eq(cocob_op_download(b, buf[0][0], TEST_OFF * sizeof *want, want,
                                       SKIP_N * sizeof *want),
                     COCOB_OK);
    ck_assert_int_eq(cocob_op_download(b, buf[1][0], TEST_OFF * sizeof *after, after,
                                       SKIP_N * sizeof *after),
                     COCOB_OK);
    ck_assert_msg(memcmp(after, want, SKIP_N * sizeof *after) == 0,
                  "%s, op %d: a clear guard changed the step", selector, op);
    ck_assert_msg(memcmp(after, host[0], SKIP_N * sizeof *after) != 0,
                  "%s, op %d: a clear guard stopped the step", selector, op);
    free(want);
    for (int k = 0; k < BUFS; k++) {
        b->iface->free(b, buf[0][k]);
        b->iface->free(b, buf[1][k]);
        free(host[k]);
    }
    b->iface->free(b, skip);
    free(after);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* Lengths around the group and grid sizes: one, a prime, more than one
 * pass of the grid-stride loop. In small mode the last is the grid of 64
 * groups of 256 and 5 more, so that the loop still goes round twice, in
 * seconds on a simulator. */
static const size_t lengths[] = {1, 255, 257, 1000003};

START_TEST(kernel_matches_reference)
{
    size_t n = _i == 3 ? test_small_or(lengths[3], 64 * 256 + 5) : lengths[_i];
    cocob_context *ctx = test_context(test_device_selector());
    cocob_backend *b = ctx->backend;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    test_rng rng = {n};
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rng_next(&rng) % 1000;
        x[i] = r == 0 ? NAN : r == 1 ? INFINITY : r == 2 ? -INFINITY : (float)r;
    }
    /* The last element is bad, so an off-by-one at the end shows. */
    x[n - 1] = NAN;
    cocob_buffer *buf;
    ck_assert_int_eq(b->iface->alloc(b, (n + 5) * sizeof(float), &buf), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, buf, 0, NAN, n + 5), COCOB_OK);
    /* At an offset, with NaNs on both sides that must not be counted. */
    ck_assert_int_eq(cocob_op_upload(b, buf, 3 * sizeof(float), x, n * sizeof(float)), COCOB_OK);
    size_t got = 0;
    cocob_status s = cocob_op_count_nonfinite(b, buf, 3, n, &got);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    ck_assert_uint_eq(got, cocob_ref_count_nonfinite(x, n));
    b->iface->free(b, buf);
    cocob_context_destroy(ctx);
    free(x);
}
END_TEST
#endif

START_TEST(step_refuses_a_nonfinite_gradient)
{
    const char *selector = _i == 0 ? "ref" : test_device_selector();
    cocob_context *ctx = test_context(selector);
    float w0[5] = {1, 2, 3, 4, 5}, g[5] = {0.1f, 0.2f, NAN, 0.4f, 0.5f}, w[5], G[5];
    cocob_tensor *tw, *tg;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_tensor_create(ctx, 5, &tw), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 5, &tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tw, w0, 5), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tg, g, 5), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &tw, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg),
                     COCOB_ERR_NONFINITE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "gradient 0 holds 1 NaN"));
    ck_assert_int_eq(cocob_tensor_download(tw, w, 5), COCOB_OK);
    ck_assert(memcmp(w, w0, sizeof w) == 0);
    ck_assert_int_eq(cocob_optimizer_read_state(opt, COCOB_STATE_G, 0, G, 5), COCOB_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_float_eq(G[i], 0.0f);
    /* Once the gradient is mended, training goes on. */
    g[2] = 0.3f;
    ck_assert_int_eq(cocob_tensor_upload(tg, g, 5), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(tw, w, 5), COCOB_OK);
    ck_assert_float_eq_tol(w[2], 3.0f - 0.01f, 1e-6f);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tg);
    cocob_tensor_destroy(tw);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nonfinite");
    TCase *tc = tcase_create("nonfinite");
    tcase_add_test(tc, reference_counts_nan_and_both_infinities);
    tcase_add_test(tc, reference_flag_is_set_by_any_bad_value_and_never_cleared);
    tcase_add_test(tc, guard_arguments_past_their_buffers_are_refused);
    tcase_add_loop_test(tc, flag_kernel_matches_reference, 0,
                        2 * (int)(sizeof flag_lengths / sizeof *flag_lengths));
    tcase_add_loop_test(tc, a_set_guard_leaves_weights_and_state_alone, 0, 2 * SKIP_OPS);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, kernel_matches_reference, 0, sizeof lengths / sizeof *lengths);
    tcase_add_loop_test(tc, step_refuses_a_nonfinite_gradient, 0, 2);
#else
    tcase_add_loop_test(tc, step_refuses_a_nonfinite_gradient, 0, 1);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
