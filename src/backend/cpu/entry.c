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
    /* Why it is listed, so preferred, before an OpenCL CPU device: at the
     * MLP's shapes (784-1000-1000-10, batch 100) OpenBLAS's SGEMM ran at
     * 175-205 GFLOP/s on a 2-core machine where CLBlast on PoCL ran at
     * 12-23, a gap too wide to need a benchmark at every start. */
    .auto_note = "among CPU devices the cpu backend comes first: on a CPU OpenBLAS's GEMM is "
                 "several times faster than an OpenCL device's",
    .list_devices = list_devices,
    .create = create,
};
