/* The CIFAR-10 reader on an arbitrary batch file, plain or gzipped. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cocob_context *ctx = fuzz_context();
    const char *path = ctx ? fuzz_file(0, data, size) : NULL;
    if (!path)
        return 0;
    cocob_dataset *d = NULL;
    if (cocob_dataset_load_cifar(ctx, &path, 1, &d) == COCOB_OK)
        cocob_dataset_destroy(d);
    return 0;
}
