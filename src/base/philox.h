/* Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
 * 3", SC 2011): a counter-based generator. The number for (seed, counter)
 * is a pure function of the two, so the reference and a kernel, or two
 * work-items in any order, draw the same numbers. cl/philox.cl is its twin. */
#ifndef COCOB_BASE_PHILOX_H
#define COCOB_BASE_PHILOX_H

#include <stdint.h>

void cocob_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* Uniform in [0, 1), a multiple of 2^-24: the top 24 bits of the first
 * output word for counter {counter, 0} under key seed. */
float cocob_philox_uniform(uint64_t seed, uint64_t counter);

/* 64 uniform bits: the first two output words. */
uint64_t cocob_philox_u64(uint64_t seed, uint64_t counter);

#endif
