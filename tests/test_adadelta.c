/* Adadelta: the reference against hand-worked steps and PyTorch, the kernel
 * against the reference. */
#include <math.h>

#include "optimutil.h"
#include "testutil.h"

static cocob_optimizer_config config(double lr)
{
    return optim_config(COCOB_OPTIMIZER_ADADELTA, lr);
}

START_TEST(hand_worked_steps)
{
    /* w = 1, g = 2, rho 3/4, lr 1, eps 1/4: v = 1/4 * 4 = 1, delta =
     * sqrt(0 + 1/4) / sqrt(1 + 1/4) * 2 = 1 / sqrt(5/4), and acc_delta =
     * 1/4 delta^2 = 1/5, all up to a rounding or two. */
    const float grads[1] = {2.0f};
    float w = 1.0f, state[2];
    cocob_optimizer_config c = config(1.0);
    c.rho = 0.75;
    c.eps = 0.25;
    optim_run_ref(&c, &w, 1, grads, 1, state);
    ck_assert_float_eq(state[0], 1.0f);
    float delta = 0.5f / sqrtf(1.25f) * 2.0f;
    ck_assert_float_eq(w, 1.0f - delta);
    ck_assert_float_eq(state[1], 0.25f * delta * delta);
    ck_assert_float_eq_tol(state[1], 0.2f, 1e-7f);
}
END_TEST

/* adadelta: /usr/bin/python3 tests/fixtures/torch_optim.py adadelta (torch 1.13.0a0) */
static const float want_adadelta[5][6] = {
    {-1.24683774f, -0.753162205f, -0.24683778f, 0.246837735f, 0.746837974f, 1.25316226f},
    {-1.24507856f, -0.75734812f, -0.248898596f, 0.249219149f, 0.742491961f, 1.25308216f},
    {-1.24596584f, -0.754232824f, -0.253192246f, 0.249209851f, 0.746864378f, 1.24979401f},
    {-1.24893296f, -0.754197121f, -0.248832807f, 0.246744916f, 0.748189569f, 1.25404429f},
    {-1.24586189f, -0.757301331f, -0.247487694f, 0.250269622f, 0.745540559f, 1.25613809f},
};

START_TEST(matches_pytorch)
{
    /* The same operations in the same order as PyTorch's scalar loop:
     * measured 0 ulp apart over five steps. 1 ulp of the weights' scale
     * allowed, for a PyTorch whose add and addcmul fuse a multiply-add. */
    cocob_optimizer_config c = config(1.0);
    c.weight_decay = 0.01;
    optim_check_fixture("adadelta", &c, want_adadelta, 1);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_reference_over_200_steps)
{
    optim_check_kernel_with_decay(config(1.0), _i);
}
END_TEST
#endif

int main(void)
{
    return optim_main("adadelta", hand_worked_steps, matches_pytorch,
                      OPTIM_KERNEL_TEST(kernel_matches_reference_over_200_steps));
}
