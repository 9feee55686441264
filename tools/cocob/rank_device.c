/* The device of each rank under mpirun: a --device list is taken in
 * local-rank order, and auto spreads the ranks of a node over its GPUs. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Entry i of a comma-separated list, i counted modulo the entries. */
static const char *entry(const char *list, int i, char *buf, size_t cap)
{
    size_t count = 1;
    for (const char *p = list; *p; p++)
        count += *p == ',';
    const char *at = list;
    for (size_t k = (size_t)i % count; k > 0; k--)
        at = strchr(at, ',') + 1;
    size_t len = strcspn(at, ",");
    if (len >= cap)
        len = cap - 1;
    memcpy(buf, at, len);
    buf[len] = '\0';
    return buf;
}

/* Auto's kind of device, when this node has several of it: the local
 * rank's, in the device list's order; else NULL, auto as it is. */
static const char *spread(int local, char *buf, size_t cap)
{
    cocob_device_list *list = NULL;
    const char *chosen = NULL;
    if (cocob_devices_query(&list) == COCOB_OK) {
        const cocob_device_type kinds[] = {COCOB_DEVICE_GPU_DISCRETE, COCOB_DEVICE_GPU_INTEGRATED,
                                           COCOB_DEVICE_ACCELERATOR};
        size_t n = cocob_device_list_count(list);
        for (size_t k = 0; k < sizeof kinds / sizeof *kinds && !chosen; k++) {
            size_t have = 0;
            for (size_t i = 0; i < n; i++)
                have += cocob_device_list_get(list, i)->type == kinds[k];
            if (have == 0)
                continue;
            if (have == 1)
                break; /* auto picks it: nothing to spread */
            size_t want = (size_t)local % have;
            for (size_t i = 0; i < n && !chosen; i++) {
                const cocob_device_info *d = cocob_device_list_get(list, i);
                if (d->type == kinds[k] && want-- == 0) {
                    snprintf(buf, cap, "%s", d->selector);
                    chosen = buf;
                }
            }
        }
    }
    cocob_device_list_destroy(list);
    return chosen;
}

const char *cli_rank_device(const char *device, int local, int ranks, char *buf, size_t cap)
{
    const char *given = device ? device : getenv("COCOB_DEVICE");
    if (given && strchr(given, ','))
        return entry(given, local, buf, cap);
    if (ranks > 1 && (!given || !*given || strcmp(given, "auto") == 0)) {
        const char *mine = spread(local, buf, cap);
        if (mine)
            return mine;
    }
    return device;
}
