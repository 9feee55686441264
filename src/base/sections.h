/* cocob's own binary files (checkpoints, saved models): a magic, a u32
 * version, a u32 section count, then each section as a 4-byte tag, a u64
 * length, the CRC-32 of its payload (zlib's) and the payload, all
 * little-endian. What is shared by every such file is here: building the
 * bytes, and reading them back so that a cut file, a damaged length or a
 * flipped byte is called damage before any of it is believed. */
#ifndef COCOB_BASE_SECTIONS_H
#define COCOB_BASE_SECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum { SECTIONS_FILE_HEAD = 16, SECTIONS_HEAD = 16, SECTIONS_MAX = 8 };

/* A growing byte buffer; a failed allocation sets failed and later puts do
 * nothing, so that a writer checks once, at the end. */
typedef struct cocob_bytes {
    unsigned char *p;
    size_t len, cap;
    int failed;
} cocob_bytes;

void cocob_bytes_put(cocob_bytes *b, const void *src, size_t n);
void cocob_bytes_u32(cocob_bytes *b, uint32_t v);
void cocob_bytes_u64(cocob_bytes *b, uint64_t v);
void cocob_bytes_f32(cocob_bytes *b, float f);
void cocob_bytes_floats(cocob_bytes *b, const float *f, size_t n);

uint32_t cocob_crc32(const unsigned char *p, size_t n);

/* The whole file: magic (8 bytes), version and the count sections part[k]
 * under tags[k], replacing path atomically (base/replace.h). what names the
 * file in messages ("checkpoint"). */
cocob_status cocob_sections_save(cocob_error *err, const char *path, const char *what,
                                 const char *magic, uint32_t version, const char (*tags)[5],
                                 int count, const cocob_bytes *part);

/* A file being read: what it is called in messages, and where each
 * section's payload lies once cocob_sections_walk has found them. */
typedef struct cocob_sections {
    const char *path, *what;
    cocob_error *err;
    int fd;
    uint64_t size;
    const char (*tags)[5];
    int count;
    uint64_t at[SECTIONS_MAX], len[SECTIONS_MAX];
} cocob_sections;

/* "<what> <path> is damaged: <detail>", COCOB_ERR_IO. */
cocob_status cocob_sections_damaged(const cocob_sections *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* n bytes from offset at. */
cocob_status cocob_sections_read(const cocob_sections *r, uint64_t at, void *dst, size_t n);
/* The section heads after the file's head, in order, each tagged as
 * r->tags says, each length within the file, the last ending where the
 * file ends. */
cocob_status cocob_sections_walk(cocob_sections *r);
/* Section k's payload in a new buffer the caller frees, once its CRC holds. */
cocob_status cocob_sections_take(const cocob_sections *r, int k, unsigned char **payload);
/* Damage unless section k holds want bytes, which why needs. */
cocob_status cocob_sections_check_len(const cocob_sections *r, int k, size_t want,
                                      const char *why);

#endif
