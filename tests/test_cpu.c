/* The cpu backend against ref, bit for bit. Each op it splits over threads
 * runs ref's own loop on disjoint ranges, cut so that every output is
 * computed as ref computes it, so nothing may differ: not a sum's order,
 * not a dropout mask. Each op runs on a size too small to split and on one
 * split into uneven chunks. GEMM, OpenBLAS's, is held to its rounding
 * bound in test_gemm instead. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"
#include "ops/ops.h"

/* A few host arrays, each put on a backend at TEST_OFF (tests/testutil.h). */
enum { MAX_ARRAYS = 7 };
typedef struct arrays {
    size_t count;
    size_t len[MAX_ARRAYS];
    float *host[MAX_ARRAYS];
} arrays;

static void add(arrays *a, size_t len, uint64_t seed, float lo, float hi)
{
    float *v = malloc((len ? len : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    test_rng rng = {seed};
    for (size_t i = 0; i < len; i++)
        v[i] = test_rng_uniform(&rng, lo, hi);
    a->len[a->count] = len;
    a->host[a->count++] = v;
}

static void arrays_free(arrays *a)
{
    for (size_t k = 0; k < a->count; k++)
        free(a->host[k]);
}

/* What one op does to the arrays, on backend b with them at spans s. */
typedef cocob_status (*op_fn)(cocob_backend *b, cocob_span *s, size_t size);

/* Runs op on ref and on cpu over the same arrays, and asserts that every
 * array comes back the same to the bit. */
static void same_on_both(const char *name, op_fn op, const arrays *a, size_t size)
{
    static const char *const selectors[2] = {"ref", "cpu"};
    float *out[2][MAX_ARRAYS];
    for (int k = 0; k < 2; k++) {
        cocob_context *ctx = test_context(selectors[k]);
        cocob_backend *b = ctx->backend;
        cocob_span s[MAX_ARRAYS] = {{NULL, 0}};
        for (size_t i = 0; i < a->count; i++)
            s[i] = (cocob_span){test_put(b, a->host[i], a->len[i]), TEST_OFF};
        cocob_status st = op(b, s, size);
        ck_assert_msg(st == COCOB_OK, "%s on %s: %s", name, selectors[k],
                      cocob_context_error(ctx));
        for (size_t i = 0; i < a->count; i++)
            out[k][i] = test_take(b, s[i].buf, a->len[i]);
        cocob_context_destroy(ctx);
    }
    for (size_t i = 0; i < a->count; i++) {
        ck_assert_msg(memcmp(out[0][i], out[1][i], (TEST_OFF + a->len[i]) * 4) == 0,
                      "%s (size %zu): array %zu differs between ref and cpu", name, size, i);
        free(out[0][i]);
        free(out[1][i]);
    }
}

/* One size below cocob_cpu_for's threshold of 32768 elements and one above, odd
 * so that the chunks are uneven. */
static const size_t sizes[] = {1000, 1000003};

static cocob_status do_fill(cocob_backend *b, cocob_span *s, size_t n)
{
    return cocob_op_fill(b, s[0].buf, TEST_OFF, 0.625f, n);
}

static cocob_status do_triad(cocob_backend *b, cocob_span *s, size_t n)
{
    /* triad works from offset 0: all three are the padded buffers. */
    return cocob_op_triad(b, s[0].buf, s[1].buf, s[2].buf, 0.37f, n + TEST_OFF);
}

static cocob_status do_activations(cocob_backend *b, cocob_span *s, size_t n)
{
    cocob_status st = COCOB_OK;
    for (int f = COCOB_ACT_RELU; f <= COCOB_ACT_IDENTITY && st == COCOB_OK; f++) {
        cocob_span x = s[0], y = s[1 + f], dx = s[5];
        st = cocob_op_activation(b, (cocob_activation)f, x, y, n);
        if (st == COCOB_OK)
            st = cocob_op_activation_grad(b, (cocob_activation)f, y, s[6], dx, n);
    }
    return st;
}

static cocob_status do_dropout(cocob_backend *b, cocob_span *s, size_t n)
{
    cocob_status st = cocob_op_dropout(b, s[0], s[1], n, 0.3f, 77, 123456789);
    if (st == COCOB_OK)
        st = cocob_op_dropout_grad(b, s[2], s[2], n, 0.3f, 77, 123456789);
    return st;
}

static cocob_status do_update(cocob_backend *b, cocob_span *s, size_t n)
{
    cocob_update_args a = {.w = s[0].buf,
                           .w_offset = TEST_OFF,
                           .grad = s[1].buf,
                           .grad_offset = TEST_OFF,
                           .state_offset = TEST_OFF,
                           .n = n,
                           .alpha = 100.0f,
                           .weight_decay = 1e-4f};
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        a.state[k] = s[2 + k].buf;
    cocob_status st = COCOB_OK;
    for (int step = 0; step < 3 && st == COCOB_OK; step++)
        st = cocob_op_cocob_update(b, &a);
    return st;
}

START_TEST(elementwise_ops_are_ref_to_the_bit)
{
    size_t n = sizes[_i];
    arrays a = {0};
    add(&a, n, 1, 0, 0);
    same_on_both("fill", do_fill, &a, n);
    arrays_free(&a);

    a = (arrays){0};
    for (int k = 0; k < 3; k++)
        add(&a, n, 10 + (uint64_t)k, -4, 4);
    same_on_both("triad", do_triad, &a, n);
    arrays_free(&a);

    a = (arrays){0};
    for (int k = 0; k < 7; k++)
        add(&a, n, 20 + (uint64_t)k, -4, 4);
    same_on_both("activation and activation_grad", do_activations, &a, n);
    arrays_free(&a);

    a = (arrays){0};
    for (int k = 0; k < 3; k++)
        add(&a, n, 30 + (uint64_t)k, -4, 4);
    same_on_both("dropout and dropout_grad", do_dropout, &a, n);
    arrays_free(&a);

    /* w, grad, then w1, L, G, reward, theta from a plausible state. */
    a = (arrays){0};
    add(&a, n, 40, -0.5f, 0.5f);
    add(&a, n, 41, -1, 1);
    add(&a, n, 42, -0.5f, 0.5f);
    add(&a, n, 43, 1e-3f, 1);
    add(&a, n, 44, 1, 10);
    add(&a, n, 45, 0, 1);
    add(&a, n, 46, -1, 1);
    same_on_both("cocob_update", do_update, &a, n);
    arrays_free(&a);
}
END_TEST

START_TEST(count_nonfinite_is_ref)
{
    size_t n = sizes[_i], want = 0;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    test_rng rng = {n};
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rng_next(&rng) % 100;
        x[i] = r == 0 ? NAN : r == 1 ? -INFINITY : (float)r;
        want += r <= 1;
    }
    cocob_context *ctx = test_context("cpu");
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf = test_put(b, x, n);
    size_t got;
    ck_assert_int_eq(cocob_op_count_nonfinite(b, buf, TEST_OFF, n, &got), COCOB_OK);
    ck_assert_uint_eq(got, want);
    ck_assert_uint_eq(got, cocob_ref_count_nonfinite(x, n));
    free(test_take(b, buf, n));
    cocob_context_destroy(ctx);
    free(x);
}
END_TEST

/* outer x channels x inner: a dense layer's batch of 100 x 1000 units, a
 * convolution's 32 x 4 x 24 x 24, and one too small to split. */
/* 19 channels of 50: bias_grad's chains of eight channels, and the rest. */
static const size_t bias_shapes[][3] = {{100, 1000, 1}, {32, 4, 576}, {3, 5, 2}, {3, 19, 50}};

static const size_t *bias_shape;

static cocob_status do_bias(cocob_backend *b, cocob_span *s, size_t f)
{
    const size_t *sh = bias_shape;
    cocob_status st = cocob_op_bias_add(b, (cocob_activation)f, s[0], s[1], s[2], sh[0], sh[1],
                                        sh[2]);
    if (st == COCOB_OK)
        st = cocob_op_bias_grad(b, s[3], s[4], sh[0], sh[1], sh[2]);
    return st;
}

START_TEST(bias_ops_are_ref_to_the_bit)
{
    bias_shape = bias_shapes[_i];
    size_t n = bias_shape[0] * bias_shape[1] * bias_shape[2];
    for (size_t f = COCOB_ACT_RELU; f <= COCOB_ACT_IDENTITY; f++) {
        arrays a = {0};
        add(&a, n, 50, -2, 2);
        add(&a, bias_shape[1], 51, -1, 1);
        add(&a, n, 52, 0, 0);
        add(&a, n, 53, -2, 2);
        add(&a, bias_shape[1], 54, 0, 0);
        same_on_both("bias_add and bias_grad", do_bias, &a, f);
        arrays_free(&a);
    }
}
END_TEST

static cocob_status do_argmax(cocob_backend *b, cocob_span *s, size_t rows)
{
    return cocob_op_argmax(b, s[0], s[1], rows, 10);
}

START_TEST(row_ops_are_ref_to_the_bit)
{
    /* argmax over rows of 10, with ties: values in eighths. */
    size_t rows = _i ? 100003 : 100;
    arrays a = {0};
    add(&a, rows * 10, 60, -1, 1);
    for (size_t i = 0; i < rows * 10; i++)
        a.host[0][i] = floorf(a.host[0][i] * 8) / 8;
    add(&a, rows, 61, 0, 0);
    same_on_both("argmax", do_argmax, &a, rows);
    arrays_free(&a);
}
END_TEST

static cocob_pool_shape pool;

static cocob_status do_pool(cocob_backend *b, cocob_span *s, size_t size)
{
    (void)size;
    cocob_status st = cocob_op_maxpool(b, &pool, s[0], s[1], s[2]);
    if (st == COCOB_OK)
        st = cocob_op_maxpool_grad(b, &pool, s[3], s[2], s[4]);
    return st;
}

START_TEST(image_ops_are_ref_to_the_bit)
{
    /* Overlapping 3 x 3 windows at stride 2, so that maxpool_grad sums;
     * inputs in quarters, so that windows tie. */
    pool = _i ? (cocob_pool_shape){128, 24, 24, 3, 2, 11, 11}
              : (cocob_pool_shape){2, 5, 5, 3, 2, 2, 2};
    size_t in_n = pool.planes * pool.height * pool.width;
    size_t out_n = pool.planes * pool.out_h * pool.out_w;
    arrays a = {0};
    add(&a, in_n, 80, -2, 2);
    for (size_t i = 0; i < in_n; i++)
        a.host[0][i] = floorf(a.host[0][i] * 4) / 4;
    add(&a, out_n, 81, 0, 0);
    add(&a, out_n, 82, 0, 0);
    add(&a, out_n, 83, -1, 1);
    add(&a, in_n, 84, 0, 0);
    same_on_both("maxpool and maxpool_grad", do_pool, &a, 0);
    arrays_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu");
    TCase *tc = tcase_create("against ref");
    tcase_add_loop_test(tc, elementwise_ops_are_ref_to_the_bit, 0, 2);
    tcase_add_loop_test(tc, count_nonfinite_is_ref, 0, 2);
    tcase_add_loop_test(tc, bias_ops_are_ref_to_the_bit, 0, 4);
    tcase_add_loop_test(tc, row_ops_are_ref_to_the_bit, 0, 2);
    tcase_add_loop_test(tc, image_ops_are_ref_to_the_bit, 0, 2);
    suite_add_tcase(s, tc);
    return test_run(s);
}
