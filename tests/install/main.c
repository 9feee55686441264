/* A downstream program: builds against an installed cocob and nothing else. */
#include <stdio.h>
#include <string.h>

#include <cocob/cocob.h>
#include <cocob/tools.h>

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

int main(void)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = "ref"; /* present in every build, with or without OpenCL */
    cocob_context *ctx = NULL;
    cocob_tensor *t = NULL;
    float v[4] = {0};
    cocob_bench_update_result bench;
    /* The library installed must be the one whose header was installed. */
    const char *header = STRINGIFY(COCOB_VERSION_MAJOR) "." STRINGIFY(
        COCOB_VERSION_MINOR) "." STRINGIFY(COCOB_VERSION_PATCH);
    if (strcmp(cocob_version(), header) != 0) {
        fprintf(stderr, "consumer: the library is %s, the header %s\n", cocob_version(), header);
        return 1;
    }
    cocob_status s = cocob_context_create(&opts, &ctx);
    if (s == COCOB_OK)
        s = cocob_tensor_create(ctx, 4, &t);
    if (s == COCOB_OK)
        s = cocob_tensor_fill(t, 2.0f);
    if (s == COCOB_OK)
        s = cocob_tensor_download(t, v, 4);
    if (s == COCOB_OK && v[3] != 2.0f)
        s = COCOB_ERR_INVALID_ARGUMENT;
    /* cocob/tools.h, installed beside cocob.h, links too. */
    if (s == COCOB_OK)
        s = cocob_bench_update(ctx, 4, 1, &bench);
    if (s == COCOB_OK)
        printf("cocob %s on %s\n", cocob_version(), cocob_context_device(ctx)->name);
    else
        fprintf(stderr, "consumer: %s: %s\n", cocob_status_name(s),
                ctx ? cocob_context_error(ctx) : "");
    cocob_tensor_destroy(t);
    cocob_context_destroy(ctx);
    return s == COCOB_OK ? 0 : 1;
}
