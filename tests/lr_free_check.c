/* The authors' comparison loop (lr_free_check.h). */
#include "lr_free_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The most scalars: L-DoG's four on each of the mlp's four tensors. */
enum { SCALARS = 4 * LR_FIXTURE_MAX };

double lr_fixture_number(const lr_fixture *f, const char *name, int index)
{
    const char *text = lr_fixture_setting(f, name);
    double v[2];
    ck_assert(index >= 0 && index < 2);
    ck_assert_msg(text && sscanf(text, "%lf %lf", &v[0], &v[1]) >= index + 1, "%s: no setting %s",
                  f->case_name, name);
    return v[index];
}

static double tolerance(const lr_fixture *f, const char *kind, const char *name)
{
    char q[64];
    snprintf(q, sizeof q, "%s%s", kind, name);
    double gap = lr_fixture_gap_of(f, q);
    ck_assert_msg(gap >= 0, "%s: no gap of %s", f->case_name, q);
    return 2 * gap;
}

static int exact_on(lr_fixture_exact e, const lr_fixture_run *r)
{
    return strcmp(r->selector, "ref") == 0 &&
           (e == LR_EXACT_ALWAYS || (e == LR_EXACT_FIXED_GRAD && !r->mlp));
}

static int find_scalar(cocob_optimizer *opt, size_t count, const char *name, size_t *at)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(cocob_optimizer_scalar_name(opt, i), name) == 0) {
            *at = i;
            return 1;
        }
    return 0;
}

/* cocob's scalar name, into at[0], or with per_tensor name.0 to name.<n-1>,
 * into at[0..n). Returns how many. */
static size_t scalar_indices(cocob_optimizer *opt, size_t count, const char *name, int per_tensor,
                             size_t n, size_t *at)
{
    if (!per_tensor) {
        ck_assert_msg(find_scalar(opt, count, name, &at[0]), "no scalar %s", name);
        return 1;
    }
    for (size_t k = 0; k < n; k++) {
        char each[64];
        snprintf(each, sizeof each, "%s.%zu", name, k);
        ck_assert_msg(find_scalar(opt, count, each, &at[k]), "no scalar %s", each);
    }
    return n;
}

/* The relative gap of the loss the weights p give, failing past tol. */
static double loss_gap(const lr_fixture_run *r, const char *what, const float *p, double want,
                       double tol, float *grad)
{
    double loss = lr_fixture_mlp_loss_grad(r->f, p, grad);
    double d = fabs(loss - want) / fabs(want);
    ck_assert_msg(d <= tol, "%s on %s, step %zu: %s %.9g, the authors' %.9g (%.3g > %.3g)",
                  r->file, r->selector, r->step + 1, what, loss, want, d, tol);
    return d;
}

/* The relative gap of tensor k of got against want, failing past tol, and
 * where exact, unless it is 0. */
static double tensor_gap(const lr_fixture_run *r, const char *what, size_t k, const float *got,
                         const double *want, double tol, int exact)
{
    const lr_fixture_tensor *tk = &r->f->tensor[k];
    double d = lr_fixture_rel_gap(got, want + tk->offset, tk->count);
    ck_assert_msg(d <= tol, "%s on %s, step %zu: %s%s%s differs by %.3g > %.3g", r->file,
                  r->selector, r->step + 1, what, *what ? " of " : "", tk->name, d, tol);
    ck_assert_msg(!exact || d == 0, "%s on ref, step %zu: %s%s%s is not the authors' bits",
                  r->file, r->step + 1, what, *what ? " of " : "", tk->name);
    return d;
}

void lr_fixture_compare(const lr_fixture_check *c, const char *selector, const char *case_name)
{
    char file[64], why[512];
    lr_fixture f;
    snprintf(file, sizeof file, "%s_%s.txt", c->method, case_name);
    ck_assert_msg(lr_fixture_load(file, &f, why, sizeof why) == 0, "%s", why);
    ck_assert_str_eq(f.method, c->method);
    ck_assert_uint_le(f.params, LR_FIXTURE_PARAMS);
    ck_assert_int_eq(f.has_eval, c->eval);
    ck_assert_uint_le(c->authors_states, c->states);
    ck_assert_uint_le(c->states, LR_FIXTURE_MAX);
    ck_assert_uint_eq(f.state_count, c->authors_states);
    lr_fixture_run r = {.f = &f, .file = file, .selector = selector, .mlp = f.x != NULL};
    ck_assert(r.mlp || f.grad);

    cocob_context *ctx = test_context(selector);
    cocob_optimizer_config cfg;
    cocob_optimizer_config_init(&cfg, c->kind);
    c->configure(&f, &cfg);

    cocob_tensor *w[LR_FIXTURE_MAX], *g[LR_FIXTURE_MAX];
    float init[LR_FIXTURE_PARAMS], p[LR_FIXTURE_PARAMS], x[LR_FIXTURE_PARAMS],
        grad[LR_FIXTURE_PARAMS], got[LR_FIXTURE_PARAMS];
    for (size_t i = 0; i < f.params; i++)
        init[i] = (float)f.init[i];
    for (size_t k = 0; k < f.tensor_count; k++) {
        const lr_fixture_tensor *t = &f.tensor[k];
        ck_assert_int_eq(cocob_tensor_create(ctx, t->count, &w[k]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_create(ctx, t->count, &g[k]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_upload(w[k], init + t->offset, t->count), COCOB_OK);
    }
    ck_assert_int_eq(cocob_optimizer_create(ctx, &cfg, f.tensor_count, w, &r.opt), COCOB_OK);
    cocob_optimizer *opt = r.opt;
    ck_assert_uint_eq(cocob_optimizer_state_count(opt), c->states);
    size_t scalars = c->scalars * (c->scalars_per_tensor ? f.tensor_count : 1);
    ck_assert_uint_le(scalars, SCALARS);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(opt), scalars);

    int key[LR_FIXTURE_MAX];
    double tol[LR_FIXTURE_MAX], worst[LR_FIXTURE_MAX] = {0};
    for (size_t s = 0; s < c->authors_states; s++) {
        const char *name = c->state_key ? c->state_key[s] : cocob_optimizer_state_name(opt, s);
        key[s] = lr_fixture_state_of(&f, name);
        ck_assert_msg(key[s] >= 0, "%s: no state %s", file, name);
        tol[s] = tolerance(&f, "state:", name);
    }
    /* Authors' scalar s: cocob's at scalar_at[s][0..scalar_n[s]), the
     * fixture's from fixture_at[s] on. */
    size_t scalar_at[LR_FIXTURE_MAX][LR_FIXTURE_MAX], scalar_n[LR_FIXTURE_MAX];
    size_t fixture_at[LR_FIXTURE_MAX], authors_scalars = 0;
    double tol_scalar[LR_FIXTURE_MAX], worst_scalar[LR_FIXTURE_MAX] = {0};
    for (size_t s = 0; c->authors_scalar && c->authors_scalar[s]; s++) {
        const char *name = c->authors_scalar[s];
        const lr_fixture_scalar *d = lr_fixture_scalar_of(&f, name);
        ck_assert_uint_lt(s, LR_FIXTURE_MAX);
        scalar_n[s] = scalar_indices(opt, scalars, name, c->scalars_per_tensor, f.tensor_count,
                                     scalar_at[s]);
        ck_assert_msg(d && (d->count == scalar_n[s] ||
                            (c->scalar_listed_per_tensor && d->count == f.tensor_count)),
                      "%s: no scalar %s", file, name);
        fixture_at[s] = d->offset;
        tol_scalar[s] = tolerance(&f, "scalar:", name);
        authors_scalars = s + 1;
    }
    size_t own_at[LR_FIXTURE_MAX][LR_FIXTURE_MAX], own_n[LR_FIXTURE_MAX], own_scalars = 0;
    for (size_t s = 0; c->own_scalar && c->own_scalar[s].name; s++) {
        ck_assert_uint_lt(s, LR_FIXTURE_MAX);
        own_n[s] = scalar_indices(opt, scalars, c->own_scalar[s].name, c->scalars_per_tensor,
                                  f.tensor_count, own_at[s]);
        own_scalars = s + 1;
    }
    double tol_param = tolerance(&f, "", "param"),
           tol_loss = r.mlp ? tolerance(&f, "", "loss") : 0;
    double tol_eval = c->eval ? tolerance(&f, "", "eval") : 0,
           tol_eval_loss = c->eval && r.mlp ? tolerance(&f, "", "eval_loss") : 0;
    double worst_param = 0, worst_loss = 0, worst_eval = 0, worst_eval_loss = 0;

    memcpy(p, init, sizeof p);
    for (r.step = 0; r.step < f.steps; r.step++) {
        const lr_fixture_step *a = &f.run[LR_FIXTURE_F32][r.step];
        if (r.mlp)
            worst_loss = fmax(worst_loss, loss_gap(&r, "loss", p, a->loss, tol_loss, grad));
        else
            for (size_t i = 0; i < f.params; i++)
                grad[i] = (float)f.grad[r.step * f.params + i];
        for (size_t k = 0; k < f.tensor_count; k++)
            ck_assert_int_eq(cocob_tensor_upload(g[k], grad + f.tensor[k].offset,
                                                 f.tensor[k].count),
                             COCOB_OK);
        cocob_status st = cocob_optimizer_step(opt, (const cocob_tensor *const *)g);
        ck_assert_msg(st == COCOB_OK, "%s", cocob_context_error(ctx));

        float scalar[SCALARS] = {0};
        if (scalars)
            ck_assert_int_eq(cocob_optimizer_read_scalars(opt, scalar, scalars), COCOB_OK);
        for (size_t s = 0; s < own_scalars; s++)
            for (size_t j = 0; j < own_n[s]; j++) {
                size_t i = own_at[s][j];
                ck_assert_msg(scalar[i] == c->own_scalar[s].value,
                              "%s on %s, step %zu: %s %.9g, not %.9g", file, selector, r.step + 1,
                              cocob_optimizer_scalar_name(opt, i), scalar[i],
                              c->own_scalar[s].value);
            }
        for (size_t s = 0; s < authors_scalars; s++)
            for (size_t j = 0; j < scalar_n[s]; j++) {
                size_t i = scalar_at[s][j];
                /* Absolute where the authors' is 0, as the fixtures' gaps
                 * (Prodigy's d_numerator and d_hat at step 1). */
                double want = a->scalar[fixture_at[s] + j],
                       d = fabs(scalar[i] - want) / (want != 0 ? fabs(want) : 1);
                worst_scalar[s] = fmax(worst_scalar[s], d);
                ck_assert_msg(d <= tol_scalar[s],
                              "%s on %s, step %zu: %s %.9g, the authors' %.17g (%.3g > %.3g)",
                              file, selector, r.step + 1, cocob_optimizer_scalar_name(opt, i),
                              scalar[i], want, d, tol_scalar[s]);
            }

        int exact_param = exact_on(c->exact_param, &r),
            exact_state = exact_on(c->exact_state, &r);
        for (size_t k = 0; k < f.tensor_count; k++) {
            const lr_fixture_tensor *tk = &f.tensor[k];
            ck_assert_int_eq(cocob_tensor_download(w[k], p + tk->offset, tk->count), COCOB_OK);
            worst_param = fmax(worst_param, tensor_gap(&r, "", k, p + tk->offset, a->param,
                                                       tol_param, exact_param));
            for (size_t s = 0; s < c->authors_states; s++) {
                ck_assert_int_eq(cocob_optimizer_read_state(opt, s, k, got, tk->count), COCOB_OK);
                worst[s] = fmax(worst[s], tensor_gap(&r, cocob_optimizer_state_name(opt, s), k,
                                                     got, a->state + (size_t)key[s] * f.params,
                                                     tol[s], exact_state));
            }
        }
        if (c->eval) {
            /* x, where the next step's gradient must not be taken: that
             * step puts y back first. */
            ck_assert_int_eq(cocob_optimizer_eval_weights(opt), COCOB_OK);
            for (size_t k = 0; k < f.tensor_count; k++) {
                const lr_fixture_tensor *tk = &f.tensor[k];
                ck_assert_int_eq(cocob_tensor_download(w[k], x + tk->offset, tk->count),
                                 COCOB_OK);
                worst_eval = fmax(worst_eval,
                                  tensor_gap(&r, "x", k, x + tk->offset, a->eval, tol_eval, 0));
            }
            if (r.mlp)
                worst_eval_loss = fmax(worst_eval_loss, loss_gap(&r, "loss at x", x, a->eval_loss,
                                                                 tol_eval_loss, got));
        }
        if (c->after_step)
            c->after_step(&r, c->data);
    }
    if (c->after_run)
        c->after_run(&r, c->data);

    /* The figures, for the record. */
    printf("%s vs the authors, %s on %s: param %.3g (tol %.3g)", c->method, case_name, selector,
           worst_param, tol_param);
    if (c->eval)
        printf(", x %.3g (tol %.3g)", worst_eval, tol_eval);
    if (r.mlp)
        printf(", loss %.3g (tol %.3g)", worst_loss, tol_loss);
    if (c->eval && r.mlp)
        printf(", loss at x %.3g (tol %.3g)", worst_eval_loss, tol_eval_loss);
    for (size_t s = 0; s < c->authors_states; s++)
        printf(", %s %.3g (tol %.3g)", cocob_optimizer_state_name(opt, s), worst[s], tol[s]);
    for (size_t s = 0; s < authors_scalars; s++)
        printf(", %s %.3g (tol %.3g)", c->authors_scalar[s], worst_scalar[s], tol_scalar[s]);
    printf("\n");

    cocob_optimizer_destroy(opt);
    for (size_t k = 0; k < f.tensor_count; k++) {
        cocob_tensor_destroy(w[k]);
        cocob_tensor_destroy(g[k]);
    }
    cocob_context_destroy(ctx);
    lr_fixture_free(&f);
}

/* The one suite's cases, for the tests below (a Check test takes no
 * argument but its loop index). */
static void (*suite_run)(const char *selector, int i);

START_TEST(same_trajectory_as_the_authors_on_ref)
{
    suite_run("ref", _i);
}
END_TEST

START_TEST(same_trajectory_as_the_authors_on_the_device)
{
    suite_run(test_device_selector(), _i);
}
END_TEST

Suite *lr_fixture_suite(const char *name, void (*run)(const char *selector, int i), int cases)
{
    Suite *s = suite_create(name);
    TCase *tc = tcase_create("authors");
    suite_run = run;
    tcase_add_loop_test(tc, same_trajectory_as_the_authors_on_ref, 0, cases);
    tcase_add_loop_test(tc, same_trajectory_as_the_authors_on_the_device, 0, cases);
    suite_add_tcase(s, tc);
    return s;
}
