/* What every subcommand's flags share: numbers through the one parser, with
 * one kind of message, and the command's own flags given in the wrong place. */
#ifndef COCOB_FLAGS_H
#define COCOB_FLAGS_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/* The whole number text in [min, max] into *out: 1, or 0 after printing to
 * err "cocob CMD: FLAG wants a whole number from MIN to MAX, not "TEXT"
 * (why)". */
int cli_count(const char *cmd, const char *flag, const char *text, uint64_t min, uint64_t max,
              uint64_t *out, FILE *err);

/* The same into a size_t. */
int cli_size(const char *cmd, const char *flag, const char *text, size_t min, size_t max,
             size_t *out, FILE *err);

/* The command's own flags, --device D, --verbose (-v) and --verify, go
 * before the subcommand or anywhere among its arguments; given twice, the
 * last wins. How many arguments arg (value: the next, or NULL) takes up
 * when it is one of them, set in c: 0 when it is not; -1 after printing to
 * err that cmd's --device wants a value. */
int cli_global(cli_common *c, const char *cmd, const char *arg, const char *value, FILE *err);

/* Whether arg asks for the usage: --help or -h. */
int cli_is_help(const char *arg);

#endif
