/* Device selection: every selector form, auto's order, and errors that list
 * the devices rather than fall back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/selector.h"
#include "testutil.h"

START_TEST(every_form_parses)
{
    static const struct {
        const char *text;
        cocob_selector_kind kind;
    } forms[] = {
        {"auto", COCOB_SELECT_AUTO},    {"AUTO", COCOB_SELECT_AUTO},
        {"gpu", COCOB_SELECT_GPU},      {"Gpu", COCOB_SELECT_GPU},
        {"ref", COCOB_SELECT_TEXT},     {"opencl", COCOB_SELECT_TEXT},
        {"cpu", COCOB_SELECT_TEXT},     {"opencl:0:0", COCOB_SELECT_TEXT},
        {"geforce", COCOB_SELECT_TEXT}, {"pthread-skylake", COCOB_SELECT_TEXT},
    };
    cocob_error err;
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        cocob_selector sel;
        ck_assert_int_eq(cocob_selector_parse(forms[i].text, &sel, &err), COCOB_OK);
        ck_assert_msg(sel.kind == forms[i].kind, "\"%s\" parsed as kind %d", forms[i].text,
                      (int)sel.kind);
        ck_assert_str_eq(sel.text, forms[i].text);
    }
}
END_TEST

START_TEST(malformed_selectors_are_errors)
{
    char long_text[300];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    static const char *const bad[] = {"", NULL};
    cocob_error err;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cocob_selector sel;
        ck_assert_int_eq(cocob_selector_parse(bad[i], &sel, &err), COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_ptr_nonnull(strstr(err.message, "empty device selector"));
    }
    cocob_selector sel;
    ck_assert_int_eq(cocob_selector_parse(long_text, &sel, &err), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(err.message, "too long"));
}
END_TEST

/* Registry entries of the test's own: the selector must take the
 * backends' names from the list it picks from, not know them itself. */
static const cocob_backend_reg fake_cpu = {.name = "cpu",
                                           .title = "cpu",
                                           .auto_note = "OpenBLAS first"};
static const cocob_backend_reg fake_opencl = {.name = "opencl", .title = "OpenCL"};
static const cocob_backend_reg fake_ref = {.name = "ref", .title = "reference"};

/* A machine with every kind of device, in an order that is not auto's:
 * ref, the cpu backend (platform -1) when with_cpu, then OpenCL devices. */
static cocob_device_list *fake_list(int with_cpu)
{
    static const struct {
        cocob_device_type type;
        int p, d;
        const char *name;
    } devs[] = {
        {COCOB_DEVICE_CPU, -1, -1, "CPU (OpenBLAS OpenMP, 2 threads)"},
        {COCOB_DEVICE_CPU, 0, 0, "pthread-skylake-avx512"},
        {COCOB_DEVICE_GPU_INTEGRATED, 1, 0, "Intel(R) UHD Graphics 770"},
        {COCOB_DEVICE_ACCELERATOR, 1, 1, "Some FPGA"},
        {COCOB_DEVICE_GPU_DISCRETE, 2, 0, "NVIDIA H200"},
        {COCOB_DEVICE_GPU_DISCRETE, 2, 1, "NVIDIA GeForce GTX 780"},
    };
    size_t n = sizeof devs / sizeof *devs, skip = with_cpu ? 0 : 1;
    cocob_device_list *list = calloc(1, sizeof *list);
    ck_assert_ptr_nonnull(list);
    list->infos = calloc(n + 1, sizeof *list->infos);
    list->groups = calloc(3, sizeof *list->groups);
    ck_assert_ptr_nonnull(list->infos);
    ck_assert_ptr_nonnull(list->groups);
    list->count = n + 1 - skip;
    cocob_ref_device_info(&list->infos[0]);
    for (size_t i = skip; i < n; i++) {
        cocob_device_info *d = &list->infos[i + 1 - skip];
        d->type = devs[i].type;
        d->platform_index = devs[i].p;
        d->device_index = devs[i].d;
        strcpy(d->name, devs[i].name);
        if (d->platform_index < 0)
            strcpy(d->selector, "cpu");
        else
            snprintf(d->selector, sizeof d->selector, "opencl:%d:%d", devs[i].p, devs[i].d);
    }
    list->groups[0] = (cocob_device_group){&fake_ref, NULL, 0, 1};
    list->groups[1] = (cocob_device_group){&fake_cpu, NULL, 1, with_cpu ? 1 : 0};
    list->groups[2] = (cocob_device_group){&fake_opencl, NULL, 2 - skip, n - 1};
    list->group_count = 3;
    return list;
}

static void free_fake(cocob_device_list *list)
{
    free(list->infos);
    free(list->groups);
    free(list);
}

static size_t pick(cocob_device_list *list, const char *text)
{
    size_t index = 99;
    char why[640];
    cocob_status s = cocob_device_list_select(list, text, why, sizeof why, &index);
    ck_assert_msg(s == COCOB_OK, "\"%s\": %s", text, cocob_device_list_error(list));
    ck_assert_msg(why[0] != '\0', "\"%s\": no reason given", text);
    return index;
}

START_TEST(selectors_pick_the_right_device)
{
    cocob_device_list *list = fake_list(1);
    ck_assert_int_eq(pick(list, "auto"), 5); /* the first discrete GPU */
    ck_assert_int_eq(pick(list, "gpu"), 5);
    ck_assert_int_eq(pick(list, "cpu"), 1); /* the cpu backend */
    ck_assert_int_eq(pick(list, "ref"), 0);
    ck_assert_int_eq(pick(list, "opencl"), 2);     /* the first OpenCL device */
    ck_assert_int_eq(pick(list, "opencl:0:0"), 2); /* the OpenCL CPU device */
    ck_assert_int_eq(pick(list, "pthread"), 2);
    ck_assert_int_eq(pick(list, "opencl:1:1"), 4);
    ck_assert_int_eq(pick(list, "OpenCL:2:1"), 6); /* a selector, in any case */
    ck_assert_int_eq(pick(list, "geforce"), 6);    /* case does not matter */
    ck_assert_int_eq(pick(list, "UHD"), 3);
    ck_assert_int_eq(pick(list, "nvidia"), 5); /* the first of two */
    free_fake(list);
}
END_TEST

START_TEST(auto_falls_through_the_ranking)
{
    cocob_device_list *list = fake_list(1);
    /* Take away the discrete GPUs, then the integrated one, then the
     * accelerator: auto steps down one rank each time, to the cpu backend
     * before the OpenCL CPU device listed after it, and says why. */
    list->count = 5;
    list->groups[2].count = 3;
    ck_assert_int_eq(pick(list, "auto"), 3);
    list->infos[3].type = COCOB_DEVICE_CPU;
    ck_assert_int_eq(pick(list, "auto"), 4);
    list->infos[4].type = COCOB_DEVICE_CPU;
    size_t index;
    char why[640];
    ck_assert_int_eq(cocob_device_list_select(list, "auto", why, sizeof why, &index), COCOB_OK);
    ck_assert_int_eq(index, 1);
    ck_assert_ptr_nonnull(strstr(why, "no GPU or accelerator among the 5 device(s)"));
    ck_assert_ptr_nonnull(strstr(why, "OpenBLAS first")); /* the entry's own note */
    free_fake(list);
    /* A build without the cpu backend: the OpenCL CPU device, then ref. */
    list = fake_list(0);
    list->count = 3;
    list->groups[2].count = 2;
    list->infos[2].type = COCOB_DEVICE_CPU;
    ck_assert_int_eq(pick(list, "auto"), 1);
    ck_assert_int_eq(cocob_device_list_select(list, "auto", why, sizeof why, &index), COCOB_OK);
    ck_assert_ptr_null(strstr(why, "OpenBLAS"));
    list->count = 1;
    list->groups[2].count = 0;
    ck_assert_int_eq(cocob_device_list_select(list, "auto", why, sizeof why, &index), COCOB_OK);
    ck_assert_int_eq(index, 0);
    ck_assert_ptr_nonnull(strstr(why, "the C reference will be used"));
    free_fake(list);
}
END_TEST

START_TEST(nothing_matching_is_an_error_that_lists_devices)
{
    cocob_device_list *list = fake_list(1);
    static const char *const misses[] = {"radeon",     "opencl:3:0", "opencl:0:1",  "opencl:",
                                         "opencl:a:b", "cpu:0",      "opencl:0:0:0"};
    for (size_t i = 0; i < sizeof misses / sizeof *misses; i++) {
        size_t index;
        char why[640];
        ck_assert_int_eq(cocob_device_list_select(list, misses[i], why, sizeof why, &index),
                         COCOB_ERR_NO_DEVICE);
        const char *msg = cocob_device_list_error(list);
        ck_assert_ptr_nonnull(strstr(msg, misses[i]));
        ck_assert_ptr_nonnull(strstr(msg, "NVIDIA H200"));
        ck_assert_ptr_nonnull(strstr(msg, "opencl:1:0"));
        ck_assert_ptr_nonnull(strstr(msg, "ref"));
    }
    /* With only ref, gpu, cpu and opencl match nothing: no quiet fall back
     * to ref. */
    list->count = 1;
    list->groups[1].count = 0;
    list->groups[2].count = 0;
    size_t index;
    char why[640];
    ck_assert_int_eq(cocob_device_list_select(list, "gpu", why, sizeof why, &index),
                     COCOB_ERR_NO_DEVICE);
    ck_assert_int_eq(cocob_device_list_select(list, "cpu", why, sizeof why, &index),
                     COCOB_ERR_NO_DEVICE);
    ck_assert_int_eq(cocob_device_list_select(list, "opencl", why, sizeof why, &index),
                     COCOB_ERR_NO_DEVICE);
    free_fake(list);
}
END_TEST

/* A backend this build left out is named with the option that left it
 * out, not just missing. */
START_TEST(a_left_out_backend_says_which_option_left_it_out)
{
    static const cocob_backend_reg left_out = {.name = "opencl",
                                               .title = "OpenCL",
                                               .left_out = "COCOB_OPENCL=OFF"};
    cocob_device_list *list = fake_list(1);
    list->count = 2;
    list->groups[2] = (cocob_device_group){&left_out, NULL, 2, 0};
    size_t index;
    char why[640];
    ck_assert_int_eq(cocob_device_list_select(list, "OpenCL", why, sizeof why, &index),
                     COCOB_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(cocob_device_list_error(list), "COCOB_OPENCL=OFF"));
    free_fake(list);
}
END_TEST

START_TEST(context_reports_an_unknown_selector)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = "no-such-device-anywhere";
    opts.log_level = COCOB_LOG_OFF;
    cocob_context *ctx = NULL;
    ck_assert_int_eq(cocob_context_create(&opts, &ctx), COCOB_ERR_NO_DEVICE);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_ptr_null(cocob_context_device(ctx));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "no-such-device-anywhere"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "ref"));
    cocob_tensor *t;
    ck_assert_int_eq(cocob_tensor_create(ctx, 4, &t), COCOB_ERR_INVALID_ARGUMENT);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(environment_variable_selects)
{
    setenv("COCOB_DEVICE", "ref", 1);
    cocob_context *ctx = test_context(NULL);
    ck_assert_str_eq(cocob_context_device(ctx)->selector, "ref");
    cocob_context_destroy(ctx);
#ifdef TEST_HAVE_DEVICE
    /* --device (opts.device) wins over the environment. */
    ctx = test_context(test_device_selector());
    ck_assert_int_ne(cocob_context_device(ctx)->type, COCOB_DEVICE_REF);
    cocob_context_destroy(ctx);
#endif
    setenv("COCOB_DEVICE", "nonsense-device", 1);
    cocob_context *bad = NULL;
    cocob_options opts;
    cocob_options_init(&opts);
    opts.log_level = COCOB_LOG_OFF;
    ck_assert_int_eq(cocob_context_create(&opts, &bad), COCOB_ERR_NO_DEVICE);
    cocob_context_destroy(bad);
    unsetenv("COCOB_DEVICE");
}
END_TEST

START_TEST(auto_says_what_it_chose)
{
    test_log_clear();
    cocob_context *ctx = test_context("auto");
    const cocob_device_info *d = cocob_context_device(ctx);
    ck_assert_ptr_nonnull(strstr(test_log(), "chose"));
    ck_assert_ptr_nonnull(strstr(test_log(), d->selector));
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("selector");
    TCase *tc = tcase_create("selector");
    tcase_add_test(tc, every_form_parses);
    tcase_add_test(tc, malformed_selectors_are_errors);
    tcase_add_test(tc, selectors_pick_the_right_device);
    tcase_add_test(tc, auto_falls_through_the_ranking);
    tcase_add_test(tc, nothing_matching_is_an_error_that_lists_devices);
    tcase_add_test(tc, a_left_out_backend_says_which_option_left_it_out);
    tcase_add_test(tc, context_reports_an_unknown_selector);
    tcase_add_test(tc, environment_variable_selects);
    tcase_add_test(tc, auto_says_what_it_chose);
    suite_add_tcase(s, tc);
    return test_run(s);
}
