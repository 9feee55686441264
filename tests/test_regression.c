/* A model trained on mean squared error: the loss is chosen before
 * cocob_model_init, a batch must hold what the loss takes, the step trains
 * a linear map down, a NaN target is named, and the evaluation's RMSE and
 * R^2 on a case worked by hand. The ops are test_mse's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "nn/model.h"
#include "testutil.h"

static cocob_model *model_of(cocob_context *ctx, size_t inputs, const char *spec, cocob_loss loss)
{
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 1, inputs, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, spec), COCOB_OK);
    ck_assert_int_eq(cocob_model_set_loss(m, loss), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 5), COCOB_OK);
    return m;
}

static void assert_error_says(cocob_context *ctx, const char *a, const char *b)
{
    const char *msg = cocob_context_error(ctx);
    ck_assert_msg(strstr(msg, a) && (!b || strstr(msg, b)), "\"%s\" does not say %s and %s", msg,
                  a, b ? b : "");
}

START_TEST(the_loss_is_chosen_before_init)
{
    cocob_context *ctx = test_context("ref");
    ck_assert_str_eq(cocob_loss_name(COCOB_LOSS_XENT), "xent");
    ck_assert_str_eq(cocob_loss_name(COCOB_LOSS_MSE), "mse");
    ck_assert_ptr_null(cocob_loss_name((cocob_loss)2));
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 1, 4, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_loss(m), COCOB_LOSS_XENT);
    ck_assert_int_eq(cocob_model_set_loss(m, (cocob_loss)7), COCOB_ERR_INVALID_ARGUMENT);
    assert_error_says(ctx, "unknown loss 7", NULL);
    ck_assert_int_eq(cocob_model_add_spec(m, "dense:2"), COCOB_OK);
    ck_assert_int_eq(cocob_model_set_loss(m, COCOB_LOSS_MSE), COCOB_OK);
    ck_assert_int_eq(cocob_model_loss(m), COCOB_LOSS_MSE);
    ck_assert_int_eq(cocob_model_init(m, 1), COCOB_OK);
    ck_assert_int_eq(cocob_model_set_loss(m, COCOB_LOSS_XENT), COCOB_ERR_INVALID_ARGUMENT);
    assert_error_says(ctx, "the loss (xent) must be chosen before cocob_model_init", NULL);
    ck_assert_int_eq(cocob_model_loss(m), COCOB_LOSS_MSE);
    ck_assert_int_eq(cocob_model_set_loss(NULL, COCOB_LOSS_MSE), COCOB_ERR_INVALID_ARGUMENT);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(a_batch_must_hold_what_the_loss_takes)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *xent = model_of(ctx, 4, "dense:2", COCOB_LOSS_XENT);
    cocob_model *mse = model_of(ctx, 4, "dense:2", COCOB_LOSS_MSE);
    cocob_tensor *params = cocob_model_params(mse);
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &opt), COCOB_OK);
    float x[8] = {0}, t[4] = {0};
    int32_t labels[2] = {0, 1};
    double loss;
    size_t correct;
    ck_assert_int_eq(cocob_model_eval_batch(xent, &(cocob_batch){x, NULL, t, 2}, &loss, &correct),
                     COCOB_ERR_INVALID_ARGUMENT);
    assert_error_says(ctx, "the batch holds targets", "the model's loss, xent");
    ck_assert_int_eq(cocob_model_step(mse, opt, &(cocob_batch){x, labels, NULL, 2}, &loss, NULL),
                     COCOB_ERR_INVALID_ARGUMENT);
    assert_error_says(ctx, "the batch holds labels", "the model's loss, mse");
    ck_assert_int_eq(cocob_model_step(mse, opt, &(cocob_batch){x, labels, t, 2}, &loss, NULL),
                     COCOB_ERR_INVALID_ARGUMENT);
    assert_error_says(ctx, "both labels and targets", "takes float targets alone");
    ck_assert_int_eq(cocob_model_eval_batch(mse, &(cocob_batch){x, NULL, NULL, 2}, &loss,
                                            &correct),
                     COCOB_ERR_INVALID_ARGUMENT);
    assert_error_says(ctx, "neither labels nor targets", NULL);
    ck_assert_int_eq(cocob_optimizer_steps(opt), 0);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(xent);
    cocob_model_destroy(mse);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(a_labelled_set_is_for_xent_alone)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m = model_of(ctx, 4, "dense:2", COCOB_LOSS_MSE);
    cocob_dataset *d;
    ck_assert_int_eq(cocob_dataset_alloc(&ctx->err, "test", 3, 1, 1, 4, &d), COCOB_OK);
    d->classes = 2;
    double loss, accuracy;
    ck_assert_int_eq(cocob_evaluate(m, d, 2, &loss, &accuracy), COCOB_ERR_INVALID_ARGUMENT);
    assert_error_says(ctx, "the evaluation data holds class labels",
                      "but the model's loss is mse, which takes float targets");
    cocob_dataset_destroy(d);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

/* N examples of 8 inputs and their targets, 3 each: a fixed linear map. */
enum { N = 64, IN = 8, OUT = 3 };

static void linear_data(float *x, float *t)
{
    test_rng rng = {9};
    for (size_t i = 0; i < N * IN; i++)
        x[i] = test_rng_uniform(&rng, -1, 1);
    for (size_t e = 0; e < N; e++)
        for (size_t o = 0; o < OUT; o++) {
            float sum = 0.5f * (float)o;
            for (size_t i = 0; i < IN; i++)
                sum += x[e * IN + i] * (float)((int)((i + o) % 5) - 2) * 0.25f;
            t[e * OUT + o] = sum;
        }
}

START_TEST(training_fits_a_linear_map)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    cocob_model *m = model_of(ctx, IN, "dense:3", COCOB_LOSS_MSE);
    cocob_tensor *params = cocob_model_params(m);
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &opt), COCOB_OK);
    float x[N * IN], t[N * OUT];
    linear_data(x, t);
    cocob_batch data = {x, NULL, t, N};
    cocob_evaluation before, after;
    ck_assert_int_eq(cocob_model_eval(m, &data, 10, &before), COCOB_OK);
    double first = 0, loss = 0;
    for (int step = 0; step < 60; step++) {
        cocob_status s = cocob_model_step(m, opt, &data, &loss, NULL);
        ck_assert_msg(s == COCOB_OK, "step %d: %s", step, cocob_context_error(ctx));
        if (step == 0)
            first = loss;
    }
    /* The first step's loss is the evaluation's, from the same weights and
     * the same per-example losses, summed the same way. */
    ck_assert_msg(first == before.loss, "first step %.17g, evaluation %.17g", first, before.loss);
    ck_assert_int_eq(cocob_model_eval(m, &data, 10, &after), COCOB_OK);
    printf("loss %g from %g, R^2 %g\n", after.loss, before.loss, after.r2);
    ck_assert_msg(after.loss < before.loss / 100, "loss %g, from %g", after.loss, before.loss);
    ck_assert(after.rmse == sqrt(after.loss) && after.r2 > 0.99 && after.r2 <= 1);
    ck_assert(isnan(after.accuracy)); /* a classifier's figure */
    /* A NaN target is named, and moves no weight. */
    t[5] = NAN;
    ck_assert_int_eq(cocob_model_step(m, opt, &data, &loss, NULL), COCOB_ERR_NONFINITE);
    assert_error_says(ctx, "the batch's targets hold 1 NaN", "no weight was changed");
    ck_assert_int_eq(cocob_optimizer_steps(opt), 60);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(rmse_and_r2_worked_by_hand)
{
    /* dense:1 on one input with weight 1 and bias 0 predicts its input:
     * x = 1 2 3 4 against targets 1 2 3 5 leaves one error of 1, so the
     * MSE is 1/4, the RMSE 1/2, and with the targets' mean 2.75 their sum
     * of squares is 1.75^2 + 0.75^2 + 0.25^2 + 2.25^2 = 8.75, so
     * R^2 = 1 - 1 / 8.75. Batches of 3 then 1. */
    cocob_context *ctx = test_context("ref");
    cocob_model *m = model_of(ctx, 1, "dense:1", COCOB_LOSS_MSE);
    const float w[2] = {1, 0};
    ck_assert_int_eq(cocob_tensor_upload(cocob_model_params(m), w, 2), COCOB_OK);
    const float x[4] = {1, 2, 3, 4}, t[4] = {1, 2, 3, 5};
    cocob_evaluation e;
    ck_assert_int_eq(cocob_model_eval(m, &(cocob_batch){x, NULL, t, 4}, 3, &e), COCOB_OK);
    ck_assert(e.loss == 0.25 && e.rmse == 0.5 && isnan(e.accuracy));
    ck_assert_msg(fabs(e.r2 - (1 - 1 / 8.75)) < 1e-15, "R^2 %.17g", e.r2);
    /* Constant targets: R^2 is undefined. */
    const float flat[4] = {2, 2, 2, 2};
    ck_assert_int_eq(cocob_model_eval(m, &(cocob_batch){x, NULL, flat, 4}, 4, &e), COCOB_OK);
    ck_assert(e.loss == 1.5 && isnan(e.r2));
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regression");
    TCase *tc = tcase_create("mse");
    tcase_add_test(tc, the_loss_is_chosen_before_init);
    tcase_add_test(tc, a_batch_must_hold_what_the_loss_takes);
    tcase_add_test(tc, rmse_and_r2_worked_by_hand);
    tcase_add_test(tc, a_labelled_set_is_for_xent_alone);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(tc, training_fits_a_linear_map, 0, 2);
#else
    tcase_add_loop_test(tc, training_fits_a_linear_map, 0, 1);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
