/* The device list: the reference backend, the cpu backend, then every
 * OpenCL device. */
#include <stdlib.h>
#include <string.h>

#include "runtime/selector.h"

const char *cocob_device_type_name(cocob_device_type t)
{
    switch (t) {
    case COCOB_DEVICE_REF: return "reference";
    case COCOB_DEVICE_GPU_DISCRETE: return "discrete GPU";
    case COCOB_DEVICE_GPU_INTEGRATED: return "integrated GPU";
    case COCOB_DEVICE_ACCELERATOR: return "accelerator";
    case COCOB_DEVICE_CPU: return "CPU";
    }
    return "unknown";
}

cocob_status cocob_device_list_fill(cocob_device_list *list, cocob_error *err)
{
    size_t ncl = 0;
#ifdef COCOB_HAVE_OPENCL
    cocob_status s = cocob_cl_devices(&list->cl, &ncl, list->note, sizeof list->note, err);
    if (s != COCOB_OK)
        return s;
#else
    strcpy(list->note, "this build of cocob has no OpenCL (COCOB_OPENCL=OFF)");
#endif
    list->infos = calloc(ncl + 2, sizeof *list->infos);
    if (!list->infos)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory listing devices");
    cocob_ref_device_info(&list->infos[0]);
    list->count = 1;
#ifdef COCOB_HAVE_CPU
    cocob_cpu_device_info(&list->infos[list->count++]);
#endif
#ifdef COCOB_HAVE_OPENCL
    list->cl_first = list->count;
    for (size_t i = 0; i < ncl; i++)
        list->infos[list->count++] = list->cl[i].info;
#endif
    return COCOB_OK;
}

void cocob_device_list_clear(cocob_device_list *list)
{
    free(list->infos);
#ifdef COCOB_HAVE_OPENCL
    free(list->cl);
#endif
    memset(list, 0, sizeof *list);
}

cocob_status cocob_devices_query(cocob_device_list **out)
{
    if (!out)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_device_list *list = calloc(1, sizeof *list);
    *out = list;
    if (!list)
        return COCOB_ERR_OUT_OF_MEMORY;
    return cocob_device_list_fill(list, &list->err);
}

size_t cocob_device_list_count(const cocob_device_list *list)
{
    return list ? list->count : 0;
}

const cocob_device_info *cocob_device_list_get(const cocob_device_list *list, size_t i)
{
    return list && i < list->count ? &list->infos[i] : NULL;
}

const char *cocob_device_list_note(const cocob_device_list *list)
{
    return list && list->note[0] ? list->note : NULL;
}

const char *cocob_device_list_error(const cocob_device_list *list)
{
    return list ? list->err.message : "out of host memory";
}

void cocob_device_list_destroy(cocob_device_list *list)
{
    if (!list)
        return;
    cocob_device_list_clear(list);
    free(list);
}

cocob_status cocob_device_list_select(cocob_device_list *list, const char *selector, char *why,
                                      size_t why_cap, size_t *index)
{
    if (!list || !index || !why || why_cap == 0)
        return COCOB_ERR_INVALID_ARGUMENT;
    cocob_selector sel;
    cocob_status s = cocob_selector_parse(selector, &sel, &list->err);
    if (s == COCOB_OK)
        s = cocob_selector_match(&sel, list, index, why, why_cap, &list->err);
    return s;
}

#ifndef COCOB_HAVE_CPU
/* Without the cpu device there is no OpenBLAS to advise. */
const char *cocob_openblas_coretype_hint(void)
{
    return NULL;
}
#endif
