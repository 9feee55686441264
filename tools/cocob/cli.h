/* The `cocob` command's subcommands. Each returns the process exit status. */
#ifndef COCOB_CLI_H
#define COCOB_CLI_H

#include <stdio.h>

#include "cocob/cocob.h"
#include "cocob/tools.h"

/* Shared by every subcommand that opens a device. */
typedef struct cli_common {
    const char *device;       /* --device, or NULL for $COCOB_DEVICE / auto */
    int verbose;              /* --verbose: debug messages too */
    double started;           /* cocob_now() on entering main, for the startup time */
    cocob_verify_mode verify; /* --verify: STOP */
    int argc;                 /* the whole command line, for the --resume command */
    char **argv;
    const cocob_comm *comm;      /* `cocob train` under mpirun: cli_mpi_start's */
    int local_rank, local_ranks; /* this node's part of it (0 and 1 alone) */
} cli_common;

/* Sets OMP_WAIT_POLICY=PASSIVE and, where OpenBLAS misjudged the CPU,
 * OPENBLAS_CORETYPE, when unset, by restarting the command once with them:
 * both are read only as the libraries load. Returns only when no restart
 * was needed or it failed. */
void cli_restart_tuned(char **argv);

/* output.c: 0 when everything written to f so far has reached the system
 * (f is flushed), else the errno of the failure (EIO when the stream no
 * longer knows it). */
int cli_flush(FILE *f);
/* The "memory" line: this process's peak resident set (getrusage), and
 * the most bytes ctx's buffers have held on its device at once. */
void cli_print_memory(const cocob_context *ctx);

/* stop.c: SIGINT and SIGTERM, from cli_catch_stop on, only note the signal
 * (a second one meets the disposition from before: usually death), and
 * cli_stop_signal returns it (0: none yet). cli_print_resume prints the
 * command line with --resume checkpoint in place of any --resume. */
void cli_catch_stop(void);
int cli_stop_signal(void);
void cli_print_resume(FILE *out, const cli_common *common, const char *checkpoint);

/* mpi.c: under an MPI launcher (mpirun), cli_mpi_start starts MPI and
 * returns its communicator for cocob_train, or NULL for a single rank, and
 * the rank's place among those on its node (MPI_COMM_TYPE_SHARED);
 * cli_mpi_end finishes MPI, and with a non-zero status aborts every rank,
 * unless cli_mpi_together said that every rank ends so (a stop they agreed
 * on). Without MPI in the build, or run alone: NULL, and nothing to end.
 * cli_mpi_deterministic makes the communicator's sum one in rank order
 * (--deterministic), and cli_mpi_no_overlap drops its nonblocking sums
 * (--no-overlap), before cli_train copies it. */
#ifdef COCOB_HAVE_MPI
const cocob_comm *cli_mpi_start(int *local_rank, int *local_ranks);
void cli_mpi_deterministic(void);
void cli_mpi_no_overlap(void);
void cli_mpi_together(void);
void cli_mpi_end(int status);
#else
static inline const cocob_comm *cli_mpi_start(int *local_rank, int *local_ranks)
{
    *local_rank = 0;
    *local_ranks = 1;
    return NULL;
}
static inline void cli_mpi_deterministic(void)
{
}
static inline void cli_mpi_no_overlap(void)
{
}
static inline void cli_mpi_together(void)
{
}
static inline void cli_mpi_end(int status)
{
    (void)status;
}
#endif
/* rank_device.c: the device of local rank `local` of the `ranks` on this
 * node: the local rank's entry of a --device (or COCOB_DEVICE) list "a,b",
 * counted modulo the entries; for auto with several ranks, the local
 * rank's device among the node's GPUs of auto's kind when there are
 * several (round robin); else device as given. buf holds what it makes. */
const char *cli_rank_device(const char *device, int local, int ranks, char *buf, size_t cap);

/* Opens a context, or prints why not and returns NULL. */
cocob_context *cli_open(const cli_common *common);

/* monitor.c: --monitor's table, and its CSV columns after the usual ones:
 * the header's, and a row's (r NULL: empty columns). */
void cli_monitor_header(FILE *csv, const cocob_model *m, const cocob_optimizer *opt);
/* r NULL, or scalars NULL: empty columns. */
void cli_monitor_columns(FILE *csv, const cocob_monitor_report *r, size_t tensors,
                         const float *scalars, size_t scalar_count);
void cli_monitor_read_scalars(const cocob_optimizer *opt, float *out, size_t count);
void cli_monitor_print(const cocob_monitor_report *r, const cocob_optimizer *opt,
                       const float *scalars, size_t scalar_count);

/* help.c: the usage of every command, and `cocob help [COMMAND]`.
 * cli_usage prints cmd's ("train", "bench update") to out: 0 when there
 * is no such command. */
void cli_main_usage(FILE *out);
int cli_usage(const char *cmd, FILE *out);
int cli_help(int argc, char **argv);
/* Prints "cocob CMD: bad or unknown argument ARG" and cmd's usage to
 * stderr; returns 2, the exit status. */
int cli_refuse(const char *cmd, const char *arg);

/* What cli_shared returns when argv[*i] was not the exit's cause. */
#define CLI_TAKEN (-1) /* a global flag, set in c; *i is on its last word */
#define CLI_OWN (-2)   /* neither a global flag nor --help: the command's own, or unknown */

/* The words every command reads alike at argv[*i]: a global flag
 * (cli_global) or --help, which prints cmd's usage. CLI_TAKEN, CLI_OWN, or
 * the status to exit with: 0 after the usage, 2 after a flag's bad value. */
int cli_shared(cli_common *c, const char *cmd, int argc, char **argv, int *i);

/* For a command with no flags of its own: reads argv[first ..] with
 * cli_shared and refuses any other word. -1 to go on, else the status to
 * exit with. */
int cli_only_shared(cli_common *c, const char *cmd, int argc, char **argv, int first);

/* Each subcommand reads the command's own flags (--device, --verbose,
 * --verify) among its arguments too, into its copy of common. */
int cli_devices(int argc, char **argv, const cli_common *common);
int cli_bench(int argc, char **argv, const cli_common *common);
int cli_train(int argc, char **argv, const cli_common *common);
int cli_predict(int argc, char **argv, const cli_common *common);
int cli_tune(int argc, char **argv, const cli_common *common);
int cli_verify(int argc, char **argv, const cli_common *common);

/* GEMM figures in one table for `tune` and `bench gemm`: the shapes, a row of
 * GFLOP/s per shape and overall, and a row of ratios. */
void cli_gemm_legend(const cocob_gemm_shape *shapes);
void cli_gemm_row(const char *label, const cocob_gemm_timing *t);
void cli_gemm_ratio(const char *label, const cocob_gemm_timing *num,
                    const cocob_gemm_timing *den);

#endif
