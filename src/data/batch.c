/* Shuffling and batching for the training loop. */
#include <string.h>

#include "base/philox.h"
#include "data/dataset.h"

/* The high 64 bits of r * bound, for bound <= 2^32: uniform in [0, bound)
 * up to a bias below bound / 2^64 (Lemire's multiply-shift without its
 * rejection step). That is under 2^-32 for any n a uint32_t order can
 * index, far below anything training could notice, and keeps one draw per
 * swap, so the counter of each swap is fixed. Written in 32-bit halves
 * because C99 has no 128-bit integer. */
static uint64_t below(uint64_t r, uint64_t bound)
{
    uint64_t lo = (r & 0xFFFFFFFFu) * bound;
    return ((r >> 32) * bound + (lo >> 32)) >> 32;
}

void cocob_shuffle(uint32_t *order, size_t n, uint64_t seed, uint64_t epoch)
{
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)below(cocob_philox_u64(seed, epoch * n + i), i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

size_t cocob_batch_count(size_t n, size_t batch)
{
    return batch == 0 ? 0 : n / batch + (n % batch != 0);
}

void cocob_dataset_gather(const cocob_dataset *d, const uint32_t *order, size_t start,
                          size_t count, float *x, int32_t *y)
{
    size_t per = d->channels * d->height * d->width;
    for (size_t i = 0; i < count; i++) {
        size_t k = order ? order[start + i] : start + i;
        if (d->pixels)
            cocob_pixels_to_floats(x + i * per, d->pixels + k * per, per);
        else
            memcpy(x + i * per, d->images + k * per, per * sizeof *x);
        if (d->labels && y)
            y[i] = d->labels[k];
    }
}

void cocob_dataset_gather_targets(const cocob_dataset *d, const uint32_t *order, size_t start,
                                  size_t count, float *t)
{
    size_t per = d->outputs;
    for (size_t i = 0; i < count; i++) {
        size_t k = order ? order[start + i] : start + i;
        memcpy(t + i * per, d->targets + k * per, per * sizeof *t);
    }
}
