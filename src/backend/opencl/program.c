/* Kernel sources, build options, and building a program: from the disk
 * cache when a whole entry is there, from source otherwise. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/opencl/embedded.h"
#include "backend/opencl/opencl.h"
#include "base/checked.h"
#include "base/files.h"

/* Every program starts with these files: the functions more than one kernel
 * file needs (the Philox generator, the activations) live there once. */
static const char *const prelude[] = {"philox.cl", "activation_fn.cl"};
enum { PRELUDE = sizeof prelude / sizeof *prelude };

static int in_prelude(const char *file)
{
    for (size_t i = 0; i < PRELUDE; i++)
        if (strcmp(file, prelude[i]) == 0)
            return 1;
    return 0;
}

size_t cocob_cl_file_count(void)
{
    return cocob_embedded_source_count;
}

const char *cocob_cl_file_name(size_t i)
{
    return cocob_embedded_sources[i].name;
}

static cocob_status read_file(const char *path, char **src, size_t *len, cocob_error *err)
{
    FILE *f = NULL;
    uint64_t size = 0;
    cocob_status s = cocob_file_open_read(err, path, "kernel source (COCOB_KERNEL_DIR)", &f,
                                          &size);
    if (s != COCOB_OK)
        return s;
    size_t bytes = 0;
    char *buf = NULL;
    if (size < SIZE_MAX && size_add((size_t)size, 1, &bytes))
        buf = malloc(bytes);
    int oom = !buf;
    if (oom || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        fclose(f);
        return cocob_fail(err, oom ? COCOB_ERR_OUT_OF_MEMORY : COCOB_ERR_IO,
                          "cannot read kernel source %s (%llu bytes)%s", path,
                          (unsigned long long)size, oom ? ": out of host memory" : "");
    }
    fclose(f);
    buf[size] = '\0';
    *src = buf;
    *len = (size_t)size;
    return COCOB_OK;
}

cocob_status cocob_cl_source(const char *name, char **src, size_t *len, cocob_error *err)
{
    const char *dir = getenv("COCOB_KERNEL_DIR");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        return read_file(path, src, len, err);
    }
    for (size_t i = 0; i < cocob_embedded_source_count; i++) {
        const cocob_embedded_source *e = &cocob_embedded_sources[i];
        if (strcmp(e->name, name) != 0)
            continue;
        *src = malloc(e->length + 1);
        if (!*src)
            return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
        memcpy(*src, e->text, e->length + 1);
        *len = e->length;
        return COCOB_OK;
    }
    return cocob_fail(err, COCOB_ERR_BUILD, "kernel source %s was not embedded in this build",
                      name);
}

void cocob_cl_build_options(const cocob_cl_device *dev, char *out, size_t cap)
{
    /* No -cl-fast-relaxed-math: every kernel must match the reference. And
     * single-precision division is only correctly rounded on request. */
    snprintf(out, cap, "-cl-std=CL1.2%s",
             dev->correct_divide ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
}

void cocob_cl_program_options(const cocob_cl_backend *b, const char *file, char *out, size_t cap)
{
    char defines[256] = "";
    if (strcmp(file, "gemm.cl") == 0)
        cocob_cl_gemm_defines(&b->gemm, defines, sizeof defines);
    snprintf(out, cap, "%s%s%s", b->options, *defines ? " " : "", defines);
}

static cocob_status build_failed(cocob_cl_backend *b, const char *file, const char *options,
                                 cl_program prog, cl_int rc)
{
    const cocob_device_info *d = &b->dev.info;
    cocob_fail(b->base.err, COCOB_ERR_BUILD,
               "kernel build of %s failed: %s (%d)\n  device: %s (%s), driver %s, %s\n"
               "  options: %s\n  build log:\n",
               file, cocob_cl_error_name(rc), rc, d->name, d->selector, d->driver_version,
               d->platform_version, options);
    size_t n = 0;
    char *log = NULL;
    if (prog &&
        clGetProgramBuildInfo(prog, b->dev.device, CL_PROGRAM_BUILD_LOG, 0, NULL, &n) ==
            CL_SUCCESS &&
        (log = malloc(n + 1)) &&
        clGetProgramBuildInfo(prog, b->dev.device, CL_PROGRAM_BUILD_LOG, n, log, NULL) ==
            CL_SUCCESS) {
        log[n] = '\0';
        cocob_error_append(b->base.err, "%s", log);
    } else {
        cocob_error_append(b->base.err, "(no build log available)");
    }
    free(log);
    if (prog)
        clReleaseProgram(prog);
    return COCOB_ERR_BUILD;
}

/* A program from a cached binary, or NULL when there is none or it will not
 * load; a bad entry is counted and reported, then the caller rebuilds it. */
static cl_program from_cache(cocob_cl_backend *b, const char *dir, const char *key,
                             const char *options)
{
    unsigned char *bin = NULL;
    size_t len = 0;
    char reason[4400];
    int found = cocob_cl_cache_read(dir, key, &bin, &len, reason, sizeof reason);
    if (found == 0)
        return NULL;
    cl_program prog = NULL;
    if (found > 0) {
        cl_int rc, bin_rc;
        const unsigned char *bins[1] = {bin};
        prog = clCreateProgramWithBinary(b->context, 1, &b->dev.device, &len, bins, &bin_rc, &rc);
        if (rc == CL_SUCCESS && bin_rc == CL_SUCCESS)
            rc = clBuildProgram(prog, 1, &b->dev.device, options, NULL, NULL);
        else if (rc == CL_SUCCESS)
            rc = bin_rc;
        if (rc != CL_SUCCESS) {
            snprintf(reason, sizeof reason, "%s/%s.clbin: the driver refused the binary: %s", dir,
                     key, cocob_cl_error_name(rc));
            if (prog)
                clReleaseProgram(prog);
            prog = NULL;
        }
    }
    free(bin);
    if (!prog) {
        b->stats.cache_rejected++;
        cocob_log(b->base.log, COCOB_LOG_WARN, "program cache: %s; rebuilding", reason);
    }
    return prog;
}

static void to_cache(cocob_cl_backend *b, cl_program prog, const char *dir, const char *key)
{
    size_t len = 0;
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof len, &len, NULL) != CL_SUCCESS ||
        len == 0)
        return;
    unsigned char *bin = malloc(len);
    unsigned char *bins[1] = {bin};
    char reason[4400];
    if (bin &&
        clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL) == CL_SUCCESS) {
        if (cocob_cl_cache_write(dir, key, bin, len, reason, sizeof reason) == 0) {
            b->stats.cache_writes++;
            cocob_log(b->base.log, COCOB_LOG_DEBUG, "program cache: wrote %s/%s.clbin", dir, key);
        } else {
            /* Not an error: the program works, the next run rebuilds it. */
            cocob_log(b->base.log, COCOB_LOG_WARN, "program cache: %s; continuing without it",
                      reason);
        }
    }
    free(bin);
}

/* The prelude, then the file, numbered from its own line 1 so that a build
 * log points into the file. */
static cocob_status program_source(const char *file, char **out, size_t *out_len,
                                   cocob_error *err)
{
    char *part[PRELUDE + 1] = {NULL};
    size_t len[PRELUDE + 1] = {0}, total = 0;
    cocob_status s = COCOB_OK;
    for (size_t i = 0; i <= PRELUDE && s == COCOB_OK; i++) {
        s = cocob_cl_source(i < PRELUDE ? prelude[i] : file, &part[i], &len[i], err);
        total += len[i];
    }
    char line[300];
    int line_len = snprintf(line, sizeof line, "\n#line 1 \"%s\"\n", file);
    char *all = NULL;
    if (s == COCOB_OK) {
        all = malloc(total + PRELUDE + (size_t)line_len + 1);
        if (!all)
            s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    }
    if (s == COCOB_OK) {
        char *at = all;
        for (size_t i = 0; i < PRELUDE; i++) {
            memcpy(at, part[i], len[i]);
            at += len[i];
            *at++ = '\n';
        }
        memcpy(at, line, (size_t)line_len);
        at += line_len;
        memcpy(at, part[PRELUDE], len[PRELUDE] + 1);
        *out = all;
        *out_len = (size_t)(at - all) + len[PRELUDE];
    }
    for (size_t i = 0; i <= PRELUDE; i++)
        free(part[i]);
    return s;
}

static long file_index(const char *file)
{
    for (size_t i = 0; i < cocob_embedded_source_count; i++)
        if (strcmp(cocob_embedded_sources[i].name, file) == 0 && !in_prelude(file))
            return (long)i;
    return -1;
}

cocob_status cocob_cl_program(cocob_cl_backend *b, const char *file, cl_program *out)
{
    long index = file_index(file);
    if (index < 0)
        return cocob_fail(b->base.err, COCOB_ERR_BUILD, "no kernel file %s in this build", file);
    if (b->programs[index]) {
        *out = b->programs[index];
        return COCOB_OK;
    }
    char *src = NULL;
    size_t len = 0;
    cocob_status s = program_source(file, &src, &len, b->base.err);
    if (s != COCOB_OK)
        return s;
    char dir[4096], key[33], options[sizeof b->options + 256];
    cocob_cl_program_options(b, file, options, sizeof options);
    int cached = cocob_cl_cache_dir(dir, sizeof dir);
    if (!cached)
        cocob_cl_cache_warn_off(b->base.log);
    cocob_cl_cache_key(&b->dev, options, src, len, key);

    cl_program prog = cached ? from_cache(b, dir, key, options) : NULL;
    if (prog) {
        b->stats.cache_hits++;
        cocob_log(b->base.log, COCOB_LOG_DEBUG, "program cache: hit %s/%s.clbin (%s)", dir, key,
                  file);
    } else {
        cl_int rc;
        const char *text = src;
        prog = clCreateProgramWithSource(b->context, 1, &text, &len, &rc);
        if (rc == CL_SUCCESS)
            rc = clBuildProgram(prog, 1, &b->dev.device, options, NULL, NULL);
        if (rc != CL_SUCCESS) {
            free(src);
            return build_failed(b, file, options, prog, rc);
        }
        b->stats.builds_from_source++;
        cocob_log(b->base.log, COCOB_LOG_DEBUG, "built %s from source with \"%s\"", file,
                  options);
        if (cached)
            to_cache(b, prog, dir, key);
    }
    free(src);
    b->programs[index] = prog;
    *out = prog;
    return COCOB_OK;
}

void cocob_cl_forget_program(cocob_cl_backend *b, const char *file)
{
    size_t kept = 0;
    for (size_t i = 0; i < b->kernel_count; i++) {
        if (strcmp(b->kernels[i].file, file) == 0)
            clReleaseKernel(b->kernels[i].kernel);
        else
            b->kernels[kept++] = b->kernels[i];
    }
    b->kernel_count = kept;
    long index = file_index(file);
    if (index >= 0 && b->programs[index]) {
        clReleaseProgram(b->programs[index]);
        b->programs[index] = NULL;
    }
}

cocob_status cocob_cl_kernel(cocob_cl_backend *b, const char *file, const char *name,
                             cl_kernel *out)
{
    for (size_t i = 0; i < b->kernel_count; i++) {
        if (strcmp(b->kernels[i].name, name) == 0 && strcmp(b->kernels[i].file, file) == 0) {
            *out = b->kernels[i].kernel;
            return COCOB_OK;
        }
    }
    cl_program prog;
    cocob_status s = cocob_cl_program(b, file, &prog);
    if (s != COCOB_OK)
        return s;
    cocob_cl_kernel_slot *grown = realloc(b->kernels, (b->kernel_count + 1) * sizeof *grown);
    if (!grown)
        return cocob_fail(b->base.err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory");
    b->kernels = grown;
    cl_int rc;
    cl_kernel k = clCreateKernel(prog, name, &rc);
    if (rc != CL_SUCCESS)
        return cocob_fail(b->base.err, COCOB_ERR_BUILD, "clCreateKernel(%s) from %s: %s (%d)",
                          name, file, cocob_cl_error_name(rc), rc);
    b->kernels[b->kernel_count++] = (cocob_cl_kernel_slot){file, name, k};
    *out = k;
    return COCOB_OK;
}
