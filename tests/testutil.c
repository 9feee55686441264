#include "testutil.h"
#include "ops/ops.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

const char *test_device_selector(void)
{
    const char *s = getenv("COCOB_TEST_DEVICE");
#if defined(COCOB_HAVE_OPENCL)
    return s && *s ? s : "opencl";
#elif defined(COCOB_HAVE_CPU)
    return s && *s ? s : "cpu";
#else
    return s && *s ? s : "ref";
#endif
}

int test_device_is_cpu(void)
{
    return strcmp(test_device_selector(), "cpu") == 0;
}

int test_small(void)
{
    const char *s = getenv("COCOB_TEST_SMALL");
    return s && *s && strcmp(s, "0") != 0;
}

size_t test_small_or(size_t full, size_t small)
{
    return test_small() ? small : full;
}

static char log_buf[65536];

static void collect(cocob_log_level level, const char *message, void *user)
{
    (void)level;
    (void)user;
    size_t used = strlen(log_buf);
    snprintf(log_buf + used, sizeof log_buf - used, "%s\n", message);
}

const char *test_log(void)
{
    return log_buf;
}

void test_log_clear(void)
{
    log_buf[0] = '\0';
}

cocob_context *test_context(const char *selector)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = selector;
    opts.log = collect;
    opts.log_level = COCOB_LOG_DEBUG;
    cocob_context *ctx = NULL;
    cocob_status s = cocob_context_create(&opts, &ctx);
    ck_assert_msg(s == COCOB_OK, "cannot open device \"%s\": %s: %s", selector,
                  cocob_status_name(s), ctx ? cocob_context_error(ctx) : "out of memory");
    return ctx;
}

uint64_t test_rng_next(test_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

float test_rng_uniform(test_rng *r, float lo, float hi)
{
    double u = (double)(test_rng_next(r) >> 11) * 0x1.0p-53;
    return (float)(lo + (hi - lo) * u);
}

double test_max_rel_err(const float *a, const float *b, size_t n, size_t *where)
{
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double x = a[i], y = b[i];
        double scale = fmax(fabs(x), fabs(y));
        double e = x == y                                 ? 0
                   : (isnan(x) || isnan(y) || scale == 0) ? INFINITY
                                                          : fabs(x - y) / scale;
        if (e > worst) {
            worst = e;
            at = i;
        }
    }
    if (where)
        *where = at;
    return worst;
}

char *test_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char *path = malloc(4096);
    ck_assert_ptr_nonnull(path);
    snprintf(path, 4096, "%s/cocob-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp(%s) failed", path);
    return path;
}

void test_write_file(const char *path, const void *buf, size_t len, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(gzwrite(f, buf, (unsigned)len), (int)len);
        ck_assert_int_eq(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
        ck_assert_int_eq(fclose(f), 0);
    }
}

void test_rmtree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[4096];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                test_rmtree(child);
            else
                unlink(child);
        }
        closedir(d);
    }
    rmdir(path);
}

cocob_buffer *test_put(cocob_backend *b, const void *data, size_t n)
{
    cocob_buffer *buf;
    size_t all = TEST_OFF + n + TEST_TAIL;
    ck_assert_int_eq(b->iface->alloc(b, all * 4, &buf), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, buf, 0, NAN, all), COCOB_OK);
    if (data)
        ck_assert_int_eq(cocob_op_upload(b, buf, TEST_OFF * 4, data, n * 4), COCOB_OK);
    return buf;
}

void *test_take(cocob_backend *b, cocob_buffer *buf, size_t n)
{
    size_t all = TEST_OFF + n + TEST_TAIL;
    float *v = malloc(all * 4);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(cocob_op_download(b, buf, 0, v, all * 4), COCOB_OK);
    /* A plain test, not ck_assert, in the loop: Check logs every passing assert. */
    for (size_t i = 0; i < all; i++)
        if ((i < TEST_OFF || i >= TEST_OFF + n) && !isnan(v[i]))
            ck_abort_msg("element %zu, outside the operand, was written", i);
    b->iface->free(b, buf);
    return v;
}

int test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
