/* Verify mode: every op of the workload agrees with the reference on the
 * device under test, and a bug planted in one kernel is pinned on that op,
 * its layer, its tensor and its index, whether asked for by option or by
 * COCOB_VERIFY=1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/model.h"
#include "cocob/tools.h"
#include "testutil.h"
#ifdef COCOB_HAVE_OPENCL
#include "backend/opencl/opencl.h"
#endif

static cocob_context *verify_context(const char *selector, cocob_verify_mode mode)
{
    cocob_options opts;
    cocob_options_init(&opts);
    opts.device = selector;
    opts.verify = mode;
    opts.log_level = COCOB_LOG_WARN;
    cocob_context *ctx = NULL;
    cocob_status s = cocob_context_create(&opts, &ctx);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    return ctx;
}

/* Every op of the backend table that a model or the bench can reach. */
static const char *const ops[] = {
    "gemm",
    "bias_add",
    "bias_grad",
    "activation",
    "activation_grad",
    "softmax_xent",
    "softmax_xent_grad",
    "mse",
    "mse_grad",
    "argmax",
    "dropout",
    "dropout_grad",
    "conv2d",
    "conv2d_grad_input",
    "conv2d_grad_weights",
    "maxpool",
    "maxpool_grad",
    "cocob_update",
    "count_nonfinite",
    "flag_nonfinite",
    "triad",
    "sgd_update",
    "adagrad_update",
    "rmsprop_update",
    "adadelta_update",
    "adam_update",
    "ckt_update",
    "kt_update",
    "dog_update",
    "lr_free_reduce",
    "lr_free_finalize",
    "schedule_free_update",
    "prodigy_accumulate",
    "prodigy_update",
    "dadapt_adam_accumulate",
    "dadapt_adam_update",
};

START_TEST(every_op_agrees_with_the_reference)
{
    const char *selector = _i == 0 ? "ref" : test_device_selector();
    cocob_context *ctx = verify_context(selector, COCOB_VERIFY_RECORD);
    ck_assert_msg(cocob_verify_run(ctx) == COCOB_OK, "%s", cocob_context_error(ctx));
    size_t count;
    const cocob_verify_row *rows = cocob_verify_rows(ctx, &count);
    ck_assert_uint_gt(count, 0);
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
        size_t shapes = 0;
        for (size_t i = 0; i < count; i++)
            shapes += strcmp(rows[i].op, ops[k]) == 0;
        ck_assert_msg(shapes > 0, "%s: verify never ran %s", selector, ops[k]);
    }
    for (size_t i = 0; i < count; i++) {
        const cocob_verify_row *r = &rows[i];
        ck_assert_msg(r->pass && r->max_rel_err <= r->tolerance && r->calls > 0,
                      "%s: %s (%s) is %g from the reference, tolerance %g", selector, r->op,
                      r->shape, r->max_rel_err, r->tolerance);
    }
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(a_context_not_in_record_mode_cannot_run_it)
{
    cocob_context *ctx = verify_context("ref", COCOB_VERIFY_OFF);
    ck_assert_int_eq(cocob_verify_run(ctx), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "COCOB_VERIFY_RECORD"));
    size_t count = 1;
    ck_assert_ptr_null(cocob_verify_rows(ctx, &count));
    ck_assert_uint_eq(count, 0);
    cocob_context_destroy(ctx);
}
END_TEST

#ifdef COCOB_HAVE_OPENCL
/* A kernel folder whose bias.cl adds 1e-3 to element 37 of every output. */
static char *planted_bug(void)
{
    char *dir = test_tmpdir("verify-kernels");
    cocob_error err;
    for (size_t f = 0; f < cocob_cl_file_count(); f++) {
        const char *name = cocob_cl_file_name(f);
        char *src;
        size_t len;
        ck_assert_int_eq(cocob_cl_source(name, &src, &len, &err), COCOB_OK);
        const char *line = "activation_apply(kind, x[x_off + e] + ";
        char *at = strcmp(name, "bias.cl") == 0 ? strstr(src, line) : NULL;
        if (strcmp(name, "bias.cl") == 0)
            ck_assert_msg(at != NULL, "bias.cl no longer holds \"%s\"", line);
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *out = fopen(path, "w");
        ck_assert_ptr_nonnull(out);
        if (at) {
            size_t head = (size_t)(at - src) + strlen("activation_apply(kind, ");
            fwrite(src, 1, head, out);
            fputs("(e == 37 ? 1e-3f : 0.0f) + ", out);
            fputs(src + head, out);
        } else {
            fwrite(src, 1, len, out);
        }
        ck_assert_int_eq(fclose(out), 0);
        free(src);
    }
    return dir;
}

/* One training step of a small dense model: the first bias_add is layer 0's. */
static cocob_status one_step(cocob_context *ctx)
{
    cocob_model *m;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 8, 8, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, "dense:50,relu,dense:10"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 3), COCOB_OK);
    cocob_tensor *params = cocob_model_params(m);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &opt), COCOB_OK);
    float x[4 * 64];
    int32_t y[4] = {1, 2, 3, 4};
    for (size_t i = 0; i < 4 * 64; i++)
        x[i] = (float)(i % 13) / 13.0f;
    double loss;
    cocob_status s = cocob_model_step(m, opt, &(cocob_batch){x, y, NULL, 4}, &loss, NULL);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    return s;
}

static void assert_pinned(cocob_context *ctx, cocob_status s)
{
    const char *msg = cocob_context_error(ctx);
    ck_assert_msg(s == COCOB_ERR_VERIFY, "status %s: %s", cocob_status_name(s), msg);
    const char *want[] = {"bias_add", "layer 0 (dense:50), forward",
                          "tensor y", "index 37",
                          "device",   "reference"};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        ck_assert_msg(strstr(msg, want[k]) != NULL, "\"%s\" is not in: %s", want[k], msg);
}

START_TEST(a_bug_in_one_kernel_is_pinned_on_it)
{
    char *dir = planted_bug();
    setenv("COCOB_KERNEL_DIR", dir, 1);

    /* Stopping at the first divergence, named in full. */
    cocob_context *ctx = verify_context(test_device_selector(), COCOB_VERIFY_STOP);
    if (strcmp(cocob_context_device(ctx)->selector, "cpu") == 0) {
        /* The cpu backend runs no kernels: nothing to plant a bug in. */
        cocob_context_destroy(ctx);
        unsetenv("COCOB_KERNEL_DIR");
        test_rmtree(dir);
        free(dir);
        return;
    }
    assert_pinned(ctx, one_step(ctx));
    cocob_context_destroy(ctx);

    /* The same from the environment alone. */
    setenv("COCOB_VERIFY", "1", 1);
    ctx = verify_context(test_device_selector(), COCOB_VERIFY_OFF);
    assert_pinned(ctx, one_step(ctx));
    cocob_context_destroy(ctx);
    unsetenv("COCOB_VERIFY");

    /* The whole table: bias_add fails, and every other op still passes,
     * since each starts from the reference's values. */
    ctx = verify_context(test_device_selector(), COCOB_VERIFY_RECORD);
    ck_assert_int_eq(cocob_verify_run(ctx), COCOB_OK);
    size_t count, failed = 0;
    const cocob_verify_row *rows = cocob_verify_rows(ctx, &count);
    for (size_t i = 0; i < count; i++) {
        if (!rows[i].pass)
            failed++;
        ck_assert_msg(rows[i].pass || strcmp(rows[i].op, "bias_add") == 0,
                      "%s (%s) failed as well", rows[i].op, rows[i].shape);
    }
    ck_assert_uint_gt(failed, 0);
    cocob_context_destroy(ctx);
    unsetenv("COCOB_KERNEL_DIR");
    test_rmtree(dir);
    free(dir);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("verify");
    tcase_add_loop_test(tc, every_op_agrees_with_the_reference, 0, 2);
    tcase_add_test(tc, a_context_not_in_record_mode_cannot_run_it);
#ifdef COCOB_HAVE_OPENCL
    tcase_add_test(tc, a_bug_in_one_kernel_is_pinned_on_it);
#endif
    suite_add_tcase(s, tc);
    return test_run(s);
}
