/* Checkpoints: a resumed run goes on exactly as the run it was saved from,
 * whether saved between epochs or mid-epoch, with COCOB and with a baseline;
 * a corrupt, truncated or mismatched file is refused with a message that
 * says which, leaving the model as it was; and a save killed half-way
 * leaves the checkpoint before it whole. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/model.h"
#include "data/dataset.h"
#include "testutil.h"

static const char data_dir[] = "/usr/share/datasets/fashion-mnist";
/* Six steps an epoch, so that a checkpoint every 2 steps falls mid-epoch;
 * in small mode, for a simulator, of 10 examples rather than 100. */
static size_t batch_size(void)
{
    return test_small_or(100, 10);
}

typedef struct run {
    cocob_context *ctx;
    cocob_dataset *data;
    cocob_model *m;
    cocob_optimizer *opt;
} run;

/* A context, a model and its optimizer, without data. */
static run bare(const char *selector, const char *spec, cocob_optimizer_kind kind)
{
    run r;
    r.ctx = test_context(selector);
    r.data = NULL;
    ck_assert_int_eq(cocob_model_create(r.ctx, 1, 28, 28, &r.m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(r.m, spec), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(r.m, 9), COCOB_OK);
    cocob_optimizer_config cfg;
    cocob_optimizer_config_init(&cfg, kind);
    cocob_tensor *params = cocob_model_params(r.m);
    ck_assert_int_eq(cocob_optimizer_create(r.ctx, &cfg, 1, &params, &r.opt), COCOB_OK);
    return r;
}

static run start(const char *selector, const char *spec, cocob_optimizer_kind kind)
{
    run r = bare(selector, spec, kind);
    cocob_status s = cocob_dataset_load(r.ctx, data_dir, COCOB_SPLIT_TRAIN, &r.data);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(r.ctx));
    ck_assert_int_eq(cocob_dataset_truncate(r.ctx, r.data, 6 * batch_size()), COCOB_OK);
    return r;
}

static void finish(run *r)
{
    cocob_optimizer_destroy(r->opt);
    cocob_model_destroy(r->m);
    cocob_dataset_free(r->data);
    cocob_context_destroy(r->ctx);
}

static float *weights(run *r)
{
    size_t n = cocob_model_param_count(r->m);
    float *w = malloc(n * sizeof *w);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(r->m), w, n), COCOB_OK);
    return w;
}

static cocob_status train(run *r, size_t epochs, const char *checkpoint, size_t every,
                          const char *resume, void (*on_step)(const cocob_step_report *, void *),
                          void *user)
{
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.epochs = epochs;
    o.batch = batch_size();
    o.seed = 4;
    o.checkpoint = checkpoint;
    o.checkpoint_every = every;
    o.resume = resume;
    o.on_step = on_step;
    o.user = user;
    return cocob_train(r->m, r->opt, r->data, NULL, &o);
}

static const char *const spec = "dense:32,relu,dropout:0.3,dense:10";

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    ck_assert_ptr_nonnull(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

/* The step-4 copy of a checkpoint saved every 2 steps: mid-epoch. */
typedef struct keep {
    const char *from, *to;
} keep;

static void keep_step_4(const cocob_step_report *r, void *user)
{
    const keep *k = user;
    if (r->step != 4)
        return;
    FILE *in = fopen(k->from, "rb"), *out = fopen(k->to, "wb");
    char buf[65536];
    size_t n;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
}

START_TEST(a_resumed_run_goes_on_as_the_run_it_was_saved_from)
{
    /* ref and the device under test, each with COCOB and with Adam, whose
     * bias correction needs the step count. */
    const char *selector = _i < 2 ? "ref" : test_device_selector();
    cocob_optimizer_kind kind = _i % 2 ? COCOB_OPTIMIZER_ADAM : COCOB_OPTIMIZER_COCOB;
    char *dir = test_tmpdir("checkpoint");
    char *file = path_in(dir, "run.ckpt"), *mid = path_in(dir, "mid.ckpt");

    run straight = start(selector, spec, kind);
    ck_assert_int_eq(train(&straight, 2, NULL, 0, NULL, NULL, NULL), COCOB_OK);
    float *want = weights(&straight);
    size_t n = cocob_model_param_count(straight.m);

    /* One epoch, saved every 2 steps and at its end; step 4's kept. */
    run first = start(selector, spec, kind);
    keep k = {file, mid};
    ck_assert_int_eq(train(&first, 1, file, 2, NULL, keep_step_4, &k), COCOB_OK);
    finish(&first);

    const char *from[2] = {file, mid};
    for (int f = 0; f < 2; f++) {
        run resumed = start(selector, spec, kind);
        cocob_status s = train(&resumed, 2, NULL, 0, from[f], NULL, NULL);
        ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(resumed.ctx));
        float *got = weights(&resumed);
        size_t where = 0;
        double e = test_max_rel_err(got, want, n, &where);
        printf("%s, %s, resumed from %s: largest relative difference %g\n", selector,
               cocob_optimizer_kind_name(kind), f ? "mid-epoch" : "an epoch's end", e);
        /* On ref and cpu every op is the same loop in the same order: the
         * bits must match. A device runs the same kernels on the same data
         * in both runs, so it must too, unless a kernel depends on timing,
         * which none of cocob's may. */
        ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0,
                      "%s: weight %zu is %.9g after resuming, %.9g straight", selector, where,
                      got[where], want[where]);
        free(got);
        finish(&resumed);
    }
    free(want);
    finish(&straight);
    test_rmtree(dir);
    free(dir);
    free(file);
    free(mid);
}
END_TEST

/* Rewrites byte `at` of path (from the end when negative) by xor with 0x40,
 * or cuts the file to `at` bytes when cut is set. */
static void damage(const char *path, long at, int cut)
{
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    if (cut) {
        fclose(f);
        ck_assert_int_eq(truncate(path, at), 0);
        return;
    }
    long pos = at < 0 ? size + at : at;
    ck_assert_int_eq(fseek(f, pos, SEEK_SET), 0);
    int c = fgetc(f);
    ck_assert_int_eq(fseek(f, pos, SEEK_SET), 0);
    fputc(c ^ 0x40, f);
    fclose(f);
}

static void assert_refused(run *r, const char *path, cocob_status want, const char *words)
{
    float *before = weights(r);
    cocob_progress p;
    cocob_status s = cocob_checkpoint_load(path, r->m, r->opt, &p);
    const char *msg = cocob_context_error(r->ctx);
    ck_assert_msg(s == want, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strstr(msg, words) && strstr(msg, path), "\"%s\" or the path missing: %s",
                  words, msg);
    float *after = weights(r);
    ck_assert_msg(memcmp(before, after, cocob_model_param_count(r->m) * sizeof *after) == 0,
                  "a refused checkpoint changed the weights");
    free(before);
    free(after);
}

START_TEST(a_bad_checkpoint_is_refused_and_changes_nothing)
{
    char *dir = test_tmpdir("checkpoint-bad");
    char *file = path_in(dir, "run.ckpt");
    run r = start("ref", spec, COCOB_OPTIMIZER_COCOB);
    cocob_progress p = {1, 0, 6, 4};
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    cocob_progress back;
    ck_assert_int_eq(cocob_checkpoint_load(file, r.m, r.opt, &back), COCOB_OK);
    ck_assert(back.epoch == 1 && back.step == 0 && back.total_steps == 6 &&
              back.shuffle_seed == 4);

    /* A byte of the weights flipped: PARM's CRC. */
    damage(file, 16 + 16 + 32 + 4 * 44 + 24 + 16 + 100, 0);
    assert_refused(&r, file, COCOB_ERR_IO, "section PARM: CRC-32");
    /* Cut short. */
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    damage(file, 5000, 1);
    assert_refused(&r, file, COCOB_ERR_IO, "truncated");
    /* Not a checkpoint at all. */
    damage(file, 0, 0);
    assert_refused(&r, file, COCOB_ERR_IO, "not a cocob checkpoint");
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);

    /* Made for another model, or with another optimizer. */
    run other = start("ref", "dense:64,relu,dropout:0.3,dense:10", COCOB_OPTIMIZER_COCOB);
    assert_refused(&other, file, COCOB_ERR_SHAPE, "layer 0 is dense:32 there, dense:64 here");
    finish(&other);
    run adam = start("ref", spec, COCOB_OPTIMIZER_ADAM);
    assert_refused(&adam, file, COCOB_ERR_SHAPE, "made with the optimizer COCOB");
    finish(&adam);
    /* A file that is not there. */
    char *none = path_in(dir, "none.ckpt");
    assert_refused(&r, none, COCOB_ERR_IO, "cannot open");
    free(none);
    finish(&r);
    test_rmtree(dir);
    free(dir);
    free(file);
}
END_TEST

START_TEST(a_save_killed_half_way_leaves_the_last_checkpoint_whole)
{
    /* About 38 MB a save, tens of milliseconds: the kills land at three
     * moments in the loop of saves, mostly in the middle of one. No data is
     * loaded: its conversion runs on OpenMP threads, and libgomp's pool does
     * not survive a fork, so a child must not use it after its parent did. */
    const char *big = "dense:2000,relu,dense:10";
    char *dir = test_tmpdir("checkpoint-kill");
    char *file = path_in(dir, "run.ckpt");
    for (int round = 0; round < 3; round++) {
        int ready[2];
        ck_assert_int_eq(pipe(ready), 0);
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
            close(ready[0]);
            run r = bare("ref", big, COCOB_OPTIMIZER_COCOB);
            for (uint64_t i = 0;; i++) {
                cocob_progress p = {i, 0, i, 4};
                if (cocob_checkpoint_save(file, r.m, r.opt, &p) != COCOB_OK)
                    _exit(3);
                if (i == 0 && write(ready[1], "k", 1) != 1)
                    _exit(4);
            }
        }
        close(ready[1]);
        char c;
        ck_assert_int_eq(read(ready[0], &c, 1), 1);
        close(ready[0]);
        struct timespec pause = {0, 20000000L + 37000000L * round};
        nanosleep(&pause, NULL);
        ck_assert_int_eq(kill(child, SIGKILL), 0);
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        run r = bare("ref", big, COCOB_OPTIMIZER_COCOB);
        cocob_progress p;
        cocob_status s = cocob_checkpoint_load(file, r.m, r.opt, &p);
        ck_assert_msg(s == COCOB_OK, "round %d: %s", round, cocob_context_error(r.ctx));
        finish(&r);
    }
    test_rmtree(dir);
    free(dir);
    free(file);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("checkpoint");
    tcase_add_loop_test(tc, a_resumed_run_goes_on_as_the_run_it_was_saved_from, 0, 4);
    tcase_add_test(tc, a_bad_checkpoint_is_refused_and_changes_nothing);
    tcase_add_test(tc, a_save_killed_half_way_leaves_the_last_checkpoint_whole);
    suite_add_tcase(s, tc);
    return test_run(s);
}
