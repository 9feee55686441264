/* The checkpoint reader on arbitrary files, into a small model and its
 * COCOB optimizer, made once: a plain load, and a resume whose run matches
 * regress/checkpoint/seed-cocob-v2's, so that changes to its progress reach
 * each of the run's checks. */
#include "train/checkpoint.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cocob_model *m;
    static cocob_optimizer *opt;
    cocob_context *ctx = fuzz_context();
    if (!ctx)
        return 0;
    if (!m) {
        cocob_tensor *params = NULL;
        if (cocob_model_create(ctx, 1, 4, 4, &m) != COCOB_OK ||
            cocob_model_add_spec(m, "dense:8,relu,dropout:0.5,dense:4") != COCOB_OK ||
            cocob_model_init(m, 1) != COCOB_OK || !(params = cocob_model_params(m)) ||
            cocob_optimizer_create(ctx, NULL, 1, &params, &opt) != COCOB_OK) {
            cocob_model_destroy(m);
            m = NULL;
            return 0;
        }
    }
    const char *path = fuzz_file(0, data, size);
    cocob_progress p, at = {0, 0, 0, 1, 3, 9, 0x0123456789abcdefULL};
    if (path && cocob_checkpoint_load(path, m, opt, &p) == COCOB_OK)
        cocob_checkpoint_resume(path, m, opt, &at);
    return 0;
}
