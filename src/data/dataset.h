/* A data set in host memory, and what the training loop takes batches with. */
#ifndef COCOB_DATA_DATASET_H
#define COCOB_DATA_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/handles.h"

struct cocob_dataset {
    size_t count;
    size_t channels, height, width;
    size_t classes;
    float *images; /* count x channels x height x width: pixels in [0, 1],
                      * or any finite features; NULL when pixels holds them */
    /* The same count x channels x height x width as the bytes an IDX or
     * CIFAR file holds, each standing for byte / 255: a quarter of the
     * floats' memory, converted a batch at a time (cocob_dataset_gather).
     * NULL for a set of floats. */
    unsigned char *pixels;
    int32_t *labels; /* count, each below classes; NULL for a regression set */
    float *targets;  /* count x outputs, NULL for a classification set */
    size_t outputs;
    /* The arrays are the caller's (cocob_dataset_from_memory's borrow):
     * never freed, resized or written. */
    int borrowed;
    /* classes names, each its own string, read from a CSV file; NULL
     * otherwise. Owned by the set, borrowed or not. */
    char **class_names;
};

/* A data set of count empty examples of the given shape, or an error naming
 * source (a file) when it cannot be held in memory, or when its bytes are
 * more than size_t can count. */
cocob_status cocob_dataset_alloc(cocob_error *err, const char *source, size_t count,
                                 size_t channels, size_t height, size_t width,
                                 cocob_dataset **out);

/* The same with room for bytes (pixels) instead of floats: pixels, when
 * not NULL, is count x C x H x W bytes from malloc that the set then owns;
 * NULL has it allocated. On failure pixels is still the caller's. */
cocob_status cocob_dataset_alloc_pixels(cocob_error *err, const char *source, size_t count,
                                        size_t channels, size_t height, size_t width,
                                        unsigned char *pixels, cocob_dataset **out);

/* A set of pixels turned into one of floats, for a caller that takes the
 * whole set as one array (cocob predict); a set of floats is left as it is.
 * Out of memory leaves it as it was. */
cocob_status cocob_dataset_to_floats(cocob_error *err, cocob_dataset *d);

/* A data set over a's arrays, unchecked: it owns them (and frees them
 * with itself) unless a->borrow. On failure (out of memory, an error
 * naming source) it holds nothing and the arrays are still the caller's. */
cocob_status cocob_dataset_wrap(cocob_error *err, const char *source,
                                const cocob_dataset_arrays *a, cocob_dataset **out);

/* cocob_dataset_load_idx and cocob_dataset_load_cifar keeping only the
 * first max_count examples (0: all), read and converted only those, and
 * refusing more than limit bytes of values (cocob_data_limit()), a byte
 * a pixel. */
cocob_status cocob_dataset_read_idx(cocob_context *ctx, const char *images_path,
                                    const char *labels_path, size_t max_count, size_t limit,
                                    cocob_dataset **out);
cocob_status cocob_dataset_read_cifar(cocob_context *ctx, const char *const *paths, size_t count,
                                      size_t max_count, size_t limit, cocob_dataset **out);

/* x[i] = pixels[i] / 255, for n pixels. Divided, not multiplied by 1/255,
 * which rounds some bytes differently; restrict lets the loop vectorise
 * without a run-time overlap check. */
void cocob_pixels_to_floats(float *restrict x, const unsigned char *restrict pixels, size_t n);

/* Fills order with a permutation of 0 .. n-1 (n <= 2^32): a Fisher-Yates
 * shuffle whose i-th swap draws cocob_philox_u64(seed, epoch * n + i), so
 * that a seed and an epoch give the same order on every machine. */
void cocob_shuffle(uint32_t *order, size_t n, uint64_t seed, uint64_t epoch);

/* Batches of up to batch examples that cover n, the last one partial: the
 * ceiling of n / batch, 0 when batch is 0. */
size_t cocob_batch_count(size_t n, size_t batch);

/* Copies examples order[start] .. order[start + count - 1] into x
 * (count x C x H x W), as floats whether the set holds floats or pixels,
 * and, for a classification set, their labels into y (a regression set,
 * or a NULL y, leaves y alone). A NULL order means examples
 * start .. start + count - 1 as stored, as evaluation wants. */
void cocob_dataset_gather(const cocob_dataset *d, const uint32_t *order, size_t start,
                          size_t count, float *x, int32_t *y);
/* The same examples' targets into t (count x outputs), for a regression
 * set. */
void cocob_dataset_gather_targets(const cocob_dataset *d, const uint32_t *order, size_t start,
                                  size_t count, float *t);

/* What a checkpoint records of the data it was made on: the CRC-32 of the
 * images (their floats' bytes, little-endian, pixels converted as
 * cocob_dataset_gather converts them) in the high half and of the
 * labels, or of a regression set's targets, in the low half. One pass over
 * the data. */
uint64_t cocob_dataset_fingerprint(const cocob_dataset *d);

#endif
