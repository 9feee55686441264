/* Training on arrays the program holds: points in the square [-1, 1]^2,
 * class 1 where x * y > 0 (XOR's pattern, which no straight line splits),
 * as tabular data of shape 1 x 1 x 2. Mini-batches go through
 * cocob_model_train_batch, held-out points through cocob_model_predict. */
#include <stdio.h>
#include <stdlib.h>

#include <cocob/cocob.h>

enum { TRAIN = 2000, TEST = 500, FEATURES = 2, CLASSES = 2, BATCH = 50, EPOCHS = 30 };

static void make_points(float *x, int32_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float a = (float)rand() / (float)RAND_MAX * 2 - 1,
              b = (float)rand() / (float)RAND_MAX * 2 - 1;
        x[i * FEATURES] = a;
        x[i * FEATURES + 1] = b;
        y[i] = a * b > 0;
    }
}

int main(void)
{
    static float x[TRAIN * FEATURES], test_x[TEST * FEATURES], p[TEST * CLASSES];
    static int32_t y[TRAIN], test_y[TEST];
    srand(1);
    make_points(x, y, TRAIN);
    make_points(test_x, test_y, TEST);

    cocob_context *ctx = NULL;
    cocob_model *m = NULL;
    cocob_optimizer *opt = NULL;
    cocob_status s = cocob_context_create(NULL, &ctx); /* $COCOB_DEVICE, else auto */
    if (s == COCOB_OK)
        s = cocob_model_create(ctx, 1, 1, FEATURES, &m);
    if (s == COCOB_OK)
        s = cocob_model_add_spec(m, "dense:32,tanh,dense:32,tanh,dense:2");
    if (s == COCOB_OK)
        s = cocob_model_init(m, 1);
    cocob_tensor *params = cocob_model_params(m);
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, NULL, 1, &params, &opt); /* COCOB: no learning rate */
    for (int epoch = 1; epoch <= EPOCHS && s == COCOB_OK; epoch++) {
        double sum = 0, loss = 0;
        for (size_t start = 0; start < TRAIN && s == COCOB_OK; start += BATCH) {
            cocob_batch batch = {x + start * FEATURES, y + start, NULL, BATCH};
            s = cocob_model_train_batch(m, opt, &batch, &loss);
            sum += loss;
        }
        if (epoch % 10 == 0 && s == COCOB_OK)
            printf("epoch %2d  mean loss %.4f\n", epoch, sum / (TRAIN / BATCH));
    }
    if (s == COCOB_OK)
        s = cocob_model_predict(m, test_x, TEST, COCOB_OUTPUT_PROBABILITIES, p);
    if (s == COCOB_OK) {
        int right = 0;
        for (size_t i = 0; i < TEST; i++)
            right += (p[i * CLASSES + 1] > p[i * CLASSES]) == test_y[i];
        printf("point (%.2f, %.2f): class 1 with probability %.3f\n", test_x[0], test_x[1], p[1]);
        printf("test accuracy %.1f%% on %d held-out points\n", 100.0 * right / TEST, TEST);
    }
    if (s != COCOB_OK)
        fprintf(stderr, "own_data: %s\n", cocob_context_error(ctx));
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
