/* The op suites' shared layout and runs; see oputil.h. */
#include "oputil.h"

#include "runtime/handles.h"

Suite *op_suite(const char *name, const TTest *args, TCase **ref, TCase **dev)
{
    Suite *s = suite_create(name);
    *ref = tcase_create("reference");
    suite_add_tcase(s, *ref);
    *dev = NULL;
    TCase *a = tcase_create("arguments");
#ifdef TEST_HAVE_DEVICE
    *dev = tcase_create("device");
    suite_add_tcase(s, *dev);
    tcase_add_loop_test(a, args, 0, 2);
#else
    tcase_add_loop_test(a, args, 0, 1);
#endif
    suite_add_tcase(s, a);
    return s;
}

cocob_context *op_args_context(int i, size_t floats, cocob_buffer **buf)
{
    cocob_context *ctx = test_context(i == 0 ? "ref" : test_device_selector());
    cocob_backend *b = ctx->backend;
    ck_assert_int_eq(b->iface->alloc(b, floats * sizeof(float), buf), COCOB_OK);
    return ctx;
}

void op_args_done(cocob_context *ctx, cocob_buffer *buf)
{
    ctx->backend->iface->free(ctx->backend, buf);
    cocob_context_destroy(ctx);
}

void op_run_loss(cocob_context *ctx, op_loss_fn loss_op, op_loss_fn grad_op, const float *x,
                 const void *t, size_t t_count, size_t rows, size_t cols, float **loss,
                 float **grad)
{
    cocob_backend *b = ctx->backend;
    size_t n = rows * cols;
    cocob_buffer *bx = test_put(b, x, n), *bt = test_put(b, t, t_count),
                 *bloss = test_put(b, NULL, rows), *bd = test_put(b, NULL, n);
    cocob_span sx = {bx, TEST_OFF}, st = {bt, TEST_OFF}, sloss = {bloss, TEST_OFF},
               sd = {bd, TEST_OFF};
    cocob_status s = loss_op(b, sx, st, sloss, rows, cols);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    s = grad_op(b, sx, st, sd, rows, cols);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    b->iface->free(b, bx);
    b->iface->free(b, bt);
    *loss = test_take(b, bloss, rows);
    *grad = test_take(b, bd, n);
}
