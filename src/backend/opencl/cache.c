/* Built programs on disk. An entry is a header and the device binary:
 *
 *   "COCOBPRG"  8 bytes   magic
 *   format      u32       COCOB_CACHE_FORMAT; a new layout bumps it
 *   crc32       u32       of the binary
 *   length      u64       of the binary
 *   key         32 bytes  the entry's own name, against a renamed file
 *   binary
 *
 * The name is a hash of all the binary depends on, and a file appears whole
 * or not at all (base/replace.h). Anything that does not add up is reported
 * corrupt and rebuilt. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/checked.h"
#include "base/setting.h"
#include "backend/opencl/opencl.h"
#include "base/files.h"
#include "base/le.h"
#include "base/replace.h"

#define COCOB_CACHE_FORMAT 1u
#define HEADER_BYTES (8 + 4 + 4 + 8 + 32)
static const char magic[8] = {'C', 'O', 'C', 'O', 'B', 'P', 'R', 'G'};

int cocob_cl_cache_dir(char *out, size_t cap)
{
    if (!cocob_setting("COCOB_CACHE", 1))
        return 0;
    const char *dir = getenv("COCOB_CACHE_DIR");
    if (dir && *dir)
        return snprintf(out, cap, "%s", dir) < (int)cap;
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && *xdg)
        return snprintf(out, cap, "%s/cocob", xdg) < (int)cap;
    const char *home = getenv("HOME");
    if (home && *home)
        return snprintf(out, cap, "%s/.cache/cocob", home) < (int)cap;
    return 0;
}

void cocob_cl_cache_warn_off(const cocob_logger *log)
{
    static int warned;
    if (!cocob_setting("COCOB_CACHE", 1) || __atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
        return;
    const char *dir = getenv("COCOB_CACHE_DIR");
    const char *why = dir && *dir ? "COCOB_CACHE_DIR is longer than a path can be"
                      : getenv("XDG_CACHE_HOME") && *getenv("XDG_CACHE_HOME")
                          ? "XDG_CACHE_HOME is longer than a path can be"
                      : getenv("HOME") && *getenv("HOME")
                          ? "HOME is longer than a path can be"
                          : "neither COCOB_CACHE_DIR, XDG_CACHE_HOME nor HOME is set";
    cocob_log(log, COCOB_LOG_WARN,
              "the program cache is off: %s; every kernel is built afresh, which can take many "
              "seconds (set COCOB_CACHE_DIR to a folder, or COCOB_CACHE=off to say so)",
              why);
}

/* FNV-1a, 64 bits, with the length folded in so that "ab"+"c" and "a"+"bc"
 * differ. Two seeds give 128 bits: a collision would load the wrong binary. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    for (size_t i = 0; i < sizeof len; i++) {
        h ^= (len >> (8 * i)) & 0xff;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void cocob_cl_cache_key(const cocob_cl_device *dev, const char *options, const char *src,
                        size_t src_len, char out[33])
{
    const cocob_device_info *d = &dev->info;
    const char *fields[] = {options, d->name, d->opencl_version, d->driver_version,
                            d->platform_version};
    uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    unsigned format = COCOB_CACHE_FORMAT;
    for (int k = 0; k < 2; k++) {
        h[k] = fnv(h[k], &format, sizeof format);
        h[k] = fnv(h[k], src, src_len);
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
            h[k] = fnv(h[k], fields[i], strlen(fields[i]));
    }
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

static void entry_path(const char *dir, const char *key, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s.clbin", dir, key);
}

int cocob_cl_cache_read(const char *dir, const char *key, unsigned char **bin, size_t *len,
                        char *reason, size_t reason_cap)
{
    char path[4096];
    entry_path(dir, key, path, sizeof path);
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return 0;
    /* Anything else there, even what cannot be read (a FIFO, a loop), is a
     * damaged entry, said as such and rebuilt, never waited on. */
    cocob_error *err = malloc(sizeof *err);
    if (!err) {
        snprintf(reason, reason_cap, "out of host memory reading %s", path);
        return -1;
    }
    FILE *f = NULL;
    uint64_t size = 0;
    if (cocob_file_open_read(err, path, "program cache entry", &f, &size) != COCOB_OK)
        snprintf(reason, reason_cap, "%s", err->message);
    free(err);
    if (!f)
        return -1;
    int result = -1;
    unsigned char head[HEADER_BYTES];
    unsigned char *data = NULL;
    if (size < HEADER_BYTES) {
        snprintf(reason, reason_cap, "%s is shorter than its header", path);
        goto done;
    }
    if (fread(head, 1, HEADER_BYTES, f) != HEADER_BYTES) {
        snprintf(reason, reason_cap, "%s: read failed: %s", path, strerror(errno));
        goto done;
    }
    uint64_t n = cocob_le_get_u64(head + 16);
    if (memcmp(head, magic, sizeof magic) != 0) {
        snprintf(reason, reason_cap, "%s has a wrong magic number", path);
    } else if (cocob_le_get_u32(head + 8) != COCOB_CACHE_FORMAT) {
        snprintf(reason, reason_cap, "%s has cache format %u, expected %u", path,
                 cocob_le_get_u32(head + 8), COCOB_CACHE_FORMAT);
    } else if (memcmp(head + 24, key, 32) != 0) {
        snprintf(reason, reason_cap, "%s holds another entry's key", path);
    } else if (n == 0 || n != size - HEADER_BYTES) {
        snprintf(reason, reason_cap,
                 "%s is truncated: header says %llu bytes of binary, "
                 "file holds %llu",
                 path, (unsigned long long)n, (unsigned long long)(size - HEADER_BYTES));
    } else if (!(data = malloc(n))) {
        snprintf(reason, reason_cap, "out of host memory reading %s", path);
    } else if (fread(data, 1, n, f) != n) {
        snprintf(reason, reason_cap, "%s: read failed", path);
    } else if (crc32_z(0L, data, n) != cocob_le_get_u32(head + 12)) {
        snprintf(reason, reason_cap, "%s fails its CRC32 check", path);
    } else {
        *bin = data;
        *len = n;
        data = NULL;
        result = 1;
    }
done:
    free(data);
    fclose(f);
    return result;
}

int cocob_cl_make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return -1;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int cocob_cl_cache_write(const char *dir, const char *key, const unsigned char *bin, size_t len,
                         char *reason, size_t reason_cap)
{
    if (cocob_cl_make_dirs(dir) != 0) {
        snprintf(reason, reason_cap, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    char path[4096];
    entry_path(dir, key, path, sizeof path);
    size_t total = 0;
    unsigned char *file = size_add(HEADER_BYTES, len, &total) ? malloc(total) : NULL;
    cocob_error *err = malloc(sizeof *err);
    int result = -1;
    if (!file || !err) {
        snprintf(reason, reason_cap, "cannot write %s: out of host memory", path);
        goto done;
    }
    memcpy(file, magic, sizeof magic);
    cocob_le_put_u32(file + 8, COCOB_CACHE_FORMAT);
    cocob_le_put_u32(file + 12, (uint32_t)crc32_z(0L, bin, len));
    cocob_le_put_u64(file + 16, len);
    memcpy(file + 24, key, 32);
    memcpy(file + HEADER_BYTES, bin, len);
    if (cocob_file_replace(err, path, "program cache entry", file, total) == COCOB_OK)
        result = 0;
    else
        snprintf(reason, reason_cap, "%s", err->message);
done:
    free(file);
    free(err);
    return result;
}
