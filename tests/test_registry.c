/* The backend registry: whole entries, a device list that each entry's
 * devices fill in order, devices made by the entry that listed them, and
 * optional features asked of the right entry alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/handles.h"
#include "testutil.h"

START_TEST(entries_are_whole)
{
    size_t n = cocob_backend_reg_count();
    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(cocob_backend_reg_get(0)->name, "ref");
    ck_assert_ptr_null(cocob_backend_reg_get(n));
    for (size_t i = 0; i < n; i++) {
        const cocob_backend_reg *r = cocob_backend_reg_get(i);
        ck_assert_ptr_nonnull(r->name);
        ck_assert_ptr_nonnull(r->title);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(cocob_backend_reg_get(j)->name, r->name);
        if (r->left_out) {
            ck_assert_msg(!r->list_devices && !r->create && !r->tune_gemm && !r->bench_gemm &&
                              !r->programs,
                          "%s was left out, yet has functions", r->name);
        } else {
            ck_assert_msg(r->list_devices && r->create, "%s lacks a required member", r->name);
            ck_assert_msg(!r->tune_gemm == !r->bench_gemm, "%s tunes without a benchmark",
                          r->name);
        }
    }
}
END_TEST

/* Every device, made through the entry that listed it, is the device listed. */
START_TEST(each_device_comes_from_its_entry)
{
    cocob_device_list list;
    memset(&list, 0, sizeof list);
    cocob_error err = {0};
    ck_assert_int_eq(cocob_device_list_fill(&list, &err), COCOB_OK);
    ck_assert_uint_eq(list.group_count, cocob_backend_reg_count());
    size_t next = 0;
    for (size_t g = 0; g < list.group_count; g++) {
        const cocob_device_group *grp = &list.groups[g];
        ck_assert_ptr_eq(grp->reg, cocob_backend_reg_get(g));
        ck_assert_uint_eq(grp->first, next);
        next += grp->count;
        cocob_logger log = {0};
        for (size_t i = 0; i < grp->count; i++) {
            cocob_backend *b = NULL;
            ck_assert_msg(grp->reg->create(grp->own, i, &err, &log, &b) == COCOB_OK, "%s: %s",
                          grp->reg->name, err.message);
            const cocob_device_info *want = &list.infos[grp->first + i];
            ck_assert_str_eq(b->info.selector, want->selector);
            ck_assert_str_eq(b->info.name, want->name);
            b->iface->destroy(b);
        }
    }
    ck_assert_uint_eq(next, list.count);
    cocob_device_list_clear(&list);
}
END_TEST

static const cocob_backend_reg *entry(const char *name)
{
    for (size_t i = 0; i < cocob_backend_reg_count(); i++)
        if (strcmp(cocob_backend_reg_get(i)->name, name) == 0)
            return cocob_backend_reg_get(i);
    return NULL;
}

START_TEST(a_context_knows_its_entry_but_verify_has_none)
{
    cocob_context *ctx = test_context("ref");
    ck_assert_ptr_eq(ctx->reg, entry("ref"));
    unsigned built = 7, cached = 7;
    cocob_context_programs(ctx, &built, &cached);
    ck_assert_uint_eq(built, 0);
    ck_assert_uint_eq(cached, 0);
    cocob_context_destroy(ctx);

    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = "ref";
    opts.verify = COCOB_VERIFY_STOP;
    opts.log_level = COCOB_LOG_OFF;
    ck_assert_int_eq(cocob_context_create(&opts, &ctx), COCOB_OK);
    ck_assert_ptr_null(ctx->reg);
    cocob_context_destroy(ctx);
}
END_TEST

/* ref has no GEMM to tune: the refusal names the entry that has one, or
 * the entry the build left out and what left it out. */
START_TEST(tuning_elsewhere_names_the_tuner)
{
    const cocob_backend_reg *tuner = NULL, *left_out = NULL;
    for (size_t i = 0; i < cocob_backend_reg_count(); i++) {
        const cocob_backend_reg *r = cocob_backend_reg_get(i);
        if (r->tune_gemm && !tuner)
            tuner = r;
        if (r->left_out && !left_out)
            left_out = r;
    }
    char want[256];
    if (tuner)
        snprintf(want, sizeof want, "is not an %s device; only %s's GEMM", tuner->title,
                 tuner->title);
    else if (left_out)
        snprintf(want, sizeof want, "this build has no %s (%s), and only %s's GEMM",
                 left_out->title, left_out->left_out, left_out->title);
    else
        snprintf(want, sizeof want, "no backend of this build has GEMM parameters to tune");
    cocob_context *ctx = test_context("ref");
    cocob_gemm_tuning *r = malloc(sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(cocob_tune_gemm(ctx, 1, r), COCOB_ERR_UNSUPPORTED);
    ck_assert_msg(strstr(cocob_context_error(ctx), want), "\"%s\" lacks \"%s\"",
                  cocob_context_error(ctx), want);
    cocob_bench_gemm_result *b = malloc(sizeof *b);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(cocob_bench_gemm(ctx, b), COCOB_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), want));
    free(b);
    free(r);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, entries_are_whole);
    tcase_add_test(tc, each_device_comes_from_its_entry);
    tcase_add_test(tc, a_context_knows_its_entry_but_verify_has_none);
    tcase_add_test(tc, tuning_elsewhere_names_the_tuner);
    suite_add_tcase(s, tc);
    return test_run(s);
}
