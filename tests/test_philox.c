/* Philox4x32-10 against the known-answer vectors of Random123, the
 * reference implementation; cl/philox.cl is checked through the kernels that
 * draw from it (dropout). */
#include "base/philox.h"
#include "testutil.h"

START_TEST(known_answers)
{
    static const struct {
        uint32_t ctr[4], key[2], out[4];
    } kat[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (size_t t = 0; t < sizeof kat / sizeof *kat; t++) {
        uint32_t out[4];
        cocob_philox4x32_10(kat[t].ctr, kat[t].key, out);
        for (int i = 0; i < 4; i++)
            ck_assert_msg(out[i] == kat[t].out[i], "vector %zu word %d: %08x, want %08x", t, i,
                          out[i], kat[t].out[i]);
    }
}
END_TEST

START_TEST(uniform_is_in_range_and_spread)
{
    enum { N = 100000 };
    double sum = 0;
    int buckets[10] = {0};
    for (uint64_t i = 0; i < N; i++) {
        float u = cocob_philox_uniform(42, i);
        ck_assert(u >= 0.0f && u < 1.0f);
        sum += u;
        buckets[(int)(u * 10)]++;
    }
    /* 1e5 draws: the mean's standard error is 9e-4; five of them is 0.0046. */
    ck_assert_double_eq_tol(sum / N, 0.5, 0.0046);
    for (int b = 0; b < 10; b++)
        ck_assert_msg(buckets[b] > 9700 && buckets[b] < 10300, "bucket %d holds %d", b,
                      buckets[b]);
    /* Another seed, other numbers. */
    ck_assert(cocob_philox_u64(1, 0) != cocob_philox_u64(2, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("philox");
    TCase *tc = tcase_create("philox");
    tcase_add_test(tc, known_answers);
    tcase_add_test(tc, uniform_is_in_range_and_spread);
    suite_add_tcase(s, tc);
    return test_run(s);
}
