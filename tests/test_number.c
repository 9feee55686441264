/* The one number parser: what it takes, what it refuses, and why. */
#include <stdint.h>
#include <string.h>

#include "base/checked.h"
#include "base/number.h"
#include "testutil.h"

START_TEST(whole_numbers)
{
    uint64_t v = 0;
    ck_assert_int_eq(cocob_number_u64("42", NULL, 1, 100, &v), COCOB_NUMBER_OK);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(cocob_number_u64("18446744073709551615", NULL, 0, UINT64_MAX, &v),
                     COCOB_NUMBER_OK);
    ck_assert_uint_eq(v, UINT64_MAX);
    /* Each of these once reached strtoull, which took it. */
    ck_assert_int_eq(cocob_number_u64("-1", NULL, 0, UINT64_MAX, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_u64(" 5", NULL, 0, UINT64_MAX, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_u64("+5", NULL, 0, UINT64_MAX, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_u64("99999999999999999999999", NULL, 0, UINT64_MAX, &v),
                     COCOB_NUMBER_RANGE);
    ck_assert_int_eq(cocob_number_u64("", NULL, 0, 9, &v), COCOB_NUMBER_EMPTY);
    ck_assert_int_eq(cocob_number_u64(NULL, NULL, 0, 9, &v), COCOB_NUMBER_EMPTY);
    ck_assert_int_eq(cocob_number_u64("5x", NULL, 0, 9, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_u64("0", NULL, 1, 9, &v), COCOB_NUMBER_RANGE);
    ck_assert_int_eq(cocob_number_u64("10", NULL, 1, 9, &v), COCOB_NUMBER_RANGE);
    ck_assert_uint_eq(v, UINT64_MAX); /* a refusal leaves *out alone */
}
END_TEST

START_TEST(prefix_leaves_the_rest)
{
    const char *text = "16x3:p1", *end = NULL;
    size_t v = 0;
    ck_assert_int_eq(cocob_number_size(text, &end, 1, 1000, &v), COCOB_NUMBER_OK);
    ck_assert_uint_eq(v, 16);
    ck_assert_str_eq(end, "x3:p1");
    ck_assert_int_eq(cocob_number_size("x3", &end, 1, 1000, &v), COCOB_NUMBER_SYNTAX);
}
END_TEST

START_TEST(decimals)
{
    double v = -1;
    ck_assert_int_eq(cocob_number_double("0.5", NULL, 0, 1, &v), COCOB_NUMBER_OK);
    ck_assert_double_eq(v, 0.5);
    ck_assert_int_eq(cocob_number_double(".25", NULL, 0, 1, &v), COCOB_NUMBER_OK);
    ck_assert_int_eq(cocob_number_double("1e-3", NULL, 0, 1, &v), COCOB_NUMBER_OK);
    ck_assert_double_eq(v, 1e-3);
    ck_assert_int_eq(cocob_number_double(" 0.5", NULL, 0, 1, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_double("-0.5", NULL, -1, 1, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_double("nan", NULL, 0, 1, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_double("inf", NULL, 0, 1, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_double("0x1p-1", NULL, 0, 1, &v), COCOB_NUMBER_SYNTAX);
    ck_assert_int_eq(cocob_number_double("1e999", NULL, 0, 1e300, &v), COCOB_NUMBER_RANGE);
    ck_assert_int_eq(cocob_number_double("2", NULL, 0, 1, &v), COCOB_NUMBER_RANGE);
}
END_TEST

START_TEST(messages_say_why)
{
    char buf[200];
    cocob_number_why(COCOB_NUMBER_SYNTAX, " 5", 1, 9, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "from 1 to 9") && strstr(buf, "blank"), "%s", buf);
    cocob_number_why(COCOB_NUMBER_SYNTAX, "-5", 1, 9, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "sign"), "%s", buf);
    cocob_number_why(COCOB_NUMBER_RANGE, "99", 1, 9, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "out of range"), "%s", buf);
}
END_TEST

START_TEST(checked_sizes)
{
    size_t out = 7;
    ck_assert(size_mul(SIZE_MAX / 2, 2, &out) && out == SIZE_MAX - 1);
    ck_assert(!size_mul(SIZE_MAX / 2 + 1, 2, &out));
    ck_assert(size_mul(0, SIZE_MAX, &out) && out == 0);
    ck_assert(!size_add(SIZE_MAX, 1, &out));
    ck_assert(size_add(SIZE_MAX - 1, 1, &out) && out == SIZE_MAX);
    ck_assert(!size_mul3((size_t)1 << 62, 4, sizeof(float), &out));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("number");
    TCase *tc = tcase_create("number");
    tcase_add_test(tc, whole_numbers);
    tcase_add_test(tc, prefix_leaves_the_rest);
    tcase_add_test(tc, decimals);
    tcase_add_test(tc, messages_say_why);
    tcase_add_test(tc, checked_sizes);
    suite_add_tcase(s, tc);
    return test_run(s);
}
