/* The `cocob` command's subcommands. Each returns the process exit status. */
#ifndef COCOB_CLI_H
#define COCOB_CLI_H

#include "cocob/cocob.h"

/* Shared by every subcommand that opens a device. */
typedef struct cli_common {
    const char *device;   /* --device, or NULL for $COCOB_DEVICE / auto */
    int verbose;          /* --verbose: debug messages too */
} cli_common;

/* Opens a context, or prints why not and returns NULL. */
cocob_context *cli_open(const cli_common *common);

int cli_devices(int argc, char **argv);
int cli_bench(int argc, char **argv, const cli_common *common);
int cli_train(int argc, char **argv, const cli_common *common);

#endif
