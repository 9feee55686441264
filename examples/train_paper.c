/* Trains one of the paper's two models on Fashion-MNIST with COCOB-Backprop
 * through the public API. No learning rate anywhere.
 *   train_paper mlp|cnn [DATA_DIR [EPOCHS [EXAMPLES]]]
 * mlp: 784-1000-1000-10 with ReLU; cnn: the paper's MNIST CNN. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cocob/cocob.h>

static void report(const cocob_epoch_report *r, void *user)
{
    (void)user;
    printf("epoch %zu: train loss %.4f, test accuracy %.2f%%\n", r->epoch, r->train_loss,
           100.0 * r->test_accuracy);
}

/* A count from the command line: digits only, so that "-1" is refused
 * rather than wrapped to a huge number. */
static int count_arg(const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end || errno || v > SIZE_MAX)
        return 0;
    *out = (size_t)v;
    return 1;
}

/* The layers, added one call each, as a program that builds its own model
 * would; the first failure's status is kept and the rest are skipped. */
static cocob_status add_layers(cocob_model *m, const cocob_layer *layers, size_t count)
{
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < count && s == COCOB_OK; i++)
        s = cocob_model_add(m, layers[i]);
    return s;
}

static cocob_status add_mlp(cocob_model *m)
{
    const cocob_layer layers[] = {cocob_dense(1000), cocob_relu(), cocob_dense(1000),
                                  cocob_relu(), cocob_dense(10)};
    return add_layers(m, layers, sizeof layers / sizeof layers[0]);
}

/* Two 5x5 convolutions padded to keep their size, each halved by a 2x2
 * max-pool, then dense 1024 with dropout: 28 -> 14 -> 7. */
static cocob_status add_cnn(cocob_model *m)
{
    const cocob_layer layers[] = {
        cocob_conv2d(32, 5, 5, 1, 2),
        cocob_relu(),
        cocob_maxpool(2, 2),
        cocob_conv2d(64, 5, 5, 1, 2),
        cocob_relu(),
        cocob_maxpool(2, 2),
        cocob_dense(1024),
        cocob_relu(),
        cocob_dropout(0.5f),
        cocob_dense(10),
    };
    return add_layers(m, layers, sizeof layers / sizeof layers[0]);
}

int main(int argc, char **argv)
{
    int cnn = argc > 1 && strcmp(argv[1], "cnn") == 0;
    const char *dir = argc > 2 ? argv[2] : "/usr/share/datasets/fashion-mnist";
    cocob_train_options o;
    cocob_train_options_init(&o);
    size_t limit = 0;
    if (argc < 2 || (!cnn && strcmp(argv[1], "mlp") != 0) ||
        (argc > 3 && !count_arg(argv[3], &o.epochs)) ||
        (argc > 4 && !count_arg(argv[4], &limit))) {
        fprintf(stderr,
                "usage: %s mlp|cnn [DATA_DIR [EPOCHS [EXAMPLES]]]: counts are whole numbers\n",
                argv[0]);
        return 2;
    }
    o.on_epoch = report;
    cocob_context *ctx = NULL;
    cocob_dataset *train = NULL, *test = NULL;
    cocob_model *m = NULL;
    cocob_optimizer *opt = NULL;
    cocob_status s = cocob_context_create(NULL, &ctx); /* $COCOB_DEVICE, else auto */
    /* Only the first EXAMPLES are read into memory (0: all). */
    if (s == COCOB_OK)
        s = cocob_dataset_load_first(ctx, dir, COCOB_SPLIT_TRAIN, limit, &train);
    if (s == COCOB_OK)
        s = cocob_dataset_load(ctx, dir, COCOB_SPLIT_TEST, &test);
    if (s == COCOB_OK)
        s = cocob_model_create(ctx, 1, 28, 28, &m);
    if (s == COCOB_OK)
        s = cnn ? add_cnn(m) : add_mlp(m);
    if (s == COCOB_OK)
        s = cocob_model_init(m, 42);
    cocob_tensor *params = cocob_model_params(m);
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, NULL, 1, &params, &opt);
    if (s == COCOB_OK)
        s = cocob_train(m, opt, train, test, &o);
    if (s != COCOB_OK)
        fprintf(stderr, "train_paper: %s\n", cocob_context_error(ctx));
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_dataset_destroy(train);
    cocob_dataset_destroy(test);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
