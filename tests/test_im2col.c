/* im2col and col2im: the reference on small cases worked by hand, the pair
 * against the adjoint identity, the kernels against the reference, and the
 * checks of the arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "runtime/handles.h"
#include "testutil.h"
#include "ops/ops.h"

/* batch, channels, height, width, kernel_h, kernel_w, stride, pad, out_h, out_w,
 * filters */
static const cocob_conv_shape shapes[] = {
    {2, 3, 7, 9, 3, 3, 1, 1, 7, 9, 4},     {3, 2, 10, 6, 5, 5, 2, 2, 5, 3, 3},
    {2, 1, 28, 28, 5, 5, 1, 0, 24, 24, 8}, {2, 4, 8, 5, 3, 3, 2, 0, 3, 2, 5},
    {1, 2, 6, 11, 3, 5, 1, 2, 8, 11, 2},   {4, 3, 9, 7, 3, 3, 2, 1, 5, 4, 6},
};

static size_t x_count(const cocob_conv_shape *s)
{
    return s->batch * s->channels * s->height * s->width;
}

static size_t col_count(const cocob_conv_shape *s)
{
    return s->channels * s->kernel_h * s->kernel_w * s->batch * s->out_h * s->out_w;
}

static float *random_floats(size_t n, uint64_t seed)
{
    float *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    test_rng rng = {seed};
    for (size_t i = 0; i < n; i++)
        v[i] = test_rng_uniform(&rng, -1, 1);
    return v;
}

enum { IN_OFF = 3, OUT_OFF = 5, TAIL = 2 };

/* Runs im2col (forward) or col2im on ctx with n_in floats of in at IN_OFF
 * and the result at OUT_OFF, in buffers of NaN with TAIL more floats after
 * each operand. Returns the whole output buffer, OUT_OFF + n_out + TAIL
 * floats, so that a write outside the operand shows. */
static float *run(cocob_context *ctx, int forward, const cocob_conv_shape *s, const float *in)
{
    cocob_backend *b = ctx->backend;
    size_t n_in = forward ? x_count(s) : col_count(s),
           n_out = forward ? col_count(s) : x_count(s);
    size_t in_len = IN_OFF + n_in + TAIL, out_len = OUT_OFF + n_out + TAIL;
    cocob_buffer *bi, *bo;
    ck_assert_int_eq(b->iface->alloc(b, in_len * sizeof(float), &bi), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, out_len * sizeof(float), &bo), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, bi, 0, NAN, in_len), COCOB_OK);
    ck_assert_int_eq(cocob_op_fill(b, bo, 0, NAN, out_len), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, bi, IN_OFF * sizeof(float), in, n_in * sizeof(float)),
                     COCOB_OK);
    cocob_span si = {bi, IN_OFF}, so = {bo, OUT_OFF};
    cocob_status st = forward ? cocob_op_im2col(b, s, si, so) : cocob_op_col2im(b, s, si, so);
    ck_assert_msg(st == COCOB_OK, "%s", cocob_context_error(ctx));
    float *out = malloc(out_len * sizeof *out);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(cocob_op_download(b, bo, 0, out, out_len * sizeof(float)), COCOB_OK);
    for (size_t i = 0; i < out_len; i++)
        if ((i < OUT_OFF || i >= OUT_OFF + n_out) && !isnan(out[i]))
            ck_abort_msg("%s wrote float %zu, outside its output", forward ? "im2col" : "col2im",
                         i);
    b->iface->free(b, bi);
    b->iface->free(b, bo);
    return out;
}

static void assert_floats(const float *got, const float *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            ck_abort_msg("%s: element %zu is %g, not %g", what, i, got[i], want[i]);
}

START_TEST(reference_matches_cases_worked_by_hand)
{
    cocob_context *ctx = test_context("ref");
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    /* A 2 x 2 kernel over a 3 x 3 image: each row is one tap, across the
     * four output positions. */
    cocob_conv_shape s = {1, 1, 3, 3, 2, 2, 1, 0, 2, 2, 1};
    const float plain[16] = {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9};
    float *col = run(ctx, 1, &s, x);
    assert_floats(col + OUT_OFF, plain, 16, "stride 1, pad 0");
    free(col);
    /* Padded by 1 at stride 2, the taps reach rows and columns -1 and 1, or
     * 0 and 2. */
    cocob_conv_shape p = {1, 1, 3, 3, 2, 2, 2, 1, 2, 2, 1};
    const float padded[16] = {0, 0, 0, 5, 0, 0, 4, 6, 0, 2, 0, 8, 1, 3, 7, 9};
    col = run(ctx, 1, &p, x);
    assert_floats(col + OUT_OFF, padded, 16, "stride 2, pad 1");
    free(col);
    /* col2im of ones counts the windows over each pixel. */
    float ones[16];
    for (int i = 0; i < 16; i++)
        ones[i] = 1;
    const float counts[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    float *back = run(ctx, 0, &s, ones);
    assert_floats(back + OUT_OFF, counts, 9, "col2im of ones, stride 1");
    free(back);
    const float counts_padded[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    back = run(ctx, 0, &p, ones);
    assert_floats(back + OUT_OFF, counts_padded, 9, "col2im of ones, stride 2 pad 1");
    free(back);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(col2im_is_the_adjoint_of_im2col)
{
    /* <im2col(x), c> = <x, col2im(c)>, both sides in double. Every product
     * of two floats is exact in double, so only three things round: each
     * double sum, by at most (terms) 2^-53 of S = sum |im2col(x)_j c_j|, and
     * col2im's float sums of at most kernel_h kernel_w terms, by at most
     * gamma_{kh kw} S in all. Measured: 1.7e-9 of S at most, against bounds
     * of 5.4e-7 to 1.5e-6; a tap missed or summed twice would move a side
     * by about S / n, 3e-5 of S or more here. */
    const cocob_conv_shape *s = &shapes[_i];
    size_t nx = x_count(s), nc = col_count(s);
    float *x = random_floats(nx, 10 + (uint64_t)_i), *c = random_floats(nc, 20 + (uint64_t)_i);
    float *col = malloc(nc * sizeof *col), *back = malloc(nx * sizeof *back);
    ck_assert(col && back);
    cocob_ref_im2col(s, x, col);
    cocob_ref_col2im(s, c, back);
    double lhs = 0, rhs = 0, S = 0;
    for (size_t j = 0; j < nc; j++) {
        lhs += (double)col[j] * c[j];
        S += fabs((double)col[j] * c[j]);
    }
    for (size_t i = 0; i < nx; i++)
        rhs += (double)x[i] * back[i];
    double taps = (double)(s->kernel_h * s->kernel_w) * 0x1.0p-24;
    double bound = (taps / (1 - taps) + (double)(nc + nx) * 0x1.0p-53) * S;
    ck_assert_msg(fabs(lhs - rhs) <= bound,
                  "shape %d: <im2col(x), c> = %.17g, <x, col2im(c)> = %.17g", _i, lhs, rhs);
    printf("adjoint, shape %d: |lhs - rhs| = %.3g of S, bound %.3g\n", _i, fabs(lhs - rhs) / S,
           bound / S);
    free(x);
    free(c);
    free(col);
    free(back);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernels_match_the_reference_bit_for_bit)
{
    /* im2col copies, and col2im adds the same terms in the same order as the
     * reference (taps in row-major order, each addition rounded alone):
     * both must agree to the bit, around the operands included. */
    const cocob_conv_shape *s = &shapes[_i];
    cocob_context *ref = test_context("ref"), *ctx = test_context(test_device_selector());
    float *x = random_floats(x_count(s), 30 + (uint64_t)_i);
    float *c = random_floats(col_count(s), 40 + (uint64_t)_i);
    size_t col_len = OUT_OFF + col_count(s) + TAIL, x_len = OUT_OFF + x_count(s) + TAIL;
    float *want = run(ref, 1, s, x), *got = run(ctx, 1, s, x);
    ck_assert_msg(memcmp(got, want, col_len * sizeof(float)) == 0, "im2col differs, shape %d",
                  _i);
    free(want);
    free(got);
    want = run(ref, 0, s, c);
    got = run(ctx, 0, s, c);
    ck_assert_msg(memcmp(got, want, x_len * sizeof(float)) == 0, "col2im differs, shape %d", _i);
    free(want);
    free(got);
    free(x);
    free(c);
    cocob_context_destroy(ctx);
    cocob_context_destroy(ref);
}
END_TEST
#endif

START_TEST(arguments_are_checked)
{
    cocob_context *ctx = test_context(_i == 0 ? "ref" : test_device_selector());
    cocob_backend *b = ctx->backend;
    cocob_buffer *buf;
    ck_assert_int_eq(b->iface->alloc(b, 400 * sizeof(float), &buf), COCOB_OK);
    cocob_span x = {buf, 0}, col = {buf, 100};
    cocob_conv_shape s = {1, 1, 5, 5, 3, 3, 0, 1, 5, 5, 1};
    ck_assert_int_eq(cocob_op_im2col(b, &s, x, col), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "stride 0 must all be nonzero"));
    s.stride = 2;
    ck_assert_int_eq(cocob_op_col2im(b, &s, col, x), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(
        strstr(cocob_context_error(ctx), "col2im: the output is given as 5 x 5"));
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "gives 3 x 3"));
    s.kernel_h = 8;
    ck_assert_int_eq(cocob_op_im2col(b, &s, x, col), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "does not fit a 5 x 5 image"));
    /* Stride 1: col is 9 rows of 25 positions, 225 floats from 200 of 400. */
    cocob_conv_shape t = {1, 1, 5, 5, 3, 3, 1, 1, 5, 5, 1};
    cocob_span late = {buf, 200};
    ck_assert_int_eq(cocob_op_im2col(b, &t, x, late), COCOB_ERR_SHAPE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "col 225 from offset 200"));
    ck_assert_int_eq(cocob_op_im2col(b, &t, x, col), COCOB_OK);
    b->iface->free(b, buf);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("im2col");
    int n = (int)(sizeof shapes / sizeof *shapes);
    TCase *ref = tcase_create("reference");
    tcase_add_test(ref, reference_matches_cases_worked_by_hand);
    tcase_add_loop_test(ref, col2im_is_the_adjoint_of_im2col, 0, n);
    suite_add_tcase(s, ref);
    TCase *args = tcase_create("arguments");
#ifdef TEST_HAVE_DEVICE
    TCase *cl = tcase_create("device");
    tcase_add_loop_test(cl, kernels_match_the_reference_bit_for_bit, 0, n);
    suite_add_tcase(s, cl);
    tcase_add_loop_test(args, arguments_are_checked, 0, 2);
#else
    tcase_add_loop_test(args, arguments_are_checked, 0, 1);
#endif
    suite_add_tcase(s, args);
    return test_run(s);
}
