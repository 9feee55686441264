/* Every command's usage, for `cocob help COMMAND`, `cocob COMMAND --help`
 * and the refusals of a command's arguments; and the words every command
 * reads alike, --help and the global flags. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "flags.h"
#include "optimizer_flags.h"
#include "train_args.h"

static const char main_usage[] =
    "usage: cocob [--device D] [--verbose] [--verify] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  devices [--json]            list ref, cpu, and OpenCL platforms and devices\n"
    "  train [--model mlp|cnn|SPEC] [--epochs N] [--batch N] [--seed N]\n"
    "        [--data DIR | --data FILE.csv --target COLUMN] [--limit N]\n"
    "        [--log FILE.csv]\n"
    "        [--optimizer sgd|adagrad|rmsprop|adadelta|adam|adamw --lr X ...]\n"
    "        [--optimizer ckt|kt [--w X]]\n"
    "        [--optimizer sf_sgd|sf_adamw [--lr X] [--warmup-steps N] ...]\n"
    "                              train with COCOB-Backprop (no learning rate), a\n"
    "                              baseline, cKT or KT (no learning rate either), or\n"
    "                              Schedule-Free SGD or AdamW (evaluated at x);\n"
    "                              `cocob help train` lists the settings\n"
    "  predict --model FILE [--data DIR | --data FILE.csv --target COLUMN] [--limit N]\n"
    "          [--output FILE.csv]\n"
    "                              a saved model or checkpoint on the test split:\n"
    "                              accuracy, loss and the confusion matrix\n"
    "  bench update [--size N] [--iterations K]\n"
    "                              the optimizer step's bandwidth against a triad's\n"
    "  bench train [--model mlp|cnn|SPEC] [--batch N] [--steps N] [--data DIR]\n"
    "              [--compare-unified]\n"
    "                              training steps per second on ref and the device\n"
    "  bench gemm                  OpenCL GEMM, default and tuned, at an MLP's shapes\n"
    "  tune [--candidates N]       tune OpenCL GEMM for the device and store the result\n"
    "                              (a device's first GEMM tunes for a few seconds\n"
    "                              unless COCOB_GEMM_TUNE=off)\n"
    "  verify                      every op on the device against the C reference,\n"
    "                              forward, backward and optimizer step, as a table\n"
    "  version                     print the version\n"
    "  help [COMMAND]              this, or a command's usage (also COMMAND --help)\n";

/* What every command that opens a device shares. */
static const char global_flags[] =
    "\n"
    "--device D picks the device: auto (the default), ref, cpu (OpenBLAS and OpenMP),\n"
    "opencl, opencl:P:D, gpu, or part of a device's name. COCOB_DEVICE sets the same.\n"
    "--verify runs every op on the device and on the C reference, and stops at the\n"
    "first op whose result differs beyond its tolerance. COCOB_VERIFY=1 does the same.\n"
    "--verbose logs debug messages too. These three go before the command or\n"
    "among its arguments; given twice, the last wins.\n";

static const struct {
    const char *name;
    const char *usage; /* NULL: train's, printed by train_help */
    int global;        /* whether the device flags mean anything to it */
} commands[] = {
    {"devices",
     "usage: cocob devices [--json]\n"
     "Lists ref, cpu, and every OpenCL platform and device, and which one auto\n"
     "picks and why; --json prints the same as JSON, for bug reports.\n",
     0},
    {"train", NULL, 1},
    {"predict",
     "usage: cocob [--device D] predict --model FILE [--data DIR] [--limit N]\n"
     "                                 [--output FILE.csv]\n"
     "       cocob [--device D] predict --model FILE --data FILE.csv --target COLUMN\n"
     "                                 [--limit N] [--output FILE.csv]\n"
     "Loads a model saved by `cocob train --save-model`, or the model in a\n"
     "checkpoint, and runs it on the test split of --data (read as train reads\n"
     "it; the first N examples with --limit), or on a CSV file's rows. A\n"
     "classifier prints the accuracy, the mean loss and the confusion matrix,\n"
     "rows the true class and columns the predicted; --output writes a CSV row\n"
     "per example: index, label, predicted, and the probability of each class\n"
     "(p0, p1, ...). A CSV file's classes are its target's values in sorted\n"
     "order, so it must hold every class the training file held. A regression\n"
     "model (--loss mse) prints the RMSE, R2 and loss; --output writes each\n"
     "example's targets and predictions.\n",
     1},
    {"bench",
     "usage: cocob [--device D] bench update|train|gemm [ARGS]\n"
     "Figures, never pass or fail; `cocob help bench NAME` gives each one's\n"
     "arguments:\n"
     "  update    the optimizer step's bandwidth against a triad's\n"
     "  train     training steps per second on ref and the device\n"
     "  gemm      OpenCL GEMM, default and tuned, at an MLP's shapes\n",
     1},
    {"bench update",
     "usage: cocob [--device D] bench update [--size N] [--iterations K]\n"
     "Times the optimizer step over N floats (default 16777216), K launches a\n"
     "block (default 20), against a triad, the plainest memory-bound kernel.\n",
     1},
    {"bench train",
     "usage: cocob [--device D] bench train [--model mlp|cnn|SPEC] [--batch N]\n"
     "                                     [--steps N] [--data DIR] [--compare-unified]\n"
     "Training steps per second, per phase, on ref and then on the device, each\n"
     "with its optimizer step against the step's floor: 48 bytes a parameter at\n"
     "the bandwidth of a triad over as many floats, timed in the same run;\n"
     "--compare-unified runs an OpenCL device copying and then mapping buffers.\n",
     1},
    {"bench gemm",
     "usage: cocob [--device D] bench gemm\n"
     "OpenCL GEMM at an MLP's shapes, the default against the one `cocob tune`\n"
     "stored for the device.\n",
     1},
    {"tune",
     "usage: cocob [--device D] tune [--candidates N]\n"
     "Times GEMM candidates (the first N, default all) on an OpenCL device and\n"
     "stores the fastest beside the program cache, where later runs find it.\n"
     "Until then a device gets a built-in table's parameters for its kind (CPU,\n"
     "NVIDIA, AMD or Intel GPU, other), and the first command that runs a GEMM\n"
     "on it (train, bench) tunes for about 3 s and stores that result;\n"
     "COCOB_GEMM_TUNE=off skips this and keeps the table's parameters.\n",
     1},
    {"verify",
     "usage: cocob [--device D] verify\n"
     "Runs every op, forward, backward and every optimizer's step, on the device\n"
     "and on the C reference, and prints the errors as a table; the exit status\n"
     "is 1 when any op is beyond its tolerance.\n",
     1},
    {"version", "usage: cocob version (or cocob --version)\nPrints the version.\n", 0},
    {"help",
     "usage: cocob help [COMMAND]\n"
     "Prints the commands, or one command's usage: devices, train, predict, bench,\n"
     "bench update, bench train, bench gemm, tune, verify, version, help.\n",
     0},
};

void cli_main_usage(FILE *out)
{
    fprintf(out, "%s%s", main_usage, global_flags);
}

int cli_usage(const char *cmd, FILE *out)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        if (commands[i].usage)
            fputs(commands[i].usage, out);
        else {
            fprintf(out, "%sOptimizers:\n", train_usage);
            optimizer_flags_usage(out);
        }
        if (commands[i].global)
            fputs(global_flags, out);
        return 1;
    }
    return 0;
}

int cli_refuse(const char *cmd, const char *arg)
{
    fprintf(stderr, "cocob %s: bad or unknown argument %s\n", cmd, arg);
    cli_usage(cmd, stderr);
    return 2;
}

int cli_help(int argc, char **argv)
{
    if (argc < 2) {
        cli_main_usage(stdout);
        return 0;
    }
    if (argc == 2 && cli_is_help(argv[1]))
        return !cli_usage("help", stdout);
    char name[64] = "";
    if (argc <= 3)
        snprintf(name, sizeof name, "%s%s%s", argv[1], argc == 3 ? " " : "",
                 argc == 3 ? argv[2] : "");
    if (*name && cli_usage(name, stdout))
        return 0;
    fputs("cocob help: no command is called \"", stderr);
    for (int i = 1; i < argc; i++)
        fprintf(stderr, "%s%s", i > 1 ? " " : "", argv[i]);
    fputs("\"; there are devices, train, predict, bench (update, train, gemm), tune, verify, "
          "version and help\n",
          stderr);
    return 2;
}

int cli_shared(cli_common *c, const char *cmd, int argc, char **argv, int *i)
{
    int used = cli_global(c, cmd, argv[*i], *i + 1 < argc ? argv[*i + 1] : NULL, stderr);
    if (used < 0)
        return 2;
    if (used > 0) {
        *i += used - 1;
        return CLI_TAKEN;
    }
    if (cli_is_help(argv[*i])) {
        cli_usage(cmd, stdout);
        return 0;
    }
    return CLI_OWN;
}

int cli_only_shared(cli_common *c, const char *cmd, int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++) {
        int r = cli_shared(c, cmd, argc, argv, &i);
        if (r == CLI_OWN)
            return cli_refuse(cmd, argv[i]);
        if (r != CLI_TAKEN)
            return r;
    }
    return -1;
}
