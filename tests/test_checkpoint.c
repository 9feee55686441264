/* Checkpoints: a resumed run goes on exactly as the run it was saved from,
 * whether saved between epochs or mid-epoch, with COCOB and with a baseline,
 * and is refused when its batch size or data differ; a corrupt, truncated or
 * mismatched file is refused with a message that says which, damage called
 * damage, leaving the model as it was; a FIFO is refused at once; a save
 * keeps the file's mode and a symlink, and removes the temporary files of
 * killed saves; and a save killed half-way leaves the checkpoint before it
 * whole. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nn/model.h"
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
    cocob_dataset_destroy(r->data);
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

static cocob_status train_batch(run *r, size_t batch, size_t epochs, const char *checkpoint,
                                size_t every, const char *resume,
                                void (*on_step)(const cocob_step_report *, void *), void *user)
{
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.epochs = epochs;
    o.batch = batch;
    o.seed = 4;
    o.checkpoint = checkpoint;
    o.checkpoint_every = every;
    o.resume = resume;
    o.on_step = on_step;
    o.user = user;
    return cocob_train(r->m, r->opt, r->data, NULL, &o);
}

static cocob_status train(run *r, size_t epochs, const char *checkpoint, size_t every,
                          const char *resume, void (*on_step)(const cocob_step_report *, void *),
                          void *user)
{
    return train_batch(r, batch_size(), epochs, checkpoint, every, resume, on_step, user);
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

/* ref and the device under test, each with COCOB, with Adam, whose bias
 * correction needs the step count, with cKT, whose four states (its x0,
 * its wealth, its counts t) must all come back, with KT, whose wealth and
 * iter are device scalars beside its state, with DoG, whose rbar, G, eta
 * and first_step are, and with Schedule-Free, saved at x with y in its
 * state, and whose weight sum is replayed from the step count, with
 * Prodigy, whose four states and nine scalars take the same sections, with
 * L-DoG, whose scalars are DoG's four for each of the model's tensors, and
 * with D-Adapt Adam, whose three states and six scalars (d,
 * numerator_weighted, k, dlr, step_dlr, taken) do too. */
static const cocob_optimizer_kind kinds[] = {COCOB_OPTIMIZER_COCOB,  COCOB_OPTIMIZER_ADAM,
                                             COCOB_OPTIMIZER_CKT,    COCOB_OPTIMIZER_KT,
                                             COCOB_OPTIMIZER_SF_SGD, COCOB_OPTIMIZER_SF_ADAMW,
                                             COCOB_OPTIMIZER_DOG,    COCOB_OPTIMIZER_PRODIGY,
                                             COCOB_OPTIMIZER_LDOG,   COCOB_OPTIMIZER_DADAPT_ADAM};
enum { KINDS = sizeof kinds / sizeof *kinds };
/* On a simulator (small mode) the device resumes one kind for each way a
 * checkpoint carries an optimizer, where a run of them all takes minutes:
 * per-coordinate state and the step count (Adam), device scalars (DoG, the
 * most of them), and Schedule-Free's x and y (AdamW, whose exp_avg_sq is
 * SGD's z and more). ref, which costs little, still resumes them all, and
 * each kind's kernels run on the simulator in that kind's own suite. */
static const cocob_optimizer_kind small_device_kinds[] = {COCOB_OPTIMIZER_ADAM,
                                                          COCOB_OPTIMIZER_DOG,
                                                          COCOB_OPTIMIZER_SF_ADAMW};
enum { SMALL_DEVICE_KINDS = sizeof small_device_kinds / sizeof *small_device_kinds };

static int resume_cases(void)
{
    return KINDS + (test_small() ? SMALL_DEVICE_KINDS : KINDS);
}

START_TEST(a_resumed_run_goes_on_as_the_run_it_was_saved_from)
{
    const char *selector = _i < KINDS ? "ref" : test_device_selector();
    /* Indexed apart, not through one pointer to either array: UBSan's
     * object-size check takes the smaller array's size for that pointer. */
    cocob_optimizer_kind kind = _i < KINDS     ? kinds[_i]
                                : test_small() ? small_device_kinds[_i - KINDS]
                                               : kinds[_i - KINDS];
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

static void keep_test_loss(const cocob_epoch_report *r, void *user)
{
    *(double *)user = r->test_loss;
}

/* Schedule-Free trains at y and is evaluated at x = y + (1 - 1 / beta1)
 * (z - y): the epoch's test loss is the loss at x, the weights cocob_train
 * leaves are x, and a checkpoint's weights are x, while a resume from it
 * (above) goes on from y. */
START_TEST(schedule_free_is_evaluated_and_saved_at_x)
{
    cocob_optimizer_kind kind = _i ? COCOB_OPTIMIZER_SF_ADAMW : COCOB_OPTIMIZER_SF_SGD;
    char *dir = test_tmpdir("checkpoint-sf");
    char *file = path_in(dir, "run.ckpt"), *saved = path_in(dir, "model.cocob");
    run r = start("ref", spec, kind);
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.epochs = 1;
    o.batch = batch_size();
    double reported = -1;
    o.on_epoch = keep_test_loss;
    o.user = &reported;
    ck_assert_int_eq(cocob_train(r.m, r.opt, r.data, r.data, &o), COCOB_OK);
    size_t n = cocob_model_param_count(r.m);
    float *x = weights(&r);
    double loss, accuracy;
    ck_assert_int_eq(cocob_evaluate(r.m, r.data, batch_size(), &loss, &accuracy), COCOB_OK);
    ck_assert_msg(loss == reported, "reported %.17g, at the weights %.17g", reported, loss);

    /* The weights are x, worked out here from y and z as the kernel does. */
    float *z = malloc(n * sizeof *z), *y = malloc(n * sizeof *y);
    ck_assert(z && y);
    ck_assert_int_eq(cocob_optimizer_read_state(r.opt, 0, 0, z, n), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_train_weights(r.opt), COCOB_OK);
    float *back = weights(&r);
    ck_assert_int_eq(cocob_optimizer_read_state(r.opt, cocob_optimizer_state_count(r.opt) - 1, 0,
                                                y, n),
                     COCOB_OK);
    ck_assert(memcmp(back, y, n * sizeof *y) == 0);
    float c = (float)(1 - 1 / 0.9);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(x[i] == y[i] + c * (z[i] - y[i]), "weight %zu: %.9g, x %.9g", i, x[i],
                      y[i] + c * (z[i] - y[i]));
    ck_assert(memcmp(x, y, n * sizeof *y) != 0);
    double at_y;
    ck_assert_int_eq(cocob_evaluate(r.m, r.data, batch_size(), &at_y, &accuracy), COCOB_OK);
    ck_assert(at_y != reported);

    /* A checkpoint saved while the weights are y holds x all the same; a
     * model saved after it, too (the save put x in the weights). */
    cocob_progress p = {1, 0, 6, 4, batch_size(), 6 * batch_size(), 0};
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    ck_assert_int_eq(cocob_model_save(r.m, saved), COCOB_OK);
    const char *files[2] = {file, saved};
    for (int f = 0; f < 2; f++) {
        cocob_model *m;
        ck_assert_int_eq(cocob_model_load(r.ctx, files[f], &m), COCOB_OK);
        float *w = malloc(n * sizeof *w);
        ck_assert_ptr_nonnull(w);
        ck_assert_int_eq(cocob_tensor_download(cocob_model_params(m), w, n), COCOB_OK);
        ck_assert_msg(memcmp(w, x, n * sizeof *w) == 0, "%s does not hold x", files[f]);
        free(w);
        cocob_model_destroy(m);
    }
    free(x);
    free(y);
    free(z);
    free(back);
    finish(&r);
    test_rmtree(dir);
    free(dir);
    free(file);
    free(saved);
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
    cocob_progress p = {1, 0, 6, 4, 100, 600, 0x1234567890abcdefULL};
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    cocob_progress back;
    ck_assert_int_eq(cocob_checkpoint_load(file, r.m, r.opt, &back), COCOB_OK);
    ck_assert(memcmp(&back, &p, sizeof p) == 0);

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
                cocob_progress p = {i, 0, i, 4, 100, 600, 0};
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

/* Damage is what the file says of itself not adding up; it must not be
 * blamed on a different model. */
static void assert_damaged(run *r, const char *path, const char *words)
{
    assert_refused(r, path, COCOB_ERR_IO, words);
    const char *msg = cocob_context_error(r->ctx);
    ck_assert_msg(strstr(msg, "is damaged") && !strstr(msg, "different model") &&
                      !strstr(msg, "another"),
                  "damage not called damage: %s", msg);
}

START_TEST(damage_is_called_damage_and_a_mismatch_names_both_values)
{
    char *dir = test_tmpdir("checkpoint-damage");
    char *file = path_in(dir, "run.ckpt");
    run r = bare("ref", spec, COCOB_OPTIMIZER_COCOB);
    cocob_progress p = {1, 0, 6, 4, 100, 600, 0};
    /* The file's head is 16 bytes; each section's head 16 (tag, length,
     * CRC); MODL's payload 32, 48 per layer, then 24. */
    const long modl = 32 + 48 * (long)r.m->count + 24;
    const long modl_len = 16 + 4, modl_count = 16 + 16 + 24, parm_len = 16 + 16 + modl + 4;
    const long cuts[][2] = {{modl_len, 0}, {modl_len + 7, 0}, {parm_len, 0}, {modl_count, 0}};
    const char *const says[] = {"where PARM belongs", "that length is damaged",
                                "where OPTM belongs", "section MODL: CRC-32"};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
        damage(file, cuts[i][0], 0);
        assert_damaged(&r, file, says[i]);
    }
    /* Appended to. */
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    FILE *f = fopen(file, "ab");
    ck_assert_ptr_nonnull(f);
    fputc('x', f);
    fclose(f);
    assert_damaged(&r, file, "1 bytes follow its last section");
    /* An older format: named, not called damage. */
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    f = fopen(file, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 8, SEEK_SET), 0);
    fputc(1, f);
    fclose(f);
    assert_refused(&r, file, COCOB_ERR_IO, "is of version 1, from an older cocob");

    /* A real difference, named with the values that differ. */
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    run three = bare("ref", "dense:32,relu,dense:10", COCOB_OPTIMIZER_COCOB);
    char words[80];
    snprintf(words, sizeof words, "it has %zu layers, this model %zu", r.m->count,
             three.m->count);
    ck_assert_uint_ne(r.m->count, three.m->count);
    assert_refused(&three, file, COCOB_ERR_SHAPE, words);
    finish(&three);
    finish(&r);
    test_rmtree(dir);
    free(dir);
    free(file);
}
END_TEST

START_TEST(a_fifo_is_refused_at_once)
{
    char *dir = test_tmpdir("checkpoint-fifo");
    char *fifo = path_in(dir, "run.ckpt");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    run r = bare("ref", spec, COCOB_OPTIMIZER_COCOB);
    /* A reader that waits for a writer fails the test, rather than hang it. */
    alarm(20);
    assert_refused(&r, fifo, COCOB_ERR_IO, "is a FIFO, not a regular file");
    alarm(0);
    finish(&r);
    test_rmtree(dir);
    free(dir);
    free(fifo);
}
END_TEST

START_TEST(a_save_keeps_the_files_mode_and_a_symlink)
{
    char *dir = test_tmpdir("checkpoint-mode");
    char *file = path_in(dir, "real.ckpt"), *link = path_in(dir, "link.ckpt");
    run r = bare("ref", spec, COCOB_OPTIMIZER_COCOB);
    cocob_progress p = {1, 0, 6, 4, 100, 600, 0};
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    ck_assert_int_eq(chmod(file, 0600), 0);
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    struct stat st;
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0600, "mode %o after a save", st.st_mode & 07777);

    /* Saved through a symlink: the link stays, its target is replaced. */
    ck_assert_int_eq(symlink("real.ckpt", link), 0);
    p.epoch = 7;
    ck_assert_int_eq(cocob_checkpoint_save(link, r.m, r.opt, &p), COCOB_OK);
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the symlink was replaced by a file");
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0600, "mode %o after a save", st.st_mode & 07777);
    cocob_progress back;
    ck_assert_int_eq(cocob_checkpoint_load(file, r.m, r.opt, &back), COCOB_OK);
    ck_assert_int_eq(back.epoch, 7);
    finish(&r);
    test_rmtree(dir);
    free(dir);
    free(file);
    free(link);
}
END_TEST

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

START_TEST(a_save_removes_the_temporary_files_of_killed_saves)
{
    char *dir = test_tmpdir("checkpoint-stale");
    char *file = path_in(dir, "run.ckpt");
    /* A pid that has just ended and been reaped, and one that runs. */
    pid_t dead = fork();
    ck_assert_int_ge(dead, 0);
    if (dead == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(dead, NULL, 0), dead);
    char stale[4096], live[4096], other[4096];
    snprintf(stale, sizeof stale, "%s.tmp.%ld", file, (long)dead);
    snprintf(live, sizeof live, "%s.tmp.%ld", file, (long)getppid());
    snprintf(other, sizeof other, "%s/keep.ckpt.tmp.%ld", dir, (long)dead);
    const char *made[] = {stale, live, other};
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(made[i], "wb");
        ck_assert_ptr_nonnull(f);
        fclose(f);
    }
    run r = bare("ref", spec, COCOB_OPTIMIZER_COCOB);
    cocob_progress p = {1, 0, 6, 4, 100, 600, 0};
    ck_assert_int_eq(cocob_checkpoint_save(file, r.m, r.opt, &p), COCOB_OK);
    ck_assert_msg(!exists(stale), "%s, of a dead process, is still there", stale);
    ck_assert_msg(exists(live), "%s, of a live process, was removed", live);
    ck_assert_msg(exists(other), "%s, of another checkpoint, was removed", other);
    finish(&r);
    test_rmtree(dir);
    free(dir);
    free(file);
}
END_TEST

static void count_steps(const cocob_step_report *r, void *user)
{
    (void)r;
    ++*(size_t *)user;
}

/* Refused, naming what differs, with the weights as they were. */
static void assert_resume_refused(run *r, size_t batch, const char *path, const char *words)
{
    float *before = weights(r);
    cocob_status s = train_batch(r, batch, 2, NULL, 0, path, NULL, NULL);
    const char *msg = cocob_context_error(r->ctx);
    ck_assert_msg(s == COCOB_ERR_INVALID_ARGUMENT, "%s: %s", cocob_status_name(s), msg);
    ck_assert_msg(strstr(msg, words), "\"%s\" missing: %s", words, msg);
    float *after = weights(r);
    ck_assert_msg(memcmp(before, after, cocob_model_param_count(r->m) * sizeof *after) == 0,
                  "a refused resume changed the weights");
    free(before);
    free(after);
}

START_TEST(a_resume_with_other_batches_or_data_is_refused)
{
    char *dir = test_tmpdir("checkpoint-resume");
    char *file = path_in(dir, "run.ckpt"), *mid = path_in(dir, "mid.ckpt");
    run r = start("ref", spec, COCOB_OPTIMIZER_COCOB);
    keep k = {file, mid};
    ck_assert_int_eq(train(&r, 1, file, 2, NULL, keep_step_4, &k), COCOB_OK);
    size_t b = batch_size(), n = 6 * b;
    char words[160];

    snprintf(words, sizeof words,
             "was made with batches of %zu, this run asks for %zu; "
             "resume with batches of %zu",
             b, 2 * b, b);
    assert_resume_refused(&r, 2 * b, mid, words);
    snprintf(words, sizeof words, "with batches of %zu, this run asks for %zu", b, b + 1);
    assert_resume_refused(&r, b + 1, file, words);

    /* One label changed: as many examples, other data. */
    r.data->labels[n / 2] = (r.data->labels[n / 2] + 1) % 10;
    assert_resume_refused(&r, b, mid, "was made on other data");
    r.data->labels[n / 2] = (r.data->labels[n / 2] + 9) % 10;
    ck_assert_int_eq(cocob_dataset_truncate(r.ctx, r.data, n - 1), COCOB_OK);
    snprintf(words, sizeof words, "was made on %zu training examples, this run has %zu", n,
             n - 1);
    assert_resume_refused(&r, b, mid, words);

    /* A checkpoint path that cannot be written fails before the first step,
     * not after an epoch's work. */
    char *missing = path_in(dir, "no/such/folder/run.ckpt");
    const char *bad[] = {missing, dir};
    for (int i = 0; i < 2; i++) {
        size_t steps = 0;
        cocob_status s = train(&r, 1, bad[i], 0, NULL, count_steps, &steps);
        ck_assert_msg(s == COCOB_ERR_IO && strstr(cocob_context_error(r.ctx), bad[i]), "%s: %s",
                      cocob_status_name(s), cocob_context_error(r.ctx));
        ck_assert_msg(steps == 0, "%zu steps trained before %s was refused", steps, bad[i]);
    }
    free(missing);
    finish(&r);
    test_rmtree(dir);
    free(dir);
    free(file);
    free(mid);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("checkpoint");
    tcase_add_loop_test(tc, a_resumed_run_goes_on_as_the_run_it_was_saved_from, 0,
                        resume_cases());
    tcase_add_loop_test(tc, schedule_free_is_evaluated_and_saved_at_x, 0, 2);
    tcase_add_test(tc, a_bad_checkpoint_is_refused_and_changes_nothing);
    tcase_add_test(tc, a_save_killed_half_way_leaves_the_last_checkpoint_whole);
    tcase_add_test(tc, damage_is_called_damage_and_a_mismatch_names_both_values);
    tcase_add_test(tc, a_fifo_is_refused_at_once);
    tcase_add_test(tc, a_save_keeps_the_files_mode_and_a_symlink);
    tcase_add_test(tc, a_save_removes_the_temporary_files_of_killed_saves);
    tcase_add_test(tc, a_resume_with_other_batches_or_data_is_refused);
    suite_add_tcase(s, tc);
    return test_run(s);
}
