/* The program cache and the kernel sources: a miss writes an entry, a hit
 * builds nothing, a corrupt entry is rebuilt, a read-only folder still works;
 * COCOB_KERNEL_DIR, build options, and a failed build's report. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/opencl/opencl.h"
#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"

static cocob_cl_backend *cl_of(cocob_context *ctx)
{
    ck_assert_int_ne(cocob_context_device(ctx)->type, COCOB_DEVICE_REF);
    return (cocob_cl_backend *)ctx->backend;
}

/* Builds (or loads) one kernel file on a new context; returns what happened. */
static cocob_cl_stats build_once(const char *f)
{
    cocob_context *ctx = test_context(test_device_selector());
    cocob_cl_backend *b = cl_of(ctx);
    cl_program prog;
    cocob_status s = cocob_cl_program(b, f, &prog);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    cocob_cl_stats st = b->stats;
    cocob_context_destroy(ctx);
    return st;
}

static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    size_t sl = strlen(suffix);
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        n += l > sl && strcmp(e->d_name + l - sl, suffix) == 0;
    }
    closedir(d);
    return n;
}

/* Temporary files of saves, <name>.tmp.<pid>.<n>, left in dir. */
static int count_temporary(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

/* The one entry in dir, for tests to damage. */
static void entry_path(const char *dir, char *out, size_t cap)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    out[0] = '\0';
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".clbin"))
            snprintf(out, cap, "%s/%s", dir, e->d_name);
    closedir(d);
    ck_assert_msg(out[0], "no entry in %s", dir);
}

static char *fresh_cache(void)
{
    char *dir = test_tmpdir("cache");
    setenv("COCOB_CACHE_DIR", dir, 1);
    unsetenv("COCOB_CACHE");
    unsetenv("COCOB_KERNEL_DIR");
    return dir;
}

/* One COCOB step from a context's own program, checked against the reference:
 * a binary from the cache must compute what a fresh build does. */
static void step_matches_reference(void)
{
    cocob_context *ctx = test_context(test_device_selector());
    float w[7] = {0.1f, -0.2f, 0.3f, 0, 1, -1, 0.5f}, g[7] = {1, -2, 0, 3, -4, 5, -6e-3f};
    float w1[7], L[7], G[7] = {0}, r[7] = {0}, th[7] = {0}, got[7];
    for (int i = 0; i < 7; i++) {
        w1[i] = w[i];
        L[i] = 1e-8f;
    }
    cocob_tensor *tw, *tg;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_tensor_create(ctx, 7, &tw), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 7, &tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tw, w, 7), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(tg, g, 7), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &tw, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&tg), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(tw, got, 7), COCOB_OK);
    cocob_ref_cocob_update(w, g, w1, L, G, r, th, 7, 100.0f, 0.0f);
    ck_assert(memcmp(got, w, sizeof w) == 0);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(tg);
    cocob_tensor_destroy(tw);
    cocob_context_destroy(ctx);
}

START_TEST(miss_writes_and_hit_builds_nothing)
{
    char *dir = fresh_cache();
    cocob_cl_stats miss = build_once("cocob.cl");
    ck_assert_uint_eq(miss.builds_from_source, 1);
    ck_assert_uint_eq(miss.cache_writes, 1);
    ck_assert_uint_eq(miss.cache_hits, 0);
    ck_assert_int_eq(count_files(dir, ".clbin"), 1);
    ck_assert_int_eq(count_temporary(dir), 0);

    test_log_clear();
    cocob_cl_stats hit = build_once("cocob.cl");
    ck_assert_uint_eq(hit.builds_from_source, 0);
    ck_assert_uint_eq(hit.cache_hits, 1);
    ck_assert_uint_eq(hit.cache_writes, 0);
    ck_assert_ptr_nonnull(strstr(test_log(), "program cache: hit"));

    /* Another file is another entry. */
    cocob_cl_stats other = build_once("triad.cl");
    ck_assert_uint_eq(other.builds_from_source, 1);
    ck_assert_int_eq(count_files(dir, ".clbin"), 2);
    step_matches_reference();
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Ways an entry can be damaged, applied to its file. */
static void damage(const char *path, int how)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    switch (how) {
    case 0: /* cut in half */ ck_assert_int_eq(ftruncate(fileno(f), st.st_size / 2), 0); break;
    case 1: /* shorter than its header */ ck_assert_int_eq(ftruncate(fileno(f), 10), 0); break;
    case 2: /* empty */ ck_assert_int_eq(ftruncate(fileno(f), 0), 0); break;
    case 3: /* one flipped byte in the binary */
    case 4: /* one flipped byte in the magic */
    {
        long at = how == 3 ? (long)st.st_size - 17 : 2;
        ck_assert_int_eq(fseek(f, at, SEEK_SET), 0);
        int c = fgetc(f);
        ck_assert_int_eq(fseek(f, at, SEEK_SET), 0);
        fputc(c ^ 0x40, f);
        break;
    }
    case 5: /* a byte too many */
        ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
        fputc(0, f);
        break;
    }
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(corrupt_entry_is_rebuilt)
{
    char *dir = fresh_cache();
    build_once("cocob.cl");
    char path[4096];
    entry_path(dir, path, sizeof path);
    damage(path, _i);
    test_log_clear();
    cocob_cl_stats st = build_once("cocob.cl");
    ck_assert_msg(st.cache_rejected == 1 && st.builds_from_source == 1 && st.cache_writes == 1,
                  "damage %d: rejected %u, built %u, wrote %u", _i, st.cache_rejected,
                  st.builds_from_source, st.cache_writes);
    ck_assert_ptr_nonnull(strstr(test_log(), "rebuilding"));
    st = build_once("cocob.cl");
    ck_assert_uint_eq(st.cache_hits, 1);
    step_matches_reference();
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(cache_can_be_turned_off)
{
    char *dir = fresh_cache();
    setenv("COCOB_CACHE", "off", 1);
    for (int i = 0; i < 2; i++) {
        cocob_cl_stats st = build_once("cocob.cl");
        ck_assert_uint_eq(st.builds_from_source, 1);
        ck_assert_uint_eq(st.cache_writes + st.cache_hits, 0);
    }
    ck_assert_int_eq(count_files(dir, ".clbin"), 0);
    unsetenv("COCOB_CACHE");
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(cache_folder_defaults)
{
    char dir[4096];
    unsetenv("COCOB_CACHE");
    setenv("COCOB_CACHE_DIR", "/x/own", 1);
    setenv("XDG_CACHE_HOME", "/x/xdg", 1);
    setenv("HOME", "/x/home", 1);
    ck_assert(cocob_cl_cache_dir(dir, sizeof dir));
    ck_assert_str_eq(dir, "/x/own");
    unsetenv("COCOB_CACHE_DIR");
    ck_assert(cocob_cl_cache_dir(dir, sizeof dir));
    ck_assert_str_eq(dir, "/x/xdg/cocob");
    unsetenv("XDG_CACHE_HOME");
    ck_assert(cocob_cl_cache_dir(dir, sizeof dir));
    ck_assert_str_eq(dir, "/x/home/.cache/cocob");
    setenv("COCOB_CACHE", "off", 1);
    ck_assert(!cocob_cl_cache_dir(dir, sizeof dir));
}
END_TEST

START_TEST(key_covers_all_a_binary_depends_on)
{
    cocob_cl_device d;
    memset(&d, 0, sizeof d);
    strcpy(d.info.name, "dev");
    strcpy(d.info.opencl_version, "OpenCL 1.2");
    strcpy(d.info.driver_version, "1.0");
    strcpy(d.info.platform_version, "plat 1");
    char base[33], k[33];
    cocob_cl_cache_key(&d, "-cl-std=CL1.2", "src", 3, base);
    ck_assert_uint_eq(strlen(base), 32);
    cocob_cl_cache_key(&d, "-cl-std=CL1.2", "src", 3, k);
    ck_assert_str_eq(k, base);
    cocob_cl_cache_key(&d, "-cl-std=CL1.2 -DX", "src", 3, k);
    ck_assert_str_ne(k, base);
    cocob_cl_cache_key(&d, "-cl-std=CL1.2", "srd", 3, k);
    ck_assert_str_ne(k, base);
    char *fields[] = {d.info.name, d.info.opencl_version, d.info.driver_version,
                      d.info.platform_version};
    for (int i = 0; i < 4; i++) {
        char saved = fields[i][0];
        fields[i][0] = 'Z';
        cocob_cl_cache_key(&d, "-cl-std=CL1.2", "src", 3, k);
        ck_assert_msg(strcmp(k, base) != 0, "field %d is not in the key", i);
        fields[i][0] = saved;
    }
}
END_TEST

/* Threads filling one entry at once, as two contexts building the same
 * program do: each writes a whole entry of its own bytes. */
enum { WRITERS = 4, WRITES = 25, ENTRY_BYTES = 4096 };
static const char shared_key[] = "0123456789abcdef0123456789abcdef";

typedef struct writer_job {
    const char *dir;
    int id, failed;
    char reason[4400];
} writer_job;

static void *write_entries(void *arg)
{
    writer_job *job = arg;
    unsigned char bin[ENTRY_BYTES];
    memset(bin, 'a' + job->id, sizeof bin);
    for (int i = 0; i < WRITES && !job->failed; i++)
        job->failed = cocob_cl_cache_write(job->dir, shared_key, bin, sizeof bin, job->reason,
                                           sizeof job->reason) != 0;
    return NULL;
}

START_TEST(an_entry_is_replaced_whole)
{
    char *dir = test_tmpdir("cache-replace");
    char real[4200], link[4200], stale[4300], reason[4400];
    snprintf(real, sizeof real, "%s/real.clbin", dir);
    snprintf(link, sizeof link, "%s/%s.clbin", dir, shared_key);
    unsigned char first[16] = "first entry", *bin = NULL;
    size_t len = 0;

    /* An entry that is a symlink to a file of mode 0600, beside the
     * temporary file of a save killed in a process now gone. */
    FILE *f = fopen(real, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(real, 0600), 0);
    ck_assert_int_eq(symlink("real.clbin", link), 0);
    pid_t dead = fork();
    ck_assert_int_ge(dead, 0);
    if (dead == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(dead, NULL, 0), dead);
    snprintf(stale, sizeof stale, "%s.tmp.%ld.0", real, (long)dead);
    f = fopen(stale, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fclose(f), 0);

    ck_assert_int_eq(
        cocob_cl_cache_write(dir, shared_key, first, sizeof first, reason, sizeof reason), 0);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the symlink was replaced by a file");
    ck_assert_int_eq(stat(real, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0600, "mode %o after a write", st.st_mode & 07777);
    ck_assert_int_eq(cocob_cl_cache_read(dir, shared_key, &bin, &len, reason, sizeof reason), 1);
    ck_assert_uint_eq(len, sizeof first);
    ck_assert_mem_eq(bin, first, sizeof first);
    free(bin);
    ck_assert_int_eq(count_temporary(dir), 0);

    /* Writers in one process share no temporary file: every write lands
     * whole, and the entry is one writer's. */
    pthread_t threads[WRITERS];
    writer_job jobs[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        jobs[i] = (writer_job){dir, i, 0, ""};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, write_entries, &jobs[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
        ck_assert_msg(!jobs[i].failed, "writer %d: %s", i, jobs[i].reason);
    }
    ck_assert_int_eq(cocob_cl_cache_read(dir, shared_key, &bin, &len, reason, sizeof reason), 1);
    ck_assert_uint_eq(len, ENTRY_BYTES);
    for (size_t i = 1; i < len; i++)
        ck_assert_int_eq(bin[i], bin[0]);
    free(bin);
    ck_assert_int_eq(count_temporary(dir), 0);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Runs fn in a child process, as nobody when we are root (root writes
 * through any permission bits, so a read-only folder needs another user).
 * Check's asserts cannot cross into a child: fn returns 0 or a failure code. */
static void in_child_as_nobody(int (*fn)(void), int drop)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (drop && geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(90);
        _exit(fn());
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child failed with status %d (signal %d)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int child_build(const char *f, cocob_cl_stats *st)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = test_device_selector();
    cocob_context *ctx = NULL;
    if (cocob_context_create(&opts, &ctx) != COCOB_OK) {
        fprintf(stderr, "child: %s\n", cocob_context_error(ctx));
        cocob_context_destroy(ctx);
        return 1;
    }
    cocob_cl_backend *b = (cocob_cl_backend *)ctx->backend;
    cl_program prog;
    int rc = cocob_cl_program(b, f, &prog) == COCOB_OK ? 0 : 2;
    if (rc)
        fprintf(stderr, "child: %s\n", cocob_context_error(ctx));
    *st = b->stats;
    cocob_context_destroy(ctx);
    return rc;
}

static int fill_cache(void)
{
    cocob_cl_stats st;
    return child_build("cocob.cl", &st) || st.cache_writes != 1 ? 3 : 0;
}

static int use_read_only_cache(void)
{
    cocob_cl_stats hit, miss;
    if (child_build("cocob.cl", &hit) != 0 || child_build("triad.cl", &miss) != 0)
        return 4;
    if (hit.cache_hits != 1 || hit.builds_from_source != 0) {
        fprintf(stderr, "child: the entry in the read-only cache was not used\n");
        return 5;
    }
    if (miss.builds_from_source != 1 || miss.cache_writes != 0) {
        fprintf(stderr, "child: a miss in a read-only cache built %u, wrote %u\n",
                miss.builds_from_source, miss.cache_writes);
        return 6;
    }
    return 0;
}

START_TEST(read_only_cache_still_works)
{
    char *base = test_tmpdir("readonly");
    char cache[4200], pocl[4200];
    snprintf(cache, sizeof cache, "%s/cache", base);
    snprintf(pocl, sizeof pocl, "%s/pocl", base);
    ck_assert_int_eq(chmod(base, 0755), 0);
    ck_assert_int_eq(mkdir(cache, 0755), 0);
    setenv("COCOB_CACHE_DIR", cache, 1);
    unsetenv("COCOB_CACHE");
    /* The parent stays clear of OpenCL: a driver's threads do not survive fork. */
    in_child_as_nobody(fill_cache, 0);
    ck_assert_int_eq(chmod(cache, 0555), 0);
    /* PoCL keeps a cache of its own: nobody needs one it can write. */
    ck_assert_int_eq(mkdir(pocl, 0777), 0);
    ck_assert_int_eq(chmod(pocl, 0777), 0);
    setenv("POCL_CACHE_DIR", pocl, 1);
    in_child_as_nobody(use_read_only_cache, 1);
    unsetenv("POCL_CACHE_DIR");
    ck_assert_int_eq(count_files(cache, ".clbin"), 1);
    chmod(cache, 0755);
    test_rmtree(base);
    free(base);
}
END_TEST

/* Writes text as name into dir. */
static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Writes every embedded kernel file into dir, as a kernel developer would
 * start from. */
static void copy_embedded(const char *dir)
{
    cocob_error err;
    for (size_t f = 0; f < cocob_cl_file_count(); f++) {
        char *src;
        size_t len;
        const char *name = cocob_cl_file_name(f);
        ck_assert_int_eq(cocob_cl_source(name, &src, &len, &err), COCOB_OK);
        write_file(dir, name, src, len);
        free(src);
    }
}

START_TEST(kernel_dir_overrides_the_embedded_sources)
{
    char *cache = fresh_cache();
    char *kdir = test_tmpdir("kernels");
    cocob_error err;
    char *src;
    size_t len;
    ck_assert_int_eq(cocob_cl_source("cocob.cl", &src, &len, &err), COCOB_OK);
    /* An edited copy is read from the folder: a new key, so a new build. */
    char *edited = malloc(len + 64);
    ck_assert_ptr_nonnull(edited);
    int n = snprintf(edited, len + 64, "/* edited */\n%s", src);
    copy_embedded(kdir);
    write_file(kdir, "cocob.cl", edited, (size_t)n);
    build_once("cocob.cl");
    setenv("COCOB_KERNEL_DIR", kdir, 1);
    char *read_back;
    ck_assert_int_eq(cocob_cl_source("cocob.cl", &read_back, &len, &err), COCOB_OK);
    ck_assert_str_eq(read_back, edited);
    cocob_cl_stats st = build_once("cocob.cl");
    ck_assert_uint_eq(st.builds_from_source, 1);
    ck_assert_uint_eq(st.cache_hits, 0);
    step_matches_reference();

    /* A folder without the file is an error that names the path: no quiet
     * return to the embedded copy. */
    char path[4200];
    snprintf(path, sizeof path, "%s/triad.cl", kdir);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(cocob_cl_source("triad.cl", &read_back, &len, &err), COCOB_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    unsetenv("COCOB_KERNEL_DIR");
    free(src);
    free(edited);
    free(read_back);
    test_rmtree(kdir);
    test_rmtree(cache);
    free(kdir);
    free(cache);
}
END_TEST

START_TEST(failed_build_reports_device_options_and_log)
{
    char *cache = fresh_cache();
    char *kdir = test_tmpdir("broken");
    static const char broken[] = "__kernel void cocob_update(__global float *w)\n"
                                 "{ w[0] = this_is_not_declared; }\n";
    copy_embedded(kdir);
    write_file(kdir, "cocob.cl", broken, sizeof broken - 1);
    setenv("COCOB_KERNEL_DIR", kdir, 1);
    cocob_context *ctx = test_context(test_device_selector());
    cl_program prog;
    ck_assert_int_eq(cocob_cl_program(cl_of(ctx), "cocob.cl", &prog), COCOB_ERR_BUILD);
    const char *msg = cocob_context_error(ctx);
    ck_assert_ptr_nonnull(strstr(msg, "cocob.cl"));
    ck_assert_ptr_nonnull(strstr(msg, cocob_context_device(ctx)->name));
    ck_assert_ptr_nonnull(strstr(msg, "-cl-std=CL1.2"));
    ck_assert_ptr_nonnull(strstr(msg, "CL_BUILD_PROGRAM_FAILURE"));
    ck_assert_msg(strstr(msg, "this_is_not_declared") != NULL, "no build log in: %s", msg);
    /* Through the public API the same failure is a status, not a crash. */
    cocob_tensor *t, *g;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_tensor_create(ctx, 4, &t), COCOB_OK);
    /* A gradient of its own: the op layer refuses one that overlaps w. */
    ck_assert_int_eq(cocob_tensor_create(ctx, 4, &g), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &t, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_ERR_BUILD);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(g);
    cocob_tensor_destroy(t);
    cocob_context_destroy(ctx);
    /* The step built nonfinite.cl, its guard, first; the broken program left
     * no entry behind. */
    ck_assert_int_eq(count_files(cache, ".clbin"), 1);
    unsetenv("COCOB_KERNEL_DIR");
    test_rmtree(kdir);
    test_rmtree(cache);
    free(kdir);
    free(cache);
}
END_TEST

START_TEST(options_are_strict_opencl_1_2)
{
    cocob_context *ctx = test_context(test_device_selector());
    const char *opts = cl_of(ctx)->options;
    ck_assert_ptr_nonnull(strstr(opts, "-cl-std=CL1.2"));
    ck_assert_ptr_null(strstr(opts, "fast-relaxed-math"));
    ck_assert_ptr_null(strstr(opts, "-cl-mad-enable"));
    ck_assert_ptr_null(strstr(opts, "-cl-unsafe-math-optimizations"));
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("program cache");
    TCase *tc = tcase_create("program cache");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, miss_writes_and_hit_builds_nothing);
    tcase_add_loop_test(tc, corrupt_entry_is_rebuilt, 0, 6);
    tcase_add_test(tc, cache_can_be_turned_off);
    tcase_add_test(tc, cache_folder_defaults);
    tcase_add_test(tc, key_covers_all_a_binary_depends_on);
    tcase_add_test(tc, an_entry_is_replaced_whole);
    tcase_add_test(tc, read_only_cache_still_works);
    tcase_add_test(tc, kernel_dir_overrides_the_embedded_sources);
    tcase_add_test(tc, failed_build_reports_device_options_and_log);
    tcase_add_test(tc, options_are_strict_opencl_1_2);
    suite_add_tcase(s, tc);
    return test_run(s);
}
