/* cocob: train neural networks with COCOB-Backprop on any OpenCL device. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: cocob [--device D] [--verbose] [--verify] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  devices [--json]            list ref, cpu, and OpenCL platforms and devices\n"
    "  train [--model mlp|cnn|SPEC] [--epochs N] [--batch N] [--seed N]\n"
    "        [--data DIR] [--limit N] [--log FILE.csv]\n"
    "        [--optimizer sgd|adagrad|rmsprop|adadelta|adam|adamw --lr X ...]\n"
    "                              train with COCOB-Backprop (no learning rate), or a\n"
    "                              baseline; `cocob train --help` lists the settings\n"
    "  bench update [--size N] [--iterations K]\n"
    "                              the optimizer step's bandwidth against a triad's\n"
    "  bench train [--model mlp|cnn|SPEC] [--batch N] [--steps N] [--data DIR]\n"
    "              [--compare-unified]\n"
    "                              training steps per second on ref and the device\n"
    "  bench gemm                  OpenCL GEMM, default and tuned, at an MLP's shapes\n"
    "  tune [--candidates N]       tune OpenCL GEMM for the device and store the result\n"
    "  verify                      every op on the device against the C reference,\n"
    "                              forward, backward and optimizer step, as a table\n"
    "  version                     print the version\n"
    "\n"
    "--device D picks the device: auto (the default), ref, cpu (OpenBLAS and OpenMP),\n"
    "opencl, opencl:P:D, gpu, or part of a device's name. COCOB_DEVICE sets the same.\n"
    "--verify runs every op on the device and on the C reference, and stops at the\n"
    "first op whose result differs beyond its tolerance. COCOB_VERIFY=1 does the same.\n";

cocob_context *cli_open(const cli_common *common)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = common->device;
    opts.verify = common->verify;
    if (common->verbose)
        opts.log_level = COCOB_LOG_DEBUG;
    cocob_context *ctx = NULL;
    cocob_status s = cocob_context_create(&opts, &ctx);
    if (s != COCOB_OK) {
        fprintf(stderr, "cocob: %s\n", ctx ? cocob_context_error(ctx) : "out of host memory");
        cocob_context_destroy(ctx);
        return NULL;
    }
    return ctx;
}

static int run_command(int argc, char **argv)
{
    cli_common common = {NULL, 0, cocob_now(), COCOB_VERIFY_OFF, argc, argv};
    cli_restart_tuned(argv);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
            common.device = argv[++i];
        } else if (strncmp(argv[i], "--device=", 9) == 0) {
            common.device = argv[i] + 9;
        } else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
            common.verbose = 1;
        } else if (strcmp(argv[i], "--verify") == 0) {
            common.verify = COCOB_VERIFY_STOP;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            break;
        } else {
            fprintf(stderr, "cocob: unknown option %s\n\n%s", argv[i], usage);
            return 2;
        }
    }
    if (i >= argc) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[i];
    if (strcmp(cmd, "devices") == 0)
        return cli_devices(argc - i, argv + i);
    if (strcmp(cmd, "train") == 0)
        return cli_train(argc - i, argv + i, &common);
    if (strcmp(cmd, "bench") == 0)
        return cli_bench(argc - i, argv + i, &common);
    if (strcmp(cmd, "tune") == 0)
        return cli_tune(argc - i, argv + i, &common);
    if (strcmp(cmd, "verify") == 0)
        return cli_verify(argc - i, argv + i, &common);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("cocob %s\n", cocob_version());
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    fprintf(stderr, "cocob: unknown command \"%s\"\n\n%s", cmd, usage);
    return 2;
}

int main(int argc, char **argv)
{
    int status = run_command(argc, argv);
    /* Every command's printout, --json and tables alike: a full disk or a
     * closed pipe is a failure, not a success with nothing written. */
    int e = cli_flush(stdout);
    if (e && status == 0) {
        fprintf(stderr, "cocob: writing the standard output failed: %s\n", strerror(e));
        status = 1;
    }
    return status;
}
