/* Absurd sizes given to the C API are refused with a message, never
 * wrapped into a small allocation that is then overrun: a batch of 2^62 to
 * cocob_train and cocob_evaluate, a bench of 2^62 + 1 floats. And a batch
 * larger than the data set holds memory for the examples there are. */
#include <stdint.h>
#include <string.h>

#include "nn/model.h"
#include "data/dataset.h"
#include "cocob/tools.h"
#include "testutil.h"

enum { EXAMPLES = 8 };

/* EXAMPLES images of 1x2x2 in two classes, made in memory. */
static cocob_dataset *tiny(cocob_context *ctx)
{
    cocob_dataset *d = NULL;
    ck_assert_int_eq(cocob_dataset_alloc(&ctx->err, "tiny", EXAMPLES, 1, 2, 2, &d), COCOB_OK);
    d->classes = 2;
    for (size_t i = 0; i < EXAMPLES; i++) {
        d->labels[i] = (int32_t)(i % 2);
        for (size_t k = 0; k < 4; k++)
            d->images[i * 4 + k] = (float)((i + k) % 3) / 2.0f;
    }
    return d;
}

typedef struct run {
    cocob_context *ctx;
    cocob_dataset *data;
    cocob_model *model;
    cocob_optimizer *opt;
} run;

static run open_run(void)
{
    run r;
    r.ctx = test_context("ref");
    r.data = tiny(r.ctx);
    ck_assert_int_eq(cocob_model_create(r.ctx, 1, 2, 2, &r.model), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(r.model, "dense:2"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(r.model, 1), COCOB_OK);
    cocob_tensor *params = cocob_model_params(r.model);
    ck_assert_int_eq(cocob_optimizer_create(r.ctx, NULL, 1, &params, &r.opt), COCOB_OK);
    return r;
}

static void close_run(run *r)
{
    cocob_optimizer_destroy(r->opt);
    cocob_model_destroy(r->model);
    cocob_dataset_destroy(r->data);
    cocob_context_destroy(r->ctx);
}

static const size_t absurd[] = {(size_t)1 << 62, SIZE_MAX, COCOB_BATCH_MAX + 1};

START_TEST(train_refuses_an_absurd_batch)
{
    run r = open_run();
    for (size_t i = 0; i < sizeof absurd / sizeof *absurd; i++) {
        cocob_train_options o;
        cocob_train_options_init(&o);
        o.batch = absurd[i];
        ck_assert_int_eq(cocob_train(r.model, r.opt, r.data, r.data, &o),
                         COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_msg(strstr(cocob_context_error(r.ctx), "train: a batch of"), "%s",
                      cocob_context_error(r.ctx));
    }
    close_run(&r);
}
END_TEST

START_TEST(evaluate_refuses_an_absurd_batch)
{
    run r = open_run();
    for (size_t i = 0; i < sizeof absurd / sizeof *absurd; i++) {
        double loss, accuracy;
        ck_assert_int_eq(cocob_evaluate(r.model, r.data, absurd[i], &loss, &accuracy),
                         COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_msg(strstr(cocob_context_error(r.ctx), "evaluate: a batch of"), "%s",
                      cocob_context_error(r.ctx));
    }
    close_run(&r);
}
END_TEST

/* Buffers sized by the batch asked for would be 2^31 examples of 16 bytes,
 * 32 GB: sized by the 8 examples there are, the run goes through. */
START_TEST(a_batch_beyond_the_data_holds_only_the_data)
{
    run r = open_run();
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.batch = COCOB_BATCH_MAX;
    o.epochs = 2;
    cocob_status s = cocob_train(r.model, r.opt, r.data, r.data, &o);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(r.ctx));
    double loss, accuracy;
    s = cocob_evaluate(r.model, r.data, COCOB_BATCH_MAX, &loss, &accuracy);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(r.ctx));
    close_run(&r);
}
END_TEST

START_TEST(bench_update_refuses_a_size_that_wraps)
{
    cocob_context *ctx = test_context("ref");
    cocob_bench_update_result res;
    /* (2^62 + 1) * 4 wraps to 4 bytes. */
    ck_assert_int_eq(cocob_bench_update(ctx, ((size_t)1 << 62) + 1, 1, &res),
                     COCOB_ERR_OUT_OF_MEMORY);
    ck_assert_msg(strstr(cocob_context_error(ctx), "more bytes than memory can address"), "%s",
                  cocob_context_error(ctx));
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(a_data_set_too_large_to_count_is_refused)
{
    cocob_context *ctx = test_context("ref");
    cocob_dataset *d = (cocob_dataset *)1;
    ck_assert_int_eq(cocob_dataset_alloc(&ctx->err, "huge", (size_t)1 << 42, 3, 1024, 1024, &d),
                     COCOB_ERR_OUT_OF_MEMORY);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(cocob_context_error(ctx), "more bytes than memory can address"), "%s",
                  cocob_context_error(ctx));
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sizes");
    TCase *tc = tcase_create("sizes");
    tcase_add_test(tc, train_refuses_an_absurd_batch);
    tcase_add_test(tc, evaluate_refuses_an_absurd_batch);
    tcase_add_test(tc, a_batch_beyond_the_data_holds_only_the_data);
    tcase_add_test(tc, bench_update_refuses_a_size_that_wraps);
    tcase_add_test(tc, a_data_set_too_large_to_count_is_refused);
    suite_add_tcase(s, tc);
    return test_run(s);
}
