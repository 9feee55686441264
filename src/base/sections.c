/* The framing of cocob's own binary files: see sections.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/le.h"
#include "base/replace.h"
#include "base/sections.h"

void cocob_bytes_put(cocob_bytes *b, const void *src, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *grown = realloc(b->p, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

void cocob_bytes_u32(cocob_bytes *b, uint32_t v)
{
    unsigned char le[4];
    cocob_le_put_u32(le, v);
    cocob_bytes_put(b, le, 4);
}

void cocob_bytes_u64(cocob_bytes *b, uint64_t v)
{
    unsigned char le[8];
    cocob_le_put_u64(le, v);
    cocob_bytes_put(b, le, 8);
}

void cocob_bytes_f32(cocob_bytes *b, float f)
{
    unsigned char le[4];
    cocob_le_put_f32(le, f);
    cocob_bytes_put(b, le, 4);
}

void cocob_bytes_floats(cocob_bytes *b, const float *f, size_t n)
{
    for (size_t i = 0; i < n && !b->failed; i++)
        cocob_bytes_f32(b, f[i]);
}

uint32_t cocob_crc32(const unsigned char *p, size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        crc = crc32(crc, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)crc;
}

cocob_status cocob_sections_save(cocob_error *err, const char *path, const char *what,
                                 const char *magic, uint32_t version, const char (*tags)[5],
                                 int count, const cocob_bytes *part)
{
    cocob_bytes file = {0};
    cocob_bytes_put(&file, magic, 8);
    cocob_bytes_u32(&file, version);
    cocob_bytes_u32(&file, (uint32_t)count);
    for (int k = 0; k < count; k++) {
        const unsigned char *payload = part[k].p ? part[k].p : (const unsigned char *)"";
        file.failed |= part[k].failed;
        cocob_bytes_put(&file, tags[k], 4);
        cocob_bytes_u64(&file, part[k].len);
        cocob_bytes_u32(&file, cocob_crc32(payload, part[k].len));
        cocob_bytes_put(&file, payload, part[k].len);
    }
    cocob_status s = file.failed ? cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY,
                                              "%s %s: out of host memory for %zu bytes", what,
                                              path, file.cap)
                                 : cocob_file_replace(err, path, what, file.p, file.len);
    free(file.p);
    return s;
}

cocob_status cocob_sections_damaged(const cocob_sections *r, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return cocob_fail(r->err, COCOB_ERR_IO, "%s %s is damaged: %s", r->what, r->path, detail);
}

cocob_status cocob_sections_read(const cocob_sections *r, uint64_t at, void *dst, size_t n)
{
    unsigned char *p = dst;
    for (size_t done = 0; done < n;) {
        ssize_t got = pread(r->fd, p + done, n - done, (off_t)(at + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return cocob_fail(r->err, COCOB_ERR_IO, "%s %s: cannot read: %s", r->what, r->path,
                              strerror(errno));
        if (got == 0)
            return cocob_sections_damaged(r, "truncated while it was read: it ends at byte %llu",
                                          (unsigned long long)(at + done));
        done += (size_t)got;
    }
    return COCOB_OK;
}

cocob_status cocob_sections_walk(cocob_sections *r)
{
    uint64_t off = SECTIONS_FILE_HEAD;
    for (int k = 0; k < r->count; k++) {
        unsigned char head[SECTIONS_HEAD];
        if (r->size - off < SECTIONS_HEAD)
            return cocob_sections_damaged(
                r, "truncated: the file ends %llu bytes into the head of section %s",
                (unsigned long long)(r->size - off), r->tags[k]);
        cocob_status s = cocob_sections_read(r, off, head, SECTIONS_HEAD);
        if (s != COCOB_OK)
            return s;
        if (memcmp(head, r->tags[k], 4) != 0) {
            char seen[5];
            for (int i = 0; i < 4; i++)
                seen[i] = head[i] >= 0x20 && head[i] < 0x7f ? (char)head[i] : '?';
            seen[4] = '\0';
            return cocob_sections_damaged(r,
                                          "section %d is tagged \"%s\" at byte %llu, where %s "
                                          "belongs",
                                          k + 1, seen, (unsigned long long)off, r->tags[k]);
        }
        uint64_t len = cocob_le_get_u64(head + 4), left = r->size - off - SECTIONS_HEAD;
        if (len > left)
            return cocob_sections_damaged(r,
                                          "section %s claims %llu bytes but the file has %llu "
                                          "left: it is truncated, or that length is damaged",
                                          r->tags[k], (unsigned long long)len,
                                          (unsigned long long)left);
        r->at[k] = off + SECTIONS_HEAD;
        r->len[k] = len;
        off += SECTIONS_HEAD + len;
    }
    if (off != r->size)
        return cocob_sections_damaged(r,
                                      "%llu bytes follow its last section: a length is "
                                      "damaged, or something was appended",
                                      (unsigned long long)(r->size - off));
    return COCOB_OK;
}

cocob_status cocob_sections_take(const cocob_sections *r, int k, unsigned char **payload)
{
    size_t n = (size_t)r->len[k];
    unsigned char *p = r->len[k] < SIZE_MAX ? malloc(n + 1) : NULL;
    if (!p)
        return cocob_fail(r->err, COCOB_ERR_OUT_OF_MEMORY,
                          "%s %s: out of host memory for section %s, %llu bytes", r->what,
                          r->path, r->tags[k], (unsigned long long)r->len[k]);
    unsigned char crc_le[4];
    cocob_status s = cocob_sections_read(r, r->at[k] - 4, crc_le, 4);
    if (s == COCOB_OK)
        s = cocob_sections_read(r, r->at[k], p, n);
    uint32_t crc = cocob_le_get_u32(crc_le);
    if (s == COCOB_OK && cocob_crc32(p, n) != crc)
        s = cocob_sections_damaged(r, "section %s: CRC-32 0x%08lx stored, 0x%08lx computed",
                                   r->tags[k], (unsigned long)crc,
                                   (unsigned long)cocob_crc32(p, n));
    if (s != COCOB_OK) {
        free(p);
        return s;
    }
    *payload = p;
    return COCOB_OK;
}

cocob_status cocob_sections_check_len(const cocob_sections *r, int k, size_t want,
                                      const char *why)
{
    if (r->len[k] == want)
        return COCOB_OK;
    return cocob_sections_damaged(r, "section %s holds %llu bytes, where %s needs %zu",
                                  r->tags[k], (unsigned long long)r->len[k], why, want);
}
