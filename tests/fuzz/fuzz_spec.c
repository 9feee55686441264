/* The model-spec parser, and the shape inference behind it, on arbitrary
 * text, for an input of 1x28x28 and of 3x32x32. The model is never
 * initialised, so a spec asking for a huge layer costs nothing. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cocob_context *ctx = fuzz_context();
    char *spec = malloc(size + 1);
    if (!ctx || !spec) {
        free(spec);
        return 0;
    }
    memcpy(spec, data, size);
    spec[size] = '\0';
    static const size_t inputs[][3] = {{1, 28, 28}, {3, 32, 32}};
    for (size_t i = 0; i < 2; i++) {
        cocob_model *m = NULL;
        if (cocob_model_create(ctx, inputs[i][0], inputs[i][1], inputs[i][2], &m) == COCOB_OK)
            cocob_model_add_spec(m, spec);
        cocob_model_destroy(m);
    }
    free(spec);
    return 0;
}
