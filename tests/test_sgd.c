/* SGD: the reference against hand-worked steps and PyTorch, the kernel
 * against the reference. */
#include "optimutil.h"
#include "testutil.h"

static cocob_optimizer_config sgd(double lr, double momentum, double dampening, int nesterov)
{
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SGD);
    c.lr = lr;
    c.momentum = momentum;
    c.dampening = dampening;
    c.nesterov = nesterov;
    return c;
}

START_TEST(hand_worked_steps)
{
    /* Powers of two: every rounding is exact. w = 1, g = 1/2 twice, lr 1/4. */
    const float grads[2] = {0.5f, 0.5f};
    float w = 1.0f, buf;
    cocob_optimizer_config c = sgd(0.25, 0, 0, 0);
    optim_run_ref(&c, &w, 1, grads, 2, NULL);
    ck_assert_float_eq(w, 0.75f); /* 1 - 1/8 - 1/8 */
    /* Momentum 1/2: b = g = 1/2 on the first step, then 1/2 b + g = 3/4. */
    w = 1.0f;
    c = sgd(0.25, 0.5, 0, 0);
    optim_run_ref(&c, &w, 1, grads, 2, &buf);
    ck_assert_float_eq(buf, 0.75f);
    ck_assert_float_eq(w, 0.6875f); /* 1 - 1/8 - 3/16 */
    /* Dampening 1/2 damps only after the first step: b = 1/4 + 1/4. */
    w = 1.0f;
    c = sgd(0.25, 0.5, 0.5, 0);
    optim_run_ref(&c, &w, 1, grads, 2, &buf);
    ck_assert_float_eq(buf, 0.5f);
    ck_assert_float_eq(w, 0.75f);
    /* Nesterov: d = g + 1/2 b, 3/4 then 7/8. */
    w = 1.0f;
    c = sgd(0.25, 0.5, 0, 1);
    optim_run_ref(&c, &w, 1, grads, 2, &buf);
    ck_assert_float_eq(buf, 0.75f);
    ck_assert_float_eq(w, 0.59375f); /* 1 - 3/16 - 7/32 */
    /* Coupled decay joins the gradient: g + 1/2 w = 1 from w = 1, g = 1/2. */
    w = 1.0f;
    c = sgd(0.25, 0, 0, 0);
    c.weight_decay = 0.5;
    optim_run_ref(&c, &w, 1, grads, 1, NULL);
    ck_assert_float_eq(w, 0.75f);
}
END_TEST

/* sgd: /usr/bin/python3 tests/fixtures/torch_optim.py sgd (torch 1.13.0a0) */
static const float want_sgd[5][6] = {
    {-1.125f, -0.800000012f, -0.200000003f, 0.125f, 0.725000024f, 1.32500005f},
    {-1.07500005f, -0.925000012f, -0.225000009f, 0.200000003f, 0.625f, 1.32500005f},
    {-1.10000002f, -0.850000024f, -0.325000018f, 0.200000003f, 0.725000024f, 1.25f},
    {-1.20000005f, -0.850000024f, -0.225000024f, 0.125f, 0.75f, 1.375f},
    {-1.10000002f, -0.925000012f, -0.200000018f, 0.25f, 0.699999988f, 1.42499995f},
};
/* sgd_momentum: /usr/bin/python3 tests/fixtures/torch_optim.py sgd_momentum (torch 1.13.0a0) */
static const float want_sgd_momentum[5][6] = {
    {-1.12374997f, -0.799250007f, -0.199750006f, 0.124749996f, 0.724250019f, 1.32375002f},
    {-0.964113593f, -0.955355704f, -0.176845238f, 0.0794127062f, 0.610423207f, 1.38893366f},
    {-0.842073143f, -1.02749097f, -0.246071771f, 0.0385376774f, 0.597429693f, 1.37884891f},
    {-0.821478903f, -1.091488f, -0.218154192f, -0.0657845289f, 0.607697845f, 1.48103166f},
    {-0.712204754f, -1.21560299f, -0.170332029f, -0.047115311f, 0.571392238f, 1.61666322f},
};
/* sgd_nesterov: /usr/bin/python3 tests/fixtures/torch_optim.py sgd_nesterov (torch 1.13.0a0) */
static const float want_sgd_nesterov[5][6] = {
    {-1.01250005f, -0.845000029f, -0.155000001f, 0.0124999965f, 0.702499986f, 1.39250004f},
    {-0.816250026f, -1.12300003f, -0.162f, 0.0537500009f, 0.492249995f, 1.45325005f},
    {-0.732125044f, -1.11820006f, -0.335799992f, 0.0233750027f, 0.583024979f, 1.36542499f},
    {-0.823912561f, -1.18138003f, -0.212219998f, -0.1464625f, 0.622222483f, 1.5913825f},
    {-0.626521289f, -1.38074207f, -0.143498003f, 0.0056837583f, 0.54000026f, 1.77724421f},
};

START_TEST(matches_pytorch)
{
    /* PyTorch adds lr * d with a fused multiply-add where we round twice,
     * so the two part by an ulp of the weights' scale here and there: over
     * five steps measured 1 at most; 2 allowed. */
    cocob_optimizer_config c = sgd(0.1, 0, 0, 0);
    optim_check_fixture("sgd", &c, want_sgd, 2);
    c = sgd(0.1, 0.9, 0.1, 0);
    c.weight_decay = 0.01;
    optim_check_fixture("sgd_momentum", &c, want_sgd_momentum, 2);
    c = sgd(0.1, 0.9, 0, 1);
    optim_check_fixture("sgd_nesterov", &c, want_sgd_nesterov, 2);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_reference_over_200_steps)
{
    cocob_optimizer_config c = sgd(0.01, 0, 0, 0);
    optim_check_kernel(&c, optim_length(_i), optim_steps(200));
    c = sgd(0.01, 0.9, 0.1, 0);
    c.weight_decay = 1e-3;
    optim_check_kernel(&c, optim_length(_i), optim_steps(200));
    c = sgd(0.01, 0.9, 0, 1);
    optim_check_kernel(&c, optim_length(_i), optim_steps(200));
}
END_TEST
#endif

int main(void)
{
    return optim_main("sgd", hand_worked_steps, matches_pytorch,
                      OPTIM_KERNEL_TEST(kernel_matches_reference_over_200_steps));
}
