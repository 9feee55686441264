/* Shuffling and batching: the shuffle is a permutation, fixed by seed and
 * epoch, uniform; batches cover a set with a partial last one; gather
 * copies the examples asked for, converting a set's pixels as loading once
 * did. */
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "testutil.h"

static int is_permutation(const uint32_t *order, size_t n)
{
    unsigned char *seen = calloc(n ? n : 1, 1);
    ck_assert_ptr_nonnull(seen);
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        ok = order[i] < n && !seen[order[i]];
        if (ok)
            seen[order[i]] = 1;
    }
    free(seen);
    return ok;
}

START_TEST(shuffle_is_a_permutation)
{
    enum { N = 60000 };
    uint32_t *order = malloc(N * sizeof *order);
    ck_assert_ptr_nonnull(order);
    const size_t sizes[] = {0, 1, 2, 3, 10, 999, N};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (uint64_t epoch = 0; epoch < 3; epoch++) {
            cocob_shuffle(order, sizes[s], 42, epoch);
            ck_assert_msg(is_permutation(order, sizes[s]), "n %zu, epoch %lu", sizes[s],
                          (unsigned long)epoch);
        }
    free(order);
}
END_TEST

START_TEST(shuffle_is_fixed_by_seed_and_epoch)
{
    enum { N = 1000 };
    uint32_t a[N], b[N];
    cocob_shuffle(a, N, 7, 2);
    cocob_shuffle(b, N, 7, 2);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    cocob_shuffle(b, N, 7, 3);
    ck_assert(memcmp(a, b, sizeof a) != 0);
    cocob_shuffle(b, N, 8, 2);
    ck_assert(memcmp(a, b, sizeof a) != 0);

    /* The same on every machine: these orders come from an independent
     * Python model of Philox4x32-10 (checked against Random123's known
     * answers) and of the shuffle, j = (u64 * (i + 1)) >> 64. */
    static const struct {
        uint64_t seed, epoch;
        uint32_t order[10];
    } known[] = {
        {1, 0, {4, 2, 5, 9, 7, 1, 0, 3, 8, 6}},
        {1, 3, {0, 2, 7, 8, 9, 1, 5, 6, 3, 4}},
        {0xDEADBEEFCAFEF00DULL, 7, {7, 9, 3, 8, 4, 0, 2, 6, 5, 1}},
    };
    for (size_t k = 0; k < sizeof known / sizeof *known; k++) {
        uint32_t order[10];
        cocob_shuffle(order, 10, known[k].seed, known[k].epoch);
        for (size_t i = 0; i < 10; i++)
            ck_assert_msg(order[i] == known[k].order[i], "case %zu, position %zu: %u, not %u", k,
                          i, order[i], known[k].order[i]);
    }
}
END_TEST

START_TEST(shuffle_is_uniform)
{
    /* Each of the 6 orders of 3 items, over 60000 seeds: 10000 expected,
     * standard deviation about 91. A chi-square of 5 degrees of freedom
     * passes 30 with probability 1 - 1.5e-5; an off-by-one in the range
     * of j gives thousands. */
    enum { SEEDS = 60000 };
    size_t count[6] = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        uint32_t o[3];
        cocob_shuffle(o, 3, seed, 0);
        count[o[0] * 2 + (o[1] > o[2])]++;
    }
    double chi2 = 0;
    for (int k = 0; k < 6; k++) {
        double d = (double)count[k] - SEEDS / 6.0;
        chi2 += d * d / (SEEDS / 6.0);
    }
    ck_assert_msg(chi2 < 30, "chi-square %g over counts %zu %zu %zu %zu %zu %zu", chi2, count[0],
                  count[1], count[2], count[3], count[4], count[5]);
}
END_TEST

START_TEST(batch_count_keeps_the_partial_batch)
{
    ck_assert_uint_eq(cocob_batch_count(10, 3), 4);
    ck_assert_uint_eq(cocob_batch_count(9, 3), 3);
    ck_assert_uint_eq(cocob_batch_count(1, 100), 1);
    ck_assert_uint_eq(cocob_batch_count(60000, 128), 469);
    ck_assert_uint_eq(cocob_batch_count(0, 5), 0);
    ck_assert_uint_eq(cocob_batch_count(5, 0), 0);
    /* No n + batch - 1 to overflow. */
    ck_assert_uint_eq(cocob_batch_count(SIZE_MAX, 2), SIZE_MAX / 2 + 1);
    ck_assert_uint_eq(cocob_batch_count(SIZE_MAX, SIZE_MAX), 1);
}
END_TEST

START_TEST(gather_copies_the_examples_asked_for)
{
    enum { N = 9, C = 2, H = 3, W = 2, PER = C * H * W };
    static cocob_error err;
    cocob_dataset *d;
    ck_assert_int_eq(cocob_dataset_alloc(&err, "gather", N, C, H, W, &d), COCOB_OK);
    for (size_t i = 0; i < N * PER; i++)
        d->images[i] = (float)i;
    for (size_t i = 0; i < N; i++)
        d->labels[i] = (int32_t)(100 + i);

    const uint32_t order[N] = {5, 0, 8, 3, 1, 7, 2, 6, 4};
    float x[3 * PER];
    int32_t y[3];
    cocob_dataset_gather(d, order, 2, 3, x, y);
    for (size_t i = 0; i < 3; i++) {
        uint32_t k = order[2 + i];
        ck_assert_int_eq(y[i], 100 + (int32_t)k);
        for (size_t p = 0; p < PER; p++)
            ck_assert_float_eq(x[i * PER + p], (float)(k * PER + p));
    }
    /* The last, partial batch of 4 from 9. */
    cocob_dataset_gather(d, order, 8, 1, x, y);
    ck_assert_int_eq(y[0], 104);
    ck_assert_float_eq(x[PER - 1], (float)(5 * PER - 1));
    /* No order: the examples as stored. */
    cocob_dataset_gather(d, NULL, 6, 3, x, y);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(y[i], 106 + (int32_t)i);
        ck_assert_float_eq(x[i * PER], (float)((6 + i) * PER));
    }
    cocob_dataset_destroy(d);
}
END_TEST

/* A set that keeps its pixels as bytes gives, batch by batch, the floats
 * the whole set used to be converted to at load, bit for bit, and the same
 * fingerprint, so that a checkpoint's data fingerprint still holds. */
START_TEST(pixels_convert_per_batch_as_at_load)
{
    enum { N = 64, PER = 3 * 4 * 4 };
    static cocob_error err;
    cocob_dataset *bytes, *floats;
    ck_assert_int_eq(cocob_dataset_alloc_pixels(&err, "pixels", N, 3, 4, 4, NULL, &bytes),
                     COCOB_OK);
    ck_assert_int_eq(cocob_dataset_alloc(&err, "floats", N, 3, 4, 4, &floats), COCOB_OK);
    ck_assert_ptr_null(bytes->images);
    /* Every byte value, 12 times over. */
    for (size_t i = 0; i < N * PER; i++) {
        bytes->pixels[i] = (unsigned char)(i * 7 + 3);
        floats->images[i] = bytes->pixels[i] / 255.0f;
    }
    for (size_t i = 0; i < N; i++)
        bytes->labels[i] = floats->labels[i] = (int32_t)(i % 10);
    uint32_t order[N];
    cocob_shuffle(order, N, 7, 0);
    float x[10 * PER], want[10 * PER];
    int32_t y[10], want_y[10];
    for (size_t start = 0; start < N; start += 10) {
        size_t n = N - start < 10 ? N - start : 10;
        cocob_dataset_gather(bytes, order, start, n, x, y);
        cocob_dataset_gather(floats, order, start, n, want, want_y);
        ck_assert_mem_eq(x, want, n * PER * sizeof *x);
        ck_assert_mem_eq(y, want_y, n * sizeof *y);
    }
    ck_assert_uint_eq(cocob_dataset_fingerprint(bytes), cocob_dataset_fingerprint(floats));
    ck_assert_int_eq(cocob_dataset_to_floats(&err, bytes), COCOB_OK);
    ck_assert_ptr_null(bytes->pixels);
    ck_assert_mem_eq(bytes->images, floats->images, N * PER * sizeof(float));
    cocob_dataset_destroy(bytes);
    cocob_dataset_destroy(floats);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("batch");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, shuffle_is_a_permutation);
    tcase_add_test(tc, shuffle_is_fixed_by_seed_and_epoch);
    tcase_add_test(tc, shuffle_is_uniform);
    tcase_add_test(tc, batch_count_keeps_the_partial_batch);
    tcase_add_test(tc, gather_copies_the_examples_asked_for);
    tcase_add_test(tc, pixels_convert_per_batch_as_at_load);
    suite_add_tcase(s, tc);
    return test_run(s);
}
