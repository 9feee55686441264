#include "flags.h"

#include <string.h>

#include "base/number.h"

int cli_count(const char *cmd, const char *flag, const char *text, uint64_t min, uint64_t max,
              uint64_t *out, FILE *err)
{
    cocob_number_status s = cocob_number_u64(text, NULL, min, max, out);
    if (s == COCOB_NUMBER_OK)
        return 1;
    char why[512];
    fprintf(err, "cocob %s: %s %s\n", cmd, flag,
            cocob_number_why(s, text, min, max, why, sizeof why));
    return 0;
}

int cli_size(const char *cmd, const char *flag, const char *text, size_t min, size_t max,
             size_t *out, FILE *err)
{
    uint64_t v;
    if (!cli_count(cmd, flag, text, min, max, &v, err))
        return 0;
    *out = (size_t)v;
    return 1;
}

int cli_global(cli_common *c, const char *cmd, const char *arg, const char *value, FILE *err)
{
    if (strncmp(arg, "--device=", 9) == 0) {
        c->device = arg + 9;
        return 1;
    }
    if (strcmp(arg, "--device") == 0) {
        if (!value) {
            fprintf(err,
                    "cocob%s%s: --device wants a device: auto, ref, cpu, opencl, "
                    "opencl:P:D, gpu or part of a name\n",
                    cmd ? " " : "", cmd ? cmd : "");
            return -1;
        }
        c->device = value;
        return 2;
    }
    if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0) {
        c->verbose = 1;
        return 1;
    }
    if (strcmp(arg, "--verify") == 0) {
        c->verify = COCOB_VERIFY_STOP;
        return 1;
    }
    return 0;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}
