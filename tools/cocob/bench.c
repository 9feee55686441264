/* `cocob bench`: figures, never pass or fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flags.h"

/* A trillion floats, 4 TB a buffer: past any device, yet no byte count of
 * it wraps, so the library refuses it with the memory it lacks. */
#define UPDATE_SIZE_MAX ((size_t)1 << 40)

static int bench_update(int argc, char **argv, const cli_common *common)
{
    cli_common c = *common;
    size_t size = 1u << 24;
    size_t iterations = 20;
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = cli_shared(&c, "bench update", argc, argv, &i);
        if (r == CLI_TAKEN)
            continue;
        if (r != CLI_OWN)
            return r;
        if (strcmp(argv[i], "--size") == 0 && v) {
            if (!cli_size("bench update", "--size", argv[++i], 1, UPDATE_SIZE_MAX, &size, stderr))
                return 2;
        } else if (strcmp(argv[i], "--iterations") == 0 && v) {
            if (!cli_size("bench update", "--iterations", argv[++i], 1, 1000000, &iterations,
                          stderr))
                return 2;
        } else {
            return cli_refuse("bench update", argv[i]);
        }
    }
    cocob_context *ctx = cli_open(&c);
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

/* One backend's figures for `bench train`, note after the device's name;
 * *data_phase gets the data phase's seconds per step. 0 on success. */
static int bench_train_on(const cli_common *common, const char *note, const char *spec,
                          const char *data, size_t batch, size_t steps, double *data_phase)
{
    cocob_context *ctx = cli_open(common);
    if (!ctx)
        return 1;
    cocob_dataset *train = NULL;
    cocob_bench_train_result r;
    cocob_status s = cocob_dataset_load(ctx, data, COCOB_SPLIT_TRAIN, &train);
    if (s == COCOB_OK)
        s = cocob_bench_train(ctx, spec, train, batch, steps, &r);
    if (s == COCOB_OK) {
        *data_phase = r.data;
        double step = r.data + r.forward + r.backward + r.update;
        printf("%-12s %12.1f %9.1f %9.1f %9.1f %9.1f   %s%s\n",
               cocob_context_device(ctx)->selector, r.examples_per_second, 1e3 * r.data,
               1e3 * r.forward, 1e3 * r.backward, 1e3 * r.update, cocob_context_device(ctx)->name,
               note);
        printf("%-12s %12s %8.0f%% %8.0f%% %8.0f%% %8.0f%%\n", "", "", 100 * r.data / step,
               100 * r.forward / step, 100 * r.backward / step, 100 * r.update / step);
        printf("step     %.2f ms; floor %.2f ms (48 B x %zu parameters at %.1f GB/s triad); "
               "%.2fx\n",
               1e3 * r.update, 1e3 * r.floor, r.parameters, r.triad_gbps, r.update / r.floor);
        /* The peak RSS is the process's: the rows before this one count. */
        cli_print_memory(ctx);
    } else {
        fprintf(stderr, "cocob bench train: %s\n", cocob_context_error(ctx));
    }
    cocob_dataset_destroy(train);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}

/* An OpenCL device twice in one process, copying and then mapping, so that
 * the data phases (gather and upload) compare; the backend reads
 * COCOB_UNIFIED as it is created. */
static int bench_train_unified(const cli_common *common, const char *spec, const char *data,
                               size_t batch, size_t steps)
{
    double copied = 0, mapped = 0;
    setenv("COCOB_UNIFIED", "off", 1);
    int rc = bench_train_on(common, "  [copied: COCOB_UNIFIED=off]", spec, data, batch, steps,
                            &copied);
    setenv("COCOB_UNIFIED", "on", 1);
    rc |= bench_train_on(common, "  [mapped: COCOB_UNIFIED=on]", spec, data, batch, steps,
                         &mapped);
    /* The table's tenths of a millisecond hide the difference at small batches. */
    if (rc == 0)
        printf("data phase   %.3f ms copied, %.3f ms mapped, per step of %zu examples\n",
               1e3 * copied, 1e3 * mapped, batch);
    return rc;
}

static int bench_train(int argc, char **argv, const cli_common *common)
{
    cli_common c = *common;
    const char *spec = "mlp", *data = "/usr/share/datasets/fashion-mnist";
    size_t batch = 100, steps = 10;
    int compare_unified = 0;
    for (int i = 2; i < argc; i++) {
        int has_value = i + 1 < argc;
        int r = cli_shared(&c, "bench train", argc, argv, &i);
        if (r == CLI_TAKEN)
            continue;
        if (r != CLI_OWN)
            return r;
        if (strcmp(argv[i], "--model") == 0 && has_value) {
            spec = argv[++i];
        } else if (strcmp(argv[i], "--data") == 0 && has_value) {
            data = argv[++i];
        } else if (strcmp(argv[i], "--batch") == 0 && has_value) {
            if (!cli_size("bench train", "--batch", argv[++i], 1, COCOB_BATCH_MAX, &batch,
                          stderr))
                return 2;
        } else if (strcmp(argv[i], "--steps") == 0 && has_value) {
            if (!cli_size("bench train", "--steps", argv[++i], 1, 1000000, &steps, stderr))
                return 2;
        } else if (strcmp(argv[i], "--compare-unified") == 0) {
            compare_unified = 1;
        } else {
            return cli_refuse("bench train", argv[i]);
        }
    }
    cocob_context *probe = cli_open(&c);
    int other = probe && cocob_context_device(probe)->type != COCOB_DEVICE_REF;
    int opencl = probe && cocob_context_device(probe)->platform_index >= 0;
    cocob_context_destroy(probe);
    if (!probe)
        return 1;
    /* As bench gemm and tune on a device without OpenCL: the device, not
     * the command line, is at fault, and 2 is for a command line refused. */
    if (compare_unified && !opencl) {
        fprintf(stderr, "cocob bench train: --compare-unified needs an OpenCL device\n");
        return 1;
    }
    printf("model %s, batch %zu, %zu timed steps after 2 to warm up\n", spec, batch, steps);
    printf("%-12s %12s %9s %9s %9s %9s\n", "device", "examples/s", "data ms", "fwd ms", "bwd ms",
           "step ms");
    /* The reference first, as the yardstick, then the device asked for. */
    cli_common ref = c;
    ref.device = "ref";
    double data_phase;
    int rc = bench_train_on(&ref, "", spec, data, batch, steps, &data_phase);
    if (compare_unified)
        rc |= bench_train_unified(&c, spec, data, batch, steps);
    else if (other)
        rc |= bench_train_on(&c, "", spec, data, batch, steps, &data_phase);
    return rc;
}

/* The default GEMM against the one `cocob tune` stored, side by side. */
static int bench_gemm(int argc, char **argv, const cli_common *common)
{
    cli_common c = *common;
    int rc = cli_only_shared(&c, "bench gemm", argc, argv, 2);
    if (rc >= 0)
        return rc;
    cocob_context *ctx = cli_open(&c);
    if (!ctx)
        return 1;
    cocob_bench_gemm_result *r = malloc(sizeof *r);
    cocob_status s = r ? cocob_bench_gemm(ctx, r) : COCOB_ERR_OUT_OF_MEMORY;
    if (s != COCOB_OK) {
        fprintf(stderr, "cocob: %s\n", r ? cocob_context_error(ctx) : "out of host memory");
        free(r);
        cocob_context_destroy(ctx);
        return 1;
    }
    const cocob_device_info *d = cocob_context_device(ctx);
    printf("device   %s (%s); best of 3 alternating blocks\n", d->selector, d->name);
    cli_gemm_legend(r->shapes);
    cli_gemm_row("default", &r->base);
    printf("  = %s\n", r->base.name);
    if (r->has_tuned) {
        cli_gemm_row("tuned", &r->tuned);
        printf("  = %s, from %s\n", r->tuned.name, r->path);
        cli_gemm_ratio("ratio tuned / default", &r->tuned, &r->base);
    } else {
        printf("no tuned parameters for this device in %s; run `cocob tune`\n",
               *r->path ? r->path : "(the cache is off)");
    }
    free(r);
    cocob_context_destroy(ctx);
    return 0;
}

int cli_bench(int argc, char **argv, const cli_common *common)
{
    if (argc >= 2 && strcmp(argv[1], "update") == 0)
        return bench_update(argc, argv, common);
    if (argc >= 2 && strcmp(argv[1], "train") == 0)
        return bench_train(argc, argv, common);
    if (argc >= 2 && strcmp(argv[1], "gemm") == 0)
        return bench_gemm(argc, argv, common);
    if (argc >= 2 && cli_is_help(argv[1])) {
        cli_usage("bench", stdout);
        return 0;
    }
    fprintf(stderr, "cocob bench: expected a benchmark name: update, train or gemm\n");
    cli_usage("bench", stderr);
    return 2;
}
