/* `cocob bench`: figures, never pass or fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_size(const char *text, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || v == 0)
        return 0;
    *out = (size_t)v;
    return 1;
}

static int bench_update(int argc, char **argv, const cli_common *common)
{
    size_t size = 1u << 24;
    size_t iterations = 20;
    for (int i = 2; i < argc; i++) {
        int has_value = i + 1 < argc;
        if (strcmp(argv[i], "--size") == 0 && has_value && parse_size(argv[i + 1], &size)) {
            i++;
        } else if (strcmp(argv[i], "--iterations") == 0 && has_value &&
                   parse_size(argv[i + 1], &iterations) && iterations <= 1000000) {
            i++;
        } else {
            fprintf(stderr, "cocob bench update: bad or unknown argument %s\n"
                            "usage: cocob [--device D] bench update [--size N] [--iterations K]\n",
                    argv[i]);
            return 2;
        }
    }
    cocob_context *ctx = cli_open(common);
    if (!ctx)
        return 1;
    const cocob_device_info *d = cocob_context_device(ctx);
    cocob_bench_update_result r;
    cocob_status s = cocob_bench_update(ctx, size, (int)iterations, &r);
    if (s != COCOB_OK) {
        fprintf(stderr, "cocob bench update: %s\n", cocob_context_error(ctx));
        cocob_context_destroy(ctx);
        return 1;
    }
    printf("device   %s (%s)\n", d->selector, d->name);
    printf("size     %zu elements, best of 5 blocks of %zu launches each\n", r.size, iterations);
    printf("%-14s %12s %12s\n", "kernel", "ms/launch", "GB/s");
    printf("%-14s %12.3f %12.2f   (7 floats read, 5 written per element)\n", "cocob_update",
           r.update_seconds * 1e3, r.update_gbps);
    printf("%-14s %12.3f %12.2f   (2 floats read, 1 written per element)\n", "triad",
           r.triad_seconds * 1e3, r.triad_gbps);
    printf("ratio    %.2f of the triad's bandwidth (goal: 0.80 or better)\n",
           r.update_gbps / r.triad_gbps);
    cocob_context_destroy(ctx);
    return 0;
}

int cli_bench(int argc, char **argv, const cli_common *common)
{
    if (argc >= 2 && strcmp(argv[1], "update") == 0)
        return bench_update(argc, argv, common);
    fprintf(stderr, "cocob bench: expected a benchmark name: update\n");
    return 2;
}
