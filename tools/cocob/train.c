/* `cocob train`: a model trained with COCOB-Backprop on a data set, with a
 * progress bar on a terminal and plain lines elsewhere. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "base/files.h"
#include "train_args.h"

typedef struct progress {
    int tty;
    FILE *csv;
    size_t last_plain; /* the step of the last plain progress line */
    int verbose;
    cocob_context *ctx;
    /* cocob_now() on entering main, with the device open, with the data
     * loaded, and with the model and optimizer made: where startup went. */
    double started, opened, loaded, made;
    /* The previous step's report; epoch 0 before this run's first step,
     * which a resumed run takes in mid-epoch. */
    size_t last_epoch;
    double last_elapsed;
    /* Steps after each epoch's first, whose time leaves out kernel builds,
     * first allocations and evaluations: the rate a benchmark compares. */
    double steady_seconds;
    size_t steady_steps;
    /* --monitor: whether to print, every how many steps (0: each epoch's
     * end, which then goes into the epoch's CSV row), and the tensors. */
    int monitor;
    size_t monitor_every, tensors;
    cocob_monitor_report last; /* the epoch-end report, for its CSV row */
    cocob_tensor_stats *last_tensors;
    /* The optimizer's own scalars, read at each report (the epoch-end
     * report's kept for its row). */
    const cocob_optimizer *opt;
    size_t scalar_count;
    float *scalars;
    /* The errno of the first failed write of stdout and of the log: the
     * run stops at the next step, since what it prints would be lost. */
    int out_errno, log_errno;
} progress;

/* Each output's first failure is kept; later ones add nothing. */
static void check_outputs(progress *p)
{
    if (!p->out_errno)
        p->out_errno = cli_flush(stdout);
    if (p->csv && !p->log_errno)
        p->log_errno = cli_flush(p->csv);
}

static int should_stop(void *user)
{
    const progress *p = user;
    return cli_stop_signal() || p->out_errno || p->log_errno;
}

static void clock_text(double seconds, char *out, size_t cap)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(out, cap, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else
        snprintf(out, cap, "%ldm%02lds", s / 60, s % 60);
}

/* With --verbose, once the first step is done: how long until then, and
 * whether the kernel programs came from the cache or were built. */
static void startup_report(const progress *p, const cocob_step_report *r)
{
    double done = cocob_now(), began = done - r->elapsed_seconds;
    unsigned built, cached;
    cocob_context_programs(p->ctx, &built, &cached);
    const char *cache = built + cached == 0 ? "not used (no kernel programs)"
                        : built == 0        ? "warm"
                        : cached == 0       ? "cold"
                                            : "partly warm";
    printf("startup  first step began %.3f s after start: device %.3f s, data %.3f s, "
           "model %.3f s\n",
           began - p->started, p->opened - p->started, p->loaded - p->opened,
           p->made - p->loaded);
    printf("startup  first step done %.3f s after start, the step %.3f s; program cache %s: "
           "%u program(s) loaded, %u built\n",
           done - p->started, r->elapsed_seconds, cache, cached, built);
    fflush(stdout);
}

static void on_step(const cocob_step_report *r, void *user)
{
    progress *p = user;
    if (p->last_epoch == 0 && p->verbose)
        startup_report(p, r);
    if (r->epoch == p->last_epoch) {
        p->steady_seconds += r->elapsed_seconds - p->last_elapsed;
        p->steady_steps++;
    }
    p->last_epoch = r->epoch;
    p->last_elapsed = r->elapsed_seconds;
    char eta[32];
    clock_text(r->eta_seconds, eta, sizeof eta);
    if (p->tty) {
        enum { WIDTH = 24 };
        int filled = (int)(WIDTH * r->batch / r->batches);
        char bar[WIDTH + 1];
        for (int i = 0; i < WIDTH; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[WIDTH] = '\0';
        fprintf(stderr, "\repoch %zu/%zu [%s] %zu/%zu  %.0f ex/s  loss %.4f  ETA %s \033[K",
                r->epoch, r->epochs, bar, r->batch, r->batches, r->examples_per_second, r->loss,
                eta);
        return;
    }
    /* Without a terminal, ten lines an epoch. */
    size_t every = r->batches / 10 ? r->batches / 10 : 1;
    if (r->batch % every == 0 && r->step != p->last_plain) {
        p->last_plain = r->step;
        fprintf(stderr, "epoch %zu/%zu step %zu/%zu  %.0f examples/s  loss %.4f  ETA %s\n",
                r->epoch, r->epochs, r->batch, r->batches, r->examples_per_second, r->loss, eta);
    }
}

static void on_epoch(const cocob_epoch_report *r, void *user)
{
    progress *p = user;
    if (p->tty)
        fprintf(stderr, "\r\033[K");
    /* Without test figures when the evaluation failed: the training's are
     * still the epoch's result. */
    int tested = r->test_loss >= 0;
    printf("epoch %zu/%zu  train loss %.4f  ", r->epoch, r->epochs, r->train_loss);
    /* A regression's figures are its RMSE and R^2; a classifier's, accuracy. */
    int regression = r->test_rmse >= 0;
    if (tested && regression)
        printf("test loss %.4f  test RMSE %.4f  test R2 %.4f  ", r->test_loss, r->test_rmse,
               r->test_r2);
    else if (tested)
        printf("test loss %.4f  test accuracy %.2f%%  ", r->test_loss, 100.0 * r->test_accuracy);
    printf("%.1f s (%.0f examples/s)\n", r->seconds, r->examples_per_second);
    if (r->skipped)
        printf("         %zu batch(es) dropped for NaN or infinite values (--skip-nonfinite)\n",
               r->skipped);
    if (p->csv) {
        fprintf(p->csv, "%zu,%zu,%.6f,", r->epoch, r->steps, r->train_loss);
        if (tested)
            fprintf(p->csv, "%.6f,%.6f,", r->test_loss,
                    regression ? r->test_rmse : r->test_accuracy);
        else
            fputs(",,", p->csv);
        fprintf(p->csv, "%.3f,%.1f", r->seconds, r->examples_per_second);
        if (p->monitor)
            cli_monitor_columns(p->csv, p->monitor_every ? NULL : &p->last, p->tensors,
                                p->scalars, p->scalar_count);
        fputc('\n', p->csv);
    }
    check_outputs(p);
}

static void on_monitor(const cocob_monitor_report *r, void *user)
{
    progress *p = user;
    if (p->tty)
        fprintf(stderr, "\r\033[K");
    cli_monitor_read_scalars(p->opt, p->scalars, p->scalar_count);
    cli_monitor_print(r, p->opt, p->scalars, p->scalar_count);
    if (!p->monitor_every) {
        /* Its figures go into the epoch's row, written after the test. */
        for (size_t i = 0; i < r->count && i < p->tensors; i++)
            p->last_tensors[i] = r->tensors[i];
        p->last = *r;
        p->last.tensors = p->last_tensors;
        return;
    }
    if (p->csv) {
        fprintf(p->csv, "%zu,%zu,,,,,", r->epoch, r->total_steps);
        cli_monitor_columns(p->csv, r, p->tensors, p->scalars, p->scalar_count);
        fputc('\n', p->csv);
    }
    check_outputs(p);
}

/* --data FILE.csv --target COLUMN: the training file, its first --limit
 * rows, and the test file (its classes the training file's) or the held
 * out part of the training file. */
static cocob_status load_csv(cocob_context *ctx, const train_args *a, cocob_dataset **train,
                             cocob_dataset **test)
{
    cocob_dataset *all = NULL;
    cocob_status s = cocob_dataset_load_csv(ctx, a->data, a->target, a->task, NULL, &all);
    if (s == COCOB_OK && a->test) {
        const cocob_dataset *like = a->task == COCOB_TASK_CLASSIFY ? all : NULL;
        s = cocob_dataset_load_csv(ctx, a->test, a->target, a->task, like, test);
        *train = s == COCOB_OK ? all : NULL;
        all = s == COCOB_OK ? NULL : all;
    } else if (s == COCOB_OK) {
        s = cocob_dataset_holdout(ctx, all, a->holdout, a->seed, train, test);
    }
    cocob_dataset_destroy(all);
    if (s == COCOB_OK && a->limit && a->limit < cocob_dataset_count(*train))
        s = cocob_dataset_truncate(ctx, *train, a->limit);
    return s;
}

static void print_csv(const train_args *a, const cocob_dataset *train, const cocob_dataset *test)
{
    size_t c, h, w;
    cocob_dataset_shape(train, &c, &h, &w);
    printf("data     %s: %zu training and %zu test rows (%s) of %zu features; ", a->data,
           cocob_dataset_count(train), cocob_dataset_count(test), a->test ? a->test : "held out",
           w);
    if (a->task == COCOB_TASK_REGRESS) {
        printf("target \"%s\", a number\n", a->target);
        return;
    }
    size_t k = cocob_dataset_classes(train), shown = k < 10 ? k : 10;
    printf("target \"%s\", %zu classes:", a->target, k);
    for (size_t i = 0; i < shown; i++)
        printf(" %zu=%s", i, cocob_dataset_class_name(train, i));
    printf("%s\n", shown < k ? " ..." : "");
}

int cli_train(int argc, char **argv, const cli_common *common)
{
    train_args a;
    cli_common run = *common;
    if (!train_args_parse(&a, &run, argc, argv, stderr))
        return 2;
    if (a.help) {
        cli_usage("train", stdout);
        return 0;
    }
    const char *model_spec = a.model_spec, *data = a.data, *log = a.log;
    const char *checkpoint = a.checkpoint, *resume = a.resume;
    int skip_nonfinite = a.skip_nonfinite, monitor = a.monitor;
    size_t monitor_every = a.monitor_every;
    size_t epochs = a.epochs, batch = a.batch, limit = a.limit, every = a.every;
    uint64_t seed = a.seed;
    cocob_optimizer_config optimizer = a.optimizer;
    /* The outputs are proven writable before the device and the data, which
     * take seconds; the log is truncated only once training starts. */
    cocob_error err = {0};
    if ((log && cocob_file_check_writable(&err, log, "log") != COCOB_OK) ||
        (checkpoint && cocob_file_check_writable(&err, checkpoint, "checkpoint") != COCOB_OK) ||
        (a.save_model &&
         cocob_file_check_writable(&err, a.save_model, "model file") != COCOB_OK)) {
        fprintf(stderr, "cocob train: %s\n", err.message);
        return 1;
    }
    /* Under mpirun, rank 0 alone prints, logs and saves: the others train
     * the same weights, and speak only to say why they failed. */
    cocob_comm ranks;
    const cocob_comm *comm = NULL;
    cocob_comm_times times = {0};
    if (run.comm) {
        if (a.no_overlap)
            cli_mpi_no_overlap();
        if (a.deterministic)
            cli_mpi_deterministic();
        ranks = *run.comm;
        ranks.times = run.verbose ? &times : NULL;
        /* --verify checks each step's ops, and then the ranks after it. */
        ranks.check_every_step = run.verify != COCOB_VERIFY_OFF;
        comm = &ranks;
    }
    int quiet = comm && comm->rank != 0;
    if (quiet) {
        log = NULL;
        a.save_model = NULL;
        if (!freopen("/dev/null", "w", stdout)) {
            fprintf(stderr, "cocob train: rank %d: cannot silence the standard output: %s\n",
                    comm->rank, strerror(errno));
            return 1;
        }
    }
    char device[64];
    run.device = cli_rank_device(run.device, run.local_rank, run.local_ranks, device,
                                 sizeof device);
    FILE *csv = NULL;
    cocob_context *ctx = cli_open(&run);
    if (!ctx)
        return 1;
    progress p;
    memset(&p, 0, sizeof p);
    p.tty = isatty(fileno(stderr));
    p.verbose = run.verbose;
    p.ctx = ctx;
    p.started = common->started;
    p.opened = cocob_now();
    cocob_dataset *train = NULL, *test = NULL;
    cocob_model *model = NULL;
    cocob_optimizer *opt = NULL;
    size_t c = 0, h = 0, w = 0;
    cocob_status s = a.target
                         ? load_csv(ctx, &a, &train, &test)
                         : cocob_dataset_load_first(ctx, data, COCOB_SPLIT_TRAIN, limit, &train);
    if (s == COCOB_OK && !a.target)
        s = cocob_dataset_load(ctx, data, COCOB_SPLIT_TEST, &test);
    p.loaded = cocob_now();
    char tabular[64];
    if (s == COCOB_OK && !model_spec) {
        /* A small MLP suits tabular data; the mlp preset ends in 10 outputs. */
        size_t k = a.target && a.task == COCOB_TASK_REGRESS ? cocob_dataset_outputs(train)
                                                            : cocob_dataset_classes(train);
        snprintf(tabular, sizeof tabular, "dense:64,relu,dense:%zu", k);
        model_spec = a.target ? tabular : "mlp";
    }
    if (s == COCOB_OK) {
        cocob_dataset_shape(train, &c, &h, &w);
        s = cocob_model_create(ctx, c, h, w, &model);
    }
    if (s == COCOB_OK)
        s = cocob_model_add_spec(model, model_spec);
    if (s == COCOB_OK)
        s = cocob_model_set_loss(model, a.loss);
    if (s == COCOB_OK)
        s = cocob_model_init(model, seed);
    cocob_tensor *params = cocob_model_params(model);
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, &optimizer, 1, &params, &opt);
    p.made = cocob_now();
    int said = 0; /* the failure's message is out already */
    if (s == COCOB_OK) {
        size_t summary_size = cocob_model_summary(model, NULL, 0) + 1;
        char *summary = malloc(summary_size);
        if (summary)
            cocob_model_summary(model, summary, summary_size);
        const cocob_device_info *d = cocob_context_device(ctx);
        if (a.target)
            print_csv(&a, train, test);
        else
            printf("data     %s: %zu training and %zu test images of %zux%zux%zu\n", data,
                   cocob_dataset_count(train), cocob_dataset_count(test), c, h, w);
        printf("device   %s (%s)\n", d->selector, d->name);
        char described[256];
        cocob_optimizer_describe(opt, described, sizeof described);
        printf("training %zu epoch(s), batches of %zu, seed %" PRIu64 ", %s\n%s", epochs, batch,
               seed, described, summary ? summary : "(no memory for the model's summary)\n");
        free(summary);
        check_outputs(&p);
        p.monitor = monitor;
        p.monitor_every = monitor_every;
        p.tensors = cocob_model_tensor_count(model);
        p.opt = opt;
        p.scalar_count = cocob_optimizer_scalar_count(opt);
        if (monitor && (!(p.last_tensors = calloc(p.tensors + 1, sizeof *p.last_tensors)) ||
                        !(p.scalars = calloc(p.scalar_count + 1, sizeof *p.scalars))))
            s = COCOB_ERR_OUT_OF_MEMORY;
        if (s == COCOB_OK && log && !(csv = fopen(log, "w"))) {
            fprintf(stderr, "cocob train: cannot open the log %s: %s\n", log, strerror(errno));
            s = COCOB_ERR_IO;
            said = 1;
        }
        p.csv = csv;
        if (csv) {
            fprintf(csv, "epoch,steps,train_loss,test_loss,%s,seconds,examples_per_second",
                    a.loss == COCOB_LOSS_MSE ? "test_rmse" : "test_accuracy");
            if (monitor)
                cli_monitor_header(csv, model, opt);
            fputc('\n', csv);
            check_outputs(&p);
        }
        cocob_train_options o;
        cocob_train_options_init(&o);
        o.epochs = epochs;
        o.batch = batch;
        o.seed = seed;
        o.on_step = quiet ? NULL : on_step;
        o.on_epoch = on_epoch;
        o.user = &p;
        o.checkpoint = checkpoint;
        o.checkpoint_every = every;
        o.resume = resume;
        o.skip_nonfinite = skip_nonfinite;
        o.should_stop = should_stop;
        o.comm = comm;
        if (monitor) {
            o.on_monitor = on_monitor;
            o.monitor_every = monitor_every;
        }
        if (s == COCOB_OK && !should_stop(&p)) {
            cli_catch_stop();
            s = cocob_train(model, opt, train, test, &o);
        }
        if (p.tty && s != COCOB_OK)
            fprintf(stderr, "\n");
        if (s == COCOB_OK && a.save_model) {
            s = cocob_model_save(model, a.save_model);
            if (s == COCOB_OK)
                printf("saved    the model to %s\n", a.save_model);
        }
        if (s == COCOB_OK && p.steady_steps)
            printf("speed    %zu steps in %.3f s, each epoch's first left out: %.2f steps/s\n",
                   p.steady_steps, p.steady_seconds, (double)p.steady_steps / p.steady_seconds);
        if (s == COCOB_OK && run.verbose)
            cli_print_memory(ctx);
        if (s == COCOB_OK && comm && times.steps)
            printf("ranks    %d: per step, backward %.2f ms, the sums %.2f ms in %.1f "
                   "bucket(s), %.2f ms of them waited for after backward (%.2f ms hidden)\n",
                   comm->size, 1e3 * times.backward / (double)times.steps,
                   1e3 * times.communication / (double)times.steps,
                   (double)times.buckets / (double)times.steps,
                   1e3 * times.exposed / (double)times.steps,
                   1e3 * (times.communication - times.exposed) / (double)times.steps);
        check_outputs(&p);
    }
    if (csv && fclose(csv) != 0 && !p.log_errno)
        p.log_errno = errno ? errno : EIO;
    int code = s == COCOB_OK ? 0 : 1;
    if (p.log_errno)
        fprintf(stderr, "cocob train: writing the log %s failed: %s\n", log,
                strerror(p.log_errno));
    if (p.out_errno)
        fprintf(stderr, "cocob train: writing the standard output failed: %s\n",
                strerror(p.out_errno));
    if (p.log_errno || p.out_errno)
        code = 1;
    int sig = cli_stop_signal();
    /* Every rank stops after the same step: rank 0 tells how it went. */
    if (s == COCOB_ERR_INTERRUPTED && comm)
        cli_mpi_together();
    if (s == COCOB_ERR_INTERRUPTED && quiet) {
        if (sig)
            code = 128 + sig;
    } else if (s == COCOB_ERR_INTERRUPTED) {
        if (sig)
            fprintf(stderr, "cocob train: %s: ",
                    sig == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
        else
            fprintf(stderr, "cocob train: ");
        fprintf(stderr, "%s\n", cocob_context_error(ctx));
        if (checkpoint) {
            fprintf(stderr, "cocob train: continue with: ");
            cli_print_resume(stderr, common, checkpoint);
        }
        /* As a shell reports a command its signal killed. */
        if (sig)
            code = 128 + sig;
    } else if (s != COCOB_OK && !said && comm) {
        fprintf(stderr, "cocob train: rank %d of %d: %s\n", comm->rank, comm->size,
                cocob_context_error(ctx));
    } else if (s != COCOB_OK && !said) {
        fprintf(stderr, "cocob train: %s\n", cocob_context_error(ctx));
    }
    free(p.last_tensors);
    free(p.scalars);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(model);
    cocob_dataset_destroy(train);
    cocob_dataset_destroy(test);
    cocob_context_destroy(ctx);
    return code;
}
