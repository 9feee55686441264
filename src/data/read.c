#include "data/read.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>
#define ZLIB_CONST
#include <zlib.h>

/* Deflate's longest code, 258 bytes from a match of 2 bits, makes 1032
 * bytes per byte in, so a gzip trailer claiming more than that is a lie
 * not worth allocating for. */
#define DEFLATE_MAX_RATIO 1032

/* what: "its data" or "the file". */
static cocob_status too_large(cocob_error *err, const char *path, const char *what, size_t limit)
{
    return cocob_fail(err, COCOB_ERR_IO,
                      "%s: too large: %s runs past %zu bytes, more than memory can hold as "
                      "floats",
                      path, what, limit);
}

/* cap doubled, at least to 64 KiB, at most to limit. */
static size_t grow(size_t cap, size_t limit)
{
    size_t next = cap < 65536 ? 65536 : cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    return next < limit ? next : limit;
}

/* The file's bytes, in one read where its size is known. */
static cocob_status read_file(cocob_error *err, const char *path, size_t limit,
                              unsigned char **out, size_t *size)
{
    *out = NULL;
    *size = 0;
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cocob_fail(err, errno == ENOMEM ? COCOB_ERR_OUT_OF_MEMORY : COCOB_ERR_IO,
                          "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && (uintmax_t)st.st_size > limit) {
        fclose(f);
        return too_large(err, path, "the file", limit);
    }
    /* One byte over the size, so that the first read already meets the end;
     * one over the limit, so that what runs past it shows. */
    size_t over = limit == SIZE_MAX ? limit : limit + 1;
    size_t cap = regular ? (size_t)st.st_size + 1 : grow(0, over);
    unsigned char *buf = NULL;
    cocob_status s = COCOB_OK;
    for (;;) {
        unsigned char *bigger = realloc(buf, cap);
        if (!bigger) {
            s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory for %zu bytes",
                           path, cap);
            break;
        }
        buf = bigger;
        *size += fread(buf + *size, 1, cap - *size, f);
        if (ferror(f)) {
            s = cocob_fail(err, COCOB_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
            break;
        }
        if (*size > limit) {
            s = too_large(err, path, "the file", limit);
            break;
        }
        if (*size < cap)
            break;
        cap = grow(cap, over);
    }
    fclose(f);
    if (s != COCOB_OK)
        free(buf);
    else
        *out = buf;
    return s;
}

/* Why a gzip member that libdeflate refused is bad. zlib takes the data a
 * piece at a time, so it tells a stream cut short from a corrupt one,
 * where libdeflate, given all of it at once, says only that it is bad. */
static cocob_status gzip_fault(cocob_error *err, const char *path, const unsigned char *in,
                               size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", path);
    unsigned char scratch[16384];
    int r = Z_OK;
    z.next_in = in;
    while (r == Z_OK) {
        if (z.avail_in == 0) {
            z.avail_in = len > UINT_MAX ? UINT_MAX : (uInt)len;
            len -= z.avail_in;
        }
        z.next_out = scratch;
        z.avail_out = sizeof scratch;
        r = inflate(&z, Z_NO_FLUSH);
        /* No progress for want of input: more is there, or it is cut. */
        if (r == Z_BUF_ERROR && len > 0)
            r = Z_OK;
    }
    const char *why = z.msg ? z.msg : "libdeflate refuses it";
    inflateEnd(&z);
    if (r == Z_MEM_ERROR)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", path);
    if (r == Z_BUF_ERROR)
        return cocob_fail(err, COCOB_ERR_IO,
                          "%s: truncated gzip stream: the compressed data stops short", path);
    return cocob_fail(err, COCOB_ERR_IO, "%s: corrupt gzip data: %s", path, why);
}

static int is_gzip(const unsigned char *p, size_t len)
{
    return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* The members of in, inflated one after another into one buffer. The last
 * member's trailer gives the size (mod 2^32) of a file of one member,
 * which is nearly every file, so that usually one allocation fits. */
static cocob_status gunzip(cocob_error *err, const char *path, const unsigned char *in,
                           size_t len, size_t limit, unsigned char **out, size_t *size)
{
    *out = NULL;
    *size = 0;
    size_t cap = 0;
    if (len >= 4) {
        const unsigned char *t = in + len - 4;
        cap = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    }
    if (len <= SIZE_MAX / DEFLATE_MAX_RATIO && cap > len * DEFLATE_MAX_RATIO)
        cap = len * DEFLATE_MAX_RATIO;
    if (cap > limit)
        cap = limit;
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    unsigned char *buf = malloc(cap ? cap : 1);
    if (!d || !buf) {
        libdeflate_free_decompressor(d);
        free(buf);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory for %zu bytes",
                          path, cap);
    }
    cocob_status s = COCOB_OK;
    size_t pos = 0;
    while (s == COCOB_OK && pos < len) {
        if (!is_gzip(in + pos, len - pos)) {
            s = cocob_fail(err, COCOB_ERR_IO,
                           "%s: %zu bytes of trailing data after the gzip stream, which are "
                           "not gzip",
                           path, len - pos);
            break;
        }
        size_t used = 0, made = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(
            d, in + pos, len - pos, buf + *size, cap - *size, &used, &made);
        if (r == LIBDEFLATE_SUCCESS) {
            pos += used;
            *size += made;
        } else if (r != LIBDEFLATE_INSUFFICIENT_SPACE) {
            s = gzip_fault(err, path, in + pos, len - pos);
        } else if (cap == limit) {
            s = too_large(err, path, "its data", limit);
        } else {
            /* The member is inflated again, from its start, into more room. */
            size_t next = grow(cap, limit);
            unsigned char *bigger = realloc(buf, next);
            if (bigger) {
                buf = bigger;
                cap = next;
            } else {
                s = cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                               "%s: out of host memory for %zu bytes", path, next);
            }
        }
    }
    libdeflate_free_decompressor(d);
    if (s != COCOB_OK) {
        free(buf);
        *size = 0;
        return s;
    }
    *out = buf;
    return COCOB_OK;
}

cocob_status cocob_data_load(cocob_error *err, const char *path, size_t limit,
                             unsigned char **out, size_t *size)
{
    /* Data that does not compress grows a little in gzip: 5 bytes a block
     * of 64 KiB, and the header and trailer. */
    size_t slack = limit / 1024 + 1024;
    unsigned char *raw;
    size_t len;
    cocob_status s = read_file(err, path, limit > SIZE_MAX - slack ? SIZE_MAX : limit + slack,
                               &raw, &len);
    if (s == COCOB_OK && !is_gzip(raw, len) && len > limit) {
        free(raw);
        raw = NULL;
        len = 0;
        s = too_large(err, path, "its data", limit);
    }
    if (s != COCOB_OK || !is_gzip(raw, len)) {
        *out = raw;
        *size = len;
        return s;
    }
    s = gunzip(err, path, raw, len, limit, out, size);
    free(raw);
    return s;
}

size_t cocob_data_limit(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0 || (unsigned long)pages > SIZE_MAX / (unsigned long)page)
        return SIZE_MAX / sizeof(float);
    return (size_t)pages * (size_t)page / sizeof(float);
}
