/* On/off settings from the environment (COCOB_VERIFY, COCOB_CACHE,
 * COCOB_UNIFIED): 1, on, yes, true or 0, off, no, false, in any case; and the
 * test-only fault counts (COCOB_FAULT_ALLOC, COCOB_FAULT_ENQUEUE). Any other
 * value is refused as a context is made, rather than ignored. */
#ifndef COCOB_BASE_SETTING_H
#define COCOB_BASE_SETTING_H

#include "base/error.h"

/* Each switch in the environment, checked: an error naming the variable
 * and its value when one is set to something else. */
cocob_status cocob_settings_check(cocob_error *err);

/* The switch name's value: 1 or 0, or unset when it is not set (or not a
 * switch, which cocob_settings_check has refused). */
int cocob_setting(const char *name, int unset);

#endif
