/* Fits w to minimise |A w - b|^2 / m with COCOB-Backprop, computing the
 * gradient here on the host: the optimizer API in one page, no learning rate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cocob/cocob.h>

enum { M = 64, N = 8, STEPS = 2000 };

int main(void)
{
    float A[M][N], b[M], w[N] = {0}, grad[N], truth[N];
    srand(1);
    for (int j = 0; j < N; j++)
        truth[j] = (float)(j + 1) / N;
    for (int i = 0; i < M; i++) {
        b[i] = 0;
        for (int j = 0; j < N; j++) {
            A[i][j] = (float)((double)rand() / RAND_MAX) - 0.5f;
            b[i] += A[i][j] * truth[j];
        }
    }
    cocob_context *ctx = NULL;
    cocob_tensor *tw = NULL, *tg = NULL;
    cocob_optimizer *opt = NULL;
    cocob_status s = cocob_context_create(NULL, &ctx); /* $COCOB_DEVICE, else auto */
    if (s == COCOB_OK)
        s = cocob_tensor_create(ctx, N, &tw);
    if (s == COCOB_OK)
        s = cocob_tensor_create(ctx, N, &tg);
    if (s == COCOB_OK)
        s = cocob_optimizer_create(ctx, NULL, 1, &tw, &opt);
    for (int step = 0; step <= STEPS && s == COCOB_OK; step++) {
        s = cocob_tensor_download(tw, w, N);
        float loss = 0;
        for (int j = 0; j < N; j++)
            grad[j] = 0;
        for (int i = 0; i < M && s == COCOB_OK; i++) {
            float r = -b[i];
            for (int j = 0; j < N; j++)
                r += A[i][j] * w[j];
            loss += r * r / M;
            for (int j = 0; j < N; j++)
                grad[j] += 2 * r * A[i][j] / M;
        }
        if (step % 400 == 0)
            printf("step %4d  loss %.6f  w[0] %.4f (truth %.4f)\n", step, loss, w[0], truth[0]);
        if (s == COCOB_OK)
            s = cocob_tensor_upload(tg, grad, N);
        if (s == COCOB_OK)
            s = cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg);
    }
    if (s != COCOB_OK)
        fprintf(stderr, "least_squares: %s\n", cocob_context_error(ctx));
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tg);
    cocob_tensor_destroy(tw);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
