/* The IDX reader on arbitrary images and labels files, plain or gzipped
 * (the reader tells them apart by gzip's magic bytes). The input's first byte says
 * where it splits: the first part is the images file, the rest the labels. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cocob_context *ctx = fuzz_context();
    if (!ctx || size < 1)
        return 0;
    size_t split = 1 + (size - 1) * data[0] / 255;
    const char *images = fuzz_file(0, data + 1, split - 1);
    const char *labels = fuzz_file(1, data + split, size - split);
    if (!images || !labels)
        return 0;
    cocob_dataset *d = NULL;
    if (cocob_dataset_load_idx(ctx, images, labels, &d) == COCOB_OK)
        cocob_dataset_destroy(d);
    return 0;
}
