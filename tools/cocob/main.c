/* cocob: train neural networks with COCOB-Backprop on any OpenCL device. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "flags.h"

cocob_context *cli_open(const cli_common *common)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = common->device;
    opts.verify = common->verify;
    if (common->verbose)
        opts.log_level = COCOB_LOG_DEBUG;
    else if (common->comm && common->comm->rank != 0)
        opts.log_level = COCOB_LOG_WARN; /* rank 0 says it for all */
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
    cli_common common = {NULL, 0, cocob_now(), COCOB_VERIFY_OFF, argc, argv, NULL, 0, 1};
    cli_restart_tuned(argv);
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        int used = cli_global(&common, NULL, argv[i], i + 1 < argc ? argv[i + 1] : NULL, stderr);
        if (used < 0)
            return 2;
        if (used > 0) {
            i += used;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_main_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            break;
        } else {
            fprintf(stderr, "cocob: unknown option %s\n\n", argv[i]);
            cli_main_usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        cli_main_usage(stderr);
        return 2;
    }
    const char *cmd = argv[i];
    if (strcmp(cmd, "devices") == 0)
        return cli_devices(argc - i, argv + i, &common);
    if (strcmp(cmd, "train") == 0) {
        common.comm = cli_mpi_start(&common.local_rank, &common.local_ranks);
        return cli_train(argc - i, argv + i, &common);
    }
    if (strcmp(cmd, "predict") == 0)
        return cli_predict(argc - i, argv + i, &common);
    if (strcmp(cmd, "bench") == 0)
        return cli_bench(argc - i, argv + i, &common);
    if (strcmp(cmd, "tune") == 0)
        return cli_tune(argc - i, argv + i, &common);
    if (strcmp(cmd, "verify") == 0)
        return cli_verify(argc - i, argv + i, &common);
    if (strcmp(cmd, "help") == 0)
        return cli_help(argc - i, argv + i);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (i + 1 < argc &&
            (strcmp(argv[i + 1], "--help") == 0 || strcmp(argv[i + 1], "-h") == 0))
            return !cli_usage("version", stdout);
        printf("cocob %s\n", cocob_version());
        return 0;
    }
    fprintf(stderr, "cocob: unknown command \"%s\"\n\n", cmd);
    cli_main_usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    /* A write that fails part-way through a long text leaves only the
     * stream's error flag, not its reason; with room for every usage text
     * and table, the failure comes at the flush below, errno and all. A
     * terminal keeps its line buffering. glibc takes the size only with a
     * buffer of the caller's. */
    static char out_buffer[1 << 16];
    if (!isatty(fileno(stdout)))
        setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    int status = run_command(argc, argv);
    /* Every command's printout, --json and tables alike: a full disk or a
     * closed pipe is a failure, not a success with nothing written. */
    int e = cli_flush(stdout);
    if (e && status == 0) {
        fprintf(stderr, "cocob: writing the standard output failed: %s\n", strerror(e));
        status = 1;
    }
    cli_mpi_end(status);
    return status;
}
