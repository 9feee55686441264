/* The saved-model reader on arbitrary files, which it must take for a
 * saved model or a checkpoint, or refuse; a model it builds then predicts
 * one input, when that input is small enough for a fuzzer's memory. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cocob_context *ctx = fuzz_context();
    const char *path = ctx ? fuzz_file(0, data, size) : NULL;
    cocob_model *m = NULL;
    if (!path || cocob_model_load(ctx, path, &m) != COCOB_OK)
        return 0;
    size_t c, h, w;
    cocob_model_input_shape(m, &c, &h, &w);
    float x[4096] = {0};
    if (c * h * w <= 4096 && cocob_model_outputs(m) <= 4096) {
        float out[4096];
        cocob_model_predict(m, x, 1, COCOB_OUTPUT_PROBABILITIES, out);
    }
    cocob_model_destroy(m);
    return 0;
}
