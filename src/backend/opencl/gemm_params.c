/* The GEMM parameters `cocob tune` found for a device, in a text file beside
 * the program cache (base/gemm_file.c parses it). The file's name is a hash
 * of the device line's fields, so the device line guards against a renamed
 * or copied file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/opencl/opencl.h"
#include "base/files.h"
#include "base/replace.h"
#include "base/setting.h"

/* Four lines of at most a device's names: anything longer is damage. */
#define MAX_FILE_BYTES 4096

int cocob_cl_gemm_params_path(const cocob_cl_device *dev, char *out, size_t cap)
{
    char dir[4096], key[33];
    if (!cocob_cl_cache_dir(dir, sizeof dir))
        return 0;
    static const char tag[] = "gemm parameters";
    cocob_cl_cache_key(dev, tag, tag, sizeof tag - 1, key);
    return snprintf(out, cap, "%s/gemm-%s.params", dir, key) < (int)cap;
}

static void device_line(const cocob_cl_device *dev, char *out, size_t cap)
{
    const cocob_device_info *d = &dev->info;
    snprintf(out, cap, "device %s | %s | %s", d->name, d->driver_version, d->platform_version);
}

/* What the device allows a file to ask for. On a CPU a work-group runs on
 * one of the driver's threads, its work-items' private arrays on that
 * thread's stack, whose size no query reports: PoCL overran it (and
 * crashed, or computed garbage) with groups of 4096 of the largest tiles.
 * The local memory the driver gives a group is the working set it plans
 * for, so a group's private arrays are held to it. A GPU keeps them in
 * registers and spills, and CL_KERNEL_WORK_GROUP_SIZE, which gemm.c asks
 * the built kernel, bounds that. */
void cocob_cl_gemm_limits(const cocob_cl_device *dev, char *device, size_t cap,
                          cocob_gemm_limits *lim)
{
    device_line(dev, device, cap);
    lim->device = device;
    lim->max_group = dev->info.max_work_group_size;
    lim->group_private_bytes = dev->info.type == COCOB_DEVICE_CPU
                                   ? (size_t)dev->info.local_mem_bytes
                                   : 0;
#ifdef COCOB_HAVE_CLBLAST
    lim->have_clblast = 1;
#else
    lim->have_clblast = 0;
#endif
}

int cocob_cl_gemm_params_read(const char *path, const cocob_cl_device *dev,
                              cocob_cl_gemm_params *p, char *reason, size_t reason_cap)
{
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return 0;
    cocob_error *err = malloc(sizeof *err);
    if (!err) {
        snprintf(reason, reason_cap, "%s cannot be read: out of host memory", path);
        return -1;
    }
    FILE *f = NULL;
    uint64_t size = 0;
    char text[MAX_FILE_BYTES + 1], want[1024], why[512];
    size_t len = 0;
    int found = cocob_file_open_read(err, path, "gemm parameters file", &f, &size) == COCOB_OK;
    if (!found) {
        snprintf(reason, reason_cap, "%s", err->message);
    } else {
        len = fread(text, 1, sizeof text, f);
        found = !ferror(f);
        if (!found)
            snprintf(reason, reason_cap, "%s cannot be read: %s", path, strerror(errno));
        fclose(f);
    }
    free(err);
    if (!found)
        return -1;
    cocob_gemm_limits lim;
    cocob_cl_gemm_limits(dev, want, sizeof want, &lim);
    if (len > MAX_FILE_BYTES)
        snprintf(why, sizeof why, "it runs past %d bytes", MAX_FILE_BYTES);
    else if (cocob_gemm_file_parse(text, len, &lim, p, why, sizeof why))
        return 1;
    snprintf(reason, reason_cap, "%s is corrupt: %s", path, why);
    return -1;
}

int cocob_cl_gemm_params_write(const char *path, const cocob_cl_device *dev,
                               const cocob_cl_gemm_params *p, char *reason, size_t reason_cap)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (cocob_cl_make_dirs(dir) != 0) {
            snprintf(reason, reason_cap, "cannot create %s: %s", dir, strerror(errno));
            return -1;
        }
    }
    /* A device line of at most 1023 bytes keeps the file within what a
     * read takes. */
    char line[1024], text[MAX_FILE_BYTES + 1];
    device_line(dev, line, sizeof line);
    int n = p->clblast
                ? snprintf(text, sizeof text, COCOB_GEMM_FILE_HEADER "\n%s\nclblast\n", line)
                : snprintf(text, sizeof text,
                           COCOB_GEMM_FILE_HEADER "\n%s\nouter %u %u %u %u\ndot %u %u %u %u\n",
                           line, p->outer.tm, p->outer.nv, p->outer.vw, p->outer.group, p->dot.tm,
                           p->dot.nv, p->dot.vw, p->dot.group);
    cocob_error *err = malloc(sizeof *err);
    if (!err) {
        snprintf(reason, reason_cap, "cannot write %s: out of host memory", path);
        return -1;
    }
    int result = 0;
    if (cocob_file_replace(err, path, "gemm parameters file", text, (size_t)n) != COCOB_OK) {
        snprintf(reason, reason_cap, "%s", err->message);
        result = -1;
    }
    free(err);
    return result;
}

void cocob_cl_gemm_load(cocob_cl_backend *b)
{
    char path[4200], reason[4400], how[128], line[1024];
    cocob_gemm_limits lim;
    cocob_cl_gemm_limits(&b->dev, line, sizeof line, &lim);
    const char *entry = cocob_cl_gemm_table_fitted(&b->dev.info, &lim, &b->gemm, reason,
                                                   sizeof reason);
    cocob_cl_gemm_describe(&b->gemm, how, sizeof how);
    if (reason[0])
        cocob_log(b->base.log, COCOB_LOG_WARN,
                  "gemm: the built-in table's entry for %s does not fit it: %s; using the %s "
                  "(%s)",
                  b->base.info.name, reason, entry, how);
    else
        cocob_log(b->base.log, COCOB_LOG_DEBUG, "gemm: the built-in table's %s entry: %s", entry,
                  how);
    if (!cocob_cl_gemm_params_path(&b->dev, path, sizeof path))
        return;
    cocob_cl_gemm_params p;
    int found = cocob_cl_gemm_params_read(path, &b->dev, &p, reason, sizeof reason);
    if (found < 0) {
        cocob_cl_gemm_describe(&b->gemm, how, sizeof how);
        cocob_log(b->base.log, COCOB_LOG_WARN,
                  "gemm parameters: %s; using the defaults (%s); `cocob tune` rewrites it",
                  reason, how);
    } else if (found > 0) {
        b->gemm = p;
        cocob_cl_gemm_describe(&p, how, sizeof how);
        cocob_log(b->base.log, COCOB_LOG_DEBUG, "gemm: tuned parameters from %s: %s", path, how);
    } else {
        b->gemm_tune_seconds = cocob_setting("COCOB_GEMM_TUNE", 1)
                                   ? COCOB_CL_GEMM_FIRST_USE_SECONDS
                                   : 0;
    }
}
