/* The prelude of every program: Philox4x32-10, the twin of
 * src/base/philox.c, so that a kernel draws the numbers the reference draws
 * for the same seed and counter. */

void philox4x32_10(uint ctr[4], uint key0, uint key1, uint out[4])
{
    uint c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint k0 = key0, k1 = key1;
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint hi0 = mul_hi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        uint hi1 = mul_hi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* Uniform in [0, 1): cocob_philox_uniform's twin. */
float philox_uniform(ulong seed, ulong counter)
{
    uint ctr[4] = {(uint)counter, (uint)(counter >> 32), 0, 0};
    uint out[4];
    philox4x32_10(ctr, (uint)seed, (uint)(seed >> 32), out);
    return (float)(out[0] >> 8) * (1.0f / 16777216.0f);
}
