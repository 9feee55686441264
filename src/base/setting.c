#include "base/setting.h"

#include <limits.h>
#include <stdlib.h>
#include <strings.h>

#include "base/number.h"

static const char *const switches[] = {"COCOB_VERIFY", "COCOB_CACHE", "COCOB_UNIFIED",
                                       "COCOB_GEMM_TUNE"};
/* The test-only fault counts (fault.h): a mistyped one would otherwise
 * inject nothing, and a test meant to fail would pass. */
static const char *const counts[] = {"COCOB_FAULT_ALLOC", "COCOB_FAULT_ENQUEUE"};

/* 1 or 0, or -1 when text is not a switch's value. */
static int parse(const char *text)
{
    static const char *const on[] = {"1", "on", "yes", "true"};
    static const char *const off[] = {"0", "off", "no", "false"};
    for (size_t i = 0; i < sizeof on / sizeof *on; i++) {
        if (strcasecmp(text, on[i]) == 0)
            return 1;
        if (strcasecmp(text, off[i]) == 0)
            return 0;
    }
    return -1;
}

cocob_status cocob_settings_check(cocob_error *err)
{
    for (size_t i = 0; i < sizeof switches / sizeof *switches; i++) {
        const char *text = getenv(switches[i]);
        if (text && parse(text) < 0)
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                              "%s=\"%.64s\" is not a setting: it takes 1 or 0 (on or off, yes "
                              "or no, true or false); unset it for the default",
                              switches[i], text);
    }
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        const char *text = getenv(counts[i]);
        uint64_t n;
        cocob_number_status s = text && *text ? cocob_number_u64(text, NULL, 0, ULONG_MAX, &n)
                                              : COCOB_NUMBER_OK;
        if (s != COCOB_NUMBER_OK) {
            char why[160];
            return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "%s %s", counts[i],
                              cocob_number_why(s, text, 0, ULONG_MAX, why, sizeof why));
        }
    }
    return COCOB_OK;
}

int cocob_setting(const char *name, int unset)
{
    const char *text = getenv(name);
    int v = text ? parse(text) : -1;
    return v < 0 ? unset : v;
}
