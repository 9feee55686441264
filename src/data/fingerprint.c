/* A data set's fingerprint, for a checkpoint to name the data it was made
 * on: a resumed run must see the same examples, in the same order, or its
 * shuffle and its skipped steps mean other examples. */
#include <string.h>
#include <zlib.h>

#include "base/le.h"
#include "data/dataset.h"

enum { CHUNK = 4096 };

/* crc carried on over n more 32-bit words' little-endian bytes. */
static uLong crc_more(uLong crc, const void *words, size_t n)
{
    const unsigned char *at = words;
    unsigned char le[4 * CHUNK];
    while (n > 0) {
        size_t k = n < CHUNK ? n : CHUNK;
        for (size_t i = 0; i < k; i++) {
            uint32_t v;
            memcpy(&v, at + 4 * i, 4);
            cocob_le_put_u32(le + 4 * i, v);
        }
        crc = crc32(crc, le, (uInt)(4 * k));
        at += 4 * k;
        n -= k;
    }
    return crc;
}

/* The CRC-32 of n 32-bit words, taken over their little-endian bytes so
 * that a fingerprint is the same on every machine. */
static uint32_t crc_words(const void *words, size_t n)
{
    return (uint32_t)crc_more(crc32(0L, Z_NULL, 0), words, n);
}

/* The CRC-32 of the floats the pixels stand for, so that a set keeps its
 * fingerprint (and a checkpoint made before sets held bytes resumes)
 * whichever way it holds its images. */
static uint32_t crc_pixels(const unsigned char *pixels, size_t n)
{
    float x[CHUNK];
    uLong crc = crc32(0L, Z_NULL, 0);
    for (size_t done = 0; done < n; done += CHUNK) {
        size_t k = n - done < CHUNK ? n - done : CHUNK;
        cocob_pixels_to_floats(x, pixels + done, k);
        crc = crc_more(crc, x, k);
    }
    return (uint32_t)crc;
}

uint64_t cocob_dataset_fingerprint(const cocob_dataset *d)
{
    size_t pixels = d->count * d->channels * d->height * d->width;
    uint32_t low = d->labels ? crc_words(d->labels, d->count)
                             : crc_words(d->targets, d->count * d->outputs);
    uint32_t high = d->pixels ? crc_pixels(d->pixels, pixels) : crc_words(d->images, pixels);
    return (uint64_t)high << 32 | low;
}
