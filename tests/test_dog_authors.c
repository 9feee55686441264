/* cocob's DoG step, through the optimizer API on ref and on the device
 * under test, against its authors' own: dog-optimizer 1.0.3's DoG
 * (dog/dog.py) in float32, as tests/fixtures/lr_free/dog_*.txt record it,
 * from the same initial weights and on the same gradients (the fixed
 * sequence) or the same data (the mlp): the weights, the state
 * (init_buffer, x0) and the device scalars rbar, G and eta, each step.
 * tests/test_kt_authors.c does the same for KT. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lr_free_fixture.h"
#include "testutil.h"

static const char *const cases[] = {"fixed_grad", "mlp"};

/* cocob's state buffers, by index, carry the authors' names, so the key
 * of state k in the fixture is cocob_optimizer_state_name(opt, k). */
enum { STATES = 1, SCALARS = 4 };
/* The authors' scalars; cocob's fourth, first_step, is their _first_step,
 * which their fixtures do not record: it must read 0 after any step. */
enum { AUTHORS_SCALARS = 3 };

static double setting(const lr_fixture *f, const char *name)
{
    const char *text = lr_fixture_setting(f, name);
    double v;
    ck_assert_msg(text && sscanf(text, "%lf", &v) == 1, "%s: no setting %s", f->case_name, name);
    return v;
}

/* The tolerance of a quantity: twice its float32-vs-float64 gap. Both
 * float32 runs, the authors' and cocob's, round the same exact (float64)
 * trajectory, each by about that gap, so by the triangle inequality they
 * differ by up to twice it. cocob's float32 differs from the authors' in
 * how it sums: |x0|, <g, g> and |x - x0|^2 in double over each part of a
 * tensor, rounded once, then added in float (torch takes each tensor's
 * norm in float and the norm of the norms); on a device the parts' sums are
 * float too (tests/test_lr_free.c bounds them). Those roundings are far
 * below the gap of rbar and eta (5.1e-3 fixed_grad, 6.7e-4 mlp), which
 * comes from x - x0 after first steps of about reps_rel = 1e-6 keeping only
 * a digit or two of weights near 0.5; G's gap (about 2.5e-7) is a few
 * roundings of float sums, and cocob's G, summed in double per part, is
 * within it. A gap of 0 (x0, a copy) asks for equality. */
static double tolerance(const lr_fixture *f, const char *quantity)
{
    double gap = lr_fixture_gap_of(f, quantity);
    ck_assert_msg(gap >= 0, "%s: no gap of %s", f->case_name, quantity);
    return 2 * gap;
}

static void compare(const char *selector, int c)
{
    char file[64], why[512];
    lr_fixture f;
    snprintf(file, sizeof file, "dog_%s.txt", cases[c]);
    ck_assert_msg(lr_fixture_load(file, &f, why, sizeof why) == 0, "%s", why);
    ck_assert_str_eq(f.method, "dog");
    ck_assert_uint_le(f.params, 23);

    cocob_context *ctx = test_context(selector);
    cocob_optimizer_config cfg;
    cocob_optimizer_config_init(&cfg, COCOB_OPTIMIZER_DOG);
    /* The authors' defaults are cocob's: a wrong reps_rel fails at step 1. */
    ck_assert(cfg.reps_rel == setting(&f, "reps_rel") && cfg.lr == setting(&f, "lr") &&
              cfg.weight_decay == setting(&f, "weight_decay") && cfg.eps == setting(&f, "eps"));
    ck_assert_str_eq(lr_fixture_setting(&f, "init_eta"), "none");
    ck_assert(cfg.init_eta == 0);

    cocob_tensor *w[LR_FIXTURE_MAX], *g[LR_FIXTURE_MAX];
    float init[23], p[23], grad[23], got[23];
    for (size_t i = 0; i < f.params; i++)
        init[i] = (float)f.init[i];
    for (size_t k = 0; k < f.tensor_count; k++) {
        const lr_fixture_tensor *t = &f.tensor[k];
        ck_assert_int_eq(cocob_tensor_create(ctx, t->count, &w[k]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_create(ctx, t->count, &g[k]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_upload(w[k], init + t->offset, t->count), COCOB_OK);
    }
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &cfg, f.tensor_count, w, &opt), COCOB_OK);
    ck_assert_uint_eq(cocob_optimizer_state_count(opt), STATES);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(opt), SCALARS);

    int key[STATES];
    double tol[STATES], worst[STATES] = {0}, worst_param = 0, worst_loss = 0;
    for (int s = 0; s < STATES; s++) {
        const char *name = cocob_optimizer_state_name(opt, (size_t)s);
        char q[64];
        key[s] = lr_fixture_state_of(&f, name);
        ck_assert_msg(key[s] >= 0, "%s: no state %s", file, name);
        snprintf(q, sizeof q, "state:%s", name);
        tol[s] = tolerance(&f, q);
    }
    ck_assert_str_eq(cocob_optimizer_scalar_name(opt, AUTHORS_SCALARS), "first_step");
    size_t at[AUTHORS_SCALARS];
    double tol_scalar[AUTHORS_SCALARS], worst_scalar[AUTHORS_SCALARS] = {0};
    for (int s = 0; s < AUTHORS_SCALARS; s++) {
        const char *name = cocob_optimizer_scalar_name(opt, (size_t)s);
        const lr_fixture_scalar *d = lr_fixture_scalar_of(&f, name);
        char q[64];
        /* eta is a list of one value per tensor there, all the same. */
        ck_assert_msg(d && (d->count == 1 || d->count == f.tensor_count), "%s: no scalar %s",
                      file, name);
        at[s] = d->offset;
        snprintf(q, sizeof q, "scalar:%s", name);
        tol_scalar[s] = tolerance(&f, q);
    }
    double tol_param = tolerance(&f, "param"), tol_loss = c ? tolerance(&f, "loss") : 0;
    int exact = strcmp(selector, "ref") == 0;

    memcpy(p, init, sizeof p);
    for (size_t t = 0; t < f.steps; t++) {
        const lr_fixture_step *a = &f.run[LR_FIXTURE_F32][t];
        if (c) {
            double loss = lr_fixture_mlp_loss_grad(&f, p, grad);
            double d = fabs(loss - a->loss) / fabs(a->loss);
            worst_loss = fmax(worst_loss, d);
            ck_assert_msg(d <= tol_loss,
                          "%s on %s, step %zu: loss %.9g, the authors' %.9g (%.3g > %.3g)", file,
                          selector, t + 1, loss, a->loss, d, tol_loss);
        } else {
            for (size_t i = 0; i < f.params; i++)
                grad[i] = (float)f.grad[t * f.params + i];
        }
        for (size_t k = 0; k < f.tensor_count; k++)
            ck_assert_int_eq(cocob_tensor_upload(g[k], grad + f.tensor[k].offset,
                                                 f.tensor[k].count),
                             COCOB_OK);
        cocob_status st = cocob_optimizer_step(opt, (const cocob_tensor *const *)g);
        ck_assert_msg(st == COCOB_OK, "%s", cocob_context_error(ctx));
        float scalar[SCALARS];
        ck_assert_int_eq(cocob_optimizer_read_scalars(opt, scalar, SCALARS), COCOB_OK);
        ck_assert_msg(scalar[AUTHORS_SCALARS] == 0, "%s on %s, step %zu: first_step %g", file,
                      selector, t + 1, scalar[AUTHORS_SCALARS]);
        for (int s = 0; s < AUTHORS_SCALARS; s++) {
            double want = a->scalar[at[s]], d = fabs(scalar[s] - want) / fabs(want);
            worst_scalar[s] = fmax(worst_scalar[s], d);
            ck_assert_msg(d <= tol_scalar[s],
                          "%s on %s, step %zu: %s %.9g, the authors' %.17g (%.3g > %.3g)", file,
                          selector, t + 1, cocob_optimizer_scalar_name(opt, (size_t)s), scalar[s],
                          want, d, tol_scalar[s]);
        }
        for (size_t k = 0; k < f.tensor_count; k++) {
            const lr_fixture_tensor *tk = &f.tensor[k];
            ck_assert_int_eq(cocob_tensor_download(w[k], p + tk->offset, tk->count), COCOB_OK);
            double d = lr_fixture_rel_gap(p + tk->offset, a->param + tk->offset, tk->count);
            worst_param = fmax(worst_param, d);
            ck_assert_msg(d <= tol_param, "%s on %s, step %zu: %s differs by %.3g > %.3g", file,
                          selector, t + 1, tk->name, d, tol_param);
            /* On ref the weights are the authors' bits, both cases
             * (measured): eta within a few roundings of theirs, and the
             * step the same two float roundings, give the same floats. */
            ck_assert_msg(!exact || d == 0, "%s on ref, step %zu: %s is not the authors' bits",
                          file, t + 1, tk->name);
            for (int s = 0; s < STATES; s++) {
                ck_assert_int_eq(cocob_optimizer_read_state(opt, (size_t)s, k, got, tk->count),
                                 COCOB_OK);
                d = lr_fixture_rel_gap(got, a->state + (size_t)key[s] * f.params + tk->offset,
                                       tk->count);
                worst[s] = fmax(worst[s], d);
                ck_assert_msg(d <= tol[s], "%s on %s, step %zu: %s of %s differs by %.3g > %.3g",
                              file, selector, t + 1, cocob_optimizer_state_name(opt, (size_t)s),
                              tk->name, d, tol[s]);
            }
        }
    }
    /* The figures, for the record. */
    printf("dog vs the authors, %s on %s: param %.3g (tol %.3g)", cases[c], selector, worst_param,
           tol_param);
    if (c)
        printf(", loss %.3g (tol %.3g)", worst_loss, tol_loss);
    for (int s = 0; s < STATES; s++)
        printf(", %s %.3g (tol %.3g)", cocob_optimizer_state_name(opt, (size_t)s), worst[s],
               tol[s]);
    for (int s = 0; s < AUTHORS_SCALARS; s++)
        printf(", %s %.3g (tol %.3g)", cocob_optimizer_scalar_name(opt, (size_t)s),
               worst_scalar[s], tol_scalar[s]);
    printf("\n");

    cocob_optimizer_destroy(opt);
    for (size_t k = 0; k < f.tensor_count; k++) {
        cocob_tensor_destroy(w[k]);
        cocob_tensor_destroy(g[k]);
    }
    cocob_context_destroy(ctx);
    lr_fixture_free(&f);
}

START_TEST(same_trajectory_as_the_authors_on_ref)
{
    compare("ref", _i);
}
END_TEST

START_TEST(same_trajectory_as_the_authors_on_the_device)
{
    compare(test_device_selector(), _i);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dog_authors");
    TCase *tc = tcase_create("authors");
    tcase_add_loop_test(tc, same_trajectory_as_the_authors_on_ref, 0, 2);
    tcase_add_loop_test(tc, same_trajectory_as_the_authors_on_the_device, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
