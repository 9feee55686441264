/* The CSV reader on arbitrary files, with the target column "y": the
 * input's first byte picks the task (its low bit: classify or regress), its
 * second where it splits: the first part is the training file, the rest a
 * test file read with the training file's classes. A file that loads is
 * also split into a held-out set. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cocob_context *ctx = fuzz_context();
    if (!ctx || size < 2)
        return 0;
    cocob_task task = data[0] & 1 ? COCOB_TASK_REGRESS : COCOB_TASK_CLASSIFY;
    size_t split = 2 + (size - 2) * data[1] / 255;
    const char *train_path = fuzz_file(0, data + 2, split - 2);
    const char *test_path = fuzz_file(1, data + split, size - split);
    if (!train_path || !test_path)
        return 0;
    cocob_dataset *train = NULL, *test = NULL, *part = NULL, *rest = NULL;
    if (cocob_dataset_load_csv(ctx, train_path, "y", task, NULL, &train) != COCOB_OK)
        return 0;
    const cocob_dataset *like = task == COCOB_TASK_CLASSIFY ? train : NULL;
    if (cocob_dataset_load_csv(ctx, test_path, "y", task, like, &test) == COCOB_OK)
        cocob_dataset_destroy(test);
    if (cocob_dataset_holdout(ctx, train, 0.25, data[0], &part, &rest) == COCOB_OK) {
        cocob_dataset_destroy(part);
        cocob_dataset_destroy(rest);
    }
    cocob_dataset_destroy(train);
    return 0;
}
