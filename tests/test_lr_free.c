/* lr_free_reduce and lr_free_finalize, the pass before the update of the
 * methods that need sums over all the weights (KT's gain, DoG's distance
 * and G; DoG's fold, by hand, is tests/test_optimizer.c's
 * dog_scalars_by_hand, its update tests/test_dog.c's): the reference
 * against sums worked in double, the fold's order and its guard, the ops'
 * validation, and the kernels against the reference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"
#include "optimutil.h"
#include "runtime/handles.h"
#include "testutil.h"

enum { SUMS = COCOB_REDUCE_SUMS };

typedef struct operands {
    float *w, *g, *x0;
} operands;

/* Weights near their x0 (as after a few small steps, where the gain's
 * terms cancel most), gradients over four decades with some exactly 0. */
static operands make(size_t n, uint64_t seed)
{
    test_rng rng = {seed};
    operands o = {malloc(n * sizeof(float)), malloc(n * sizeof(float)),
                  malloc(n * sizeof(float))};
    ck_assert(o.w && o.g && o.x0);
    for (size_t i = 0; i < n; i++) {
        o.x0[i] = test_rng_uniform(&rng, -0.5f, 0.5f);
        o.w[i] = o.x0[i] + test_rng_uniform(&rng, -1e-3f, 1e-3f);
        uint64_t r = test_rng_next(&rng);
        o.g[i] = (r & 7) == 0
                     ? 0.0f
                     : test_rng_uniform(&rng, -1.0f, 1.0f) * powf(10.0f, -(float)((r >> 3) % 4));
    }
    return o;
}

static void drop(operands *o)
{
    free(o->w);
    free(o->g);
    free(o->x0);
}

/* The reduce on ctx's backend, weight_decay wd; returns the partials' whole buffer. */
static float *reduce(cocob_context *ctx, const operands *o, size_t n, size_t parts, float wd)
{
    cocob_backend *b = ctx->backend;
    cocob_buffer *bw = test_put(b, o->w, n), *bg = test_put(b, o->g, n),
                 *bx = test_put(b, o->x0, n), *bp = test_put(b, NULL, parts * SUMS);
    cocob_lr_free_reduce_args a = {bw,    TEST_OFF, bg,       TEST_OFF,          bx, TEST_OFF, n,
                                   parts, bp,       TEST_OFF, .weight_decay = wd};
    cocob_status s = cocob_op_lr_free_reduce(b, &a);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, bw);
    b->iface->free(b, bg);
    b->iface->free(b, bx);
    return test_take(b, bp, parts * SUMS);
}

START_TEST(reduce_sums_each_part_in_double_and_rounds_once)
{
    /* One part; a ragged last part; parts of one element; an empty last
     * part (10 in 4 parts of 3 leaves 1, and 9 in 4 of 3 leaves none).
     * Every other case with DoG's weight decay, which joins g as a float. */
    static const size_t cases[][2] = {{1, 1}, {10, 3}, {7, 7}, {9, 4}, {1000, 7}, {4097, 2}};
    cocob_context *ctx = test_context("ref");
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t n = cases[c][0], parts = cases[c][1], chunk = (n + parts - 1) / parts;
        float wd = c % 2 ? 0.01f : 0;
        operands o = make(n, c + 1);
        float *got = reduce(ctx, &o, n, parts, wd);
        for (size_t p = 0; p < parts; p++) {
            double want[SUMS] = {0};
            for (size_t i = p * chunk; i < n && i < (p + 1) * chunk; i++) {
                double d = (double)o.x0[i] - o.w[i], g = (float)(o.g[i] + wd * o.w[i]);
                want[COCOB_REDUCE_GAIN] += g * d;
                want[COCOB_REDUCE_GG] += g * g;
                want[COCOB_REDUCE_DD] += d * d;
                want[COCOB_REDUCE_XX] += (double)o.w[i] * o.w[i];
            }
            for (int k = 0; k < SUMS; k++)
                ck_assert_msg(got[TEST_OFF + p * SUMS + k] == (float)want[k],
                              "n %zu in %zu parts: part %zu sum %d is %.9g, want %.9g", n, parts,
                              p, k, got[TEST_OFF + p * SUMS + k], (float)want[k]);
        }
        free(got);
        drop(&o);
    }
    cocob_context_destroy(ctx);
}
END_TEST

/* KT's fold on selector: the gains of the parts added in their order, in
 * float, to the wealth, and 1 to iter; nothing at all under a set guard. */
START_TEST(finalize_folds_the_parts_in_order_behind_the_guard)
{
    const char *selector = _i ? test_device_selector() : "ref";
    cocob_context *ctx = test_context(selector);
    cocob_backend *b = ctx->backend;
    /* Gains whose float sum depends on the order. */
    float partials[4 * SUMS], gains[4] = {1.0f, 0x1p-24f, 0x1p-24f, -0.5f};
    for (int k = 0; k < 4 * SUMS; k++)
        partials[k] = k % SUMS == COCOB_REDUCE_GAIN ? gains[k / SUMS] : 7;
    const float start[2] = {0.25f, 3.0f};
    int32_t guard[2] = {0, 1};
    cocob_buffer *bp = test_put(b, partials, 4 * SUMS), *bs = test_put(b, start, 2),
                 *bk = test_put(b, guard, 2);
    cocob_lr_free_finalize_args a = {.method = COCOB_LR_FREE_KT,
                                     .partials = bp,
                                     .partials_offset = TEST_OFF,
                                     .parts = 4,
                                     .scalars = bs,
                                     .scalars_offset = TEST_OFF,
                                     .scalars_count = COCOB_KT_SCALARS,
                                     .skip = bk,
                                     .skip_offset = TEST_OFF + 1};
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &a), COCOB_OK);
    float got[2];
    ck_assert_int_eq(cocob_op_download(b, bs, TEST_OFF * 4, got, sizeof got), COCOB_OK);
    ck_assert_msg(got[0] == 0.25f && got[1] == 3.0f, "%s: the guard let %g %g through", selector,
                  got[0], got[1]);
    a.skip_offset = TEST_OFF;
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &a), COCOB_OK);
    a.skip = NULL;
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &a), COCOB_OK);
    /* Each fold adds 0.5 (the two 2^-24 each round away against 1); the
     * other order would add 0.5 + 2^-23. */
    float *all = test_take(b, bs, 2);
    ck_assert_msg(all[TEST_OFF] == 1.25f && all[TEST_OFF + 1] == 5.0f,
                  "%s: wealth %.9g iter %g after two folds, want 1.25 and 5", selector,
                  all[TEST_OFF], all[TEST_OFF + 1]);
    free(all);
    b->iface->free(b, bp);
    b->iface->free(b, bk);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(the_ops_refuse_bad_arguments)
{
    cocob_context *ctx = test_context("ref");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf[4];
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(b->iface->alloc(b, 16 * sizeof(float), &buf[k]), COCOB_OK);
    /* 4 parts of 4 sums fill the 16 floats. */
    cocob_lr_free_reduce_args r = {buf[0], 0, buf[1], 0, buf[2], 0, 16, 4, buf[3], 0, 0};
    ck_assert_int_eq(cocob_op_lr_free_reduce(b, &r), COCOB_OK);
    struct {
        size_t n, parts, partials_offset;
        cocob_buffer *partials;
        cocob_status status;
        const char *says;
    } bad[] = {
        {0, 1, 0, buf[3], COCOB_ERR_INVALID_ARGUMENT, "the length (0) must be nonzero"},
        {16, 0, 0, buf[3], COCOB_ERR_INVALID_ARGUMENT, "the parts (0)"},
        {4, 5, 0, buf[3], COCOB_ERR_INVALID_ARGUMENT, "from 1 to the length"},
        {16, 5, 0, buf[3], COCOB_ERR_SHAPE, "partials"},
        {16, 4, 2, buf[3], COCOB_ERR_SHAPE, "partials"},
        {16, 4, 0, buf[0], COCOB_ERR_INVALID_ARGUMENT, "w"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cocob_lr_free_reduce_args a = r;
        a.n = bad[k].n;
        a.parts = bad[k].parts;
        a.partials = bad[k].partials;
        a.partials_offset = bad[k].partials_offset;
        ck_assert_int_eq(cocob_op_lr_free_reduce(b, &a), bad[k].status);
        ck_assert_msg(strstr(cocob_context_error(ctx), "lr_free_reduce") &&
                          strstr(cocob_context_error(ctx), bad[k].says),
                      "case %zu: %s", k, cocob_context_error(ctx));
    }
    cocob_lr_free_finalize_args f = {.method = COCOB_LR_FREE_KT,
                                     .partials = buf[3],
                                     .parts = 4,
                                     .scalars = buf[0],
                                     .scalars_count = COCOB_KT_SCALARS,
                                     .skip = buf[1]};
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &f), COCOB_OK);
    cocob_lr_free_finalize_args g = f;
    g.method = COCOB_LR_FREE_METHODS;
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &g), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "is none of the"));
    g = f;
    g.scalars_count = 3;
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &g), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "keeps 2 scalars, 3 given"));
    g = f;
    g.parts = 0;
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &g), COCOB_ERR_INVALID_ARGUMENT);
    g = f;
    g.parts = 5;
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &g), COCOB_ERR_SHAPE);
    g = f;
    g.scalars = buf[3];
    g.scalars_offset = 1;
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &g), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "scalars"));
    g = f;
    g.skip = buf[0];
    ck_assert_int_eq(cocob_op_lr_free_finalize(b, &g), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "skip"));
    for (int k = 0; k < 4; k++)
        b->iface->free(b, buf[k]);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
/* The kernel's float sums against the reference's double ones, within the
 * bound src/backend/ref/lr_free.c gives: the part's length plus the tree's
 * depth in roundings of 2^-24 times the sum of the terms' magnitudes (the
 * verify backend's bound). One part, a few, and as many as the optimizer
 * cuts (at most 256). */
START_TEST(reduce_on_the_device_within_its_bound)
{
    size_t n = optim_length(_i);
    size_t choices[3] = {1, n < 5 ? n : 5, n < 256 ? n : 256};
    cocob_context *ctx[2] = {test_context("ref"), test_context(test_device_selector())};
    operands o = make(n, n);
    double worst = 0;
    for (int c = 0; c < 3; c++) {
        size_t parts = choices[c], chunk = (n + parts - 1) / parts;
        float wd = c == 1 ? 0.01f : 0;
        float *want = reduce(ctx[0], &o, n, parts, wd), *got = reduce(ctx[1], &o, n, parts, wd);
        for (size_t p = 0; p < parts; p++) {
            double mag[SUMS] = {0};
            for (size_t i = p * chunk; i < n && i < (p + 1) * chunk; i++) {
                double g = fabs(o.g[i] + wd * o.w[i]), d = fabs((double)o.x0[i] - o.w[i]);
                mag[COCOB_REDUCE_GAIN] += g * d;
                mag[COCOB_REDUCE_GG] += g * g;
                mag[COCOB_REDUCE_DD] += d * d;
                mag[COCOB_REDUCE_XX] += (double)o.w[i] * o.w[i];
            }
            for (int k = 0; k < SUMS; k++) {
                size_t at = TEST_OFF + p * SUMS + k;
                double err = fabs((double)got[at] - want[at]);
                double units = mag[k] > 0 ? err / mag[k] / 0x1p-24 : err > 0 ? INFINITY : 0;
                worst = fmax(worst, units / (double)(chunk + 16));
                ck_assert_msg(units <= (double)(chunk + 16),
                              "n %zu in %zu parts: part %zu sum %d %.9g on the device, %.9g on "
                              "ref (%.3g units, bound %zu)",
                              n, parts, p, k, got[at], want[at], units, chunk + 16);
            }
        }
        free(want);
        free(got);
    }
    printf("lr_free_reduce on %s, n=%zu: the largest error is %.3g of its bound\n",
           cocob_context_device(ctx[1])->name, n, worst);
    drop(&o);
    cocob_context_destroy(ctx[0]);
    cocob_context_destroy(ctx[1]);
}
END_TEST
#endif

static Suite *suite(void)
{
    Suite *s = suite_create("lr_free");
    TCase *tc = tcase_create("lr_free");
    tcase_add_test(tc, reduce_sums_each_part_in_double_and_rounds_once);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, finalize_folds_the_parts_in_order_behind_the_guard, 0, 2);
    tcase_add_loop_test(tc, reduce_on_the_device_within_its_bound, 0, OPTIM_LENGTHS);
#else
    tcase_add_loop_test(tc, finalize_folds_the_parts_in_order_behind_the_guard, 0, 1);
#endif
    tcase_add_test(tc, the_ops_refuse_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
