/* `cocob train`'s arguments, parsed into a struct without running anything,
 * so that the parser can be tested and fuzzed on its own. */
#ifndef COCOB_TRAIN_ARGS_H
#define COCOB_TRAIN_ARGS_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "cocob/cocob.h"
#include "optimizer_flags.h"

typedef struct train_args {
    const char *model_spec; /* NULL: mlp, or for CSV data the tabular default */
    const char *data, *log, *checkpoint, *resume, *save_model;
    /* CSV data: the target column (set for CSV data alone), the task, and
     * a test file or else the fraction held out of the training file. */
    const char *target, *test;
    cocob_task task;
    cocob_loss loss; /* --loss, else MSE for --task regress and xent otherwise */
    double holdout;
    int help; /* --help: print the usage, run nothing */
    int skip_nonfinite, monitor;
    int deterministic; /* --deterministic: the ranks' sums in rank order */
    int no_overlap;    /* --no-overlap: the sums after backward */
    size_t epochs, batch, limit, every, monitor_every;
    uint64_t seed;
    cocob_optimizer_config optimizer;
} train_args;

extern const char train_usage[];

/* Fills a from argv[1..argc-1] (argv[0] is "train"), with the defaults for
 * what is not given, and common with the command's own flags among them.
 * 1 on success; 0 after printing to err what is wrong (the caller exits 2). */
int train_args_parse(train_args *a, cli_common *common, int argc, char **argv, FILE *err);

#endif
