/* The paper's 1-D toy (its Figure 2): minimise f(x) = |x - 10| from x = 0
 * with COCOB-Backprop and with gradient descent at several learning rates,
 * all through the public API, the gradient sign(x - 10) uploaded each step.
 * Prints CSV: the step, each optimizer's x, and COCOB's effective learning
 * rate |x_t - x_{t-1}| / |g_t|, the step size it chose for itself.
 *   toy_abs [STEPS]        default 1000 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cocob/cocob.h>

static const double gd_lrs[] = {0.1, 1.5, 4.0};
enum { GD = sizeof gd_lrs / sizeof gd_lrs[0], RUNS = GD + 1 };

/* The gradient of |x - 10|: sign(x - 10), 0 at the minimum. */
static float gradient(float x)
{
    return (float)((x > 10.0f) - (x < 10.0f));
}

int main(int argc, char **argv)
{
    long steps = 1000;
    char *end = NULL;
    if (argc == 2)
        steps = strtol(argv[1], &end, 10);
    if (argc > 2 || (end && (*end || end == argv[1])) || steps < 1) {
        fprintf(stderr, "usage: toy_abs [STEPS]   STEPS a whole number from 1\n");
        return 2;
    }
    cocob_context *ctx = NULL;
    cocob_tensor *x[RUNS] = {0}, *g = NULL;
    cocob_optimizer *opt[RUNS] = {0};
    const float zero = 0;
    cocob_status s = cocob_context_create(NULL, &ctx); /* $COCOB_DEVICE, else auto */
    if (s == COCOB_OK)
        s = cocob_tensor_create(ctx, 1, &g);
    for (int r = 0; r < RUNS && s == COCOB_OK; r++) {
        s = cocob_tensor_create(ctx, 1, &x[r]);
        if (s == COCOB_OK)
            s = cocob_tensor_upload(x[r], &zero, 1);
        cocob_optimizer_config cfg;
        cocob_optimizer_config_init(&cfg, r == 0 ? COCOB_OPTIMIZER_COCOB : COCOB_OPTIMIZER_SGD);
        if (r > 0)
            cfg.lr = gd_lrs[r - 1];
        if (s == COCOB_OK)
            s = cocob_optimizer_create(ctx, &cfg, 1, &x[r], &opt[r]);
    }
    if (s == COCOB_OK) {
        printf("step,cocob_x,cocob_effective_lr");
        for (int r = 0; r < GD; r++)
            printf(",gd_lr_%g_x", gd_lrs[r]);
        printf("\n0,0,");
        for (int r = 0; r < GD; r++)
            printf(",0");
        printf("\n");
    }
    for (long t = 1; t <= steps && s == COCOB_OK; t++) {
        float now[RUNS], before = 0, grad0 = 0;
        for (int r = 0; r < RUNS && s == COCOB_OK; r++) {
            float v, grad;
            s = cocob_tensor_download(x[r], &v, 1);
            grad = gradient(v);
            if (r == 0) {
                before = v;
                grad0 = grad;
            }
            if (s == COCOB_OK)
                s = cocob_tensor_upload(g, &grad, 1);
            if (s == COCOB_OK)
                s = cocob_optimizer_step(opt[r], (const cocob_tensor *const *)&g);
            if (s == COCOB_OK)
                s = cocob_tensor_download(x[r], &now[r], 1);
        }
        if (s != COCOB_OK)
            break;
        /* At x = 10 exactly the gradient is 0 and the ratio has no value. */
        printf("%ld,%.9g,", t, now[0]);
        if (grad0 != 0)
            printf("%.9g", fabsf(now[0] - before) / fabsf(grad0));
        for (int r = 1; r < RUNS; r++)
            printf(",%.9g", now[r]);
        printf("\n");
    }
    if (s != COCOB_OK)
        fprintf(stderr, "toy_abs: %s\n", cocob_context_error(ctx));
    for (int r = 0; r < RUNS; r++) {
        cocob_optimizer_destroy(opt[r]);
        cocob_tensor_destroy(x[r]);
    }
    cocob_tensor_destroy(g);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
