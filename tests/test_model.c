/* Building models: shapes, parameter counts, the spec language and its
 * errors, a seeded initialisation, and the plan a batch runs through. Training is test_train's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/model.h"
#include "testutil.h"

static cocob_model *model_of(cocob_context *ctx, size_t c, size_t h, size_t w, const char *spec)
{
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, c, h, w, &m), COCOB_OK);
    cocob_status s = cocob_model_add_spec(m, spec);
    ck_assert_msg(s == COCOB_OK, "\"%s\": %s", spec, cocob_context_error(ctx));
    return m;
}

START_TEST(paper_networks_have_the_paper_shapes)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *mlp = model_of(ctx, 1, 28, 28, "mlp");
    /* 784*1000 + 1000 + 1000*1000 + 1000 + 1000*10 + 10 */
    ck_assert_uint_eq(cocob_model_param_count(mlp), 1796010);
    ck_assert_uint_eq(cocob_model_outputs(mlp), 10);
    cocob_model *cnn = model_of(ctx, 1, 28, 28, "cnn");
    /* conv 32*25+32, conv 64*32*25+64, dense 7*7*64*1024+1024, dense 1024*10+10 */
    ck_assert_uint_eq(cocob_model_param_count(cnn), 832 + 51264 + 3212288 + 10250);
    char summary[4096];
    cocob_model_summary(cnn, summary, sizeof summary);
    ck_assert_ptr_nonnull(strstr(summary, "conv:32x5x5:s1:p2"));
    ck_assert_ptr_nonnull(strstr(summary, "64x7x7"));
    ck_assert_ptr_nonnull(strstr(summary, "dropout:0.5"));
    ck_assert_ptr_nonnull(strstr(summary, "total parameters: 3274634"));
    cocob_model_destroy(mlp);
    cocob_model_destroy(cnn);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(spec_items_parse)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m = model_of(ctx, 3, 32, 32,
                              "conv:16x3x3:s2:p1,tanh,maxpool:3:s2,flatten,dropout:0.25,"
                              "dense:7,sigmoid");
    ck_assert_uint_eq(m->count, 7);
    ck_assert_uint_eq(m->layers[0].out.h, 16); /* (32 + 2 - 3) / 2 + 1 */
    ck_assert_uint_eq(m->layers[2].out.h, 7);  /* (16 - 3) / 2 + 1 */
    ck_assert_uint_eq(m->layers[3].out.c, 16 * 7 * 7);
    ck_assert_float_eq(m->layers[4].desc.rate, 0.25f);
    ck_assert_uint_eq(cocob_model_outputs(m), 7);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(bad_spec_items_are_pointed_at)
{
    static const struct {
        const char *spec, *quoted;
    } bad[] = {
        {"dense:10,relu,dense:x", "item 3, \"dense:x\""},
        {"conv:32x5", "item 1, \"conv:32x5\""},
        {"relu,maxpool:0", "item 2, \"maxpool:0\""},
        {"dropout:1.5", "item 1, \"dropout:1.5\""},
        {"dense:10,,dense:5", "item 2, \"\""},
        {"softmax", "item 1, \"softmax\""},
        {"conv:8x3x3:p", "item 1"},
        /* Each says which number and why. */
        {"dense:0", "the unit count wants a whole number from 1 to 16777216, not \"0\""},
        {"dense:99999999999999", "not \"99999999999999\" (it is out of range)"},
        {"dense: 10", "not \" 10\" (it starts with a blank)"},
        {"dropout: 0.5", "the rate wants a number from 0 to 1, not \" 0.5\" (it starts"},
        {"dropout:1", "the rate must be below 1"},
        {"conv:4x3x3:p2000", "the pad wants a whole number from 0 to 1024, not \"2000\""},
        {"conv:4x3x3:p1:s2", "the stride comes before the pad"},
        {"conv:4x3x0", "the kernel width wants a whole number from 1"},
        {"maxpool:2:p1", "a max pool takes no pad"},
        {"dense:10abc", "\"abc\" after \"dense:10\" is not part of it"},
        {"softmax", "no layer is called that"},
    };
    cocob_context *ctx = test_context("ref");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cocob_model *m;
        ck_assert_int_eq(cocob_model_create(ctx, 1, 28, 28, &m), COCOB_OK);
        ck_assert_int_eq(cocob_model_add_spec(m, bad[i].spec), COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_msg(strstr(cocob_context_error(ctx), bad[i].quoted) != NULL, "\"%s\" gave: %s",
                      bad[i].spec, cocob_context_error(ctx));
        cocob_model_destroy(m);
    }
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(impossible_shapes_name_the_layer)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 8, 8, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, "maxpool:2,maxpool:2,maxpool:2,maxpool:2"),
                     COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "layer 3 (maxpool:2:s2)"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "1x1x1"));
    cocob_model_destroy(m);
    ck_assert_int_eq(cocob_model_create(ctx, 1, 4, 4, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add(m, cocob_conv2d(8, 7, 7, 1, 0)), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "smaller than the 7x7 kernel"));
    ck_assert_int_eq(cocob_model_add(m, cocob_dense(0)), COCOB_ERR_SHAPE);
    /* Made in C, past the spec's checks: the part at fault is named. */
    ck_assert_int_eq(cocob_model_add(m, cocob_conv2d(8, 1, 1, 1, 2000)), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "the pad is 2000; it must be from 0 "
                                                           "to 1024"));
    ck_assert_int_eq(cocob_model_add(m, cocob_flatten()), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 1), COCOB_ERR_SHAPE);
    cocob_model_destroy(m);
    ck_assert_int_eq(cocob_model_create(ctx, 0, 28, 28, &m), COCOB_ERR_SHAPE);
    cocob_context_destroy(ctx);
}
END_TEST

/* The whole table, however long: 150 layers are past 8 KB. */
START_TEST(a_long_summary_is_measured_and_printed_whole)
{
    cocob_context *ctx = test_context("ref");
    char spec[1024] = "";
    for (int i = 0; i < 150; i++)
        strcat(spec, "relu,");
    strcat(spec, "dense:10");
    cocob_model *m = model_of(ctx, 1, 28, 28, spec);
    size_t need = cocob_model_summary(m, NULL, 0);
    ck_assert_uint_gt(need, 8192);
    char *text = malloc(need + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(cocob_model_summary(m, text, need + 1), need);
    ck_assert_uint_eq(strlen(text), need);
    ck_assert_ptr_nonnull(strstr(text, "149 relu"));
    ck_assert_ptr_nonnull(strstr(text, "total parameters: 7850\n"));
    /* Cut short, it still ends in a NUL within cap and says how much it needed. */
    char small[100];
    ck_assert_uint_eq(cocob_model_summary(m, small, sizeof small), need);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    free(text);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(init_is_seeded_and_within_limits)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *a = model_of(ctx, 1, 28, 28, "dense:100,relu,dense:10");
    cocob_model *b = model_of(ctx, 1, 28, 28, "dense:100,relu,dense:10");
    cocob_model *c = model_of(ctx, 1, 28, 28, "dense:100,relu,dense:10");
    ck_assert_int_eq(cocob_model_init(a, 7), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(b, 7), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(c, 8), COCOB_OK);
    size_t n = cocob_model_param_count(a);
    float *wa = malloc(n * sizeof *wa), *wb = malloc(n * sizeof *wb),
          *wc = malloc(n * sizeof *wc);
    ck_assert(wa && wb && wc);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(a), wa, n), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(b), wb, n), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(c), wc, n), COCOB_OK);
    ck_assert(memcmp(wa, wb, n * sizeof *wa) == 0);
    ck_assert(memcmp(wa, wc, n * sizeof *wa) != 0);
    /* Layer 0 feeds a ReLU: He, sqrt(6 / 784). Layer 2 ends the model:
     * Glorot, sqrt(6 / (100 + 10)). Biases start at 0. */
    double he = sqrt(6.0 / 784), glorot = sqrt(6.0 / 110), top[2] = {0, 0};
    const model_layer *l0 = &a->layers[0], *l2 = &a->layers[2];
    for (size_t k = 0; k < l0->w_count; k++)
        top[0] = fmax(top[0], fabs(wa[l0->w_off + k]));
    for (size_t k = 0; k < l2->w_count; k++)
        top[1] = fmax(top[1], fabs(wa[l2->w_off + k]));
    ck_assert_msg(top[0] <= he && top[0] > 0.99 * he, "layer 0 reaches %g of %g", top[0], he);
    ck_assert_msg(top[1] <= glorot && top[1] > 0.97 * glorot, "layer 2 reaches %g of %g", top[1],
                  glorot);
    for (size_t k = 0; k < l0->b_count; k++)
        ck_assert_float_eq(wa[l0->b_off + k], 0.0f);
    ck_assert_int_eq(cocob_model_add(a, cocob_relu()), COCOB_ERR_INVALID_ARGUMENT);
    free(wa);
    free(wb);
    free(wc);
    cocob_model_destroy(a);
    cocob_model_destroy(b);
    cocob_model_destroy(c);
    cocob_context_destroy(ctx);
}
END_TEST

/* Each layer's work is listed once, with where it reads and writes, and an
 * activation straight after a dense or convolution layer goes with it. */
START_TEST(the_plan_lists_each_layers_work_with_its_fusion)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m = model_of(ctx, 1, 8, 8,
                              "relu,conv:2x3x3:p1,tanh,maxpool:2,flatten,dense:6,sigmoid,relu,"
                              "dropout:0.5,dense:3");
    ck_assert_uint_eq(m->plan.count, 0);
    ck_assert_int_eq(cocob_model_init(m, 1), COCOB_OK);
    const plan_step want[] = {
        {0, PLAN_INPUT, 0, COCOB_ACT_RELU}, /* first: nothing to fuse with */
        {1, 0, 2, COCOB_ACT_TANH},
        {3, 2, 3, COCOB_ACT_IDENTITY},
        /* the flatten (4) is a view: no step, and the dense reads the pool */
        {5, 3, 6, COCOB_ACT_SIGMOID},
        {7, 6, 7, COCOB_ACT_RELU}, /* after an activation: stands alone */
        {8, 7, 8, COCOB_ACT_IDENTITY},
        {9, 8, 9, COCOB_ACT_IDENTITY},
    };
    ck_assert_uint_eq(m->plan.count, sizeof want / sizeof *want);
    for (size_t k = 0; k < m->plan.count; k++) {
        const plan_step *got = &m->plan.steps[k];
        ck_assert_msg(got->layer == want[k].layer && got->in == want[k].in &&
                          got->out == want[k].out && got->act == want[k].act,
                      "step %zu: layer %zu in %zu out %zu act %d; want %zu %zu %zu %d", k,
                      got->layer, got->in, got->out, (int)got->act, want[k].layer, want[k].in,
                      want[k].out, (int)want[k].act);
    }
    ck_assert_uint_eq(m->plan.logits, 9);
    ck_assert_uint_eq(cocob_plan_output(&m->plan, 1), 2);
    ck_assert_uint_eq(cocob_plan_output(&m->plan, 2), 2);
    ck_assert_uint_eq(cocob_plan_output(&m->plan, 7), 7);

    /* The buffers follow the plan: a fused layer writes into its
     * activation's y and keeps only its dy; a flatten has neither. */
    float x[2 * 64];
    int32_t labels[2] = {0, 2};
    for (size_t i = 0; i < sizeof x / sizeof *x; i++)
        x[i] = (float)i / 64.0f - 1.0f;
    double loss;
    size_t correct;
    ck_assert_int_eq(
        cocob_model_eval_batch(m, &(cocob_batch){x, labels, NULL, 2}, &loss, &correct), COCOB_OK);
    ck_assert(isfinite(loss) && loss > 0);
    ck_assert_ptr_null(m->layers[1].y);
    ck_assert_ptr_nonnull(m->layers[1].dy);
    ck_assert_ptr_nonnull(m->layers[2].y);
    ck_assert_ptr_null(m->layers[4].y);
    ck_assert_ptr_null(m->layers[4].dy);
    ck_assert_ptr_nonnull(m->layers[7].y);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

/* A ReLU between a convolution and a max-pool runs after the pool, as the
 * pool's fused activation: the convolution keeps its bias alone and its
 * own y, and the ReLU's output before the pool exists nowhere. tanh
 * stays where it is (see the test above). */
START_TEST(a_relu_before_a_max_pool_runs_after_it)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m = model_of(ctx, 1, 8, 8, "conv:2x3x3:p1,relu,maxpool:2,flatten,dense:3");
    ck_assert_int_eq(cocob_model_init(m, 1), COCOB_OK);
    const plan_step want[] = {
        {0, PLAN_INPUT, 0, COCOB_ACT_IDENTITY},
        {2, 0, 1, COCOB_ACT_RELU},
        {4, 1, 4, COCOB_ACT_IDENTITY},
    };
    ck_assert_uint_eq(m->plan.count, sizeof want / sizeof *want);
    for (size_t k = 0; k < m->plan.count; k++) {
        const plan_step *got = &m->plan.steps[k];
        ck_assert_msg(got->layer == want[k].layer && got->in == want[k].in &&
                          got->out == want[k].out && got->act == want[k].act,
                      "step %zu: layer %zu in %zu out %zu act %d; want %zu %zu %zu %d", k,
                      got->layer, got->in, got->out, (int)got->act, want[k].layer, want[k].in,
                      want[k].out, (int)want[k].act);
    }
    ck_assert_uint_eq(cocob_plan_output(&m->plan, 0), 0);
    ck_assert_uint_eq(cocob_plan_output(&m->plan, 1), PLAN_NONE);
    ck_assert_uint_eq(cocob_plan_output(&m->plan, 2), 1);
    float x[2 * 64];
    int32_t labels[2] = {0, 2};
    for (size_t i = 0; i < sizeof x / sizeof *x; i++)
        x[i] = (float)i / 64.0f - 1.0f;
    double loss;
    size_t correct;
    ck_assert_int_eq(
        cocob_model_eval_batch(m, &(cocob_batch){x, labels, NULL, 2}, &loss, &correct), COCOB_OK);
    ck_assert(isfinite(loss) && loss > 0);
    ck_assert_ptr_nonnull(m->layers[0].y);
    ck_assert_ptr_nonnull(m->layers[1].y);
    ck_assert_ptr_null(m->layers[2].y);
    ck_assert_ptr_nonnull(m->layers[2].idx);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, paper_networks_have_the_paper_shapes);
    tcase_add_test(tc, spec_items_parse);
    tcase_add_test(tc, bad_spec_items_are_pointed_at);
    tcase_add_test(tc, impossible_shapes_name_the_layer);
    tcase_add_test(tc, a_long_summary_is_measured_and_printed_whole);
    tcase_add_test(tc, init_is_seeded_and_within_limits);
    tcase_add_test(tc, the_plan_lists_each_layers_work_with_its_fusion);
    tcase_add_test(tc, a_relu_before_a_max_pool_runs_after_it);
    suite_add_tcase(s, tc);
    return test_run(s);
}
