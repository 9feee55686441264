/* The reference backend's registry entry. */
#include <stdlib.h>

#include "backend/ref/ref.h"
#include "backend/registry.h"

cocob_status cocob_host_device_list(void (*describe)(cocob_device_info *info),
                                    cocob_device_info **infos, void **own, size_t *count,
                                    cocob_error *err)
{
    *own = NULL;
    *count = 0;
    *infos = calloc(1, sizeof **infos);
    if (!*infos)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory listing devices");
    describe(*infos);
    *count = 1;
    return COCOB_OK;
}

static cocob_status list_devices(cocob_device_info **infos, void **own, size_t *count, char *note,
                                 size_t note_cap, cocob_error *err)
{
    (void)note;
    (void)note_cap;
    return cocob_host_device_list(cocob_ref_device_info, infos, own, count, err);
}

static cocob_status create(const void *own, size_t index, cocob_error *err,
                           const cocob_logger *log, cocob_backend **out)
{
    (void)own;
    (void)index;
    return cocob_ref_backend_create(err, log, out);
}

const cocob_backend_reg cocob_ref_reg = {
    .name = "ref",
    .title = "C reference",
    .list_devices = list_devices,
    .create = create,
};
