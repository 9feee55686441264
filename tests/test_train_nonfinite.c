/* A NaN or an infinity in a training step: the step stops before any
 * weight moves and names where the numbers went wrong (the input, the
 * first layer whose output is not finite, or the layer whose gradient is
 * not); cocob_train adds the epoch and the step; with skip_nonfinite the
 * batch is dropped and counted instead. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/model.h"
#include "data/dataset.h"
#include "testutil.h"

enum { SIDE = 4, PIXELS = SIDE * SIDE, N = 4, CLASSES = 10 };

typedef struct setup {
    cocob_context *ctx;
    cocob_model *m;
    cocob_optimizer *opt;
    float x[N * PIXELS];
    int32_t y[N];
} setup;

static void make(setup *t, const char *selector)
{
    t->ctx = test_context(selector);
    ck_assert_int_eq(cocob_model_create(t->ctx, 1, SIDE, SIDE, &t->m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(t->m, "dense:8,relu,dense:10"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(t->m, 2), COCOB_OK);
    cocob_tensor *params = cocob_model_params(t->m);
    ck_assert_int_eq(cocob_optimizer_create(t->ctx, NULL, 1, &params, &t->opt), COCOB_OK);
    test_rng rng = {5};
    for (size_t i = 0; i < N * PIXELS; i++)
        t->x[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < N; i++)
        t->y[i] = (int32_t)(i % CLASSES);
}

static void done(setup *t)
{
    cocob_optimizer_destroy(t->opt);
    cocob_model_destroy(t->m);
    cocob_context_destroy(t->ctx);
}

static float *weights(setup *t)
{
    size_t n = cocob_model_param_count(t->m);
    float *w = malloc(n * sizeof *w);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(t->m), w, n), COCOB_OK);
    return w;
}

static void set_weights(setup *t, const float *w)
{
    ck_assert_int_eq(cocob_tensor_upload(cocob_model_params(t->m), w,
                                         cocob_model_param_count(t->m)),
                     COCOB_OK);
}

/* One step must fail with COCOB_ERR_NONFINITE, say words, and move nothing. */
static void refused(setup *t, const char *words)
{
    float *before = weights(t);
    double loss;
    cocob_status s = cocob_model_step(t->m, t->opt, &(cocob_batch){t->x, t->y, NULL, N}, &loss,
                                      NULL);
    const char *msg = cocob_context_error(t->ctx);
    ck_assert_msg(s == COCOB_ERR_NONFINITE, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strstr(msg, words) != NULL, "\"%s\" is not in: %s", words, msg);
    float *after = weights(t);
    ck_assert_msg(memcmp(before, after, cocob_model_param_count(t->m) * sizeof *after) == 0,
                  "a refused step moved the weights");
    free(before);
    free(after);
}

static const char *selector_of(int i)
{
    return i == 0 ? "ref" : test_device_selector();
}

START_TEST(a_nan_in_the_input_is_named)
{
    setup t;
    make(&t, selector_of(_i));
    t.x[5] = NAN;
    refused(&t, "the input batch itself holds 1 NaN or infinite value(s)");
    done(&t);
}
END_TEST

START_TEST(the_first_layer_whose_output_is_not_finite_is_named)
{
    setup t;
    make(&t, selector_of(_i));
    /* An infinite weight in the last dense layer: layer 2. */
    float *w = weights(&t);
    w[t.m->layers[2].w_off + 3] = INFINITY;
    set_weights(&t, w);
    free(w);
    refused(&t, "layer 2 (dense:10) is the first whose output holds NaN or infinite values");
    done(&t);
}
END_TEST

START_TEST(a_gradient_that_overflows_is_named_by_layer)
{
    setup t;
    make(&t, selector_of(_i));
    /* Pixel 0 near the float's largest, its weights 0: every output stays
     * finite, but dW = dy^T x overflows in layer 0's weights once layer 2's
     * weights, a thousand times larger, make dy large. */
    float *w = weights(&t);
    for (size_t u = 0; u < 8; u++)
        w[t.m->layers[0].w_off + u * PIXELS] = 0.0f;
    for (size_t i = 0; i < t.m->layers[2].w_count; i++)
        w[t.m->layers[2].w_off + i] *= 1000.0f;
    set_weights(&t, w);
    free(w);
    for (size_t e = 0; e < N; e++)
        t.x[e * PIXELS] = 3e38f;
    refused(&t, "the gradient of layer 0 (dense:8)'s weights holds");
    done(&t);
}
END_TEST

/* 40 finite examples of every class, five batches of 8. */
static cocob_dataset *forty_examples(void)
{
    cocob_dataset *d;
    cocob_error err = {0};
    ck_assert_int_eq(cocob_dataset_alloc(&err, "test", 40, 1, SIDE, SIDE, &d), COCOB_OK);
    d->classes = CLASSES;
    test_rng rng = {6};
    for (size_t i = 0; i < 40 * PIXELS; i++)
        d->images[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < 40; i++)
        d->labels[i] = (int32_t)(i % CLASSES);
    return d;
}

static void count_skipped(const cocob_epoch_report *r, void *user)
{
    *(size_t *)user += r->skipped;
}

START_TEST(training_names_the_step_or_skips_the_batch)
{
    setup t;
    make(&t, selector_of(_i));
    cocob_dataset *d = forty_examples();
    d->images[17 * PIXELS + 3] = NAN;
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.batch = 8;
    cocob_status s = cocob_train(t.m, t.opt, d, NULL, &o);
    ck_assert_int_eq(s, COCOB_ERR_NONFINITE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(t.ctx), "(epoch 1, step "));

    /* Skipping: in each of two epochs, the one batch of five that holds
     * the NaN is dropped, and the weights stay finite. */
    size_t skipped = 0;
    o.skip_nonfinite = 1;
    o.epochs = 2;
    o.on_epoch = count_skipped;
    o.user = &skipped;
    s = cocob_train(t.m, t.opt, d, NULL, &o);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(t.ctx));
    ck_assert_uint_eq(skipped, 2);
    float *w = weights(&t);
    for (size_t i = 0; i < cocob_model_param_count(t.m); i++)
        ck_assert_msg(isfinite(w[i]), "weight %zu is %g after skipping", i, w[i]);
    free(w);
    done(&t);
    cocob_dataset_destroy(d);
}
END_TEST

static char *read_whole(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    *size = ftell(f);
    rewind(f);
    char *bytes = malloc((size_t)*size);
    ck_assert_ptr_nonnull(bytes);
    ck_assert_uint_eq(fread(bytes, 1, (size_t)*size, f), (size_t)*size);
    fclose(f);
    return bytes;
}

/* After epoch 1, whose checkpoint is saved before it is reported: keeps that
 * checkpoint's bytes, then puts a NaN in every example, so that each of
 * epoch 2's batches is dropped. The data set stays the same object, as a
 * resume would refuse other data. */
typedef struct poison {
    cocob_dataset *d;
    const char *file;
    char *good;
    long good_size;
} poison;

static void poison_after_first_epoch(const cocob_epoch_report *r, void *user)
{
    poison *p = user;
    if (r->epoch != 1)
        return;
    p->good = read_whole(p->file, &p->good_size);
    for (size_t i = 0; i < p->d->count; i++)
        p->d->images[i * PIXELS + 1] = NAN;
}

START_TEST(an_epoch_whose_every_batch_is_dropped_fails_and_keeps_the_checkpoint)
{
    setup t;
    make(&t, selector_of(_i));
    cocob_dataset *d = forty_examples();
    char *dir = test_tmpdir("dead-epoch");
    char *file = malloc(strlen(dir) + 16);
    ck_assert_ptr_nonnull(file);
    sprintf(file, "%s/run.ckpt", dir);

    /* A good first epoch, saved; then an epoch of nothing but NaN, periodic
     * saves included. */
    poison p = {d, file, NULL, 0};
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.batch = 8;
    o.epochs = 2;
    o.skip_nonfinite = 1;
    o.checkpoint = file;
    o.checkpoint_every = 2;
    o.on_epoch = poison_after_first_epoch;
    o.user = &p;
    cocob_status s = cocob_train(t.m, t.opt, d, NULL, &o);
    const char *msg = cocob_context_error(t.ctx);
    ck_assert_msg(s == COCOB_ERR_NONFINITE, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strstr(msg, "epoch 2: every one of its 5 batch(es) was dropped for NaN or "
                              "infinite values"),
                  "%s", msg);
    ck_assert_ptr_nonnull(p.good);
    long good_size = p.good_size;
    char *good = p.good;
    long now_size;
    char *now = read_whole(file, &now_size);
    ck_assert_msg(now_size == good_size && memcmp(now, good, (size_t)now_size) == 0,
                  "the dead epoch replaced the last good checkpoint");
    free(now);
    free(good);
    test_rmtree(dir);
    free(dir);
    free(file);
    done(&t);
    cocob_dataset_destroy(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train_nonfinite");
    TCase *tc = tcase_create("nonfinite");
    tcase_add_loop_test(tc, a_nan_in_the_input_is_named, 0, 2);
    tcase_add_loop_test(tc, the_first_layer_whose_output_is_not_finite_is_named, 0, 2);
    tcase_add_loop_test(tc, a_gradient_that_overflows_is_named_by_layer, 0, 2);
    tcase_add_loop_test(tc, training_names_the_step_or_skips_the_batch, 0, 2);
    tcase_add_loop_test(tc, an_epoch_whose_every_batch_is_dropped_fails_and_keeps_the_checkpoint,
                        0, 2);
    suite_add_tcase(s, tc);
    return test_run(s);
}
