#include "data/read.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Large enough that gzread is not called per few kilobytes, small enough
 * that a header claiming a huge file costs nothing until the data is there. */
#define CHUNK ((size_t)1 << 20)

cocob_status cocob_data_open(cocob_error *err, const char *path, gzFile *out)
{
    errno = 0;
    *out = gzopen(path, "rb");
    if (!*out)
        return cocob_fail(err, errno == 0 ? COCOB_ERR_OUT_OF_MEMORY : COCOB_ERR_IO,
                          "%s: cannot open: %s", path,
                          errno == 0 ? "out of host memory" : strerror(errno));
    /* A larger buffer than zlib's 8 KiB default, for fewer system calls. */
    gzbuffer(*out, 128 * 1024);
    return COCOB_OK;
}

/* zlib's message, less the "path: " it puts in front. */
static const char *zlib_reason(gzFile f, const char *path, int *errnum)
{
    const char *msg = gzerror(f, errnum);
    size_t n = strlen(path);
    if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        msg += n + 2;
    return msg;
}

cocob_status cocob_data_read(cocob_error *err, gzFile f, const char *path, void *buf, size_t len,
                             size_t *got)
{
    unsigned char *p = buf;
    *got = 0;
    while (*got < len) {
        size_t want = len - *got;
        if (want > INT_MAX)
            want = INT_MAX;
        int n = gzread(f, p + *got, (unsigned)want);
        int errnum = Z_OK;
        const char *why = zlib_reason(f, path, &errnum);
        if (errnum == Z_DATA_ERROR)
            return cocob_fail(err, COCOB_ERR_IO, "%s: corrupt gzip data: %s", path, why);
        if (errnum == Z_MEM_ERROR)
            return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s: out of host memory", path);
        /* zlib hands over what it could inflate and notes Z_BUF_ERROR when
         * the compressed stream stops before its end. */
        if (errnum == Z_BUF_ERROR)
            return cocob_fail(err, COCOB_ERR_IO,
                              "%s: truncated gzip stream: the compressed data stops short (%s)",
                              path, why);
        if (n < 0 || errnum != Z_OK)
            return cocob_fail(err, COCOB_ERR_IO, "%s: cannot read: %s", path, why);
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return COCOB_OK;
}

cocob_status cocob_data_read_all(cocob_error *err, gzFile f, const char *path, size_t limit,
                                 unsigned char **out, size_t *got)
{
    *out = NULL;
    *got = 0;
    size_t cap = 0;
    unsigned char *buf = NULL;
    for (;;) {
        if (*got == cap) {
            if (cap == limit)
                break;
            /* Grows with the data read, not with what a header claims. */
            size_t next = cap < CHUNK ? CHUNK : cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
            if (next > limit)
                next = limit;
            unsigned char *bigger = realloc(buf, next);
            if (!bigger) {
                free(buf);
                return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                                  "%s: out of host memory for %zu bytes", path, next);
            }
            buf = bigger;
            cap = next;
        }
        size_t n;
        cocob_status s = cocob_data_read(err, f, path, buf + *got, cap - *got, &n);
        if (s != COCOB_OK) {
            free(buf);
            return s;
        }
        *got += n;
        if (*got < cap)
            break;
    }
    *out = buf;
    return COCOB_OK;
}

cocob_status cocob_data_count_rest(cocob_error *err, gzFile f, const char *path, size_t *rest)
{
    unsigned char scratch[4096];
    *rest = 0;
    size_t n;
    do {
        cocob_status s = cocob_data_read(err, f, path, scratch, sizeof scratch, &n);
        if (s != COCOB_OK)
            return s;
        *rest += n;
    } while (n == sizeof scratch);
    return COCOB_OK;
}
