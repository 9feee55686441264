/* `cocob tune`'s parameters: stored, loaded by the next context on the
 * device and used by its gemm; and a bad file warned about, never fatal. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/opencl/opencl.h"
#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "cocob/tools.h"
#include "testutil.h"
#include "ops/ops.h"

static char *fresh_cache(void)
{
    char *dir = test_tmpdir("gemm-params");
    setenv("COCOB_CACHE_DIR", dir, 1);
    unsetenv("COCOB_CACHE");
    return dir;
}

static cocob_cl_backend *cl_of(cocob_context *ctx)
{
    cocob_cl_backend *b = cocob_cl_backend_of(ctx->backend);
    ck_assert_ptr_nonnull(b);
    return b;
}

/* All four transposes at odd sizes and offsets on ctx's gemm, as it stands,
 * against cocob_ref_gemm. Each term meets at most K + 2 roundings on either side
 * (see test_gemm.c), so the two agree within 2 gamma_{K+2} of the sum of
 * |terms|; the operands are in [-1, 1), so that sum is at most K. */
static void gemm_matches_ref(cocob_context *ctx)
{
    cocob_backend *b = ctx->backend;
    enum { M = 13, N = 37, K = 21 };
    test_rng rng = {7};
    float A[M * K], B[K * N], want[M * N];
    for (size_t i = 0; i < M * K; i++)
        A[i] = test_rng_uniform(&rng, -1, 1);
    for (size_t i = 0; i < K * N; i++)
        B[i] = test_rng_uniform(&rng, -1, 1);
    for (int t = 0; t < 4; t++) {
        int ta = t & 1, tb = t >> 1;
        size_t lda = ta ? M : K, ldb = tb ? K : N;
        cocob_ref_gemm(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, want, N);
        cocob_buffer *a = test_put(b, A, M * K), *bb = test_put(b, B, K * N),
                     *c = test_put(b, NULL, M * N);
        cocob_span sa = {a, TEST_OFF}, sb = {bb, TEST_OFF}, sc = {c, TEST_OFF};
        cocob_status s = cocob_op_gemm(b, ta, tb, M, N, K, 1.0f, sa, lda, sb, ldb, 0.0f, sc, N);
        ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
        float *got = test_take(b, c, M * N);
        double nu = 2.0 * (K + 2) * 0x1.0p-24, bound = nu / (1 - nu) * K;
        for (size_t i = 0; i < M * N; i++)
            if (!(fabs((double)got[TEST_OFF + i] - want[i]) <= bound))
                ck_abort_msg("trans_a %d trans_b %d: C[%zu] is %.9g, ref %.9g", ta, tb, i,
                             got[TEST_OFF + i], want[i]);
        free(got);
        b->iface->free(b, a);
        b->iface->free(b, bb);
    }
}

START_TEST(tuned_parameters_are_stored_loaded_and_used)
{
    char *dir = fresh_cache();
    cocob_context *ctx = test_context("opencl");
    cocob_gemm_tuning *r = malloc(sizeof *r);
    ck_assert_ptr_nonnull(r);
    /* The default and one tile: enough to go through every step. */
    cocob_status s = cocob_tune_gemm(ctx, 2, r);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    ck_assert_uint_eq(r->candidate_count, 2);
    ck_assert(r->candidates[0].ok && r->candidates[1].ok && r->tuned.ok && r->base.ok);
    ck_assert(r->tuned.gflops_all > 0);
    ck_assert_ptr_nonnull(strstr(r->path, dir));
    gemm_matches_ref(ctx);
    cocob_context_destroy(ctx);

    /* The next context on the device loads what was stored... */
    cocob_cl_gemm_params stored;
    char reason[4400], how[128];
    ctx = test_context("opencl");
    cocob_cl_backend *b = cl_of(ctx);
    ck_assert_int_eq(cocob_cl_gemm_params_read(r->path, &b->dev, &stored, reason, sizeof reason),
                     1);
    cocob_cl_gemm_describe(&stored, how, sizeof how);
    ck_assert_str_eq(how, r->tuned.name);
    ck_assert_int_eq(memcmp(&b->gemm, &stored, sizeof stored), 0);
    /* The device's description outlives the context that found it. */
    cocob_cl_device dev = b->dev;
    cocob_context_destroy(ctx);

    /* ... and, whichever won there, uses a stored kernel tile and says so. */
    cocob_cl_gemm_params tile = {0, {3, 1, 8, 1}, {5, 2, 4, 0}};
    ck_assert_int_eq(cocob_cl_gemm_params_write(r->path, &dev, &tile, reason, sizeof reason), 0);
    test_log_clear();
    ctx = test_context("opencl");
    b = cl_of(ctx);
    ck_assert_int_eq(memcmp(&b->gemm, &tile, sizeof tile), 0);
    ck_assert_ptr_nonnull(strstr(test_log(), "gemm: tuned parameters from"));
    gemm_matches_ref(ctx);
    cocob_context_destroy(ctx);
    free(r);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Files that must each be rejected whole, and what the warning must name. */
static const struct {
    const char *text, *why;
} corrupt[] = {
    {"", "first line"}, /* empty */
    {"cocob gemm parameters 2\n", "first line"},
    {"cocob gemm parameters 1\ndevice someone else's | 1 | 2\nclblast\n", "another device"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 16 1\n", "dot tile line"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 15 1\ndot 4 2 16 1\n", "vector width"},
    {"cocob gemm parameters 1\n%s\nouter 99 2 16 1\ndot 4 2 16 1\n", "outer tile's rows"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 16 1 7\ndot 4 2 16 1\n", "four fields"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 16 1\ndot 4 2 16 1\nx\n", "past its last line"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 16 1\ndot 4 2 16", "cut short"},
    {"\x89PNG\r\n\x1a\n\x00\x01", "first line"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 16 -1\ndot 4 2 16 1\n", "outer tile's group"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 16 1\ndot 4 2 16 +1\n", "dot tile's group"},
    /* Groups of 4096 of the largest tiles: PoCL's threads overran their
     * stacks with these (a crash, or garbage) before the group was checked
     * against what the device gives a group. */
    {"cocob gemm parameters 1\n%s\nouter 16 4 16 4096\ndot 4 2 16 1\n", "outer tile's group"},
    {"cocob gemm parameters 1\n%s\nouter 4 2 16 1\ndot 16 4 16 4096\n", "dot tile's group"},
    {"cocob gemm parameters 1\n%s\nouter 8 8 16 4096\ndot 4 2 16 1\n", "outer tile's group"},
};

START_TEST(a_corrupt_file_is_a_warning_and_the_defaults)
{
    char *dir = fresh_cache();
    cocob_context *ctx = test_context("opencl");
    cocob_cl_backend *b = cl_of(ctx);
    char path[4200], device[1024];
    ck_assert(cocob_cl_gemm_params_path(&b->dev, path, sizeof path));
    const cocob_device_info *d = &b->dev.info;
    snprintf(device, sizeof device, "device %s | %s | %s", d->name, d->driver_version,
             d->platform_version);
    cocob_cl_gemm_params defaults;
    cocob_cl_gemm_default(&b->dev, &defaults);
    cocob_context_destroy(ctx);

    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fprintf(f, corrupt[_i].text, device);
    fclose(f);
    test_log_clear();
    ctx = test_context("opencl");
    b = cl_of(ctx);
    ck_assert_int_eq(memcmp(&b->gemm, &defaults, sizeof defaults), 0);
    ck_assert_msg(strstr(test_log(), "gemm parameters:") && strstr(test_log(), path) &&
                      strstr(test_log(), "using the defaults") &&
                      strstr(test_log(), corrupt[_i].why),
                  "file %d: no warning naming %s and \"%s\" in:\n%s", _i, path, corrupt[_i].why,
                  test_log());
    gemm_matches_ref(ctx);
    cocob_context_destroy(ctx);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A FIFO where the file goes: opened, it would block for ever. */
START_TEST(a_params_file_that_is_not_a_file_is_a_warning)
{
    char *dir = fresh_cache();
    cocob_context *ctx = test_context("opencl");
    char path[4200];
    ck_assert(cocob_cl_gemm_params_path(&cl_of(ctx)->dev, path, sizeof path));
    cocob_context_destroy(ctx);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    test_log_clear();
    ctx = test_context("opencl");
    ck_assert_msg(strstr(test_log(), path) && strstr(test_log(), "is a FIFO") &&
                      strstr(test_log(), "using the defaults"),
                  "no warning naming the FIFO %s in:\n%s", path, test_log());
    gemm_matches_ref(ctx);
    cocob_context_destroy(ctx);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A save replaces the file whole, as a checkpoint's does: through a
 * symlink to the file it names, keeping its mode, leaving no temporary
 * file. */
START_TEST(a_params_save_keeps_the_files_mode_and_a_symlink)
{
    char *dir = fresh_cache();
    cocob_context *ctx = test_context("opencl");
    cocob_cl_device dev = cl_of(ctx)->dev;
    cocob_context_destroy(ctx);
    char path[4200], real[4200], reason[4400];
    ck_assert(cocob_cl_gemm_params_path(&dev, path, sizeof path));
    snprintf(real, sizeof real, "%s/real.params", dir);
    cocob_cl_gemm_params one = {0, {3, 1, 8, 1}, {5, 2, 4, 0}};
    cocob_cl_gemm_params two = {0, {4, 2, 4, 0}, {2, 1, 8, 1}};
    ck_assert_int_eq(cocob_cl_gemm_params_write(real, &dev, &one, reason, sizeof reason), 0);
    ck_assert_int_eq(chmod(real, 0600), 0);
    ck_assert_int_eq(symlink("real.params", path), 0);
    ck_assert_int_eq(cocob_cl_gemm_params_write(path, &dev, &two, reason, sizeof reason), 0);

    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the symlink was replaced by a file");
    ck_assert_int_eq(stat(real, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0600, "mode %o after a save", st.st_mode & 07777);
    cocob_cl_gemm_params back;
    ck_assert_int_eq(cocob_cl_gemm_params_read(real, &dev, &back, reason, sizeof reason), 1);
    ck_assert_int_eq(memcmp(&back, &two, sizeof two), 0);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        ck_assert_msg(!strstr(e->d_name, ".tmp."), "%s left behind", e->d_name);
    closedir(d);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* What a context's first gemm leaves in dir: whether the parameters file is
 * there, and that no temporary file is. */
static int params_file_in(const char *dir, const char *path)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        ck_assert_msg(!strstr(e->d_name, ".tmp."), "%s left behind", e->d_name);
    closedir(d);
    struct stat st;
    return stat(path, &st) == 0;
}

/* The suite runs with COCOB_GEMM_TUNE=off (tests/CMakeLists.txt); these
 * turn it on. A budget of a microsecond times the table's entry alone. */
START_TEST(first_use_tuning_stores_what_the_next_context_reads)
{
    char *dir = fresh_cache();
    setenv("COCOB_GEMM_TUNE", "on", 1);
    cocob_context *ctx = test_context("opencl");
    cocob_cl_backend *b = cl_of(ctx);
    ck_assert(b->gemm_tune_seconds == COCOB_CL_GEMM_FIRST_USE_SECONDS);
    b->gemm_tune_seconds = 1e-6;
    char path[4200];
    ck_assert(cocob_cl_gemm_params_path(&b->dev, path, sizeof path));
    ck_assert(!params_file_in(dir, path));
    test_log_clear();
    gemm_matches_ref(ctx);
    ck_assert(b->gemm_tune_seconds == 0);
    ck_assert(params_file_in(dir, path));
    ck_assert_msg(strstr(test_log(), "gemm: first use of") && strstr(test_log(), "tried 1 ") &&
                      strstr(test_log(), path) && strstr(test_log(), "COCOB_GEMM_TUNE=off"),
                  "no line naming the first-use tuning and %s in:\n%s", path, test_log());
    cocob_cl_gemm_params tuned = b->gemm;
    cocob_context_destroy(ctx);

    test_log_clear();
    ctx = test_context("opencl");
    b = cl_of(ctx);
    ck_assert(b->gemm_tune_seconds == 0);
    ck_assert_int_eq(memcmp(&b->gemm, &tuned, sizeof tuned), 0);
    ck_assert_ptr_nonnull(strstr(test_log(), "gemm: tuned parameters from"));
    gemm_matches_ref(ctx);
    ck_assert_ptr_null(strstr(test_log(), "first use"));
    cocob_context_destroy(ctx);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(first_use_tuning_can_be_turned_off)
{
    char *dir = fresh_cache();
    setenv("COCOB_GEMM_TUNE", "off", 1);
    cocob_context *ctx = test_context("opencl");
    cocob_cl_backend *b = cl_of(ctx);
    ck_assert(b->gemm_tune_seconds == 0);
    char path[4200];
    ck_assert(cocob_cl_gemm_params_path(&b->dev, path, sizeof path));
    cocob_cl_gemm_params defaults;
    cocob_cl_gemm_default(&b->dev, &defaults);
    test_log_clear();
    gemm_matches_ref(ctx);
    ck_assert_int_eq(memcmp(&b->gemm, &defaults, sizeof defaults), 0);
    ck_assert(!params_file_in(dir, path));
    ck_assert_ptr_null(strstr(test_log(), "first use"));
    cocob_context_destroy(ctx);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The tuning's own buffers cannot be had (the 4th allocation, after the
 * three of gemm_matches_ref's first product): a warning, the table's entry,
 * no file, and the gemm itself still right. */
START_TEST(a_failed_first_use_tuning_is_a_warning_and_the_table)
{
    char *dir = fresh_cache();
    setenv("COCOB_GEMM_TUNE", "on", 1);
    setenv("COCOB_FAULT_ALLOC", "4", 1);
    cocob_context *ctx = test_context("opencl");
    cocob_cl_backend *b = cl_of(ctx);
    char path[4200];
    ck_assert(cocob_cl_gemm_params_path(&b->dev, path, sizeof path));
    cocob_cl_gemm_params defaults;
    cocob_cl_gemm_default(&b->dev, &defaults);
    test_log_clear();
    gemm_matches_ref(ctx);
    ck_assert_msg(strstr(test_log(), "first-use tuning on") && strstr(test_log(), "failed") &&
                      strstr(test_log(), "built-in table"),
                  "no warning in:\n%s", test_log());
    ck_assert_int_eq(memcmp(&b->gemm, &defaults, sizeof defaults), 0);
    ck_assert(!params_file_in(dir, path));
    cocob_context_destroy(ctx);
    unsetenv("COCOB_FAULT_ALLOC");
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(tuning_needs_an_opencl_device)
{
    cocob_context *ctx = test_context("ref");
    cocob_gemm_tuning *r = malloc(sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(cocob_tune_gemm(ctx, 1, r), COCOB_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "is not an OpenCL device"));
    free(r);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gemm_tune");
    TCase *tc = tcase_create("parameters");
    tcase_add_test(tc, tuned_parameters_are_stored_loaded_and_used);
    tcase_add_loop_test(tc, a_corrupt_file_is_a_warning_and_the_defaults, 0,
                        (int)(sizeof corrupt / sizeof *corrupt));
    tcase_add_test(tc, a_params_file_that_is_not_a_file_is_a_warning);
    tcase_add_test(tc, a_params_save_keeps_the_files_mode_and_a_symlink);
    tcase_add_test(tc, tuning_needs_an_opencl_device);
    tcase_add_test(tc, first_use_tuning_stores_what_the_next_context_reads);
    tcase_add_test(tc, first_use_tuning_can_be_turned_off);
    tcase_add_test(tc, a_failed_first_use_tuning_is_a_warning_and_the_table);
    suite_add_tcase(s, tc);
    return test_run(s);
}
