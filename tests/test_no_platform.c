/* No OpenCL platform at all: the ICD loader answers -1001, auto uses the cpu
 * backend (or ref, in a build without it) and says so, and a selector that
 * needs OpenCL is an error, not a fallback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

START_TEST(listing_holds_ref_and_says_why)
{
    cocob_device_list *list = NULL;
    ck_assert_int_eq(cocob_devices_query(&list), COCOB_OK);
    ck_assert_int_eq(cocob_device_list_get(list, 0)->type, COCOB_DEVICE_REF);
#ifdef COCOB_HAVE_CPU
    ck_assert_uint_eq(cocob_device_list_count(list), 2);
    ck_assert_str_eq(cocob_device_list_get(list, 1)->selector, "cpu");
#else
    ck_assert_uint_eq(cocob_device_list_count(list), 1);
#endif
    const char *note = cocob_device_list_note(list);
    ck_assert_ptr_nonnull(note);
#ifdef COCOB_HAVE_OPENCL
    ck_assert_ptr_nonnull(strstr(note, "-1001"));
    ck_assert_ptr_nonnull(strstr(note, "no OpenCL platform"));
#endif
    cocob_device_list_destroy(list);
}
END_TEST

/* Without OpenCL, auto takes the cpu backend where built, else ref. */
START_TEST(auto_says_what_it_fell_back_to)
{
    test_log_clear();
    cocob_context *ctx = test_context("auto");
#ifdef COCOB_HAVE_CPU
    ck_assert_str_eq(cocob_context_device(ctx)->selector, "cpu");
    ck_assert_ptr_nonnull(
        strstr(test_log(), "no GPU or accelerator among the 2 device(s) listed"));
#else
    ck_assert_str_eq(cocob_context_device(ctx)->selector, "ref");
    ck_assert_ptr_nonnull(strstr(test_log(), "the C reference will be used"));
#endif
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(opencl_selectors_fail)
{
#ifndef COCOB_HAVE_OPENCL
    /* A build without OpenCL says so, with the option that left it out. */
    cocob_options no_cl;
    cocob_options_init(&no_cl);
    no_cl.device = "opencl";
    no_cl.log_level = COCOB_LOG_OFF;
    cocob_context *none = NULL;
    ck_assert_int_eq(cocob_context_create(&no_cl, &none), COCOB_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(none), "has no OpenCL (COCOB_OPENCL=OFF)"));
    cocob_context_destroy(none);
    static const char *const want_opencl[] = {"gpu", "opencl:0:0"};
#else
    static const char *const want_opencl[] = {"opencl", "gpu", "opencl:0:0"};
#endif
    for (size_t i = 0; i < sizeof want_opencl / sizeof *want_opencl; i++) {
        cocob_options opts;
        cocob_options_init(&opts);
        opts.device = want_opencl[i];
        opts.log_level = COCOB_LOG_OFF;
        cocob_context *ctx = NULL;
        ck_assert_int_eq(cocob_context_create(&opts, &ctx), COCOB_ERR_NO_DEVICE);
        ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "no device matches"));
        cocob_context_destroy(ctx);
    }
}
END_TEST

int main(void)
{
    /* Before the first OpenCL call: the loader reads its vendors once. Not
     * test_tmpdir(): Check's asserts only work inside a test. */
    char empty[] = "/tmp/cocob-no-vendors-XXXXXX";
    if (!mkdtemp(empty)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("OCL_ICD_VENDORS", empty, 1);
    Suite *s = suite_create("no platform");
    TCase *tc = tcase_create("no platform");
    tcase_add_test(tc, listing_holds_ref_and_says_why);
    tcase_add_test(tc, auto_says_what_it_fell_back_to);
    tcase_add_test(tc, opencl_selectors_fail);
    suite_add_tcase(s, tc);
    int rc = test_run(s);
    rmdir(empty);
    return rc;
}
