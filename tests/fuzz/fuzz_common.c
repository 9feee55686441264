#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

cocob_context *fuzz_context(void)
{
    static cocob_context *ctx;
    if (!ctx) {
        cocob_options opts;
        cocob_options_init(&opts);
        opts.device = "ref";
        opts.log_level = COCOB_LOG_OFF;
        if (cocob_context_create(&opts, &ctx) != COCOB_OK) {
            cocob_context_destroy(ctx);
            ctx = NULL;
        }
    }
    return ctx;
}

static char paths[2][512];

static void remove_files(void)
{
    for (int i = 0; i < 2; i++)
        if (paths[i][0])
            remove(paths[i]);
}

const char *fuzz_file(int slot, const uint8_t *data, size_t len)
{
    char *path = paths[slot];
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof paths[slot], "%s/cocob-fuzz-%ld-%d", dir && *dir ? dir : "/tmp",
                 (long)getpid(), slot);
        static int registered;
        if (!registered++)
            atexit(remove_files);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    int ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    return ok ? path : NULL;
}
