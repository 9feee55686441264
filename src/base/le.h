/* Numbers in files, byte by byte in a fixed order, so that a file reads the
 * same on every machine: little-endian for cocob's own files (checkpoints,
 * program cache entries, a data set's fingerprint), big-endian for the IDX
 * headers MNIST comes in. */
#ifndef COCOB_BASE_LE_H
#define COCOB_BASE_LE_H

#include <stdint.h>
#include <string.h>

static inline void cocob_le_put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static inline void cocob_le_put_u64(unsigned char *p, uint64_t v)
{
    cocob_le_put_u32(p, (uint32_t)v);
    cocob_le_put_u32(p + 4, (uint32_t)(v >> 32));
}

static inline void cocob_le_put_f32(unsigned char *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    cocob_le_put_u32(p, v);
}

static inline uint32_t cocob_le_get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t cocob_le_get_u64(const unsigned char *p)
{
    return cocob_le_get_u32(p) | (uint64_t)cocob_le_get_u32(p + 4) << 32;
}

static inline float cocob_le_get_f32(const unsigned char *p)
{
    uint32_t v = cocob_le_get_u32(p);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static inline uint32_t cocob_be_get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
