/* The GEMM parameters `cocob tune` found for a device, in a text file beside
 * the program cache:
 *
 *   cocob gemm parameters 1
 *   device <name> | <driver version> | <platform version>
 *   outer 4 2 16 1
 *   dot 4 2 16 1
 *
 * (tm nv vw group, as in cocob_cl_tile) or "clblast" in place of the last two
 * lines. The file's name is a hash of
 * the device line's fields, so the device line guards against a renamed or
 * copied file. Whatever does not parse exactly is rejected whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/opencl/opencl.h"

#define HEADER "cocob gemm parameters 1"

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

/* Tiles past these would not fit any device's registers; past them is a
 * damaged file, not a choice. */
static int tile_ok(const cocob_cl_tile *t, const cocob_cl_device *dev)
{
    size_t max_group = dev->info.max_work_group_size ? dev->info.max_work_group_size : 1024;
    return t->tm >= 1 && t->tm <= 16 && t->nv >= 1 && t->nv <= 8 && t->tm * t->nv <= 64 &&
           (t->vw == 4 || t->vw == 8 || t->vw == 16) && t->group <= max_group;
}

/* "outer 4 2 16 1" and the like, exactly. */
static int parse_tile(const char *line, const char *form, cocob_cl_tile *t,
                      const cocob_cl_device *dev)
{
    size_t n = strlen(form);
    char extra;
    return line && strncmp(line, form, n) == 0 && line[n] == ' ' &&
           sscanf(line + n, "%u %u %u %u %c", &t->tm, &t->nv, &t->vw, &t->group, &extra) == 4 &&
           tile_ok(t, dev);
}

/* The next line without its newline, or NULL at the end or on a line too
 * long for buf. */
static char *next_line(FILE *f, char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, f))
        return NULL;
    size_t n = strlen(buf);
    if (n == 0 || buf[n - 1] != '\n')
        return NULL;
    buf[n - 1] = '\0';
    return buf;
}

int cocob_cl_gemm_params_read(const char *path, const cocob_cl_device *dev,
                              cocob_cl_gemm_params *p, char *reason, size_t reason_cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(reason, reason_cap, "%s cannot be read: %s", path, strerror(errno));
        return -1;
    }
    char line[1024], want[1024];
    cocob_cl_gemm_params got = {0};
    const char *bad = NULL;
    device_line(dev, want, sizeof want);
    if (!next_line(f, line, sizeof line) || strcmp(line, HEADER) != 0) {
        bad = "its first line is not \"" HEADER "\"";
    } else if (!next_line(f, line, sizeof line) || strcmp(line, want) != 0) {
        bad = "it is for another device or driver";
    } else if (!next_line(f, line, sizeof line)) {
        bad = "it ends after the device line";
    } else if (strcmp(line, "clblast") == 0) {
        got.clblast = 1;
#ifndef COCOB_HAVE_CLBLAST
        bad = "it names CLBlast, which this build lacks";
#endif
    } else if (!parse_tile(line, "outer", &got.outer, dev)) {
        bad = "its outer tile is missing or out of range";
    } else if (!parse_tile(next_line(f, line, sizeof line), "dot", &got.dot, dev)) {
        bad = "its dot tile is missing or out of range";
    }
    if (!bad && fgetc(f) != EOF)
        bad = "it goes on past its last line";
    fclose(f);
    if (bad) {
        snprintf(reason, reason_cap, "%s is corrupt: %s", path, bad);
        return -1;
    }
    *p = got;
    return 1;
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
    char tmp[4200], line[1024];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(reason, reason_cap, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    device_line(dev, line, sizeof line);
    int ok = fprintf(f, HEADER "\n%s\n", line) > 0;
    if (p->clblast)
        ok = ok && fprintf(f, "clblast\n") > 0;
    else
        ok = ok && fprintf(f, "outer %u %u %u %u\ndot %u %u %u %u\n", p->outer.tm,
                           p->outer.nv, p->outer.vw, p->outer.group, p->dot.tm, p->dot.nv,
                           p->dot.vw, p->dot.group) > 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(reason, reason_cap, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

void cocob_cl_gemm_load(cocob_cl_backend *b)
{
    cocob_cl_gemm_default(&b->dev, &b->gemm);
    char path[4200], reason[4400], how[128];
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
    }
}
