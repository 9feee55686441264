/* A run cut short keeps what it trained: stopped on request (should_stop),
 * it saves the checkpoint at that very step, from which a resume ends as the
 * run would have; and when the test evaluation fails after an epoch, the
 * epoch is reported and its trained weights saved before the failure,
 * which says "during the test evaluation". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fault.h"
#include "nn/model.h"
#include "data/dataset.h"
#include "testutil.h"

#ifdef TEST_HAVE_DEVICE
enum { BACKENDS = 2 };
#else
enum { BACKENDS = 1 };
#endif

/* Five batches of 8 an epoch. */
enum { SIDE = 4, PIXELS = SIDE * SIDE, CLASSES = 10, COUNT = 40, BATCH = 8, PER_EPOCH = 5 };

typedef struct setup {
    cocob_context *ctx;
    cocob_model *m;
    cocob_optimizer *opt;
} setup;

static const char *selector_of(int i)
{
    return i == 0 ? "ref" : test_device_selector();
}

static setup make(const char *selector)
{
    setup t;
    t.ctx = test_context(selector);
    ck_assert_int_eq(cocob_model_create(t.ctx, 1, SIDE, SIDE, &t.m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(t.m, "dense:8,relu,dropout:0.3,dense:10"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(t.m, 2), COCOB_OK);
    cocob_tensor *params = cocob_model_params(t.m);
    ck_assert_int_eq(cocob_optimizer_create(t.ctx, NULL, 1, &params, &t.opt), COCOB_OK);
    return t;
}

static void done(setup *t)
{
    cocob_optimizer_destroy(t->opt);
    cocob_model_destroy(t->m);
    cocob_context_destroy(t->ctx);
}

static cocob_dataset *data(size_t count, uint64_t seed)
{
    cocob_dataset *d;
    cocob_error err = {0};
    ck_assert_int_eq(cocob_dataset_alloc(&err, "test", count, 1, SIDE, SIDE, &d), COCOB_OK);
    d->classes = CLASSES;
    test_rng rng = {seed};
    for (size_t i = 0; i < count * PIXELS; i++)
        d->images[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < count; i++)
        d->labels[i] = (int32_t)(i % CLASSES);
    return d;
}

static float *weights(setup *t)
{
    size_t n = cocob_model_param_count(t->m);
    float *w = malloc(n * sizeof *w);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(t->m), w, n), COCOB_OK);
    return w;
}

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    ck_assert_ptr_nonnull(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

/* Stops once the step stop_after is done. */
typedef struct stopper {
    size_t stop_after, last_step;
} stopper;

static void note_step(const cocob_step_report *r, void *user)
{
    ((stopper *)user)->last_step = r->step;
}

static int stop_now(void *user)
{
    const stopper *st = user;
    return st->last_step >= st->stop_after;
}

static cocob_train_options options(size_t epochs, const char *checkpoint, stopper *st)
{
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.epochs = epochs;
    o.batch = BATCH;
    o.seed = 3;
    o.checkpoint = checkpoint;
    if (st) {
        o.on_step = note_step;
        o.should_stop = stop_now;
        o.user = st;
    }
    return o;
}

static void assert_saved_at(const char *selector, const char *path, uint64_t epoch, uint64_t step,
                            uint64_t total)
{
    setup t = make(selector);
    cocob_progress p;
    cocob_status s = cocob_checkpoint_load(path, t.m, t.opt, &p);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(t.ctx));
    ck_assert_msg(p.epoch == epoch && p.step == step && p.total_steps == total,
                  "saved at epoch %llu step %llu (%llu in all), not %llu, %llu, %llu",
                  (unsigned long long)p.epoch, (unsigned long long)p.step,
                  (unsigned long long)p.total_steps, (unsigned long long)epoch,
                  (unsigned long long)step, (unsigned long long)total);
    done(&t);
}

START_TEST(a_stopped_run_saves_where_it_stopped_and_resumes_exactly)
{
    const char *selector = selector_of(_i);
    cocob_dataset *d = data(COUNT, 6);
    char *dir = test_tmpdir("train-stop");
    char *file = path_in(dir, "run.ckpt");

    setup straight = make(selector);
    cocob_train_options o = options(3, NULL, NULL);
    ck_assert_int_eq(cocob_train(straight.m, straight.opt, d, NULL, &o), COCOB_OK);
    float *want = weights(&straight);
    size_t n = cocob_model_param_count(straight.m);

    /* Mid-epoch: epoch 2's second step is the run's seventh. */
    setup first = make(selector);
    stopper st = {7, 0};
    o = options(3, file, &st);
    cocob_status s = cocob_train(first.m, first.opt, d, NULL, &o);
    const char *msg = cocob_context_error(first.ctx);
    ck_assert_msg(s == COCOB_ERR_INTERRUPTED, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strstr(msg, "stopped on request in epoch 2, after step 2 of 5; saved ") &&
                      strstr(msg, file),
                  "%s", msg);
    ck_assert_uint_eq(st.last_step, 7);
    assert_saved_at(selector, file, 1, 2, 7);
    done(&first);

    setup resumed = make(selector);
    o = options(3, NULL, NULL);
    o.resume = file;
    s = cocob_train(resumed.m, resumed.opt, d, NULL, &o);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(resumed.ctx));
    float *got = weights(&resumed);
    ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0,
                  "%s: the weights after resuming a stopped run are not the straight run's",
                  selector);
    free(got);
    done(&resumed);

    /* Asked during an epoch's last step: after that epoch, saved at its end. */
    setup between = make(selector);
    st = (stopper){PER_EPOCH, 0};
    o = options(3, file, &st);
    s = cocob_train(between.m, between.opt, d, NULL, &o);
    msg = cocob_context_error(between.ctx);
    ck_assert_msg(s == COCOB_ERR_INTERRUPTED, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strstr(msg, "stopped on request after epoch 1 of 3; saved "), "%s", msg);
    assert_saved_at(selector, file, 1, 0, PER_EPOCH);
    done(&between);

    /* Without a checkpoint, it says nothing was saved. */
    setup bare = make(selector);
    st = (stopper){1, 0};
    o = options(3, NULL, &st);
    s = cocob_train(bare.m, bare.opt, d, NULL, &o);
    msg = cocob_context_error(bare.ctx);
    ck_assert_msg(s == COCOB_ERR_INTERRUPTED, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strstr(msg, "after step 1 of 5; nothing was saved"), "%s", msg);
    done(&bare);

    /* A stop asked after the last step comes too late: the run is done. */
    setup late = make(selector);
    st = (stopper){3 * PER_EPOCH, 0};
    o = options(3, NULL, &st);
    s = cocob_train(late.m, late.opt, d, NULL, &o);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(late.ctx));
    got = weights(&late);
    ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0, "asking and not stopping changed "
                                                           "the run");
    free(got);
    done(&late);

    free(want);
    done(&straight);
    cocob_dataset_destroy(d);
    test_rmtree(dir);
    free(dir);
    free(file);
}
END_TEST

typedef struct epochs_seen {
    size_t count;
    cocob_epoch_report last;
} epochs_seen;

static void note_epoch(const cocob_epoch_report *r, void *user)
{
    epochs_seen *e = user;
    e->count++;
    e->last = *r;
}

START_TEST(a_failed_evaluation_keeps_the_epoch)
{
    const char *selector = selector_of(_i);
    /* Training batches of 4, evaluation batches of 8: the evaluation needs
     * larger buffers, so that the first allocation after training's is the
     * evaluation's. */
    cocob_dataset *train = data(4, 6), *test = data(20, 7);
    char *dir = test_tmpdir("train-eval-fault");
    char *file = path_in(dir, "run.ckpt");

    /* The allocations of the epoch's training and its save. */
    setup count = make(selector);
    cocob_train_options o = options(1, file, NULL);
    cocob_fault_set(0, 0);
    cocob_status s = cocob_train(count.m, count.opt, train, NULL, &o);
    unsigned long training = cocob_fault_count(COCOB_FAULT_ALLOC);
    cocob_fault_off();
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(count.ctx));
    done(&count);
    remove(file);

    setup t = make(selector);
    epochs_seen seen = {0};
    o.on_epoch = note_epoch;
    o.user = &seen;
    cocob_fault_set(training + 1, 0);
    s = cocob_train(t.m, t.opt, train, test, &o);
    cocob_fault_off();
    const char *msg = cocob_context_error(t.ctx);
    ck_assert_msg(s == COCOB_ERR_OUT_OF_MEMORY, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strncmp(msg, "epoch 1: during the test evaluation: ", 37) == 0, "%s", msg);
    ck_assert_uint_eq(seen.count, 1);
    ck_assert_msg(isfinite(seen.last.train_loss) && seen.last.train_loss > 0, "train loss %g",
                  seen.last.train_loss);
    ck_assert_msg(seen.last.test_loss == -1 && seen.last.test_accuracy == -1,
                  "test loss %g, accuracy %g after a failed evaluation", seen.last.test_loss,
                  seen.last.test_accuracy);

    /* The checkpoint holds the trained weights. */
    float *trained = weights(&t);
    setup loaded = make(selector);
    cocob_progress p;
    s = cocob_checkpoint_load(file, loaded.m, loaded.opt, &p);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(loaded.ctx));
    ck_assert_uint_eq(p.epoch, 1);
    ck_assert_uint_eq(p.step, 0);
    float *saved = weights(&loaded);
    ck_assert_msg(memcmp(saved, trained, cocob_model_param_count(t.m) * sizeof *saved) == 0,
                  "the checkpoint does not hold the epoch's trained weights");
    free(saved);
    free(trained);
    done(&loaded);
    done(&t);
    cocob_dataset_destroy(train);
    cocob_dataset_destroy(test);
    test_rmtree(dir);
    free(dir);
    free(file);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train_stop");
    TCase *tc = tcase_create("stop");
    tcase_add_loop_test(tc, a_stopped_run_saves_where_it_stopped_and_resumes_exactly, 0,
                        BACKENDS);
    tcase_add_loop_test(tc, a_failed_evaluation_keeps_the_epoch, 0, BACKENDS);
    suite_add_tcase(s, tc);
    return test_run(s);
}
