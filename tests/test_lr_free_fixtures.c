/* The authors' trajectories in tests/fixtures/lr_free/ read whole and hold
 * together: their counts and shapes, their stated float32-vs-float64 gaps,
 * and, recomputed here in double, KT's, cKT's and DoG's updates, Schedule-Free's x
 * as the running average of z, and the mlp's loss from its parameters in
 * cocob's layout. The optimizers' own tests compare with the same files. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lr_free_fixture.h"
#include "testutil.h"

static const char *const methods[] = {"kt",          "dog",        "ldog",   "prodigy",
                                      "dadapt_adam", "dadapt_sgd", "sf_sgd", "sf_adamw",
                                      "ckt",         "cocob"};
static const char *const cases[] = {"fixed_grad", "mlp"};
enum { METHODS = sizeof methods / sizeof methods[0] };

/* The scalars each method keeps, "name/count" with count 0 for one per tensor. */
static const char *const scalars_of[METHODS][7] = {
    {"wealth/1", "iter/1"},
    {"rbar/1", "G/1", "eta/0"},
    {"rbar/0", "G/0", "eta/0"},
    {"d/1", "d_max/1", "d_hat/1", "d_numerator/1", "d_denom/1", "k/1"},
    {"d/1", "numerator_weighted/1", "k/1"},
    {"d/1", "numerator_weighted/1", "g0_norm/1", "k/1"},
    {"weight_sum/1", "lr_max/1", "k/1"},
    {"weight_sum/1", "lr_max/1", "k/1"},
    {NULL},
    {NULL},
};

static void load(lr_fixture *f, int method, int c)
{
    char file[96], why[512];
    snprintf(file, sizeof file, "%s_%s.txt", methods[method], cases[c]);
    ck_assert_msg(lr_fixture_load(file, f, why, sizeof why) == 0, "%s", why);
}

/* max |a - b| / max |b| over n values, as the script measures its gaps. */
static double rel_gap(const double *a, const double *b, size_t n)
{
    double diff = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        diff = fmax(diff, fabs(a[i] - b[i]));
        scale = fmax(scale, fabs(b[i]));
    }
    return scale > 0 ? diff / scale : diff;
}

START_TEST(test_shapes_and_counts)
{
    int method = _i / 2, c = _i % 2;
    lr_fixture f;
    load(&f, method, c);
    ck_assert_str_eq(f.method, methods[method]);
    ck_assert_str_eq(f.case_name, cases[c]);
    ck_assert_uint_eq(f.steps, 25);
    static const size_t fixed_dims[][2] = {{3, 4}, {4, 0}};
    static const size_t mlp_dims[][2] = {{3, 4}, {3, 0}, {2, 3}, {2, 0}};
    size_t tensors = c ? 4 : 2;
    ck_assert_uint_eq(f.tensor_count, tensors);
    for (size_t i = 0; i < tensors; i++) {
        const size_t *want = c ? mlp_dims[i] : fixed_dims[i];
        ck_assert_uint_eq(f.tensor[i].ndim, want[1] ? 2 : 1);
        ck_assert_uint_eq(f.tensor[i].dims[0], want[0]);
        if (want[1])
            ck_assert_uint_eq(f.tensor[i].dims[1], want[1]);
    }
    ck_assert_uint_eq(f.params, c ? 23 : 16);
    if (c) {
        ck_assert_uint_eq(f.examples, 6);
        ck_assert_uint_eq(f.features, 4);
        ck_assert_ptr_null(f.grad);
    } else {
        ck_assert_ptr_nonnull(f.grad);
        /* The sequence has its step with no gradient at all. */
        double norm = 0;
        for (size_t i = 0; i < f.params; i++)
            norm += fabs(f.grad[6 * f.params + i]);
        ck_assert(norm == 0);
    }
    ck_assert_int_eq(f.has_eval, !strncmp(methods[method], "sf_", 3));
    if (f.has_eval)
        ck_assert_int_ge(lr_fixture_state_of(&f, "z"), 0);

    size_t want_scalars = 0;
    for (int s = 0; s < 7 && scalars_of[method][s]; s++, want_scalars++) {
        char name[32];
        size_t count;
        ck_assert_int_eq(sscanf(scalars_of[method][s], "%31[^/]/%zu", name, &count), 2);
        const lr_fixture_scalar *sc = lr_fixture_scalar_of(&f, name);
        ck_assert_msg(sc != NULL, "%s: no scalar %s", methods[method], name);
        ck_assert_uint_eq(sc->count, count ? count : tensors);
    }
    /* The group's constants the script reads as scalars beside them. */
    size_t constants = !strcmp(methods[method], "dadapt_adam") || !strcmp(methods[method], "ckt")
                           ? 1
                       : f.has_eval ? 1
                                    : 0;
    ck_assert_uint_eq(f.scalar_count, want_scalars + constants);

    /* The header's gaps are what the runs show. */
    double param_gap = 0, gap_max = 0;
    for (size_t t = 0; t < f.steps; t++) {
        const double *p32 = f.run[LR_FIXTURE_F32][t].param, *p64 = f.run[LR_FIXTURE_F64][t].param;
        for (size_t k = 0; k < tensors; k++)
            param_gap = fmax(param_gap, rel_gap(p32 + f.tensor[k].offset,
                                                p64 + f.tensor[k].offset, f.tensor[k].count));
    }
    for (size_t g = 0; g < f.gap_count; g++)
        if (strcmp(f.gap[g].name, "max"))
            gap_max = fmax(gap_max, f.gap[g].value);
    /* The header prints 3 digits. */
    ck_assert_double_eq_tol(param_gap, lr_fixture_gap_of(&f, "param"), 5e-3 * param_gap);
    ck_assert_double_eq_tol(gap_max, lr_fixture_gap_of(&f, "max"), 5e-3 * gap_max);
    ck_assert(param_gap > 0 && gap_max < 0.1);
    lr_fixture_free(&f);
}
END_TEST

/* KT (parameterfree 0.0.1) over the whole vector: wealth += <g, x0 - w>,
 * theta -= g, w = x0 + theta * wealth / (t + 1), with the initial wealth
 * the setting w. Both runs keep the wealth as a Python float. */
START_TEST(test_kt_recomputed)
{
    lr_fixture f;
    load(&f, 0, 0);
    double wealth, theta[16] = {0}, w[16];
    ck_assert_int_eq(sscanf(lr_fixture_setting(&f, "w"), "%lf", &wealth), 1);
    memcpy(w, f.init, sizeof w);
    const lr_fixture_scalar *sw = lr_fixture_scalar_of(&f, "wealth");
    for (size_t t = 0; t < f.steps; t++) {
        const double *g = f.grad + t * f.params;
        for (size_t i = 0; i < 16; i++)
            wealth += g[i] * (f.init[i] - w[i]);
        for (size_t i = 0; i < 16; i++) {
            theta[i] -= g[i];
            w[i] = f.init[i] + theta[i] * (wealth / (double)(t + 2));
        }
        const lr_fixture_step *s = &f.run[LR_FIXTURE_F64][t];
        ck_assert_double_le(rel_gap(w, s->param, 16), lr_fixture_gap_of(&f, "param"));
        ck_assert_double_le(fabs(wealth - s->scalar[sw->offset]) / fabs(wealth),
                            lr_fixture_gap_of(&f, "scalar:wealth"));
    }
    lr_fixture_free(&f);
}
END_TEST

/* cKT (bremen79/parameterfree at d8155ff) per coordinate: theta -= g,
 * reward += g (x0 - x), t counts the steps whose g is not 0 (from 1), and
 * x = x0 + reward theta / t, with reward starting at the setting w. */
START_TEST(test_ckt_recomputed)
{
    lr_fixture f;
    load(&f, 8, 0);
    double w0, theta[16] = {0}, reward[16], count[16], x[16];
    ck_assert_int_eq(sscanf(lr_fixture_setting(&f, "w"), "%lf", &w0), 1);
    int sk[3] = {lr_fixture_state_of(&f, "sum_negative_gradients"),
                 lr_fixture_state_of(&f, "reward"), lr_fixture_state_of(&f, "t")};
    static const char *const gap_of[3] = {"state:sum_negative_gradients", "state:reward",
                                          "state:t"};
    double *mine[3] = {theta, reward, count};
    ck_assert(sk[0] >= 0 && sk[1] >= 0 && sk[2] >= 0);
    memcpy(x, f.init, sizeof x);
    for (size_t i = 0; i < 16; i++) {
        reward[i] = w0;
        count[i] = 1;
    }
    for (size_t t = 0; t < f.steps; t++) {
        const double *g = f.grad + t * f.params;
        for (size_t i = 0; i < 16; i++) {
            theta[i] -= g[i];
            reward[i] -= g[i] * (x[i] - f.init[i]);
            count[i] += g[i] != 0;
            x[i] = f.init[i] + reward[i] * theta[i] / count[i];
        }
        const lr_fixture_step *s = &f.run[LR_FIXTURE_F64][t];
        for (size_t k = 0; k < f.tensor_count; k++) {
            size_t o = f.tensor[k].offset, n = f.tensor[k].count;
            ck_assert_double_le(rel_gap(x + o, s->param + o, n), lr_fixture_gap_of(&f, "param"));
            for (int q = 0; q < 3; q++)
                ck_assert_double_le(rel_gap(mine[q] + o, s->state + (size_t)sk[q] * 16 + o, n),
                                    lr_fixture_gap_of(&f, gap_of[q]));
        }
    }
    /* Steps 7 and 19 (all) and 12 (the bias) had no gradient: 1 + 23 and 1 + 22. */
    ck_assert(count[0] == 24 && count[12] == 23);
    lr_fixture_free(&f);
}
END_TEST

/* DoG (dog-optimizer 1.0.3) over the whole vector, L-DoG per tensor:
 * rbar starts at reps_rel (1 + |x0|) and then is the largest |x - x0| seen
 * before a step, G = eps + the sum of |g|^2, and x -= lr rbar / sqrt(G) g. */
START_TEST(test_dog_recomputed)
{
    int layered = _i;
    lr_fixture f;
    load(&f, 1 + layered, 0);
    double reps_rel, lr, eps, x[16], rbar[2], G[2];
    ck_assert_int_eq(sscanf(lr_fixture_setting(&f, "reps_rel"), "%lf", &reps_rel), 1);
    ck_assert_int_eq(sscanf(lr_fixture_setting(&f, "lr"), "%lf", &lr), 1);
    ck_assert_int_eq(sscanf(lr_fixture_setting(&f, "eps"), "%lf", &eps), 1);
    memcpy(x, f.init, sizeof x);
    size_t groups = layered ? f.tensor_count : 1;
    const lr_fixture_scalar *se = lr_fixture_scalar_of(&f, "eta");
    for (size_t t = 0; t < f.steps; t++) {
        const double *g = f.grad + t * f.params;
        double eta[2];
        for (size_t k = 0; k < groups; k++) {
            size_t o = layered ? f.tensor[k].offset : 0,
                   n = layered ? f.tensor[k].count : f.params;
            double dist = 0, norm = 0, g2 = 0;
            for (size_t i = o; i < o + n; i++) {
                dist += (x[i] - f.init[i]) * (x[i] - f.init[i]);
                norm += f.init[i] * f.init[i];
                g2 += g[i] * g[i];
            }
            rbar[k] = t ? fmax(rbar[k], sqrt(dist)) : reps_rel * (1 + sqrt(norm));
            G[k] = t ? G[k] + g2 : g2 + eps;
            eta[k] = lr * rbar[k] / sqrt(G[k]);
            for (size_t i = o; i < o + n; i++)
                x[i] -= eta[k] * g[i];
        }
        const lr_fixture_step *s = &f.run[LR_FIXTURE_F64][t];
        ck_assert_double_le(rel_gap(x, s->param, f.params), lr_fixture_gap_of(&f, "param"));
        for (size_t k = 0; k < f.tensor_count; k++) {
            double want = eta[layered ? k : 0];
            ck_assert_double_le(fabs(want - s->scalar[se->offset + k]) / want,
                                lr_fixture_gap_of(&f, "scalar:eta"));
        }
    }
    lr_fixture_free(&f);
}
END_TEST

/* Schedule-Free's evaluation point is the uniform average of z over the
 * steps (warmup_steps 0 and r 0 give every step the same weight). */
START_TEST(test_schedule_free_x_averages_z)
{
    int method = 6 + _i / 2, c = _i % 2;
    lr_fixture f;
    load(&f, method, c);
    double warmup, r;
    ck_assert_int_eq(sscanf(lr_fixture_setting(&f, "warmup_steps"), "%lf", &warmup), 1);
    ck_assert_int_eq(sscanf(lr_fixture_setting(&f, "r"), "%lf", &r), 1);
    ck_assert(warmup == 0 && r == 0);
    int z = lr_fixture_state_of(&f, "z");
    ck_assert_int_ge(z, 0);
    double x[32];
    ck_assert_uint_le(f.params, 32);
    for (size_t t = 0; t < f.steps; t++) {
        const lr_fixture_step *s = &f.run[LR_FIXTURE_F64][t];
        for (size_t i = 0; i < f.params; i++) {
            double zi = s->state[(size_t)z * f.params + i];
            x[i] = t ? x[i] + (zi - x[i]) / (double)(t + 1) : zi;
        }
        for (size_t k = 0; k < f.tensor_count; k++) {
            size_t o = f.tensor[k].offset, n = f.tensor[k].count;
            ck_assert_double_le(rel_gap(x + o, s->eval + o, n), lr_fixture_gap_of(&f, "eval"));
        }
    }
    lr_fixture_free(&f);
}
END_TEST

/* Mean softmax cross-entropy of dense 4->3, ReLU, dense 3->2, each dense
 * layer's W as units x inputs followed by b, as cocob lays them out. */
static double mlp_loss(const lr_fixture *f, const double *p)
{
    const double *w1 = p, *b1 = p + 12, *w2 = p + 15, *b2 = p + 21;
    double sum = 0;
    for (size_t n = 0; n < f->examples; n++) {
        const double *x = f->x + n * 4;
        double h[3], z[2];
        for (int u = 0; u < 3; u++) {
            h[u] = b1[u];
            for (int i = 0; i < 4; i++)
                h[u] += w1[u * 4 + i] * x[i];
            h[u] = fmax(h[u], 0);
        }
        for (int u = 0; u < 2; u++) {
            z[u] = b2[u];
            for (int i = 0; i < 3; i++)
                z[u] += w2[u * 3 + i] * h[i];
        }
        double m = fmax(z[0], z[1]);
        sum += m - z[f->labels[n]] + log(exp(z[0] - m) + exp(z[1] - m));
    }
    return sum / (double)f->examples;
}

/* Each step's loss is the loss at the parameters before it (Schedule-Free's
 * at y, its eval_loss at x): a check of the layout and of the recording. */
START_TEST(test_mlp_loss_recomputed)
{
    lr_fixture f;
    load(&f, _i, 1);
    double tol = lr_fixture_gap_of(&f, "loss");
    ck_assert_double_gt(tol, 0);
    for (size_t t = 0; t < f.steps; t++) {
        const lr_fixture_step *s = &f.run[LR_FIXTURE_F64][t];
        const double *before = t ? f.run[LR_FIXTURE_F64][t - 1].param : f.init;
        double want = mlp_loss(&f, before);
        ck_assert_double_le(fabs(want - s->loss) / want, tol);
        if (f.has_eval) {
            double at_x = mlp_loss(&f, f.run[LR_FIXTURE_F64][t].eval);
            ck_assert_double_le(fabs(at_x - s->eval_loss) / at_x,
                                lr_fixture_gap_of(&f, "eval_loss"));
        }
    }
    lr_fixture_free(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lr_free_fixtures");
    TCase *tc = tcase_create("fixtures");
    tcase_add_loop_test(tc, test_shapes_and_counts, 0, 2 * METHODS);
    tcase_add_test(tc, test_kt_recomputed);
    tcase_add_test(tc, test_ckt_recomputed);
    tcase_add_loop_test(tc, test_dog_recomputed, 0, 2);
    tcase_add_loop_test(tc, test_schedule_free_x_averages_z, 0, 4);
    tcase_add_loop_test(tc, test_mlp_loss_recomputed, 0, METHODS);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run(suite());
}
