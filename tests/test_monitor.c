/* The training monitor: as many reports as asked for, and each figure the
 * same as the host works out from the weights before and after the step and
 * the gradient, on ref and on the device under test; COCOB's L only for
 * COCOB. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/model.h"
#include "data/dataset.h"
#include "testutil.h"

enum { SIDE = 6, PIXELS = SIDE * SIDE, EXAMPLES = 40, BATCH = 10 };

typedef struct watch {
    cocob_model *m;
    float *start, *before; /* the weights at the start, and before the step */
    size_t reports;
    int is_cocob, checked;
} watch;

/* The host's own figures for tensor i, against the report's. */
static void check_tensor(watch *w, const cocob_tensor_stats *t, size_t off, size_t n,
                         int is_cocob)
{
    cocob_model *m = w->m;
    size_t total = cocob_model_param_count(m);
    float *after = malloc(total * sizeof *after), *g = malloc(total * sizeof *g);
    ck_assert(after && g);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_params(m), after, total), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(cocob_model_grads(m), g, total), COCOB_OK);
    double gmin = INFINITY, gmax = 0, gsum = 0, norm = 0, drift = 0, lrmax = 0;
    for (size_t i = off; i < off + n; i++) {
        double a = fabsf(g[i]);
        gmin = fmin(gmin, a);
        gmax = fmax(gmax, a);
        gsum += a;
        norm += (double)after[i] * after[i];
        double d = after[i] - w->start[i];
        drift += d * d;
        if (g[i] != 0.0f)
            lrmax = fmax(lrmax, fabsf(after[i] - w->before[i]) / fabsf(g[i]));
    }
    /* min and max are of the same floats: exact. Sums in float on the
     * device against double here: n u relatively. */
    double tol = (double)n * 0x1p-24 * 2;
    ck_assert_msg(t->g_min == gmin && t->g_max == gmax && t->lr_max == lrmax,
                  "%s: min/max differ (%g %g %g vs %g %g %g)", t->name, t->g_min, t->g_max,
                  t->lr_max, gmin, gmax, lrmax);
    ck_assert_msg(fabs(t->g_mean - gsum / (double)n) <= tol * gsum / (double)n,
                  "%s: g_mean %g, host %g", t->name, t->g_mean, gsum / (double)n);
    ck_assert_msg(fabs(t->w_norm - sqrt(norm)) <= tol * sqrt(norm), "%s: w_norm %g, host %g",
                  t->name, t->w_norm, sqrt(norm));
    ck_assert_msg(fabs(t->drift - sqrt(drift)) <= tol * sqrt(drift) + 1e-30,
                  "%s: drift %g, host %g", t->name, t->drift, sqrt(drift));
    ck_assert(t->lr_median <= t->lr_max && t->lr_median >= 0);
    /* L is the largest |g| each weight has seen: at least this step's. */
    if (is_cocob)
        ck_assert_msg(t->L_max >= t->g_max && t->L_mean > 0, "%s: L_max %g < g_max %g", t->name,
                      t->L_max, t->g_max);
    else
        ck_assert(isnan(t->L_mean) && isnan(t->L_max));
    free(after);
    free(g);
}

static void on_monitor(const cocob_monitor_report *r, void *user)
{
    watch *w = user;
    w->reports++;
    ck_assert_uint_eq(r->count, cocob_model_tensor_count(w->m));
    if (r->total_steps != 1)
        return;
    /* The first step: before is start. */
    size_t row = 0;
    for (size_t i = 0; i < w->m->count; i++) {
        const model_layer *l = &w->m->layers[i];
        if (l->w_count)
            check_tensor(w, &r->tensors[row++], l->w_off, l->w_count, w->is_cocob);
        if (l->b_count)
            check_tensor(w, &r->tensors[row++], l->b_off, l->b_count, w->is_cocob);
    }
    w->checked++;
}

START_TEST(each_figure_matches_the_host)
{
    const char *selector = _i % 2 ? test_device_selector() : "ref";
    int cocob = _i < 2;
    cocob_context *ctx = test_context(selector);
    cocob_dataset *d;
    cocob_error err = {0};
    ck_assert_int_eq(cocob_dataset_alloc(&err, "test", EXAMPLES, 1, SIDE, SIDE, &d), COCOB_OK);
    d->classes = 10;
    test_rng rng = {3};
    for (size_t i = 0; i < EXAMPLES * PIXELS; i++)
        d->images[i] = test_rng_uniform(&rng, 0, 1);
    for (size_t i = 0; i < EXAMPLES; i++)
        d->labels[i] = (int32_t)(i % 10);
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, SIDE, SIDE, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, "conv:3x3x3,relu,flatten,dense:10"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 4), COCOB_OK);
    cocob_optimizer_config cfg;
    cocob_optimizer_config_init(&cfg, cocob ? COCOB_OPTIMIZER_COCOB : COCOB_OPTIMIZER_ADAM);
    cocob_optimizer *opt;
    cocob_tensor *params = cocob_model_params(m);
    ck_assert_int_eq(cocob_optimizer_create(ctx, &cfg, 1, &params, &opt), COCOB_OK);
    size_t total = cocob_model_param_count(m);
    watch w = {m, malloc(total * sizeof(float)), NULL, 0, cocob, 0};
    ck_assert_ptr_nonnull(w.start);
    ck_assert_int_eq(cocob_tensor_download(params, w.start, total), COCOB_OK);
    w.before = w.start;
    cocob_train_options o;
    cocob_train_options_init(&o);
    o.batch = BATCH;
    o.epochs = 2;
    o.on_monitor = on_monitor;
    o.monitor_every = 1;
    o.user = &w;
    cocob_status s = cocob_train(m, opt, d, NULL, &o);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    ck_assert_uint_eq(w.reports, 2 * EXAMPLES / BATCH);
    ck_assert_int_eq(w.checked, 1);
    /* At each epoch's end only. */
    w.reports = 0;
    o.monitor_every = 0;
    o.epochs = 3;
    s = cocob_train(m, opt, d, NULL, &o);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(ctx));
    ck_assert_uint_eq(w.reports, 3);
    free(w.start);
    cocob_optimizer_destroy(opt);
    cocob_model_destroy(m);
    cocob_dataset_destroy(d);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("monitor");
    TCase *tc = tcase_create("monitor");
    tcase_add_loop_test(tc, each_figure_matches_the_host, 0, 4);
    suite_add_tcase(s, tc);
    return test_run(s);
}
