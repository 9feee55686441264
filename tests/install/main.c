/* A downstream program: builds against an installed cocob and nothing else. */
#include <stdio.h>

#include <cocob/cocob.h>

int main(void)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = "ref"; /* present in every build, with or without OpenCL */
    cocob_context *ctx = NULL;
    cocob_tensor *t = NULL;
    float v[4] = {0};
    cocob_status s = cocob_context_create(&ctx, &opts);
    if (s == COCOB_OK) s = cocob_tensor_create(ctx, 4, &t);
    if (s == COCOB_OK) s = cocob_tensor_fill(t, 2.0f);
    if (s == COCOB_OK) s = cocob_tensor_download(t, v, 4);
    if (s == COCOB_OK && v[3] != 2.0f) s = COCOB_ERR_INVALID_ARGUMENT;
    if (s == COCOB_OK)
        printf("cocob %d.%d.%d on %s\n", COCOB_VERSION_MAJOR, COCOB_VERSION_MINOR,
               COCOB_VERSION_PATCH, cocob_context_device(ctx)->name);
    else
        fprintf(stderr, "consumer: %s: %s\n", cocob_status_name(s), ctx ? cocob_context_error(ctx) : "");
    cocob_tensor_destroy(t);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
