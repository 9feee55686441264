#include "core/setting.h"

#include <stdlib.h>
#include <strings.h>

static const char *const switches[] = {"COCOB_VERIFY", "COCOB_CACHE", "COCOB_UNIFIED"};

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
    return COCOB_OK;
}

int cocob_setting(const char *name, int unset)
{
    const char *text = getenv(name);
    int v = text ? parse(text) : -1;
    return v < 0 ? unset : v;
}
