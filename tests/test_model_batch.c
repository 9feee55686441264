/* The model on a caller's arrays: cocob_model_train_batch, cocob_model_predict
 * and cocob_model_evaluate, what they compute and what they refuse. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/model.h"
#include "testutil.h"

enum { FEATURES = 2, CLASSES = 2, N = 64 };

/* Two Gaussian-ish blobs, class 0 around (-1, -1) and class 1 around (1, 1). */
static void blobs(float *x, int32_t *y, size_t n, uint64_t seed)
{
    test_rng r = {seed};
    for (size_t i = 0; i < n; i++) {
        y[i] = (int32_t)(i % 2);
        float centre = y[i] ? 1.0f : -1.0f;
        for (size_t f = 0; f < FEATURES; f++)
            x[i * FEATURES + f] = centre + test_rng_uniform(&r, -0.8f, 0.8f);
    }
}

static cocob_model *small_model(cocob_context *ctx, uint64_t seed)
{
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 1, FEATURES, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, "dense:8,relu,dense:2"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, seed), COCOB_OK);
    return m;
}

static cocob_optimizer *optimizer_of(cocob_context *ctx, cocob_model *m)
{
    cocob_tensor *params = cocob_model_params(m);
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &opt), COCOB_OK);
    return opt;
}

static float *weights_of(cocob_model *m)
{
    size_t n = cocob_model_param_count(m);
    float *w = malloc(n * sizeof *w);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(m), w, n), COCOB_OK);
    return w;
}

START_TEST(train_batch_learns_the_blobs)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m = small_model(ctx, 3);
    cocob_optimizer *opt = optimizer_of(ctx, m);
    float x[N * FEATURES];
    int32_t y[N];
    blobs(x, y, N, 11);
    cocob_batch batch = {x, y, NULL, N};
    cocob_evaluation before, after;
    ck_assert_int_eq(cocob_model_evaluate(m, &batch, &before), COCOB_OK);
    double loss = 0, first = 0;
    for (int step = 0; step < 100; step++) {
        cocob_status s = cocob_model_train_batch(m, opt, &batch, &loss);
        ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
        if (step == 0)
            first = loss;
    }
    ck_assert_msg(loss < first / 4, "loss %g after 100 steps, %g at the first", loss, first);
    ck_assert_int_eq(cocob_model_evaluate(m, &batch, &after), COCOB_OK);
    ck_assert_double_lt(after.loss, before.loss);
    ck_assert_double_eq(after.accuracy, 1.0);
    ck_assert(isnan(after.rmse) && isnan(after.r2));
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(train_batch_is_the_training_loops_step)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *a = small_model(ctx, 5), *b = small_model(ctx, 5);
    cocob_optimizer *oa = optimizer_of(ctx, a), *ob = optimizer_of(ctx, b);
    float x[N * FEATURES];
    int32_t y[N];
    blobs(x, y, N, 12);
    for (int step = 0; step < 5; step++) {
        /* A different count each step: the buffers grow and are reused. */
        size_t n = step == 2 ? N : N / 2 + (size_t)step;
        cocob_batch batch = {x, y, NULL, n};
        double la, lb;
        ck_assert_int_eq(cocob_model_train_batch(a, oa, &batch, &la), COCOB_OK);
        ck_assert_int_eq(cocob_model_step(b, ob, &(cocob_batch){x, y, NULL, n}, &lb, NULL),
                         COCOB_OK);
        ck_assert(memcmp(&la, &lb, sizeof la) == 0);
    }
    float *wa = weights_of(a), *wb = weights_of(b);
    ck_assert(memcmp(wa, wb, cocob_model_param_count(a) * sizeof *wa) == 0);
    free(wa);
    free(wb);
    cocob_optimizer_destroy(oa);
    cocob_optimizer_destroy(ob);
    cocob_model_destroy(a);
    cocob_model_destroy(b);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(predict_gives_probabilities_that_match_the_accuracy)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m = small_model(ctx, 7);
    cocob_optimizer *opt = optimizer_of(ctx, m);
    /* More than the 256 inference takes at once, and a ragged last part. */
    enum { MANY = 600 };
    float *x = malloc(MANY * FEATURES * sizeof *x);
    int32_t *y = malloc(MANY * sizeof *y);
    float *p = malloc(MANY * CLASSES * sizeof *p), *logits = malloc(MANY * CLASSES * sizeof *p);
    ck_assert(x && y && p && logits);
    blobs(x, y, MANY, 13);
    double loss;
    cocob_batch few = {x, y, NULL, 8};
    for (int step = 0; step < 3; step++)
        ck_assert_int_eq(cocob_model_train_batch(m, opt, &few, &loss), COCOB_OK);
    ck_assert_int_eq(cocob_model_predict(m, x, MANY, COCOB_OUTPUT_PROBABILITIES, p), COCOB_OK);
    ck_assert_int_eq(cocob_model_predict(m, x, MANY, COCOB_OUTPUT_LOGITS, logits), COCOB_OK);
    size_t correct = 0;
    for (size_t i = 0; i < MANY; i++) {
        const float *row = p + i * CLASSES;
        ck_assert_double_lt(fabs((double)row[0] + row[1] - 1.0), 1e-6);
        ck_assert(row[0] >= 0 && row[1] >= 0);
        int predicted = row[1] > row[0];
        ck_assert_int_eq(predicted, logits[i * CLASSES + 1] > logits[i * CLASSES]);
        correct += predicted == y[i];
    }
    cocob_batch all = {x, y, NULL, MANY};
    cocob_evaluation e;
    ck_assert_int_eq(cocob_model_evaluate(m, &all, &e), COCOB_OK);
    ck_assert_double_eq(e.accuracy, (double)correct / MANY);
    ck_assert(correct > 0 && correct < MANY); /* three steps: not yet perfect */
    /* An example's logits do not depend on what it is predicted with. */
    float one[CLASSES];
    ck_assert_int_eq(cocob_model_predict(m, x + 599 * FEATURES, 1, COCOB_OUTPUT_LOGITS, one),
                     COCOB_OK);
    ck_assert(memcmp(one, logits + 599 * CLASSES, sizeof one) == 0);
    free(x);
    free(y);
    free(p);
    free(logits);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

/* s must be status and the context's message must hold text. */
static void refused(cocob_context *ctx, cocob_status s, cocob_status status, const char *text)
{
    ck_assert_msg(s == status, "status %s, wanted %s (%s)", cocob_status_name(s),
                  cocob_status_name(status), cocob_context_error(ctx));
    ck_assert_msg(strstr(cocob_context_error(ctx), text), "\"%s\" lacks \"%s\"",
                  cocob_context_error(ctx), text);
}

START_TEST(bad_batches_are_refused_by_name_and_index)
{
    cocob_context *ctx = test_context("ref");
    cocob_model *m = small_model(ctx, 9), *other = small_model(ctx, 9), *bare;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 1, FEATURES, &bare), COCOB_OK);
    ck_assert_int_eq(cocob_model_add(bare, cocob_dense(2)), COCOB_OK);
    cocob_optimizer *opt = optimizer_of(ctx, m), *wrong = optimizer_of(ctx, other);
    float x[4 * FEATURES] = {0}, out[4 * CLASSES];
    int32_t y[4] = {0, 1, 1, 0};
    float t[4 * CLASSES] = {0};
    double loss;
    cocob_evaluation e;
    float *w = weights_of(m);

    cocob_batch b = {x, y, NULL, 0};
    refused(ctx, cocob_model_train_batch(m, opt, &b, &loss), COCOB_ERR_INVALID_ARGUMENT,
            "cocob_model_train_batch: count is 0; it must be from 1 to");
    refused(ctx, cocob_model_evaluate(m, &b, &e), COCOB_ERR_INVALID_ARGUMENT,
            "cocob_model_evaluate: count is 0");
    refused(ctx, cocob_model_predict(m, x, 0, COCOB_OUTPUT_LOGITS, out),
            COCOB_ERR_INVALID_ARGUMENT, "cocob_model_predict: count is 0");
    b = (cocob_batch){NULL, y, NULL, 4};
    refused(ctx, cocob_model_train_batch(m, opt, &b, &loss), COCOB_ERR_INVALID_ARGUMENT,
            "cocob_model_train_batch: batch->x is NULL");
    b = (cocob_batch){x, NULL, NULL, 4};
    refused(ctx, cocob_model_train_batch(m, opt, &b, &loss), COCOB_ERR_INVALID_ARGUMENT,
            "batch->labels is NULL; this model's loss (softmax cross-entropy) takes a class "
            "label per example");
    b = (cocob_batch){x, y, t, 4};
    refused(ctx, cocob_model_train_batch(m, opt, &b, &loss), COCOB_ERR_INVALID_ARGUMENT,
            "batch->targets is set, but this model's loss (softmax cross-entropy) takes class "
            "labels");
    y[3] = 2;
    b = (cocob_batch){x, y, NULL, 4};
    refused(ctx, cocob_model_train_batch(m, opt, &b, &loss), COCOB_ERR_INVALID_ARGUMENT,
            "batch->labels[3] is 2; the model has 2 outputs, so a label is from 0 to 1");
    y[3] = 0;
    y[1] = -1;
    refused(ctx, cocob_model_evaluate(m, &b, &e), COCOB_ERR_INVALID_ARGUMENT,
            "cocob_model_evaluate: data->labels[1] is -1");
    y[1] = 1;
    refused(ctx, cocob_model_train_batch(m, wrong, &b, &loss), COCOB_ERR_INVALID_ARGUMENT,
            "the optimizer must be the one made over cocob_model_params(m)");
    refused(ctx, cocob_model_train_batch(m, NULL, &b, &loss), COCOB_ERR_INVALID_ARGUMENT,
            "cocob_model_train_batch: the optimizer is NULL");
    refused(ctx, cocob_model_predict(bare, x, 4, COCOB_OUTPUT_LOGITS, out),
            COCOB_ERR_INVALID_ARGUMENT, "cocob_model_predict: call cocob_model_init");
    refused(ctx, cocob_model_predict(m, x, 4, (cocob_output)7, out), COCOB_ERR_INVALID_ARGUMENT,
            "what is 7; it must be COCOB_OUTPUT_LOGITS or COCOB_OUTPUT_PROBABILITIES");
    refused(ctx, cocob_model_predict(m, x, 4, COCOB_OUTPUT_LOGITS, NULL),
            COCOB_ERR_INVALID_ARGUMENT, "cocob_model_predict: out is NULL");
    x[2 * FEATURES + 1] = NAN;
    refused(ctx, cocob_model_predict(m, x, 4, COCOB_OUTPUT_LOGITS, out), COCOB_ERR_NONFINITE,
            "cocob_model_predict: x[5] (example 2, value 1 of its 2) is nan");
    refused(ctx, cocob_model_evaluate(m, &b, &e), COCOB_ERR_NONFINITE,
            "cocob_model_evaluate: data->x[5] (example 2, value 1 of its 2) is nan");
    /* Training leaves the scan to the step's guard, which names the input
     * and moves nothing. */
    refused(ctx, cocob_model_train_batch(m, opt, &b, &loss), COCOB_ERR_NONFINITE,
            "the input batch itself holds 1 NaN or infinite value(s); no weight was changed");
    float *after = weights_of(m);
    ck_assert(memcmp(w, after, cocob_model_param_count(m) * sizeof *w) == 0);
    ck_assert_uint_eq(cocob_optimizer_steps(opt), 0);
    free(w);
    free(after);
    cocob_optimizer_destroy(opt);
    cocob_optimizer_destroy(wrong);
    cocob_model_destroy(m);
    cocob_model_destroy(other);
    cocob_model_destroy(bare);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_batch");
    TCase *tc = tcase_create("model_batch");
    tcase_add_test(tc, train_batch_learns_the_blobs);
    tcase_add_test(tc, train_batch_is_the_training_loops_step);
    tcase_add_test(tc, predict_gives_probabilities_that_match_the_accuracy);
    tcase_add_test(tc, bad_batches_are_refused_by_name_and_index);
    suite_add_tcase(s, tc);
    return test_run(s);
}
