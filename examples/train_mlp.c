/* Trains the paper's MLP (784-1000-1000-10, ReLU) on Fashion-MNIST with
 * COCOB-Backprop through the public API. No learning rate anywhere.
 *   train_mlp [DATA_DIR [EPOCHS [EXAMPLES]]] */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
    cocob_train_options o;
    cocob_train_options_init(&o);
    size_t limit = 0;
    if ((argc > 2 && !count_arg(argv[2], &o.epochs)) ||
        (argc > 3 && !count_arg(argv[3], &limit))) {
        fprintf(stderr, "usage: %s [DATA_DIR [EPOCHS [EXAMPLES]]]: counts are whole numbers\n",
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
        s = cocob_model_add(m, cocob_dense(1000));
    if (s == COCOB_OK)
        s = cocob_model_add(m, cocob_relu());
    if (s == COCOB_OK)
        s = cocob_model_add(m, cocob_dense(1000));
    if (s == COCOB_OK)
        s = cocob_model_add(m, cocob_relu());
    if (s == COCOB_OK)
        s = cocob_model_add(m, cocob_dense(10));
    if (s == COCOB_OK)
        s = cocob_model_init(m, 42);
    cocob_tensor *params = cocob_model_params(m);
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, NULL, 1, &params, &opt);
    if (s == COCOB_OK)
        s = cocob_train(m, opt, train, test, &o);
    if (s != COCOB_OK)
        fprintf(stderr, "train_mlp: %s\n", cocob_context_error(ctx));
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_dataset_destroy(train);
    cocob_dataset_destroy(test);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
