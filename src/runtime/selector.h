/* Device selectors: what --device and COCOB_DEVICE accept. */
#ifndef COCOB_RUNTIME_SELECTOR_H
#define COCOB_RUNTIME_SELECTOR_H

#include "runtime/handles.h"

typedef enum cocob_selector_kind {
    COCOB_SELECT_AUTO, /* discrete GPU, integrated GPU, accelerator, cpu, OpenCL CPU, ref */
    COCOB_SELECT_REF,
    COCOB_SELECT_OPENCL, /* the first OpenCL device */
    COCOB_SELECT_INDEX,  /* opencl:P:D */
    COCOB_SELECT_GPU,    /* the best GPU: discrete before integrated */
    COCOB_SELECT_CPU,    /* the cpu backend (OpenBLAS and OpenMP) */
    COCOB_SELECT_NAME    /* a case-insensitive part of a device's name */
} cocob_selector_kind;

typedef struct cocob_selector {
    cocob_selector_kind kind;
    int platform, device; /* for COCOB_SELECT_INDEX */
    char text[256];       /* as given, for messages and name matching */
} cocob_selector;

cocob_status cocob_selector_parse(const char *text, cocob_selector *out, cocob_error *err);

/* The index in list of the device sel picks. why says how it was chosen.
 * Nothing matching is COCOB_ERR_NO_DEVICE, and the message lists the devices. */
cocob_status cocob_selector_match(const cocob_selector *sel, const cocob_device_list *list,
                                  size_t *index, char *why, size_t why_cap, cocob_error *err);

#endif
