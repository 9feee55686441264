/* D-Adapt Adam's ops, dadapt_adam_accumulate and dadapt_adam_update, and
 * its case of lr_free_finalize: each on the device under test against
 * ref from the same inputs, and their validation. Its steps by hand are in
 * test_optimizer (dadapt_adam_scalars_by_hand), its authors' trajectories
 * in test_dadapt_adam_authors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"
#include "runtime/handles.h"
#include "testutil.h"

enum { STATES = COCOB_DADAPT_ADAM_STATES, SCALARS = COCOB_DADAPT_ADAM_SCALARS };

START_TEST(the_ops_refuse_overlaps_and_short_spans)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[7];
    for (int k = 0; k < 7; k++)
        ck_assert_int_eq(b->iface->alloc(b, 16 * sizeof(float), &buf[k]), COCOB_OK);
    cocob_dadapt_adam_accumulate_args a =
        {.w = buf[0], .grad = buf[1], .n = 16, .parts = 2, .partials = buf[5], .scalars = buf[6]};
    for (int k = 0; k < STATES; k++)
        a.state[k] = buf[2 + k];
    ck_assert_int_eq(cocob_op_dadapt_adam_accumulate(b, &a), COCOB_OK);
    cocob_dadapt_adam_accumulate_args bad = a;
    bad.state[COCOB_DADAPT_ADAM_S] = buf[0];
    ck_assert_int_eq(cocob_op_dadapt_adam_accumulate(b, &bad), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "dadapt_adam_accumulate"));
    bad = a;
    bad.partials_offset = 9; /* 2 parts of 4 sums from 9 pass 16 */
    ck_assert_int_eq(cocob_op_dadapt_adam_accumulate(b, &bad), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "partials"));
    bad = a;
    bad.parts = 17;
    ck_assert_int_eq(cocob_op_dadapt_adam_accumulate(b, &bad), COCOB_ERR_INVALID_ARGUMENT);
    bad = a;
    bad.scalars = buf[5];
    ck_assert_int_eq(cocob_op_dadapt_adam_accumulate(b, &bad), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "dlr"));

    cocob_dadapt_adam_update_args u = {.w = buf[0], .n = 16, .scalars = buf[6]};
    u.state[0] = buf[2];
    u.state[1] = buf[3];
    ck_assert_int_eq(cocob_op_dadapt_adam_update(b, &u), COCOB_OK);
    cocob_dadapt_adam_update_args ubad = u;
    ubad.state[1] = buf[0];
    ck_assert_int_eq(cocob_op_dadapt_adam_update(b, &ubad), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "dadapt_adam_update"));
    ubad = u;
    ubad.scalars_offset = 11; /* six scalars from 11 pass 16 */
    ck_assert_int_eq(cocob_op_dadapt_adam_update(b, &ubad), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "scalars"));
    ubad = u;
    ubad.n = 0;
    ck_assert_int_eq(cocob_op_dadapt_adam_update(b, &ubad), COCOB_ERR_INVALID_ARGUMENT);
    for (int k = 0; k < 7; k++)
        b->iface->free(b, buf[k]);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* |got - want| against ulps units of 2^-24 times mag, element by element. */
static double check(const char *what, const float *got, const float *want, const float *mag,
                    size_t n, double ulps)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - want[i]), bound = ulps * 0x1p-24 * mag[i];
        ck_assert_msg(e <= bound, "%s[%zu]: %.9g on the device, %.9g on ref (bound %.3g)", what,
                      i, got[i], want[i], bound);
        if (mag[i] > 0)
            worst = fmax(worst, e / (0x1p-24 * mag[i]));
    }
    return worst;
}

/* Each op from the same inputs on ref and on the device, n elements in
 * parts parts. The states are the same products and sums in the same
 * order: equal. Each part's sums are float on the device, double rounded
 * once on ref: within (part length + 16) units of the sum of their terms'
 * magnitudes, each term a square root and a division (3 and 2.5 ulps where
 * the device does not round them correctly) inside the 16. The fold, from
 * the same partials, with bias correction: 24 units of each scalar (d's
 * quotient, and the next dlr's log1p, expm1s, root and quotient). The
 * update: 16 units of |w| (1 + decay step_dlr) plus the step's size. */
static void compare(size_t n, size_t parts)
{
    test_rng rng = {n * 13 + parts};
    enum { IN = 2 + STATES }; /* w, grad, the states */
    float *in[IN], *mag = calloc(n > 4 * parts ? n : 4 * parts, sizeof *mag);
    ck_assert_ptr_nonnull(mag);
    for (int k = 0; k < IN; k++) {
        in[k] = malloc(n * sizeof **in);
        ck_assert_ptr_nonnull(in[k]);
        for (size_t i = 0; i < n; i++)
            in[k][i] = test_rng_uniform(&rng, k == 3 ? 0.0f : -1.0f, 1.0f) * (k == 4 ? 1e-3f : 1);
    }
    const float scalars[SCALARS] = {2e-3f, 1e-4f, 3, 2e-3f, 1e-3f, 1};
    /* The sums' two unused places stay as they were: zeros, as from alloc. */
    float *zeros = calloc(4 * parts, sizeof *zeros);
    ck_assert_ptr_nonnull(zeros);
    cocob_context *ctx[2] = {test_context("ref"), test_context(test_device_selector())};
    float *state_out[2][STATES], *partials[2], sc[2][SCALARS], *w_out[2];
    for (int d = 0; d < 2; d++) {
        cocob_backend *b = ctx[d]->backend;
        cocob_buffer *w = test_put(b, in[0], n), *g = test_put(b, in[1], n),
                     *p = test_put(b, zeros, 4 * parts), *s = test_put(b, scalars, SCALARS),
                     *st[STATES];
        for (int k = 0; k < STATES; k++)
            st[k] = test_put(b, in[2 + k], n);
        cocob_dadapt_adam_accumulate_args a = {.w = w,
                                               .w_offset = TEST_OFF,
                                               .grad = g,
                                               .grad_offset = TEST_OFF,
                                               .state_offset = TEST_OFF,
                                               .n = n,
                                               .parts = parts,
                                               .partials = p,
                                               .partials_offset = TEST_OFF,
                                               .scalars = s,
                                               .dlr_offset = TEST_OFF + COCOB_DADAPT_ADAM_DLR,
                                               .beta1 = 0.9f,
                                               .beta2 = 0.999f,
                                               .sqrt_beta2 = 0.9995f,
                                               .one_minus_beta1 = 0.1f,
                                               .one_minus_beta2 = 0.001f,
                                               .one_minus_sqrt_beta2 = 5.0e-4f,
                                               .eps = 1e-8f,
                                               .weight_decay = 0.01f};
        for (int k = 0; k < STATES; k++)
            a.state[k] = st[k];
        ck_assert_msg(cocob_op_dadapt_adam_accumulate(b, &a) == COCOB_OK, "%s",
                      cocob_context_error(ctx[d]));
        size_t off = TEST_OFF * sizeof(float);
        partials[d] = malloc(4 * parts * sizeof(float));
        ck_assert_int_eq(cocob_op_download(b, p, off, partials[d], 4 * parts * sizeof(float)),
                         COCOB_OK);
        for (int k = 0; k < STATES; k++) {
            state_out[d][k] = malloc(n * sizeof(float));
            ck_assert_int_eq(cocob_op_download(b, st[k], off, state_out[d][k], n * sizeof(float)),
                             COCOB_OK);
        }
        /* The device folds ref's partials, and updates from ref's scalars,
         * so that each op alone is compared. */
        if (d == 1)
            ck_assert_int_eq(cocob_op_upload(b, p, off, partials[0], 4 * parts * sizeof(float)),
                             COCOB_OK);
        cocob_lr_free_finalize_args f = {.method = COCOB_LR_FREE_DADAPT_ADAM,
                                         .partials = p,
                                         .partials_offset = TEST_OFF,
                                         .parts = parts,
                                         .scalars = s,
                                         .scalars_offset = TEST_OFF,
                                         .scalars_count = SCALARS,
                                         .lr = 1.0f,
                                         .sqrt_beta2 = 0.9995f,
                                         .one_minus_sqrt_beta2 = 5.0e-4f,
                                         .growth_rate = INFINITY,
                                         .one_minus_beta1 = 0.1f,
                                         .one_minus_beta2 = 0.001f,
                                         .use_bias_correction = 1};
        ck_assert_int_eq(cocob_op_lr_free_finalize(b, &f), COCOB_OK);
        ck_assert_int_eq(cocob_op_download(b, s, off, sc[d], sizeof sc[d]), COCOB_OK);
        if (d == 1)
            ck_assert_int_eq(cocob_op_upload(b, s, off, sc[0], sizeof sc[0]), COCOB_OK);
        cocob_dadapt_adam_update_args u = {.w = w,
                                           .w_offset = TEST_OFF,
                                           .state_offset = TEST_OFF,
                                           .n = n,
                                           .eps = 1e-8f,
                                           .decay = 0.01f,
                                           .scalars = s,
                                           .scalars_offset = TEST_OFF};
        u.state[0] = st[COCOB_DADAPT_ADAM_EXP_AVG];
        u.state[1] = st[COCOB_DADAPT_ADAM_EXP_AVG_SQ];
        ck_assert_int_eq(cocob_op_dadapt_adam_update(b, &u), COCOB_OK);
        w_out[d] = malloc(n * sizeof(float));
        ck_assert_int_eq(cocob_op_download(b, w, off, w_out[d], n * sizeof(float)), COCOB_OK);
        /* Nothing written outside the operands. */
        free(test_take(b, w, n));
        free(test_take(b, g, n));
        free(test_take(b, s, SCALARS));
        for (int k = 0; k < STATES; k++)
            free(test_take(b, st[k], n));
        float *all = test_take(b, p, 4 * parts);
        free(all);
    }
    for (int k = 0; k < STATES; k++)
        ck_assert_msg(memcmp(state_out[0][k], state_out[1][k], n * sizeof(float)) == 0,
                      "n=%zu: state %d differs", n, k);
    size_t chunk = n / parts + (n % parts != 0);
    for (size_t i = 0; i < n; i++) {
        float gi = in[1][i] + 0.01f * in[0][i];
        mag[i / chunk * 4] += fabsf(gi * (in[4][i] / (sqrtf(in[3][i]) + 1e-8f)));
        mag[i / chunk * 4 + 1] += fabsf(state_out[0][COCOB_DADAPT_ADAM_S][i]);
    }
    double e_part = check("partials", partials[1], partials[0], mag, 4 * parts,
                          (double)chunk + 16);
    for (size_t i = 0; i < n; i++)
        mag[i] = fabsf(in[0][i]) * (1 + 0.01f * sc[0][COCOB_DADAPT_ADAM_STEP_DLR]) +
                 fabsf(state_out[0][0][i] / (sqrtf(state_out[0][1][i]) + 1e-8f));
    double e_w = check("w", w_out[1], w_out[0], mag, n, 16);
    /* The fold moved d and took the step; k and taken are exact. */
    ck_assert(sc[0][COCOB_DADAPT_ADAM_TAKEN] == 1 && sc[0][COCOB_DADAPT_ADAM_K] == 4);
    float smag[SCALARS];
    for (int k = 0; k < SCALARS; k++)
        smag[k] = fabsf(sc[0][k]);
    double e_sc = check("scalars", sc[1], sc[0], smag, SCALARS, 24);
    printf("dadapt_adam ops on %s, n=%zu in %zu parts: partials %.3g, scalars %.3g, w %.3g "
           "units\n",
           cocob_context_device(ctx[1])->name, n, parts, e_part, e_sc, e_w);
    for (int d = 0; d < 2; d++) {
        for (int k = 0; k < STATES; k++)
            free(state_out[d][k]);
        free(partials[d]);
        free(w_out[d]);
        cocob_context_destroy(ctx[d]);
    }
    for (int k = 0; k < IN; k++)
        free(in[k]);
    free(mag);
    free(zeros);
}

START_TEST(device_matches_reference)
{
    static const size_t n[] = {1, 1000, 10007}, parts[] = {1, 1, 3};
    compare(n[_i], parts[_i]);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("dadapt_adam");
    TCase *tc = tcase_create("dadapt_adam");
    tcase_add_test(tc, the_ops_refuse_overlaps_and_short_spans);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, device_matches_reference, 0, 3);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
