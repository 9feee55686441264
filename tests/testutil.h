/* What the Check suites share: contexts, random numbers, error measures. */
#ifndef COCOB_TESTUTIL_H
#define COCOB_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"
#include "cocob/cocob.h"

/* Check's own ck_assert_msg (and so every ck_assert_*) records the place of
 * each assertion that passes, with a message to the runner: a malloc and a
 * write. The suites assert element by element over millions of values, and
 * under AddressSanitizer, whose every malloc unwinds the stack in full
 * (tests/CMakeLists.txt says why), those records took most of the
 * sanitizer run (test_buffers: 200 s against 10). A failing assertion still
 * names its file and line; a crash names its test, and the sanitizers give
 * its stack. */
#undef ck_assert_msg
#define ck_assert_msg(expr, ...) \
    ((expr)                      \
         ? (void)0               \
         : _ck_assert_failed(__FILE__, __LINE__, "Assertion '" #expr "' failed", ##__VA_ARGS__))

/* Whether this build has a device to check against ref: an OpenCL device
 * or the cpu backend. */
#if defined(COCOB_HAVE_OPENCL) || defined(COCOB_HAVE_CPU)
#define TEST_HAVE_DEVICE 1
#endif

/* The device under test: $COCOB_TEST_DEVICE, else "opencl", or "cpu" in a
 * build without OpenCL, or "ref" in a build with neither, whose suites then
 * hold ref against itself. tests/CMakeLists.txt runs each suite that asks for
 * it on both. */
const char *test_device_selector(void);
/* Whether that is the cpu backend, for the tests of OpenCL's internals. */
int test_device_is_cpu(void);

/* The small mode, $COCOB_TEST_SMALL=1, for runs on a simulator (Oclgrind)
 * that executes each work-item in software: the same cases, kernels,
 * branches, ragged tails, offsets and transposes, with only the sizes and
 * the numbers of steps shrunk. test_small_or(full, small) is full normally
 * and small in that mode. */
int test_small(void);
size_t test_small_or(size_t full, size_t small);

/* A context on selector, failing the test with the library's message if it
 * cannot be made. Log messages are collected in test_log(). */
cocob_context *test_context(const char *selector);
/* Everything logged by contexts from test_context since the last call to
 * test_log_clear(). */
const char *test_log(void);
void test_log_clear(void);

/* A small, fast generator (splitmix64) so that tests are the same everywhere. */
typedef struct test_rng {
    uint64_t state;
} test_rng;
uint64_t test_rng_next(test_rng *r);
/* Uniform in [lo, hi). */
float test_rng_uniform(test_rng *r, float lo, float hi);

/* max over i of |a - b| / max(|a|, |b|), 0 where both are 0; *where gets i. */
double test_max_rel_err(const float *a, const float *b, size_t n, size_t *where);

/* A fresh folder under $TMPDIR or /tmp; returns a malloc'd path. Inside a
 * test only: it asserts, and Check asserts need a running test. */
char *test_tmpdir(const char *tag);
/* rm -r. */
void test_rmtree(const char *path);
/* Writes len bytes of buf to path, gzipped when gz. */
void test_write_file(const char *path, const void *buf, size_t len, int gz);

/* Op tests put each operand at TEST_OFF in a buffer of TEST_OFF + n +
 * TEST_TAIL elements and fill the rest with NaN, so that a kernel writing
 * outside its operand, or reading a neighbour, shows. */
enum { TEST_OFF = 3, TEST_TAIL = 2 };

/* Such a buffer on b, with n elements of data at TEST_OFF (NULL: all NaN). */
cocob_buffer *test_put(cocob_backend *b, const void *data, size_t n);
/* The whole buffer, on the host; fails the test if anything outside the n
 * elements at TEST_OFF was written. Frees buf. */
void *test_take(cocob_backend *b, cocob_buffer *buf, size_t n);

/* Runs one suite and returns the exit status for main. */
int test_run(Suite *s);

#endif
