#include "data/read.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "base/files.h"

#define CHUNK 65536

struct cocob_data_file {
    cocob_error *err;
    char *path;
    FILE *fp;
    uint64_t size; /* of the file */
    uint64_t used; /* bytes of the file read into in */
    int gz;
    int member_done; /* between gzip members, or before trailing data */
    int zinit;
    z_stream z;
    unsigned char in[CHUNK];
};

static cocob_status oom(cocob_data_file *f, size_t bytes)
{
    return cocob_fail(f->err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory for %zu bytes",
                      f->path, bytes);
}

/* Tops up the input, keeping what is left of it; 0 bytes more at the end. */
static cocob_status refill(cocob_data_file *f)
{
    if (f->z.avail_in > 0 && f->z.next_in != f->in)
        memmove(f->in, f->z.next_in, f->z.avail_in);
    f->z.next_in = f->in;
    size_t got = fread(f->in + f->z.avail_in, 1, CHUNK - f->z.avail_in, f->fp);
    if (ferror(f->fp))
        return cocob_fail(f->err, COCOB_ERR_IO, "%s: cannot read: %s", f->path, strerror(errno));
    f->z.avail_in += (uInt)got;
    f->used += got;
    return COCOB_OK;
}

cocob_status cocob_data_open(cocob_error *err, const char *path, cocob_data_file **out)
{
    *out = NULL;
    cocob_data_file *f = calloc(1, sizeof *f);
    char *copy = strdup(path);
    if (!f || !copy) {
        free(f);
        free(copy);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", path);
    }
    f->err = err;
    f->path = copy;
    cocob_status s = cocob_file_open_read(err, path, "data file", &f->fp, &f->size);
    if (s == COCOB_OK)
        s = refill(f);
    if (s == COCOB_OK && f->z.avail_in >= 2 && f->in[0] == 0x1f && f->in[1] == 0x8b) {
        f->gz = 1;
        if (inflateInit2(&f->z, 16 + MAX_WBITS) != Z_OK)
            s = oom(f, sizeof f->z);
        else
            f->zinit = 1;
    }
    if (s != COCOB_OK) {
        cocob_data_close(f);
        return s;
    }
    *out = f;
    return COCOB_OK;
}

static cocob_status read_plain(cocob_data_file *f, unsigned char *buf, size_t n, size_t *got)
{
    size_t have = f->z.avail_in < n ? f->z.avail_in : n;
    memcpy(buf, f->z.next_in, have);
    f->z.next_in += have;
    f->z.avail_in -= (uInt)have;
    *got = have;
    if (have < n) {
        size_t more = fread(buf + have, 1, n - have, f->fp);
        if (ferror(f->fp))
            return cocob_fail(f->err, COCOB_ERR_IO, "%s: cannot read: %s", f->path,
                              strerror(errno));
        f->used += more;
        *got += more;
    }
    return COCOB_OK;
}

/* After a member: the next one, the end, or trailing data that is not gzip. */
static cocob_status next_member(cocob_data_file *f, int *end)
{
    cocob_status s = f->z.avail_in < 2 ? refill(f) : COCOB_OK;
    *end = s == COCOB_OK && f->z.avail_in == 0;
    if (s != COCOB_OK || *end)
        return s;
    if (f->z.avail_in < 2 || f->z.next_in[0] != 0x1f || f->z.next_in[1] != 0x8b)
        return cocob_fail(f->err, COCOB_ERR_IO,
                          "%s: %llu bytes of trailing data after the gzip stream, which are "
                          "not gzip",
                          f->path, (unsigned long long)(f->size - (f->used - f->z.avail_in)));
    if (inflateReset(&f->z) != Z_OK)
        return cocob_fail(f->err, COCOB_ERR_IO, "%s: corrupt gzip data", f->path);
    f->member_done = 0;
    return COCOB_OK;
}

static cocob_status read_gzip(cocob_data_file *f, unsigned char *buf, size_t n, size_t *got)
{
    *got = 0;
    while (*got < n) {
        cocob_status s = COCOB_OK;
        if (f->member_done) {
            int end = 0;
            s = next_member(f, &end);
            if (s != COCOB_OK || end)
                return s;
        }
        if (f->z.avail_in == 0 && (s = refill(f)) != COCOB_OK)
            return s;
        int no_input = f->z.avail_in == 0;
        size_t room = n - *got > UINT_MAX ? UINT_MAX : n - *got;
        f->z.next_out = buf + *got;
        f->z.avail_out = (uInt)room;
        int r = inflate(&f->z, Z_NO_FLUSH);
        *got += room - f->z.avail_out;
        if (r == Z_STREAM_END)
            f->member_done = 1;
        else if (r == Z_MEM_ERROR)
            return oom(f, CHUNK);
        else if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR)
            return cocob_fail(f->err, COCOB_ERR_IO, "%s: corrupt gzip data: %s", f->path,
                              f->z.msg ? f->z.msg : "zlib refuses it");
        else if (r == Z_BUF_ERROR && no_input)
            return cocob_fail(f->err, COCOB_ERR_IO,
                              "%s: truncated gzip stream: the compressed data stops short",
                              f->path);
    }
    return COCOB_OK;
}

cocob_status cocob_data_read(cocob_data_file *f, void *buf, size_t n, size_t *got)
{
    *got = 0;
    if (n == 0)
        return COCOB_OK;
    return f->gz ? read_gzip(f, buf, n, got) : read_plain(f, buf, n, got);
}

cocob_status cocob_data_take(cocob_data_file *f, size_t n, unsigned char **out, size_t *got)
{
    *out = NULL;
    *got = 0;
    unsigned char *buf = NULL;
    size_t cap = 0;
    cocob_status s = COCOB_OK;
    while (s == COCOB_OK && *got < n) {
        /* Doubled, from 64 KiB, up to n. */
        size_t next = cap < CHUNK ? CHUNK : cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
        next = next < n ? next : n;
        unsigned char *bigger = realloc(buf, next);
        if (!bigger) {
            s = oom(f, next);
            break;
        }
        buf = bigger;
        cap = next;
        size_t more = 0;
        s = cocob_data_read(f, buf + *got, cap - *got, &more);
        *got += more;
        if (*got < cap)
            break;
    }
    if (s != COCOB_OK) {
        free(buf);
        *got = 0;
        return s;
    }
    *out = buf;
    return COCOB_OK;
}

cocob_status cocob_data_rest(cocob_data_file *f, uint64_t *rest)
{
    *rest = 0;
    unsigned char scratch[16384];
    size_t got;
    cocob_status s;
    do {
        s = cocob_data_read(f, scratch, sizeof scratch, &got);
        *rest += got;
    } while (s == COCOB_OK && got == sizeof scratch);
    return s;
}

void cocob_data_close(cocob_data_file *f)
{
    if (!f)
        return;
    if (f->zinit)
        inflateEnd(&f->z);
    if (f->fp)
        fclose(f->fp);
    free(f->path);
    free(f);
}

size_t cocob_data_limit(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0 || (unsigned long)pages > SIZE_MAX / (unsigned long)page)
        return SIZE_MAX / 2;
    return (size_t)pages * (size_t)page / 2;
}
