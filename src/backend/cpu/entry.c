/* The cpu backend's registry entry. */
#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"
#include "backend/registry.h"

static cocob_status list_devices(cocob_device_info **infos, void **own, size_t *count, char *note,
                                 size_t note_cap, cocob_error *err)
{
    (void)note;
    (void)note_cap;
    return cocob_host_device_list(cocob_cpu_device_info, infos, own, count, err);
}

static cocob_status create(const void *own, size_t index, cocob_error *err,
                           const cocob_logger *log, cocob_backend **out)
{
    (void)own;
    (void)index;
    return cocob_cpu_backend_create(err, log, out);
}

const cocob_backend_reg cocob_cpu_reg = {
    .name = "cpu",
    .title = "cpu",
    .list_devices = list_devices,
    .create = create,
};
