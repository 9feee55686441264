/* The device list: every registry entry's devices, in its order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/checked.h"
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

/* Adds a registry entry's devices to the end of list->infos. */
static cocob_status append(cocob_device_list *list, const cocob_device_info *infos, size_t n,
                           cocob_error *err)
{
    size_t count, bytes;
    cocob_device_info *grown = NULL;
    if (size_add(list->count, n, &count) && size_mul(count, sizeof *grown, &bytes))
        grown = realloc(list->infos, bytes);
    if (!grown)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory listing devices");
    list->infos = grown;
    memcpy(list->infos + list->count, infos, n * sizeof *infos);
    list->count = count;
    return COCOB_OK;
}

cocob_status cocob_device_list_fill(cocob_device_list *list, cocob_error *err)
{
    size_t regs = cocob_backend_reg_count();
    list->groups = calloc(regs, sizeof *list->groups);
    if (!list->groups)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory listing devices");
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i < regs && s == COCOB_OK; i++) {
        const cocob_backend_reg *reg = cocob_backend_reg_get(i);
        cocob_device_group *g = &list->groups[list->group_count++];
        g->reg = reg;
        g->first = list->count;
        if (reg->left_out) {
            snprintf(list->note, sizeof list->note, "this build of cocob has no %s (%s)",
                     reg->title, reg->left_out);
            continue;
        }
        cocob_device_info *infos = NULL;
        s = reg->list_devices(&infos, &g->own, &g->count, list->note, sizeof list->note, err);
        if (s == COCOB_OK && g->count > 0)
            s = append(list, infos, g->count, err);
        free(infos);
    }
    return s;
}

const cocob_device_group *cocob_device_group_of(const cocob_device_list *list, size_t index)
{
    size_t i = 0;
    while (index >= list->groups[i].first + list->groups[i].count)
        i++;
    return &list->groups[i];
}

void cocob_device_list_clear(cocob_device_list *list)
{
    free(list->infos);
    for (size_t i = 0; i < list->group_count; i++)
        free(list->groups[i].own);
    free(list->groups);
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
