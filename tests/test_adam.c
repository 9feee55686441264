/* Adam and AdamW: the reference against hand-worked steps and PyTorch, the kernel
 * against the reference. */
#include <math.h>
#include <stdio.h>

#include "optimutil.h"
#include "testutil.h"

static cocob_optimizer_config config(double lr)
{
    return optim_config(COCOB_OPTIMIZER_ADAM, lr);
}

START_TEST(hand_worked_steps)
{
    /* The first step, bias corrected, is lr * g / (|g| + eps): lr against
     * the sign of g, whatever its size. */
    const float grads[1] = {-3.0f};
    float w = 1.0f, state[2];
    cocob_optimizer_config c = config(0.125);
    optim_run_ref(&c, &w, 1, grads, 1, state);
    ck_assert_float_eq_tol(w, 1.125f, 1e-7f);
    ck_assert_float_eq_tol(state[0], -0.3f, 1e-7f);  /* (1 - 0.9) g */
    ck_assert_float_eq_tol(state[1], 0.009f, 1e-9f); /* (1 - 0.999) g^2 */
    /* A constant gradient: m and v, corrected, are g and g^2 at every step,
     * so w moves by lr each step: w_t = w_0 + t lr for g < 0. */
    enum { T = 100 };
    float many[T];
    for (int t = 0; t < T; t++)
        many[t] = -0.5f;
    w = 0.0f;
    c = config(1e-3);
    optim_run_ref(&c, &w, 1, many, T, NULL);
    /* Each step's quotient is 1 within a few roundings and eps/|g| = 2e-8,
     * 1e-10 of w; each of the 100 additions into w (at most 0.1) rounds by
     * half an ulp, 3.7e-9: 4e-7 in all. Measured 9.8e-8. */
    printf("Adam, constant gradient, %d steps: %.3g from the closed form, 0.1\n", T,
           fabs(w - 0.1));
    ck_assert_msg(fabs(w - 0.1) <= 4e-7, "w %.9g after 100 steps of lr 1e-3", w);
    /* AdamW's decoupled decay scales w by 1 - lr wd before Adam's step,
     * here 1 - 1/4 * 1/2 = 7/8, and leaves the moments alone. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAMW);
    c.lr = 0.25;
    c.weight_decay = 0.5;
    w = 2.0f;
    optim_run_ref(&c, &w, 1, grads, 1, state);
    ck_assert_float_eq_tol(w, 1.75f + 0.25f, 1e-6f);
    ck_assert_float_eq_tol(state[0], -0.3f, 1e-7f);
}
END_TEST

/* adam: /usr/bin/python3 tests/fixtures/torch_optim.py adam (torch 1.13.0a0) */
static const float want_adam[5][6] = {
    {-1.14999998f, -0.850000024f, -0.150000006f, 0.150000006f, 0.649999976f, 1.35000002f},
    {-1.05994749f, -0.943871856f, -0.122942895f, 0.13067691f, 0.561306119f, 1.41563201f},
    {-1.0024569f, -0.975352883f, -0.168431476f, 0.11568284f, 0.555972517f, 1.40486455f},
    {-0.99803704f, -1.00077045f, -0.158198237f, 0.0781380981f, 0.561410725f, 1.44321275f},
    {-0.96694535f, -1.04381824f, -0.140758529f, 0.0859749168f, 0.54786855f, 1.48986387f},
};
/* adamw: /usr/bin/python3 tests/fixtures/torch_optim.py adamw (torch 1.13.0a0) */
static const float want_adamw[5][6] = {
    {-1.14874995f, -0.849249959f, -0.149750024f, 0.149750009f, 0.649250031f, 1.34875f},
    {-1.05774379f, -0.942371488f, -0.12296658f, 0.130450457f, 0.56016314f, 1.41440713f},
    {-1.00006914f, -0.973775506f, -0.168576807f, 0.115517162f, 0.555042386f, 1.40440595f},
    {-0.995938838f, -0.999297917f, -0.158391893f, 0.0780073702f, 0.560780764f, 1.44278252f},
    {-0.964924812f, -1.04232836f, -0.14102295f, 0.0859183818f, 0.547533154f, 1.48942554f},
};

START_TEST(matches_pytorch)
{
    /* The same operations in the same order as PyTorch's scalar loop:
     * measured 1/16 ulp of the weights' scale over five steps (one ulp of
     * a smaller weight). 1 allowed, for a PyTorch whose add and addcmul
     * fuse a multiply-add. */
    cocob_optimizer_config c = config(0.1);
    c.weight_decay = 0.01;
    optim_check_fixture("adam", &c, want_adam, 1);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAMW);
    c.lr = 0.1;
    optim_check_fixture("adamw", &c, want_adamw, 1);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_reference_over_200_steps)
{
    optim_check_kernel_with_decay(config(1e-3), _i);
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAMW);
    optim_check_kernel(&c, optim_length(_i), optim_steps(200));
}
END_TEST
#endif

int main(void)
{
    return optim_main("adam", hand_worked_steps, matches_pytorch,
                      OPTIM_KERNEL_TEST(kernel_matches_reference_over_200_steps));
}
