/* Finds every OpenCL platform and device and describes each one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/opencl/opencl.h"

static void info_string(cl_device_id d, cl_device_info what, char *out, size_t cap)
{
    if (clGetDeviceInfo(d, what, cap, out, NULL) != CL_SUCCESS)
        snprintf(out, cap, "?");
    out[cap - 1] = '\0';
}

static cl_ulong info_ulong(cl_device_id d, cl_device_info what)
{
    cl_ulong v = 0;
    return clGetDeviceInfo(d, what, sizeof v, &v, NULL) == CL_SUCCESS ? v : 0;
}

static cl_uint info_uint(cl_device_id d, cl_device_info what)
{
    cl_uint v = 0;
    return clGetDeviceInfo(d, what, sizeof v, &v, NULL) == CL_SUCCESS ? v : 0;
}

static int has_extension(cl_device_id d, const char *ext)
{
    size_t len = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, 0, NULL, &len) != CL_SUCCESS || len == 0)
        return 0;
    char *all = malloc(len + 1);
    if (!all)
        return 0;
    int found = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, len, all, NULL) == CL_SUCCESS) {
        all[len] = '\0';
        size_t n = strlen(ext);
        /* Whole words only: cl_khr_fp16 must not match cl_khr_fp16_foo. */
        for (const char *p = strstr(all, ext); p && !found; p = strstr(p + 1, ext))
            found = (p == all || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0');
    }
    free(all);
    return found;
}

static void describe(cocob_cl_device *e, int p, int d)
{
    cocob_device_info *info = &e->info;
    cl_device_id dev = e->device;
    memset(info, 0, sizeof *info);
    snprintf(info->selector, sizeof info->selector, "opencl:%d:%d", p, d);
    info->platform_index = p;
    info->device_index = d;
    info_string(dev, CL_DEVICE_NAME, info->name, sizeof info->name);
    info_string(dev, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    info_string(dev, CL_DRIVER_VERSION, info->driver_version, sizeof info->driver_version);
    info_string(dev, CL_DEVICE_VERSION, info->opencl_version, sizeof info->opencl_version);
    info_string(dev, CL_DEVICE_OPENCL_C_VERSION, info->opencl_c_version,
                sizeof info->opencl_c_version);
    if (clGetPlatformInfo(e->platform, CL_PLATFORM_NAME, sizeof info->platform_name,
                          info->platform_name, NULL) != CL_SUCCESS)
        strcpy(info->platform_name, "?");
    if (clGetPlatformInfo(e->platform, CL_PLATFORM_VERSION, sizeof info->platform_version,
                          info->platform_version, NULL) != CL_SUCCESS)
        strcpy(info->platform_version, "?");
    info->platform_name[sizeof info->platform_name - 1] = '\0';
    info->platform_version[sizeof info->platform_version - 1] = '\0';

    cl_device_type type = info_ulong(dev, CL_DEVICE_TYPE);
    /* Deprecated in OpenCL 2.0 but still answered, and the one portable way
     * to tell integrated graphics from a card with its own memory. */
    e->host_unified = info_uint(dev, CL_DEVICE_HOST_UNIFIED_MEMORY) != 0;
    if (type & CL_DEVICE_TYPE_GPU)
        info->type = e->host_unified ? COCOB_DEVICE_GPU_INTEGRATED : COCOB_DEVICE_GPU_DISCRETE;
    else if (type & CL_DEVICE_TYPE_ACCELERATOR)
        info->type = COCOB_DEVICE_ACCELERATOR;
    else
        info->type = COCOB_DEVICE_CPU;

    info->compute_units = info_uint(dev, CL_DEVICE_MAX_COMPUTE_UNITS);
    info->clock_mhz = info_uint(dev, CL_DEVICE_MAX_CLOCK_FREQUENCY);
    info->global_mem_bytes = info_ulong(dev, CL_DEVICE_GLOBAL_MEM_SIZE);
    info->max_alloc_bytes = info_ulong(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    info->local_mem_bytes = info_ulong(dev, CL_DEVICE_LOCAL_MEM_SIZE);
    size_t wg = 0, items[3] = {0, 0, 0};
    if (clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL) == CL_SUCCESS)
        info->max_work_group_size = wg;
    /* Every launch puts its group along dimension 0, so that dimension's
     * limit is the group's too. */
    if (clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof items, items, NULL) ==
            CL_SUCCESS &&
        items[0] && items[0] < info->max_work_group_size)
        info->max_work_group_size = items[0];
    info->mem_base_addr_align = info_uint(dev, CL_DEVICE_MEM_BASE_ADDR_ALIGN) / 8;
    info->host_unified_memory = e->host_unified;
    info->fp16 = has_extension(dev, "cl_khr_fp16");
    info->fp64 = has_extension(dev, "cl_khr_fp64") || info_ulong(dev, CL_DEVICE_DOUBLE_FP_CONFIG);

    cl_device_fp_config fp = info_ulong(dev, CL_DEVICE_SINGLE_FP_CONFIG);
    e->correct_divide = (fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
}

cocob_status cocob_cl_devices(cocob_cl_device **out, size_t *count, char *note, size_t note_cap,
                              cocob_error *err)
{
    *out = NULL;
    *count = 0;
    note[0] = '\0';
    cl_uint np = 0;
    cl_int rc = clGetPlatformIDs(0, NULL, &np);
    if (rc == -1001 || (rc == CL_SUCCESS && np == 0)) {
        snprintf(note, note_cap,
                 "no OpenCL platform found (%s, -1001, from the ICD loader): no OpenCL "
                 "driver is installed or registered in /etc/OpenCL/vendors",
                 cocob_cl_error_name(-1001));
        return COCOB_OK;
    }
    if (rc != CL_SUCCESS)
        return cocob_fail(err, COCOB_ERR_OPENCL, "clGetPlatformIDs failed: %s (%d)",
                          cocob_cl_error_name(rc), rc);
    cl_platform_id *plats = calloc(np, sizeof *plats);
    if (!plats)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory listing platforms");
    rc = clGetPlatformIDs(np, plats, NULL);
    if (rc != CL_SUCCESS) {
        free(plats);
        return cocob_fail(err, COCOB_ERR_OPENCL, "clGetPlatformIDs failed: %s (%d)",
                          cocob_cl_error_name(rc), rc);
    }
    cocob_cl_device *all = NULL;
    size_t n = 0;
    for (cl_uint p = 0; p < np; p++) {
        cl_uint nd = 0;
        /* A platform with no device answers CL_DEVICE_NOT_FOUND: skip it. */
        if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 0, NULL, &nd) != CL_SUCCESS || nd == 0)
            continue;
        cl_device_id *ids = calloc(nd, sizeof *ids);
        cocob_cl_device *grown = realloc(all, (n + nd) * sizeof *all);
        if (!ids || !grown) {
            free(ids);
            free(grown ? grown : all);
            free(plats);
            return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory listing devices");
        }
        all = grown;
        if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, nd, ids, NULL) == CL_SUCCESS) {
            for (cl_uint d = 0; d < nd; d++) {
                all[n].platform = plats[p];
                all[n].device = ids[d];
                describe(&all[n], (int)p, (int)d);
                n++;
            }
        }
        free(ids);
    }
    free(plats);
    if (n == 0)
        snprintf(note, note_cap, "%u OpenCL platform(s) found, but none has a device", np);
    *out = all;
    *count = n;
    return COCOB_OK;
}
