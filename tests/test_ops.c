/* The op layer (src/ops): every backend's table is complete, and each op
 * family refuses, naming the op and the argument, a span past its buffer's
 * end, a size that overflows size_t and an output partly over another
 * operand, while an op declared in place runs on the very same span. */
#include <stdint.h>
#include <string.h>

#include "backend/ref/ref.h"
#include "backend/verify/verify.h"
#include "ops/ops.h"
#include "runtime/handles.h"
#include "testutil.h"

typedef void (*any_fn)(void);

/* Every member of the table is a function pointer and every one is
 * required, so the struct is read as an array of them: a member added to
 * backend.h is covered without a list here to keep up. */
static void assert_complete(const char *name, const cocob_backend_i *t)
{
    ck_assert_uint_eq(sizeof *t % sizeof(any_fn), 0);
    const unsigned char *bytes = (const unsigned char *)t;
    for (size_t i = 0; i < sizeof *t / sizeof(any_fn); i++) {
        any_fn f;
        memcpy(&f, bytes + i * sizeof f, sizeof f);
        ck_assert_msg(f != NULL, "%s: member %zu of the table is NULL", name, i);
    }
}

START_TEST(every_table_is_complete)
{
    assert_complete("ref", &cocob_ref_iface);
    assert_complete("verify", &cocob_verify_iface);
#ifdef TEST_HAVE_DEVICE
    /* The cpu backend's table and OpenCL's are made with their contexts. */
    cocob_context *ctx = test_context(test_device_selector());
    assert_complete(test_device_selector(), ctx->backend->iface);
    cocob_context_destroy(ctx);
#endif
}
END_TEST

static cocob_context *ctx;
static cocob_backend *b;
static cocob_buffer *buf, *other; /* 64 floats each */

static void setup(int i)
{
    ctx = test_context(i == 0 ? "ref" : test_device_selector());
    b = ctx->backend;
    ck_assert_int_eq(b->iface->alloc(b, 64 * sizeof(float), &buf), COCOB_OK);
    ck_assert_int_eq(b->iface->alloc(b, 64 * sizeof(float), &other), COCOB_OK);
}

static void teardown(void)
{
    b->iface->free(b, buf);
    b->iface->free(b, other);
    cocob_context_destroy(ctx);
}

static cocob_span at(cocob_buffer *to, size_t off)
{
    return (cocob_span){to, off};
}

/* got must be want, with a message naming op and each of the two words
 * given (NULL: none). */
#define REFUSED(call, want, op, word1, word2) refused(call, want, op, word1, word2, __LINE__)

static void refused(cocob_status got, cocob_status want, const char *op, const char *word1,
                    const char *word2, int line)
{
    const char *msg = cocob_context_error(ctx);
    ck_assert_msg(got == want, "line %d: %s, not %s: %s", line, cocob_status_name(got),
                  cocob_status_name(want), msg);
    const char *words[3] = {op, word1, word2};
    for (int k = 0; k < 3; k++)
        ck_assert_msg(!words[k] || strstr(msg, words[k]), "line %d: \"%s\" not in: %s", line,
                      words[k], msg);
}

static const size_t HUGE = SIZE_MAX / 2 + 1;

START_TEST(gemm_refuses)
{
    setup(_i);
    /* C, 4 x 4 from float 60, ends past float 64. */
    REFUSED(cocob_op_gemm(b, 0, 0, 4, 4, 4, 1, at(buf, 0), 4, at(other, 0), 4, 0, at(other, 60),
                          4),
            COCOB_ERR_SHAPE, "gemm", "C, 4 x 4", "offset 60");
    /* A, 2 rows of lda = SIZE_MAX: (2 - 1) SIZE_MAX + 4 wraps. */
    REFUSED(cocob_op_gemm(b, 0, 0, 2, 4, 4, 1, at(buf, 0), SIZE_MAX, at(other, 0), 4, 0,
                          at(other, 0), 4),
            COCOB_ERR_SHAPE, "gemm", "A, 2 x 4", NULL);
    /* C from float 8 runs into A's 16 floats. */
    REFUSED(cocob_op_gemm(b, 0, 0, 4, 4, 4, 1, at(buf, 0), 4, at(other, 0), 4, 0, at(buf, 8), 4),
            COCOB_ERR_INVALID_ARGUMENT, "gemm", "C (16 elements from offset 8)", "overlaps A");
    /* Not even the very same span: gemm is never in place. */
    REFUSED(cocob_op_gemm(b, 0, 0, 4, 4, 4, 1, at(buf, 0), 4, at(other, 0), 4, 0, at(other, 0),
                          4),
            COCOB_ERR_INVALID_ARGUMENT, "gemm", "overlaps B", "cannot run in place");
    teardown();
}
END_TEST

START_TEST(bias_refuses_and_runs_in_place)
{
    setup(_i);
    REFUSED(cocob_op_bias_add(b, COCOB_ACT_RELU, at(buf, 60), at(other, 0), at(other, 8), 2, 2,
                              2),
            COCOB_ERR_SHAPE, "bias_add", "from offset 60", NULL);
    REFUSED(cocob_op_bias_grad(b, at(buf, 0), at(other, 0), HUGE, 2, 2), COCOB_ERR_SHAPE,
            "bias_grad", "more than size_t can count", NULL);
    REFUSED(cocob_op_bias_add(b, COCOB_ACT_RELU, at(buf, 0), at(other, 0), at(buf, 4), 2, 2, 2),
            COCOB_ERR_INVALID_ARGUMENT, "bias_add", "y (8 elements from offset 4)", "overlaps x");
    REFUSED(cocob_op_bias_add(b, COCOB_ACT_RELU, at(buf, 0), at(buf, 8), at(buf, 8), 2, 2, 2),
            COCOB_ERR_INVALID_ARGUMENT, "bias_add", "overlaps bias", NULL);
    REFUSED(cocob_op_bias_grad(b, at(buf, 0), at(buf, 1), 2, 2, 2), COCOB_ERR_INVALID_ARGUMENT,
            "bias_grad", "db", "overlaps dy");
    /* y = x in place: 1 + 0.5 at every element. */
    const float ones[8] = {1, 1, 1, 1, 1, 1, 1, 1}, half[2] = {0.5f, 0.5f};
    ck_assert_int_eq(cocob_op_upload(b, buf, 4 * sizeof(float), ones, sizeof ones), COCOB_OK);
    ck_assert_int_eq(cocob_op_upload(b, other, 0, half, sizeof half), COCOB_OK);
    ck_assert_int_eq(cocob_op_bias_add(b, COCOB_ACT_IDENTITY, at(buf, 4), at(other, 0),
                                       at(buf, 4), 2, 2, 2),
                     COCOB_OK);
    float got[8];
    ck_assert_int_eq(cocob_op_download(b, buf, 4 * sizeof(float), got, sizeof got), COCOB_OK);
    for (int k = 0; k < 8; k++)
        ck_assert_float_eq(got[k], 1.5f);
    teardown();
}
END_TEST

START_TEST(activation_refuses_and_runs_in_place)
{
    setup(_i);
    REFUSED(cocob_op_activation(b, COCOB_ACT_RELU, at(buf, 0), at(other, 60), 8), COCOB_ERR_SHAPE,
            "activation", "y needs 8 floats from offset 60", NULL);
    /* An offset near SIZE_MAX: offset + n would wrap to a small number. */
    REFUSED(cocob_op_activation(b, COCOB_ACT_RELU, at(buf, SIZE_MAX - 2), at(other, 0), 8),
            COCOB_ERR_SHAPE, "activation", "x needs 8 floats", NULL);
    REFUSED(cocob_op_activation(b, COCOB_ACT_RELU, at(buf, 0), at(buf, 1), 8),
            COCOB_ERR_INVALID_ARGUMENT, "activation", "y (8 elements from offset 1)",
            "only the very same span");
    REFUSED(cocob_op_activation_grad(b, COCOB_ACT_RELU, at(buf, 0), at(other, 0), at(buf, 0), 8),
            COCOB_ERR_INVALID_ARGUMENT, "activation_grad", "dx", "overlaps y");
    ck_assert_int_eq(cocob_op_activation(b, COCOB_ACT_RELU, at(buf, 2), at(buf, 2), 8), COCOB_OK);
    ck_assert_int_eq(cocob_op_activation_grad(b, COCOB_ACT_RELU, at(buf, 0), at(other, 0),
                                              at(other, 0), 8),
                     COCOB_OK);
    teardown();
}
END_TEST

START_TEST(softmax_xent_and_argmax_refuse)
{
    setup(_i);
    REFUSED(cocob_op_softmax_xent_grad(b, at(buf, 0), at(other, 0), at(buf, 60), 2, 4),
            COCOB_ERR_SHAPE, "softmax_xent_grad", "from offset 60", NULL);
    REFUSED(cocob_op_softmax_xent(b, at(buf, 0), at(other, 0), at(other, 4), HUGE, 4),
            COCOB_ERR_SHAPE, "softmax_xent", "more than size_t can count", NULL);
    REFUSED(cocob_op_softmax_xent_grad(b, at(buf, 0), at(other, 0), at(buf, 7), 2, 4),
            COCOB_ERR_INVALID_ARGUMENT, "softmax_xent_grad", "dlogits", "overlaps logits");
    REFUSED(cocob_op_softmax_xent(b, at(buf, 0), at(other, 0), at(other, 1), 2, 4),
            COCOB_ERR_INVALID_ARGUMENT, "softmax_xent", "loss", "overlaps labels");
    REFUSED(cocob_op_argmax(b, at(buf, 0), at(other, 62), 4, 4), COCOB_ERR_SHAPE, "argmax",
            "out 4 indices from offset 62", NULL);
    REFUSED(cocob_op_argmax(b, at(buf, 0), at(other, 0), HUGE, 4), COCOB_ERR_SHAPE, "argmax",
            "more than size_t can count", NULL);
    REFUSED(cocob_op_argmax(b, at(buf, 0), at(buf, 3), 2, 4), COCOB_ERR_INVALID_ARGUMENT,
            "argmax", "out", "overlaps x");
    teardown();
}
END_TEST

START_TEST(dropout_refuses_and_runs_in_place)
{
    setup(_i);
    REFUSED(cocob_op_dropout(b, at(buf, 57), at(other, 0), 8, 0.5f, 1, 0), COCOB_ERR_SHAPE,
            "dropout", "offsets 57 and 0", NULL);
    REFUSED(cocob_op_dropout_grad(b, at(buf, 0), at(other, SIZE_MAX), 8, 0.5f, 1, 0),
            COCOB_ERR_SHAPE, "dropout_grad", "dy and dx need 8 floats", NULL);
    REFUSED(cocob_op_dropout(b, at(buf, 4), at(buf, 0), 8, 0.5f, 1, 0),
            COCOB_ERR_INVALID_ARGUMENT, "dropout", "y (8 elements from offset 0)", "overlaps x");
    ck_assert_int_eq(cocob_op_dropout(b, at(buf, 4), at(buf, 4), 8, 0.5f, 1, 0), COCOB_OK);
    ck_assert_int_eq(cocob_op_dropout_grad(b, at(buf, 4), at(buf, 4), 8, 0.5f, 1, 0), COCOB_OK);
    teardown();
}
END_TEST

START_TEST(conv2d_and_maxpool_refuse)
{
    setup(_i);
    /* 1 x 1 x 4 x 4 images, two 3 x 3 filters, stride 1: x 16, w 18, y 8. */
    cocob_conv_shape cs = {1, 1, 4, 4, 3, 3, 1, 0, 2, 2, 2};
    REFUSED(cocob_op_conv2d(b, &cs, at(buf, 0), at(other, 50), at(buf, 20)), COCOB_ERR_SHAPE,
            "conv2d", "w needs 18 elements from offset 50", NULL);
    cocob_conv_shape wide = cs;
    wide.batch = HUGE;
    REFUSED(cocob_op_conv2d_grad_input(b, &wide, at(buf, 0), at(other, 0), at(other, 20)),
            COCOB_ERR_SHAPE, "conv2d_grad_input", "more elements than size_t can count", NULL);
    REFUSED(cocob_op_conv2d(b, &cs, at(buf, 0), at(other, 0), at(buf, 10)),
            COCOB_ERR_INVALID_ARGUMENT, "conv2d", "y (8 elements from offset 10)", "overlaps x");
    REFUSED(cocob_op_conv2d_grad_weights(b, &cs, at(buf, 0), at(other, 0), at(buf, 4)),
            COCOB_ERR_INVALID_ARGUMENT, "conv2d_grad_weights", "dw", "overlaps dy");

    /* 2 planes of 4 x 4 pooled by 2 x 2 at stride 2: 2 x 2 out. */
    cocob_pool_shape ps = {2, 4, 4, 2, 2, 2, 2};
    REFUSED(cocob_op_maxpool(b, &ps, at(buf, 40), at(other, 0), at(other, 8)), COCOB_ERR_SHAPE,
            "maxpool", "from offset 40", NULL);
    cocob_pool_shape many = ps;
    many.planes = HUGE;
    REFUSED(cocob_op_maxpool_grad(b, &many, at(buf, 0), at(other, 0), at(other, 8)),
            COCOB_ERR_SHAPE, "maxpool_grad", "more elements than size_t can count", NULL);
    REFUSED(cocob_op_maxpool(b, &ps, at(buf, 0), at(other, 0), at(other, 4)),
            COCOB_ERR_INVALID_ARGUMENT, "maxpool", "y (8 elements from offset 0)",
            "overlaps idx");
    REFUSED(cocob_op_maxpool_grad(b, &ps, at(buf, 0), at(other, 0), at(buf, 4)),
            COCOB_ERR_INVALID_ARGUMENT, "maxpool_grad", "dx", "overlaps dy");
    teardown();
}
END_TEST

START_TEST(reductions_and_triad_refuse)
{
    setup(_i);
    cocob_stats st;
    cocob_span none = {NULL, 0};
    REFUSED(cocob_op_stats(b, at(buf, 0), at(other, 60), none, 8, &st), COCOB_ERR_SHAPE, "stats",
            "y needs 8 floats from offset 60", NULL);
    REFUSED(cocob_op_stats(b, at(buf, SIZE_MAX - 4), none, none, 8, &st), COCOB_ERR_SHAPE,
            "stats", "x needs 8 floats", NULL);
    size_t count;
    REFUSED(cocob_op_count_nonfinite(b, buf, 60, 8, &count), COCOB_ERR_SHAPE, "count_nonfinite",
            "x needs 8 elements from offset 60", NULL);
    REFUSED(cocob_op_count_nonfinite(b, buf, SIZE_MAX - 4, 8, &count), COCOB_ERR_SHAPE,
            "count_nonfinite", "x needs 8 elements", NULL);
    /* triad's operands start at their buffers' starts: no partial overlap
     * can be asked for, and a may be b or c itself. */
    REFUSED(cocob_op_triad(b, buf, other, other, 1, 65), COCOB_ERR_SHAPE, "triad",
            "a needs 65 elements", NULL);
    REFUSED(cocob_op_triad(b, buf, other, other, 1, HUGE), COCOB_ERR_SHAPE, "triad", "a needs",
            NULL);
    ck_assert_int_eq(cocob_op_triad(b, buf, buf, other, 1, 64), COCOB_OK);
    ck_assert_int_eq(cocob_op_triad(b, buf, other, buf, 1, 64), COCOB_OK);
    teardown();
}
END_TEST

START_TEST(updates_refuse)
{
    setup(_i);
    cocob_buffer *state[COCOB_STATE_COUNT];
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        ck_assert_int_eq(b->iface->alloc(b, 64 * sizeof(float), &state[k]), COCOB_OK);
    cocob_update_args a = {.w = buf, .grad = other, .n = 8, .alpha = 100};
    memcpy(a.state, state, sizeof state);
    ck_assert_int_eq(cocob_op_cocob_update(b, &a), COCOB_OK);
    cocob_update_args late = a;
    late.w_offset = 60;
    REFUSED(cocob_op_cocob_update(b, &late), COCOB_ERR_SHAPE, "cocob_update",
            "w needs 8 elements from offset 60", NULL);
    late = a;
    late.state_offset = SIZE_MAX - 4;
    REFUSED(cocob_op_cocob_update(b, &late), COCOB_ERR_SHAPE, "cocob_update", "w1 needs 8", NULL);
    cocob_update_args shared = a;
    shared.grad = buf;
    shared.grad_offset = 4;
    REFUSED(cocob_op_cocob_update(b, &shared), COCOB_ERR_INVALID_ARGUMENT, "cocob_update",
            "w (8 elements from offset 0)", "overlaps grad");
    shared = a;
    shared.state[COCOB_STATE_G] = state[COCOB_STATE_L];
    REFUSED(cocob_op_cocob_update(b, &shared), COCOB_ERR_INVALID_ARGUMENT, "cocob_update", "L",
            "overlaps G");

    cocob_baseline_args ba = {.w = buf, .grad = other, .n = 8};
    ba.state[0] = state[0];
    ba.state[1] = state[1];
    ba.h.lr = 0.1f;
    ba.h.beta1 = ba.h.beta2 = 0.9f;
    ba.h.shrink = ba.h.bias2_sqrt = 1;
    ck_assert_int_eq(cocob_op_adam_update(b, &ba), COCOB_OK);
    cocob_baseline_args bad = ba;
    bad.grad_offset = 57;
    REFUSED(cocob_op_adam_update(b, &bad), COCOB_ERR_SHAPE, "adam_update",
            "grad needs 8 elements from offset 57", NULL);
    bad = ba;
    bad.w_offset = SIZE_MAX;
    REFUSED(cocob_op_rmsprop_update(b, &bad), COCOB_ERR_SHAPE, "rmsprop_update", "w needs 8",
            NULL);
    bad = ba;
    bad.state[1] = state[0];
    REFUSED(cocob_op_adadelta_update(b, &bad), COCOB_ERR_INVALID_ARGUMENT, "adadelta_update",
            "square_avg", "overlaps acc_delta");
    bad = ba;
    bad.state[0] = NULL;
    bad.h.momentum = 0.9f;
    REFUSED(cocob_op_sgd_update(b, &bad), COCOB_ERR_INVALID_ARGUMENT, "sgd_update",
            "momentum_buffer has no buffer", NULL);
    bad = ba;
    bad.grad = state[0];
    bad.grad_offset = 3;
    REFUSED(cocob_op_adagrad_update(b, &bad), COCOB_ERR_INVALID_ARGUMENT, "adagrad_update", "sum",
            "overlaps grad");
    for (int k = 0; k < COCOB_STATE_COUNT; k++)
        b->iface->free(b, state[k]);
    teardown();
}
END_TEST

START_TEST(buffer_ops_refuse)
{
    setup(_i);
    float host[8] = {0};
    REFUSED(cocob_op_upload(b, buf, 250, host, sizeof host), COCOB_ERR_SHAPE, "upload",
            "dst's 32 bytes from offset 250", NULL);
    REFUSED(cocob_op_download(b, buf, SIZE_MAX - 8, host, sizeof host), COCOB_ERR_SHAPE,
            "download", "src's 32 bytes", NULL);
    REFUSED(cocob_op_fill(b, buf, 0, 1, HUGE), COCOB_ERR_SHAPE, "fill",
            "more bytes than size_t can count", NULL);
    REFUSED(cocob_op_copy(b, buf, 0, buf, 16, 32), COCOB_ERR_INVALID_ARGUMENT, "copy",
            "dst (32 bytes from offset 0)", "overlaps src");
    ck_assert_int_eq(cocob_op_copy(b, buf, 0, buf, 32, 32), COCOB_OK);
    teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("ops");
#ifdef TEST_HAVE_DEVICE
    int backends = 2;
#else
    int backends = 1;
#endif
    tcase_add_test(tc, every_table_is_complete);
    tcase_add_loop_test(tc, gemm_refuses, 0, backends);
    tcase_add_loop_test(tc, bias_refuses_and_runs_in_place, 0, backends);
    tcase_add_loop_test(tc, activation_refuses_and_runs_in_place, 0, backends);
    tcase_add_loop_test(tc, softmax_xent_and_argmax_refuse, 0, backends);
    tcase_add_loop_test(tc, dropout_refuses_and_runs_in_place, 0, backends);
    tcase_add_loop_test(tc, conv2d_and_maxpool_refuse, 0, backends);
    tcase_add_loop_test(tc, reductions_and_triad_refuse, 0, backends);
    tcase_add_loop_test(tc, updates_refuse, 0, backends);
    tcase_add_loop_test(tc, buffer_ops_refuse, 0, backends);
    suite_add_tcase(s, tc);
    return test_run(s);
}
