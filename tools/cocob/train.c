/* `cocob train`: a model trained with COCOB-Backprop on a data set, with a
 * progress bar on a terminal and plain lines elsewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "optimizer_flags.h"

typedef struct progress {
    int tty;
    FILE *csv;
    size_t last_plain;   /* the step of the last plain progress line */
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
    cocob_monitor_report last;          /* the epoch-end report, for its CSV row */
    cocob_tensor_stats *last_tensors;
} progress;

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
    printf("epoch %zu/%zu  train loss %.4f  test loss %.4f  test accuracy %.2f%%  "
           "%.1f s (%.0f examples/s)\n",
           r->epoch, r->epochs, r->train_loss, r->test_loss, 100.0 * r->test_accuracy, r->seconds,
           r->examples_per_second);
    if (r->skipped)
        printf("         %zu batch(es) dropped for NaN or infinite values (--skip-nonfinite)\n",
               r->skipped);
    fflush(stdout);
    if (p->csv) {
        fprintf(p->csv, "%zu,%zu,%.6f,%.6f,%.6f,%.3f,%.1f", r->epoch, r->steps, r->train_loss,
                r->test_loss, r->test_accuracy, r->seconds, r->examples_per_second);
        if (p->monitor)
            cli_monitor_columns(p->csv, p->monitor_every ? NULL : &p->last, p->tensors);
        fputc('\n', p->csv);
        fflush(p->csv);
    }
}

static void on_monitor(const cocob_monitor_report *r, void *user)
{
    progress *p = user;
    if (p->tty)
        fprintf(stderr, "\r\033[K");
    cli_monitor_print(r);
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
        cli_monitor_columns(p->csv, r, p->tensors);
        fputc('\n', p->csv);
        fflush(p->csv);
    }
}

static int parse_count(const char *flag, const char *text, size_t *out, unsigned min)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || v < min || text[0] == '-') {
        fprintf(stderr, "cocob train: %s wants a whole number of at least %u, not \"%s\"\n",
                flag, min, text);
        return 0;
    }
    *out = (size_t)v;
    return 1;
}

static const char train_usage[] =
    "usage: cocob [--device D] train [--model mlp|cnn|SPEC] [--epochs N] [--batch N]\n"
    "                               [--seed N] [--data DIR] [--limit N] [--log FILE.csv]\n"
    "                               [--optimizer NAME] [--lr X] [settings...]\n"
    "                               [--checkpoint FILE [--checkpoint-every N]]\n"
    "                               [--resume FILE] [--verify] [--skip-nonfinite]\n"
    "                               [--monitor] [--monitor-every N]\n"
    "--checkpoint saves the run after every epoch (and every N steps); --resume\n"
    "continues a saved run exactly, to --epochs in all. --verify checks every op\n"
    "against the C reference and stops at the first that differs. A NaN or\n"
    "infinite loss or gradient stops the run, naming the layer and the step;\n"
    "--skip-nonfinite drops such a batch and counts it instead. --monitor prints,\n"
    "per weight tensor, the gradients' range, COCOB's L, the effective learning\n"
    "rate |step|/|g|, the norm and the drift, after each epoch (or every N steps),\n"
    "and adds them to the --log CSV.\n";

int cli_train(int argc, char **argv, const cli_common *common)
{
    const char *model_spec = "mlp", *data = "/usr/share/datasets/fashion-mnist", *log = NULL;
    const char *checkpoint = NULL, *resume = NULL;
    int skip_nonfinite = 0, monitor = 0;
    size_t monitor_every = 0;
    size_t epochs = 1, batch = 100, seed = 1, limit = 0, every = 0;
    optimizer_flags of = {0};
    cli_common run = *common;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = 1, used = optimizer_flag(&of, a, v);
        if (used < 0)
            return 2;
        if (used > 0) {
            i += used - 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("%sOptimizers:\n%s", train_usage, optimizer_flags_usage);
            return 0;
        } else if (strcmp(a, "--verify") == 0) {
            run.verify = COCOB_VERIFY_STOP;
            continue;
        } else if (strcmp(a, "--skip-nonfinite") == 0) {
            skip_nonfinite = 1;
            continue;
        } else if (strcmp(a, "--monitor") == 0) {
            monitor = 1;
            continue;
        } else if (!v) {
            ok = 0;
        } else if (strcmp(a, "--model") == 0) {
            model_spec = v;
        } else if (strcmp(a, "--data") == 0) {
            data = v;
        } else if (strcmp(a, "--log") == 0) {
            log = v;
        } else if (strcmp(a, "--epochs") == 0) {
            ok = parse_count(a, v, &epochs, 1);
        } else if (strcmp(a, "--batch") == 0) {
            ok = parse_count(a, v, &batch, 1);
        } else if (strcmp(a, "--seed") == 0) {
            ok = parse_count(a, v, &seed, 0);
        } else if (strcmp(a, "--limit") == 0) {
            ok = parse_count(a, v, &limit, 1);
        } else if (strcmp(a, "--checkpoint") == 0) {
            checkpoint = v;
        } else if (strcmp(a, "--checkpoint-every") == 0) {
            ok = parse_count(a, v, &every, 1);
        } else if (strcmp(a, "--resume") == 0) {
            resume = v;
        } else if (strcmp(a, "--monitor-every") == 0) {
            ok = parse_count(a, v, &monitor_every, 1);
            monitor = 1;
        } else {
            ok = 0;
        }
        if (!ok) {
            fprintf(stderr, "cocob train: bad or unknown argument %s\n%s", a, train_usage);
            return 2;
        }
        i++;
    }
    cocob_optimizer_config optimizer;
    if (!optimizer_flags_config(&of, &optimizer))
        return 2;
    if (every && !checkpoint) {
        fprintf(stderr, "cocob train: --checkpoint-every needs --checkpoint FILE\n");
        return 2;
    }
    FILE *csv = NULL;
    if (log && !(csv = fopen(log, "w"))) {
        perror(log);
        return 1;
    }
    cocob_context *ctx = cli_open(&run);
    if (!ctx) {
        if (csv)
            fclose(csv);
        return 1;
    }
    progress p;
    memset(&p, 0, sizeof p);
    p.tty = isatty(fileno(stderr));
    p.csv = csv;
    p.verbose = common->verbose;
    p.ctx = ctx;
    p.started = common->started;
    p.opened = cocob_now();
    cocob_dataset *train = NULL, *test = NULL;
    cocob_model *model = NULL;
    cocob_optimizer *opt = NULL;
    size_t c = 0, h = 0, w = 0;
    cocob_status s = cocob_dataset_load_first(ctx, data, COCOB_SPLIT_TRAIN, limit, &train);
    if (s == COCOB_OK)
        s = cocob_dataset_load(ctx, data, COCOB_SPLIT_TEST, &test);
    p.loaded = cocob_now();
    if (s == COCOB_OK) {
        cocob_dataset_shape(train, &c, &h, &w);
        s = cocob_model_create(ctx, c, h, w, &model);
    }
    if (s == COCOB_OK)
        s = cocob_model_add_spec(model, model_spec);
    if (s == COCOB_OK)
        s = cocob_model_init(model, seed);
    cocob_tensor *params = cocob_model_params(model);
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, &optimizer, 1, &params, &opt);
    p.made = cocob_now();
    if (s == COCOB_OK) {
        char summary[8192];
        cocob_model_summary(model, summary, sizeof summary);
        const cocob_device_info *d = cocob_context_device(ctx);
        printf("data     %s: %zu training and %zu test images of %zux%zux%zu\n", data,
               cocob_dataset_count(train), cocob_dataset_count(test), c, h, w);
        printf("device   %s (%s)\n", d->selector, d->name);
        char described[256];
        cocob_optimizer_describe(opt, described, sizeof described);
        printf("training %zu epoch(s), batches of %zu, seed %zu, %s\n%s", epochs, batch, seed,
               described, summary);
        fflush(stdout);
        p.monitor = monitor;
        p.monitor_every = monitor_every;
        p.tensors = cocob_model_tensor_count(model);
        if (monitor && !(p.last_tensors = calloc(p.tensors + 1, sizeof *p.last_tensors)))
            s = COCOB_ERR_OUT_OF_MEMORY;
        if (csv) {
            fprintf(csv, "epoch,steps,train_loss,test_loss,test_accuracy,seconds,"
                         "examples_per_second");
            if (monitor)
                cli_monitor_header(csv, model);
            fputc('\n', csv);
        }
        cocob_train_options o;
        cocob_train_options_init(&o);
        o.epochs = epochs;
        o.batch = batch;
        o.seed = seed;
        o.on_step = on_step;
        o.on_epoch = on_epoch;
        o.user = &p;
        o.checkpoint = checkpoint;
        o.checkpoint_every = every;
        o.resume = resume;
        o.skip_nonfinite = skip_nonfinite;
        if (monitor) {
            o.on_monitor = on_monitor;
            o.monitor_every = monitor_every;
        }
        if (s == COCOB_OK)
            s = cocob_train(model, opt, train, test, &o);
        if (p.tty && s != COCOB_OK)
            fprintf(stderr, "\n");
        if (s == COCOB_OK && p.steady_steps)
            printf("speed    %zu steps in %.3f s, each epoch's first left out: %.2f steps/s\n",
                   p.steady_steps, p.steady_seconds,
                   (double)p.steady_steps / p.steady_seconds);
    }
    if (s != COCOB_OK)
        fprintf(stderr, "cocob train: %s\n", cocob_context_error(ctx));
    if (csv && fclose(csv) != 0 && s == COCOB_OK) {
        fprintf(stderr, "cocob train: writing the log %s failed\n", log);
        s = COCOB_ERR_IO;
    }
    free(p.last_tensors);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(model);
    cocob_dataset_free(train);
    cocob_dataset_free(test);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
