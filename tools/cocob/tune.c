/* `cocob tune`: times GEMM candidates on the device and stores the fastest
 * beside the program cache, where later runs on the device find it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flags.h"

void cli_gemm_legend(const cocob_gemm_shape *shapes)
{
    printf("shapes (op(A) M x K times op(B) K x N; NT is x W^T, TN dW, NN dx):\n");
    for (int i = 0; i < COCOB_GEMM_SHAPES; i++)
        printf("  s%d %c%c M=%zu N=%zu K=%zu\n", i + 1, shapes[i].trans_a ? 'T' : 'N',
               shapes[i].trans_b ? 'T' : 'N', shapes[i].M, shapes[i].N, shapes[i].K);
    printf("GFLOP/s:\n%-34s", "parameters");
    for (int i = 0; i < COCOB_GEMM_SHAPES; i++)
        printf(" %6s%d", "s", i + 1);
    printf(" %8s\n", "all");
}

void cli_gemm_row(const char *label, const cocob_gemm_timing *t)
{
    printf("%-34s", label);
    if (!t->ok) {
        printf(" failed (see the log)\n");
        return;
    }
    for (int i = 0; i < COCOB_GEMM_SHAPES; i++)
        printf(" %7.1f", t->gflops[i]);
    printf(" %8.1f\n", t->gflops_all);
}

void cli_gemm_ratio(const char *label, const cocob_gemm_timing *num, const cocob_gemm_timing *den)
{
    printf("%-34s", label);
    for (int i = 0; i < COCOB_GEMM_SHAPES; i++)
        printf(" %7.2f", num->gflops[i] / den->gflops[i]);
    printf(" %8.2f\n", num->gflops_all / den->gflops_all);
}

int cli_tune(int argc, char **argv, const cli_common *common)
{
    cli_common c = *common;
    size_t candidates = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = cli_shared(&c, "tune", argc, argv, &i);
        if (r == CLI_TAKEN)
            continue;
        if (r != CLI_OWN)
            return r;
        if (strcmp(argv[i], "--candidates") == 0 && v) {
            if (!cli_size("tune", "--candidates", argv[++i], 1, COCOB_GEMM_MAX_CANDIDATES,
                          &candidates, stderr))
                return 2;
        } else {
            return cli_refuse("tune", argv[i]);
        }
    }
    cocob_context *ctx = cli_open(&c);
    if (!ctx)
        return 1;
    cocob_gemm_tuning *r = malloc(sizeof *r);
    if (!r) {
        fprintf(stderr, "cocob tune: out of host memory\n");
        cocob_context_destroy(ctx);
        return 1;
    }
    const cocob_device_info *d = cocob_context_device(ctx);
    printf("tuning GEMM on %s (%s)\n", d->selector, d->name);
    fflush(stdout);
    double t0 = cocob_now();
    cocob_status s = cocob_tune_gemm(ctx, candidates, r);
    if (s != COCOB_OK) {
        fprintf(stderr, "cocob: %s\n", cocob_context_error(ctx));
        free(r);
        cocob_context_destroy(ctx);
        return 1;
    }
    cli_gemm_legend(r->shapes);
    for (size_t i = 0; i < r->candidate_count; i++) {
        char label[160];
        snprintf(label, sizeof label, "%s%s", r->candidates[i].name, i == 0 ? " (default)" : "");
        cli_gemm_row(label, &r->candidates[i]);
    }
    printf("side by side, best of 3 alternating blocks:\n");
    cli_gemm_row("default", &r->base);
    cli_gemm_row("winner", &r->tuned);
    printf("  = %s\n", r->tuned.name);
    cli_gemm_ratio("speedup over the default", &r->tuned, &r->base);
    printf("%zu candidates in %.0f s; parameters stored in %s\n", r->candidate_count,
           cocob_now() - t0, r->path);
    free(r);
    cocob_context_destroy(ctx);
    return 0;
}
