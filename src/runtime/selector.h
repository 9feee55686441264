/* Device selectors: what --device and COCOB_DEVICE accept. */
#ifndef COCOB_RUNTIME_SELECTOR_H
#define COCOB_RUNTIME_SELECTOR_H

#include "runtime/handles.h"

/* Only auto and gpu are words of the selector's own. Any other text is
 * resolved against the list it picks from (cocob_selector_match): a
 * backend's name in the registry ("ref", "cpu", "opencl") picks that
 * backend's first device, a device's own selector ("opencl:1:0") that
 * device, and anything else is a part of a device's name. So a new backend
 * is selectable by its name with no change here. */
typedef enum cocob_selector_kind {
    COCOB_SELECT_AUTO, /* the best device by kind: discrete GPU first, reference last */
    COCOB_SELECT_GPU,  /* the best GPU: discrete before integrated */
    COCOB_SELECT_TEXT  /* a backend's name, a device's selector or part of its name */
} cocob_selector_kind;

typedef struct cocob_selector {
    cocob_selector_kind kind;
    char text[256]; /* as given, for messages and matching */
} cocob_selector;

cocob_status cocob_selector_parse(const char *text, cocob_selector *out, cocob_error *err);

/* The index in list of the device sel picks. why says how it was chosen.
 * Nothing matching is COCOB_ERR_NO_DEVICE, and the message lists the
 * devices; a backend this build left out is COCOB_ERR_UNSUPPORTED, naming
 * the build option. */
cocob_status cocob_selector_match(const cocob_selector *sel, const cocob_device_list *list,
                                  size_t *index, char *why, size_t why_cap, cocob_error *err);

#endif
