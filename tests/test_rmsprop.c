/* RMSProp: the reference against hand-worked steps and PyTorch, the kernel
 * against the reference. */
#include <math.h>

#include "optimutil.h"
#include "testutil.h"

static cocob_optimizer_config config(double lr)
{
    return optim_config(COCOB_OPTIMIZER_RMSPROP, lr);
}

START_TEST(hand_worked_steps)
{
    /* w = 1, g = 2, rho 3/4, lr 1/2, and an eps lost in the sum: v =
     * 1/4 * 4 = 1, w = 1 - 1/2 * 2 / 1 = 0; then g = 2 again, v = 3/4 + 1. */
    const float grads[2] = {2.0f, 2.0f};
    float w = 1.0f, v;
    cocob_optimizer_config c = config(0.5);
    c.rho = 0.75;
    c.eps = 1e-30;
    optim_run_ref(&c, &w, 1, grads, 1, &v);
    ck_assert_float_eq(v, 1.0f);
    ck_assert_float_eq(w, 0.0f);
    w = 1.0f;
    optim_run_ref(&c, &w, 1, grads, 2, &v);
    ck_assert_float_eq(v, 1.75f);
    ck_assert_float_eq(w, 0.0f - 1.0f / sqrtf(1.75f));
    /* A constant gradient g: v after t steps is g^2 (1 - rho^t), so step k
     * moves w by lr / sqrt(1 - rho^k), eps aside. */
    double want = 0;
    for (int k = 1; k <= OPTIM_CLOSED_FORM_STEPS; k++)
        want += 1e-3 * 0.5 / (0.5 * sqrt(1 - pow(0.99, k)) + 1e-8);
    /* Each of the 100 additions into w rounds by half an ulp of w at most
     * (3e-6 relative in all, at worst); measured 2.1e-8 relative. */
    c = config(1e-3);
    optim_check_closed_form("RMSProp", &c, -0.5f, want);
}
END_TEST

/* rmsprop: /usr/bin/python3 tests/fixtures/torch_optim.py rmsprop (torch 1.13.0a0) */
static const float want_rmsprop[5][6] = {
    {-1.14999998f, -0.849999964f, -0.150000021f, 0.150000006f, 0.650000036f, 1.35000002f},
    {-1.11228764f, -0.94301635f, -0.194507658f, 0.201488361f, 0.553090572f, 1.34816062f},
    {-1.12971759f, -0.893374801f, -0.281884044f, 0.201349065f, 0.622431278f, 1.27589464f},
    {-1.1884172f, -0.892787874f, -0.215721697f, 0.155037716f, 0.639270544f, 1.35210264f},
    {-1.1367296f, -0.93673867f, -0.199230403f, 0.216181487f, 0.606104195f, 1.38093901f},
};

START_TEST(matches_pytorch)
{
    /* The same operations in the same order as PyTorch's scalar loop:
     * measured 0 ulp apart over five steps. 1 ulp of the weights' scale
     * allowed, for a PyTorch whose add and addcmul fuse a multiply-add. */
    cocob_optimizer_config c = config(0.01);
    c.weight_decay = 0.01;
    optim_check_fixture("rmsprop", &c, want_rmsprop, 1);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_reference_over_200_steps)
{
    optim_check_kernel_with_decay(config(1e-3), _i);
}
END_TEST
#endif

int main(void)
{
    return optim_main("rmsprop", hand_worked_steps, matches_pytorch,
                      OPTIM_KERNEL_TEST(kernel_matches_reference_over_200_steps));
}
