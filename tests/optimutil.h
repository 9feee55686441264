/* What the optimizer suites (test_sgd, test_adagrad, test_rmsprop,
 * test_adadelta, test_adam) share: the PyTorch fixture's inputs and check,
 * a run on the reference, and the kernel against the reference. */
#ifndef COCOB_OPTIMUTIL_H
#define COCOB_OPTIMUTIL_H

#include <check.h>
#include <stddef.h>

#include "cocob/cocob.h"
#include "testutil.h"

enum {
    OPTIM_FIXTURE_N = 6,
    OPTIM_FIXTURE_STEPS = 5,
    OPTIM_LENGTHS = 4,
    OPTIM_CLOSED_FORM_STEPS = 100
};

/* What optim_main takes for its kernel test: the test where the build has
 * a device, NULL where it has none (and the test is not compiled). */
#ifdef TEST_HAVE_DEVICE
#define OPTIM_KERNEL_TEST(test) (test)
#else
#define OPTIM_KERNEL_TEST(test) NULL
#endif

/* kind's defaults with learning rate lr. */
cocob_optimizer_config optim_config(cocob_optimizer_kind kind, double lr);

/* The i-th length the kernel is checked at: one element, a few, a
 * thousand, and a hundred thousand. In small mode the last two are 261
 * and 773, one and three groups of 256 and a ragged 5, which a simulator
 * runs in seconds: the kernels have no loop, so a length only
 * decides how many groups there are and whether the last is partial. */
size_t optim_length(int i);
/* full steps, or 10 in small mode: the first step (momentum's buffer set
 * from the gradient) and the later ones take the same paths in 10 steps
 * as in 200, and the comparison stays bit for bit. */
int optim_steps(int full);

/* The suite every optimizer's test runs, named name: a hand-worked case and
 * PyTorch's numbers against the reference, then, where the build has a
 * device (kernel not NULL), the kernel against the reference at each of
 * optim_lengths. Returns the exit status for main. */
int optim_main(const char *name, const TTest *hand_worked, const TTest *pytorch,
               const TTest *kernel);

/* The fixture's starting weights and gradients, as tests/fixtures/
 * torch_optim.py makes them: multiples of 1/4, exact in float and in
 * Python, the gradients 0 now and then. t counts steps from 0. */
float optim_fixture_w0(size_t i);
float optim_fixture_grad(size_t i, int t);

/* Runs cfg on ref over the fixture and checks the weights after every step
 * against PyTorch's, want, within max_ulps units in the last place of the
 * step's largest weight; returns the largest distance seen, and prints it. */
double optim_check_fixture(const char *name, const cocob_optimizer_config *cfg,
                           const float want[OPTIM_FIXTURE_STEPS][OPTIM_FIXTURE_N],
                           double max_ulps);

/* steps steps of cfg on ref from w (n floats, updated in place), with the
 * gradients grads[t * n + i]; state, when not NULL, receives every state
 * buffer after the last step, one after the other. */
void optim_run_ref(const cocob_optimizer_config *cfg, float *w, size_t n, const float *grads,
                   int steps, float *state);

/* The gradients optim_kernel_begin draws, one in eight exactly 0: */
typedef enum {
    OPTIM_GRADS_SIX_DECADES, /* (-0.5, 0.5) times 10^-3 to 10^2 */
    OPTIM_GRADS_UNIT,        /* [-1, 1] times 10^0 to 10^-3 */
    OPTIM_GRADS_UNIT_NORM    /* those over sqrt(n): a norm of at most 1 */
} optim_grads;

/* One optimizer on ref ([0]) and on the device under test ([1]), over n
 * coordinates from the same random weights w0. */
typedef struct optim_kernel_run {
    cocob_context *ctx[2];
    cocob_tensor *w[2], *g[2];
    cocob_optimizer *opt[2];
    size_t n;
    int steps, eval;
    /* The device divides and takes square roots correctly rounded (PoCL,
     * the cpu backend, any device offering
     * CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT, which the build then asks for):
     * then kernels that keep the reference's order of operations match it
     * bit for bit. */
    int exact;
    const char *kind;
    float *w0, *got, *want; /* n each: got the device's, want ref's */
} optim_kernel_run;

typedef struct optim_kernel_opts {
    optim_grads grads;
    uint64_t salt; /* the random numbers' seed is n * 31 + salt */
    /* Schedule-Free: x, the evaluation point, after every eval_every-th
     * step but the last (0: never), and x compared before y at the end. */
    int eval_every;
    /* A method's own checks after step t (from 0) on both, or NULL. */
    void (*after_step)(optim_kernel_run *r, int t, void *data);
    void *data;
} optim_kernel_opts;

/* Starts r and takes steps steps of cfg on both on the same gradients. */
void optim_kernel_begin(optim_kernel_run *r, const cocob_optimizer_config *cfg, size_t n,
                        int steps, const optim_kernel_opts *o);
/* r->got against r->want, named what: ref's all finite, and bit for bit
 * where r->exact, else within 1e-5 relative. Returns the largest relative
 * error. */
double optim_kernel_compare(const optim_kernel_run *r, const char *what);
/* So compares x (with eval), the weights, which must have moved, and every
 * state buffer, checks both took every step, prints the largest error and
 * returns it. */
double optim_kernel_compare_all(optim_kernel_run *r);
void optim_kernel_end(optim_kernel_run *r);

/* The baselines' check: steps steps of cfg over n coordinates on gradients
 * over six decades, then optim_kernel_compare_all. */
void optim_check_kernel(const cocob_optimizer_config *cfg, size_t n, int steps);

/* optim_check_kernel at the i-th length over optim_steps(200), with cfg as
 * it is and then with weight_decay 1e-3. */
void optim_check_kernel_with_decay(cocob_optimizer_config cfg, int i);

/* OPTIM_CLOSED_FORM_STEPS steps of cfg on ref from w = 0 with the constant
 * gradient g, against want, the closed form of where w ends, within 1e-6
 * of it, relative; the error is printed, named name. */
void optim_check_closed_form(const char *name, const cocob_optimizer_config *cfg, float g,
                             double want);

#endif
