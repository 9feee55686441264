#include "base/philox.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static void round_once(uint32_t c[4], const uint32_t k[2])
{
    uint64_t p0 = (uint64_t)PHILOX_M0 * c[0];
    uint64_t p1 = (uint64_t)PHILOX_M1 * c[2];
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    uint32_t next[4] = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    for (int i = 0; i < 4; i++)
        c[i] = next[i];
}

void cocob_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
    uint32_t k[2] = {key[0], key[1]};
    round_once(c, k);
    for (int r = 1; r < 10; r++) {
        k[0] += PHILOX_W0;
        k[1] += PHILOX_W1;
        round_once(c, k);
    }
    for (int i = 0; i < 4; i++)
        out[i] = c[i];
}

static void draw(uint64_t seed, uint64_t counter, uint32_t out[4])
{
    const uint32_t ctr[4] = {(uint32_t)counter, (uint32_t)(counter >> 32), 0, 0};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    cocob_philox4x32_10(ctr, key, out);
}

float cocob_philox_uniform(uint64_t seed, uint64_t counter)
{
    uint32_t out[4];
    draw(seed, counter, out);
    return (float)(out[0] >> 8) * (1.0f / 16777216.0f);
}

uint64_t cocob_philox_u64(uint64_t seed, uint64_t counter)
{
    uint32_t out[4];
    draw(seed, counter, out);
    return ((uint64_t)out[1] << 32) | out[0];
}
