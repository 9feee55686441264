/* `cocob predict`: a saved model, or a checkpoint, on a data set's test
 * split: its accuracy and loss, the confusion matrix, and with --output
 * each example's prediction as CSV. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "cli.h"
#include "data/dataset.h"
#include "flags.h"

typedef struct predict_args {
    const char *model, *data, *output, *target;
    size_t limit;
} predict_args;

/* 1 with a filled in; 0 after the message (exit 2); -1 for --help. */
static int parse(predict_args *a, cli_common *common, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->data = "/usr/share/datasets/fashion-mnist";
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int used = cli_global(common, "predict", f, v, stderr);
        if (used < 0)
            return 0;
        if (used > 0) {
            i += used - 1;
            continue;
        }
        if (cli_is_help(f))
            return -1;
        const char **text = strcmp(f, "--model") == 0    ? &a->model
                            : strcmp(f, "--data") == 0   ? &a->data
                            : strcmp(f, "--output") == 0 ? &a->output
                            : strcmp(f, "--target") == 0 ? &a->target
                                                         : NULL;
        if (!text && strcmp(f, "--limit") != 0) {
            cli_refuse("predict", f);
            return 0;
        }
        if (!v) {
            fprintf(stderr, "cocob predict: %s wants a value after it\n", f);
            return 0;
        }
        if (text)
            *text = v;
        else if (!cli_size("predict", f, v, 1, UINT32_MAX, &a->limit, stderr))
            return 0;
        i++;
    }
    if (!a->model) {
        fprintf(stderr, "cocob predict: --model FILE is needed: a model saved by `cocob train "
                        "--save-model`, or a checkpoint\n");
        return 0;
    }
    return 1;
}

/* The examples to predict: a data directory's test split, as `cocob train
 * --data` reads it, or with --target a CSV file, whose target column is
 * classes for a classifier (in sorted order, so the file must hold the
 * training file's classes for the indices to mean the same) or numbers for
 * a regression model. --limit keeps the first examples. */
static cocob_status load_data(cocob_context *ctx, const predict_args *a, const cocob_model *m,
                              cocob_dataset **out)
{
    cocob_status s;
    if (!a->target) {
        s = cocob_dataset_load_first(ctx, a->data, COCOB_SPLIT_TEST, a->limit, out);
        /* The whole set goes to the model as one array of floats. */
        return s == COCOB_OK ? cocob_dataset_to_floats(&ctx->err, *out) : s;
    }
    cocob_task task = cocob_model_loss(m) == COCOB_LOSS_MSE ? COCOB_TASK_REGRESS
                                                            : COCOB_TASK_CLASSIFY;
    s = cocob_dataset_load_csv(ctx, a->data, a->target, task, NULL, out);
    if (s == COCOB_OK && a->limit && a->limit < cocob_dataset_count(*out))
        s = cocob_dataset_truncate(ctx, *out, a->limit);
    return s;
}

/* The index of the largest of n, the first of equals, as the argmax op
 * takes it. */
static size_t argmax(const float *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

static void print_confusion(const size_t *confusion, size_t classes)
{
    printf("confusion matrix (rows: true class, columns: predicted)\n%6s", "");
    for (size_t c = 0; c < classes; c++)
        printf(" %6zu", c);
    putchar('\n');
    for (size_t t = 0; t < classes; t++) {
        printf("%6zu", t);
        for (size_t c = 0; c < classes; c++)
            printf(" %6zu", confusion[t * classes + c]);
        putchar('\n');
    }
}

/* index,label,predicted,p0,p1,...: 0 on success, else the errno. */
static int write_csv(const char *path, const cocob_dataset *d, const float *p, size_t classes)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return errno ? errno : EIO;
    fputs("index,label,predicted", f);
    for (size_t c = 0; c < classes; c++)
        fprintf(f, ",p%zu", c);
    fputc('\n', f);
    for (size_t i = 0; i < d->count; i++) {
        const float *row = p + i * classes;
        fprintf(f, "%zu,%d,%zu", i, (int)d->labels[i], argmax(row, classes));
        for (size_t c = 0; c < classes; c++)
            fprintf(f, ",%.9g", (double)row[c]);
        fputc('\n', f);
    }
    int e = cli_flush(f);
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    return e;
}

/* A regression model on a set with targets: RMSE, R^2 and the loss, and
 * with --output each example's targets and predictions. Frees what it is
 * given. */
static int regression(cocob_context *ctx, const predict_args *a, cocob_model *m, cocob_dataset *d)
{
    size_t k = cocob_model_outputs(m);
    cocob_evaluation e;
    cocob_batch all = {d->images, NULL, d->targets, d->count};
    cocob_status s = cocob_model_evaluate(m, &all, &e);
    float *y = s == COCOB_OK ? malloc(d->count * k * sizeof *y) : NULL;
    if (s == COCOB_OK && y)
        s = cocob_model_predict(m, d->images, d->count, COCOB_OUTPUT_LOGITS, y);
    int rc = s == COCOB_OK && y ? 0 : 1;
    if (rc)
        fprintf(stderr, "cocob predict: %s\n",
                s == COCOB_OK ? "out of host memory for the predictions"
                              : cocob_context_error(ctx));
    else {
        printf("model    %s: %zu features in, %zu output(s), mean squared error\n", a->model,
               d->width, k);
        printf("data     %s: %zu rows, target \"%s\"\n", a->data, d->count, a->target);
        printf("rmse %.4f  r2 %.4f  loss %.4f\n", e.rmse, e.r2, e.loss);
    }
    FILE *f = rc == 0 && a->output ? fopen(a->output, "w") : NULL;
    if (rc == 0 && a->output) {
        int werr = f ? 0 : errno ? errno : EIO;
        if (f) {
            fputs("index", f);
            for (size_t c = 0; c < k; c++)
                fprintf(f, ",target%zu,predicted%zu", c, c);
            fputc('\n', f);
            for (size_t i = 0; i < d->count; i++) {
                fprintf(f, "%zu", i);
                for (size_t c = 0; c < k; c++)
                    fprintf(f, ",%.9g,%.9g", (double)d->targets[i * k + c], (double)y[i * k + c]);
                fputc('\n', f);
            }
            werr = cli_flush(f);
            if (fclose(f) != 0 && !werr)
                werr = errno ? errno : EIO;
        }
        if (werr) {
            fprintf(stderr, "cocob predict: writing %s failed: %s\n", a->output, strerror(werr));
            rc = 1;
        } else {
            printf("wrote    %s: each example's targets and predictions\n", a->output);
        }
    }
    free(y);
    cocob_dataset_destroy(d);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
    return rc;
}

int cli_predict(int argc, char **argv, const cli_common *common)
{
    predict_args a;
    cli_common run = *common;
    int parsed = parse(&a, &run, argc, argv);
    if (parsed < 0)
        return !cli_usage("predict", stdout);
    if (!parsed)
        return 2;
    cocob_error err = {0};
    if (a.output && cocob_file_check_writable(&err, a.output, "output") != COCOB_OK) {
        fprintf(stderr, "cocob predict: %s\n", err.message);
        return 1;
    }
    cocob_context *ctx = cli_open(&run);
    if (!ctx)
        return 1;
    cocob_model *m = NULL;
    cocob_dataset *d = NULL;
    float *p = NULL, *logits = NULL;
    size_t *confusion = NULL, classes = 0, c = 0, h = 0, w = 0, mc, mh, mw;
    cocob_evaluation e;
    int said = 0; /* the failure's message is out already */
    cocob_status s = cocob_model_load(ctx, a.model, &m);
    if (s == COCOB_OK)
        s = load_data(ctx, &a, m, &d);
    if (s == COCOB_OK) {
        classes = cocob_model_outputs(m);
        cocob_dataset_shape(d, &c, &h, &w);
        cocob_model_input_shape(m, &mc, &mh, &mw);
        if (c != mc || h != mh || w != mw) {
            fprintf(stderr,
                    "cocob predict: %s holds %zux%zux%zu images, but the model %s takes "
                    "%zux%zux%zu\n",
                    a.data, c, h, w, a.model, mc, mh, mw);
            s = COCOB_ERR_SHAPE;
            said = 1;
        }
    }
    if (s == COCOB_OK && !d->labels)
        return regression(ctx, &a, m, d);
    if (s == COCOB_OK) {
        cocob_batch all = {d->images, d->labels, NULL, d->count};
        s = cocob_model_evaluate(m, &all, &e);
    }
    if (s == COCOB_OK) {
        p = malloc(d->count * classes * sizeof *p);
        logits = malloc(d->count * classes * sizeof *logits);
        confusion = calloc(classes * classes, sizeof *confusion);
        if (!p || !logits || !confusion) {
            fprintf(stderr, "cocob predict: out of host memory for %zu predictions\n", d->count);
            s = COCOB_ERR_OUT_OF_MEMORY;
            said = 1;
        }
    }
    if (s == COCOB_OK)
        s = cocob_model_predict(m, d->images, d->count, COCOB_OUTPUT_LOGITS, logits);
    if (s == COCOB_OK)
        s = cocob_model_predict(m, d->images, d->count, COCOB_OUTPUT_PROBABILITIES, p);
    if (s == COCOB_OK) {
        for (size_t i = 0; i < d->count; i++)
            confusion[(size_t)d->labels[i] * classes + argmax(logits + i * classes, classes)]++;
        const cocob_device_info *dev = cocob_context_device(ctx);
        printf("model    %s: %zux%zux%zu in, %zu outputs, %zu parameters\n", a.model, mc, mh, mw,
               classes, cocob_model_param_count(m));
        if (a.target)
            printf("data     %s: %zu rows of %zu features, target \"%s\"\n", a.data, d->count, w,
                   a.target);
        else
            printf("data     %s: %zu test images of %zux%zux%zu\n", a.data, d->count, c, h, w);
        printf("device   %s (%s)\n", dev->selector, dev->name);
        printf("accuracy %.2f%%  loss %.4f\n", 100.0 * e.accuracy, e.loss);
        print_confusion(confusion, classes);
        if (a.output) {
            int werr = write_csv(a.output, d, p, classes);
            if (werr) {
                fprintf(stderr, "cocob predict: writing %s failed: %s\n", a.output,
                        strerror(werr));
                s = COCOB_ERR_IO;
                said = 1;
            } else {
                printf("wrote    %s: each example's label, prediction and probabilities\n",
                       a.output);
            }
        }
    }
    if (s != COCOB_OK && !said)
        fprintf(stderr, "cocob predict: %s\n", cocob_context_error(ctx));
    free(p);
    free(logits);
    free(confusion);
    cocob_dataset_destroy(d);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
