/* `cocob train`'s arguments; see train_args.h. */
#include "train_args.h"

#include <string.h>

#include "base/number.h"
#include "flags.h"

const char train_usage[] =
    "usage: cocob [--device D] train [--model mlp|cnn|SPEC] [--epochs N] [--batch N]\n"
    "                               [--seed N] [--data DIR] [--limit N] [--log FILE.csv]\n"
    "                               [--optimizer NAME] [--lr X] [settings...]\n"
    "                               [--checkpoint FILE [--checkpoint-every N]]\n"
    "                               [--resume FILE] [--verify] [--skip-nonfinite]\n"
    "                               [--deterministic] [--no-overlap]\n"
    "                               [--monitor] [--monitor-every N] [--save-model FILE]\n"
    "       cocob [--device D] train --data FILE.csv --target COLUMN\n"
    "                               [--task classify|regress] [--loss xent|mse]\n"
    "                               [--test FILE.csv | --holdout FRACTION] [...]\n"
    "--data DIR reads MNIST-style IDX files or CIFAR-10 batches. With --target\n"
    "it is a CSV file instead: a header row naming the columns, then one example\n"
    "per row, every column but the target a number (a feature). To classify (the\n"
    "default), the target's distinct values, numbers or text, are the classes, in\n"
    "sorted order, at most 1000; to regress, it is a number. The test set is\n"
    "--test FILE.csv, with the same columns, or else the last FRACTION (default\n"
    "0.2) of the rows after a shuffle drawn from --seed. The model then defaults\n"
    "to dense:64,relu,dense:K, K the classes (1 to regress).\n"
    "--checkpoint saves the run after every epoch (and every N steps); --resume\n"
    "continues a saved run exactly, to --epochs in all. --verify checks every op\n"
    "against the C reference and stops at the first that differs. A NaN or\n"
    "infinite loss or gradient stops the run, naming the layer and the step;\n"
    "--skip-nonfinite drops such a batch and counts it instead, and fails the run\n"
    "when an epoch drops every batch. --monitor prints,\n"
    "per weight tensor, the gradients' range, COCOB's L, the effective learning\n"
    "rate |step|/|g|, the norm and the drift, after each epoch (or every N steps),\n"
    "and adds them to the --log CSV. Ctrl-C or SIGTERM stops the run after the\n"
    "step under way, saves it to the --checkpoint and prints the command that\n"
    "resumes it; the exit status is then 130 or 143. --save-model writes the\n"
    "trained model (layers and weights, no optimizer) at the end, for\n"
    "`cocob predict --model FILE`; a checkpoint serves there too.\n"
    "Under `mpirun -np N` (in a build with MPI) the N ranks train one model:\n"
    "each takes its share of every --batch, their gradients are summed, and\n"
    "rank 0 alone prints, logs and saves; a checkpoint resumes with any N.\n"
    "The sums start layer by layer while backward goes on; --no-overlap waits\n"
    "for backward (--verbose prints the time each takes). --deterministic sums\n"
    "in rank order, after backward, so that a run under mpirun repeats bit for\n"
    "bit whatever algorithm MPI picks (one process always does).\n"
    "--device a,b gives a node's ranks their devices in turn; auto spreads them\n"
    "over the node's GPUs.\n";

/* The counts' ranges. A training set's examples are indexed by 32 bits, so
 * no --limit beyond that means anything; epochs and step intervals share
 * the bound, far past any run's length. */
#define COUNT_MAX ((uint64_t)UINT32_MAX)

int train_args_parse(train_args *a, cli_common *common, int argc, char **argv, FILE *err)
{
    memset(a, 0, sizeof *a);
    a->data = "/usr/share/datasets/fashion-mnist";
    a->task = COCOB_TASK_CLASSIFY;
    const char *task = NULL, *holdout = NULL, *loss = NULL;
    a->epochs = 1;
    a->batch = 100;
    a->seed = 1;
    optimizer_flags of = {0};
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int used = cli_global(common, "train", f, v, err);
        if (used == 0)
            used = optimizer_flag(&of, f, v, err);
        if (used < 0)
            return 0;
        if (used > 0) {
            i += used - 1;
            continue;
        }
        if (cli_is_help(f)) {
            a->help = 1;
            return 1;
        }
        if (strcmp(f, "--skip-nonfinite") == 0) {
            a->skip_nonfinite = 1;
            continue;
        }
        if (strcmp(f, "--monitor") == 0) {
            a->monitor = 1;
            continue;
        }
        if (strcmp(f, "--deterministic") == 0) {
            a->deterministic = 1;
            continue;
        }
        if (strcmp(f, "--no-overlap") == 0) {
            a->no_overlap = 1;
            continue;
        }
        const char *const texts[] = {"--model",   "--data",       "--log",  "--checkpoint",
                                     "--resume",  "--target",     "--test", "--task",
                                     "--holdout", "--save-model", "--loss"};
        const char **text_of[] = {&a->model_spec, &a->data,       &a->log,  &a->checkpoint,
                                  &a->resume,     &a->target,     &a->test, &task,
                                  &holdout,       &a->save_model, &loss};
        const struct {
            const char *flag;
            size_t *out;
            uint64_t max;
        } counts[] = {{"--epochs", &a->epochs, COUNT_MAX},
                      {"--batch", &a->batch, COCOB_BATCH_MAX},
                      {"--limit", &a->limit, COUNT_MAX},
                      {"--checkpoint-every", &a->every, COUNT_MAX},
                      {"--monitor-every", &a->monitor_every, COUNT_MAX}};
        int known = 0, ok = 1;
        for (size_t k = 0; k < sizeof texts / sizeof *texts && !known; k++)
            if (strcmp(f, texts[k]) == 0) {
                known = 1;
                if (v)
                    *text_of[k] = v;
            }
        for (size_t k = 0; k < sizeof counts / sizeof *counts && !known; k++)
            if (strcmp(f, counts[k].flag) == 0) {
                known = 1;
                ok = !v || cli_size("train", f, v, 1, counts[k].max, counts[k].out, err);
            }
        if (!known && strcmp(f, "--seed") == 0) {
            known = 1;
            ok = !v || cli_count("train", f, v, 0, UINT64_MAX, &a->seed, err);
        }
        if (!ok)
            return 0;
        if (!known) {
            fprintf(err, "cocob train: unknown argument %s\n%s", f, train_usage);
            return 0;
        }
        if (!v) {
            fprintf(err, "cocob train: %s wants a value after it\n", f);
            return 0;
        }
        if (strcmp(f, "--monitor-every") == 0)
            a->monitor = 1;
        i++;
    }
    if (!optimizer_flags_config(&of, &a->optimizer, err))
        return 0;
    size_t len = strlen(a->data);
    int csv_name = (len >= 4 && strcmp(a->data + len - 4, ".csv") == 0) ||
                   (len >= 7 && strcmp(a->data + len - 7, ".csv.gz") == 0);
    if (!a->target && csv_name) {
        fprintf(err,
                "cocob train: %s is a CSV file: name the column to learn with --target "
                "COLUMN\n",
                a->data);
        return 0;
    }
    if (!a->target && (task || holdout || a->test)) {
        fprintf(err, "cocob train: %s is for CSV data, which --target COLUMN marks\n",
                task      ? "--task"
                : holdout ? "--holdout"
                          : "--test");
        return 0;
    }
    if (task && strcmp(task, "classify") != 0 && strcmp(task, "regress") != 0) {
        fprintf(err, "cocob train: --task wants classify or regress, not \"%s\"\n", task);
        return 0;
    }
    if (task && strcmp(task, "regress") == 0)
        a->task = COCOB_TASK_REGRESS;
    /* The loss follows the task unless named: MSE to regress, else
     * softmax cross-entropy; the library refuses a loss the data does not
     * fit, naming both. */
    a->loss = a->task == COCOB_TASK_REGRESS ? COCOB_LOSS_MSE : COCOB_LOSS_XENT;
    if (loss && strcmp(loss, "xent") != 0 && strcmp(loss, "mse") != 0) {
        fprintf(err, "cocob train: --loss wants xent or mse, not \"%s\"\n", loss);
        return 2;
    }
    if (loss)
        a->loss = strcmp(loss, "mse") == 0 ? COCOB_LOSS_MSE : COCOB_LOSS_XENT;
    if (holdout && a->test) {
        fprintf(err, "cocob train: --holdout and --test are two ways to a test set; give one\n");
        return 0;
    }
    a->holdout = 0.2;
    if (holdout && (cocob_number_double(holdout, NULL, 0, 1, &a->holdout) != COCOB_NUMBER_OK ||
                    a->holdout <= 0 || a->holdout >= 1)) {
        fprintf(err, "cocob train: --holdout wants a fraction above 0 and below 1, not \"%s\"\n",
                holdout);
        return 0;
    }
    if (a->every && !a->checkpoint) {
        fprintf(err, "cocob train: --checkpoint-every needs --checkpoint FILE\n");
        return 0;
    }
    return 1;
}
