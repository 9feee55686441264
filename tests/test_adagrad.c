/* AdaGrad: the reference against hand-worked steps and PyTorch, the kernel
 * against the reference. */
#include <math.h>

#include "optimutil.h"
#include "testutil.h"

static cocob_optimizer_config config(double lr)
{
    return optim_config(COCOB_OPTIMIZER_ADAGRAD, lr);
}

START_TEST(hand_worked_steps)
{
    /* w = 1, g = 3 then 4, lr 1/2: the sum is 9 then 25, its roots exact;
     * eps (1e-10) is lost in 3 + eps and 5 + eps. */
    const float grads[2] = {3.0f, 4.0f};
    float w = 1.0f, sum;
    cocob_optimizer_config c = config(0.5);
    optim_run_ref(&c, &w, 1, grads, 2, &sum);
    ck_assert_float_eq(sum, 25.0f);
    ck_assert_float_eq(w, 0.5f - 2.0f / 5.0f); /* 1 - 3/2/3, then - 4/2/5 */
    /* A constant gradient g: the sum after t steps is t g^2, so w moves by
     * lr / sqrt(k) at step k, whatever g is. */
    double want = 0;
    for (int k = 1; k <= OPTIM_CLOSED_FORM_STEPS; k++)
        want -= 0.01 / sqrt(k);
    /* Each of the 100 additions into w rounds by half an ulp of w at most
     * (3e-6 relative in all, at worst); measured 7.6e-8 relative. */
    c = config(0.01);
    optim_check_closed_form("AdaGrad", &c, 0.75f, want);
}
END_TEST

/* adagrad: /usr/bin/python3 tests/fixtures/torch_optim.py adagrad (torch 1.13.0a0) */
static const float want_adagrad[5][6] = {
    {-1.14999998f, -0.850000024f, -0.150000006f, 0.150000006f, 0.649999976f, 1.35000002f},
    {-1.11244988f, -0.942953169f, -0.194328487f, 0.201298326f, 0.553120255f, 1.3481698f},
    {-1.1297226f, -0.893524945f, -0.281516612f, 0.201160371f, 0.622268736f, 1.27625167f},
    {-1.18788028f, -0.892943382f, -0.215621948f, 0.155348003f, 0.638980925f, 1.35214365f},
    {-1.13673377f, -0.936386645f, -0.199275702f, 0.215884104f, 0.606185317f, 1.38073826f},
};

START_TEST(matches_pytorch)
{
    /* The same operations in the same order as PyTorch's scalar loop:
     * measured 0 ulp apart over five steps. 1 ulp of the weights' scale
     * allowed, for a PyTorch whose add and addcmul fuse a multiply-add. */
    cocob_optimizer_config c = config(0.1);
    c.weight_decay = 0.01;
    optim_check_fixture("adagrad", &c, want_adagrad, 1);
}
END_TEST

#ifdef TEST_HAVE_DEVICE
START_TEST(kernel_matches_reference_over_200_steps)
{
    optim_check_kernel_with_decay(config(0.01), _i);
}
END_TEST
#endif

int main(void)
{
    return optim_main("adagrad", hand_worked_steps, matches_pytorch,
                      OPTIM_KERNEL_TEST(kernel_matches_reference_over_200_steps));
}
