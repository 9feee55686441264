/* The optimizer object for every kind: defaults, the checks of settings,
 * state buffers by index and name, the step count, and a refused step. */
#include <math.h>
#include <string.h>

#include "testutil.h"

START_TEST(names_and_defaults)
{
    static const char *const names[] = {"cocob",    "sgd",   "adagrad", "rmsprop", "adadelta",
                                        "adam",     "adamw", "ckt",     "kt",      "sf_sgd",
                                        "sf_adamw", "dog",   "prodigy", "ldog",    "dadapt_adam"};
    for (int k = 0; k < COCOB_OPTIMIZER_KIND_COUNT; k++) {
        ck_assert_str_eq(cocob_optimizer_kind_name((cocob_optimizer_kind)k), names[k]);
        cocob_optimizer_kind got;
        ck_assert_int_eq(cocob_optimizer_kind_parse(names[k], &got), COCOB_OK);
        ck_assert_int_eq(got, k);
    }
    cocob_optimizer_kind got;
    ck_assert_int_eq(cocob_optimizer_kind_parse("AdamW", &got), COCOB_OK);
    ck_assert_int_eq(got, COCOB_OPTIMIZER_ADAMW);
    ck_assert_int_eq(cocob_optimizer_kind_parse("lion", &got), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(cocob_optimizer_kind_name(COCOB_OPTIMIZER_KIND_COUNT));

    /* PyTorch 1.13's defaults. */
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAM);
    ck_assert(c.lr == 1e-3 && c.beta1 == 0.9 && c.beta2 == 0.999 && c.eps == 1e-8 &&
              c.weight_decay == 0);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAMW);
    ck_assert(c.lr == 1e-3 && c.weight_decay == 1e-2);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_RMSPROP);
    ck_assert(c.lr == 1e-2 && c.rho == 0.99 && c.eps == 1e-8);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAGRAD);
    ck_assert(c.lr == 1e-2 && c.eps == 1e-10);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADADELTA);
    ck_assert(c.lr == 1.0 && c.rho == 0.9 && c.eps == 1e-6);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SGD);
    ck_assert(c.lr == 0 && c.momentum == 0 && !c.nesterov);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_COCOB);
    ck_assert(c.lr == 0 && c.cocob.alpha == 100.0f);
    /* cKT's authors' (parameterfree d8155ff): no learning rate. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_CKT);
    ck_assert(c.lr == 0 && c.w == 1e-4 && c.weight_decay == 0);
    /* KT's (parameterfree 0.0.1): the same. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
    ck_assert(c.lr == 0 && c.w == 1e-4 && c.weight_decay == 0);
    /* Schedule-Free's authors' (schedulefree 1.4.1). */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SF_SGD);
    ck_assert(c.lr == 1.0 && c.momentum == 0.9 && c.weight_decay == 0 && c.warmup_steps == 0 &&
              c.r == 0 && c.weight_lr_power == 2);
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SF_ADAMW);
    ck_assert(c.lr == 0.0025 && c.beta1 == 0.9 && c.beta2 == 0.999 && c.eps == 1e-8 &&
              c.weight_decay == 0 && c.warmup_steps == 0 && c.r == 0 && c.weight_lr_power == 2);
    /* DoG's (dog-optimizer 1.0.3): lr a multiplier of its own step. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    ck_assert(c.reps_rel == 1e-6 && c.lr == 1.0 && c.weight_decay == 0 && c.eps == 1e-8 &&
              c.init_eta == 0 && c.w == 0);
    /* Prodigy's (prodigyopt 1.1.2): beta3 0 is its None. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_PRODIGY);
    ck_assert(c.lr == 1.0 && c.beta1 == 0.9 && c.beta2 == 0.999 && c.beta3 == 0 &&
              c.eps == 1e-8 && c.weight_decay == 0 && c.decouple == 1 &&
              c.use_bias_correction == 0 && c.safeguard_warmup == 0 && c.d0 == 1e-6 &&
              c.d_coef == 1.0 && isinf(c.growth_rate) && c.growth_rate > 0 && c.slice_p == 1);
    ck_assert(cocob_optimizer_uses(COCOB_OPTIMIZER_PRODIGY, "growth_rate") &&
              cocob_optimizer_uses(COCOB_OPTIMIZER_PRODIGY, "beta1") &&
              !cocob_optimizer_uses(COCOB_OPTIMIZER_ADAM, "d0") &&
              !cocob_optimizer_uses(COCOB_OPTIMIZER_PRODIGY, "momentum"));
    /* L-DoG's, the same class's settings. */
    cocob_optimizer_config d;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    cocob_optimizer_config_init(&d, COCOB_OPTIMIZER_LDOG);
    d.kind = COCOB_OPTIMIZER_DOG;
    ck_assert(memcmp(&c, &d, sizeof c) == 0);
    /* D-Adapt Adam's (dadaptation 3.2): lr a multiplier of its own step;
     * D-Adaptation's settings it shares with Prodigy, not Prodigy's own. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DADAPT_ADAM);
    ck_assert(c.lr == 1.0 && c.beta1 == 0.9 && c.beta2 == 0.999 && c.eps == 1e-8 &&
              c.weight_decay == 0 && !c.decouple && !c.use_bias_correction && c.d0 == 1e-6 &&
              isinf(c.growth_rate) && c.growth_rate > 0 && c.beta3 == 0 && c.d_coef == 0 &&
              c.slice_p == 0 && c.safeguard_warmup == 0);
    static const char *const shared[] = {"d0", "growth_rate", "decouple", "use_bias_correction"};
    static const char *const prodigy_own[] = {"beta3", "d_coef", "slice_p", "safeguard_warmup"};
    for (int k = 0; k < 4; k++) {
        ck_assert_msg(cocob_optimizer_uses(COCOB_OPTIMIZER_DADAPT_ADAM, shared[k]), "%s",
                      shared[k]);
        ck_assert_msg(!cocob_optimizer_uses(COCOB_OPTIMIZER_DADAPT_ADAM, prodigy_own[k]), "%s",
                      prodigy_own[k]);
        ck_assert_msg(cocob_optimizer_uses(COCOB_OPTIMIZER_PRODIGY, prodigy_own[k]), "%s",
                      prodigy_own[k]);
    }
}
END_TEST

/* Whether creating with c fails with INVALID_ARGUMENT and a message
 * holding want. */
static void refused(cocob_context *ctx, cocob_tensor *p, const cocob_optimizer_config *c,
                    const char *want)
{
    cocob_optimizer *opt = NULL;
    ck_assert_int_eq(cocob_optimizer_create(ctx, c, 1, &p, &opt), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(opt);
    ck_assert_msg(strstr(cocob_context_error(ctx), want), "\"%s\" does not say \"%s\"",
                  cocob_context_error(ctx), want);
}

START_TEST(settings_are_checked)
{
    cocob_context *ctx = test_context("ref");
    cocob_tensor *p;
    ck_assert_int_eq(cocob_tensor_create(ctx, 4, &p), COCOB_OK);
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_COCOB);
    c.lr = 0.1;
    refused(ctx, p, &c, "COCOB-Backprop takes no learning rate");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_CKT);
    c.lr = 0.1;
    refused(ctx, p, &c, "cKT takes no learning rate");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
    c.lr = 0.1;
    refused(ctx, p, &c, "KT takes no learning rate");
    c.lr = 0;
    c.w = 0;
    refused(ctx, p, &c, "KT: w, the initial wealth, must be above 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    c.reps_rel = 0;
    refused(ctx, p, &c, "DoG: reps_rel must be above 0");
    c.init_eta = 1e-3; /* which its authors take instead */
    cocob_optimizer *ok;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &ok), COCOB_OK);
    cocob_optimizer_destroy(ok);
    c.init_eta = -1;
    refused(ctx, p, &c, "DoG: init_eta must be above 0, or 0 for none");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    c.lr = 0;
    refused(ctx, p, &c, "DoG: lr must be above 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    c.eps = 0;
    refused(ctx, p, &c, "DoG: eps must be above 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    c.weight_decay = -1;
    refused(ctx, p, &c, "DoG: weight_decay must be at least 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    c.w = 1;
    refused(ctx, p, &c, "DoG has no use for w");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
    c.reps_rel = 1e-6;
    refused(ctx, p, &c, "KT has no use for reps_rel");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAM);
    c.d0 = 1e-6;
    refused(ctx, p, &c, "Adam has no use for d0");
    static const struct {
        const char *field, *says;
    } prodigy_bad[] = {
        {"d0", "Prodigy: d0 must be finite and above 0"},
        {"lr", "Prodigy: lr must be above 0"},
        {"beta3", "Prodigy: beta3 must be from 0 to 1"},
        {"growth_rate", "Prodigy: growth_rate must be above 0, or infinite"},
        {"slice_p", "Prodigy: slice_p must be a whole number from 1"},
        {"decouple", "Prodigy: decouple must be 0 or 1, got 2"},
        {"beta2", "Prodigy: beta2 must be at least 0 and below 1"},
    };
    for (size_t k = 0; k < sizeof prodigy_bad / sizeof *prodigy_bad; k++) {
        cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_PRODIGY);
        const char *f = prodigy_bad[k].field;
        if (strcmp(f, "d0") == 0)
            c.d0 = 0;
        else if (strcmp(f, "lr") == 0)
            c.lr = -1;
        else if (strcmp(f, "beta3") == 0)
            c.beta3 = 1.5;
        else if (strcmp(f, "growth_rate") == 0)
            c.growth_rate = 0;
        else if (strcmp(f, "slice_p") == 0)
            c.slice_p = 2.5;
        else if (strcmp(f, "decouple") == 0)
            c.decouple = 2;
        else
            c.beta2 = 1;
        refused(ctx, p, &c, prodigy_bad[k].says);
    }
    /* slice_p above 1 is its authors' approximation, taken as it is. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_PRODIGY);
    c.slice_p = 11;
    c.beta3 = 0.99;
    c.growth_rate = 1.02;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &ok), COCOB_OK);
    cocob_optimizer_destroy(ok);
    /* L-DoG's are DoG's checks, in its name. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_LDOG);
    c.reps_rel = 0;
    refused(ctx, p, &c, "L-DoG: reps_rel must be above 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_LDOG);
    c.w = 1;
    refused(ctx, p, &c, "L-DoG has no use for w");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SGD);
    refused(ctx, p, &c, "SGD has no default learning rate");
    c.lr = NAN;
    refused(ctx, p, &c, "SGD: lr must be finite and above 0");
    c.lr = 0.1;
    c.nesterov = 1;
    refused(ctx, p, &c, "needs momentum above 0");
    c.momentum = 0.9;
    c.dampening = 0.1;
    refused(ctx, p, &c, "no dampening");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAM);
    c.momentum = 0.9;
    refused(ctx, p, &c, "Adam has no use for momentum");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAM);
    c.beta2 = 1;
    refused(ctx, p, &c, "Adam: beta2 must be at least 0 and below 1, got 1");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAGRAD);
    c.eps = 0;
    refused(ctx, p, &c, "AdaGrad: eps must be finite and above 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_RMSPROP);
    c.rho = 1.5;
    refused(ctx, p, &c, "RMSProp: rho must be from 0 to 1");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADADELTA);
    c.weight_decay = -1;
    refused(ctx, p, &c, "Adadelta: weight_decay must be finite and at least 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DADAPT_ADAM);
    c.d0 = 0;
    refused(ctx, p, &c, "D-Adapt Adam: d0 must be above 0");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DADAPT_ADAM);
    c.growth_rate = NAN;
    refused(ctx, p, &c, "D-Adapt Adam: growth_rate must be above 0, or infinity");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DADAPT_ADAM);
    c.decouple = 2;
    refused(ctx, p, &c, "D-Adapt Adam: decouple must be 0 or 1, got 2");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DADAPT_ADAM);
    c.beta1 = 1;
    refused(ctx, p, &c, "D-Adapt Adam: beta1 must be at least 0 and below 1");
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    c.d0 = 1e-6;
    refused(ctx, p, &c, "DoG has no use for d0");
    c.kind = COCOB_OPTIMIZER_KIND_COUNT;
    refused(ctx, p, &c, "does not exist");
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

/* cocob_optimizer_uses says of each setting what cocob_optimizer_create
 * does: a baseline takes every setting it uses, set, and refuses every
 * other; COCOB's own are in cfg.cocob, and it refuses every baseline field. */
START_TEST(settings_by_name_agree_with_create)
{
    cocob_context *ctx = test_context("ref");
    cocob_tensor *p;
    ck_assert_int_eq(cocob_tensor_create(ctx, 4, &p), COCOB_OK);
    size_t n = 0;
    while (cocob_optimizer_setting_name(n))
        n++;
    ck_assert_uint_eq(n, 25);
    ck_assert_str_eq(cocob_optimizer_setting_name(10), "initial_L");
    ck_assert_str_eq(cocob_optimizer_setting_name(11), "w");
    ck_assert_str_eq(cocob_optimizer_setting_name(14), "weight_lr_power");
    ck_assert_str_eq(cocob_optimizer_setting_name(16), "init_eta");
    ck_assert_str_eq(cocob_optimizer_setting_name(24), "safeguard_warmup");
    ck_assert_int_eq(cocob_optimizer_uses(COCOB_OPTIMIZER_SGD, "lion"), 0);
    ck_assert_int_eq(cocob_optimizer_uses(COCOB_OPTIMIZER_SGD, NULL), 0);
    ck_assert_int_eq(cocob_optimizer_uses(COCOB_OPTIMIZER_KIND_COUNT, "lr"), 0);
    for (int k = 0; k < COCOB_OPTIMIZER_KIND_COUNT; k++) {
        cocob_optimizer_kind kind = (cocob_optimizer_kind)k;
        for (size_t i = 0; i < n; i++) {
            const char *name = cocob_optimizer_setting_name(i);
            int uses = cocob_optimizer_uses(kind, name);
            cocob_optimizer_config c;
            cocob_optimizer_config_init(&c, kind);
            if (kind == COCOB_OPTIMIZER_SGD)
                c.lr = 0.1;
            if (strcmp(name, "alpha") == 0 || strcmp(name, "initial_L") == 0) {
                ck_assert_int_eq(uses, kind == COCOB_OPTIMIZER_COCOB);
                continue;
            }
            if (kind == COCOB_OPTIMIZER_COCOB && strcmp(name, "weight_decay") == 0) {
                ck_assert(uses);
                c.cocob.weight_decay = 0.25f;
            } else if (strcmp(name, "nesterov") == 0) {
                c.nesterov = 1;
                c.momentum = uses ? 0.9 : 0;
            } else if (strcmp(name, "decouple") == 0) {
                c.decouple = 1;
            } else if (strcmp(name, "use_bias_correction") == 0) {
                c.use_bias_correction = 1;
            } else if (strcmp(name, "safeguard_warmup") == 0) {
                c.safeguard_warmup = 1;
            } else {
                double *field[] = {&c.lr,       &c.momentum,     &c.dampening, &c.weight_decay,
                                   &c.rho,      &c.eps,          &c.beta1,     &c.beta2,
                                   &c.w,        &c.warmup_steps, &c.r,         &c.weight_lr_power,
                                   &c.reps_rel, &c.init_eta,     &c.beta3,     &c.d0,
                                   &c.d_coef,   &c.growth_rate,  &c.slice_p};
                static const char *const fields[] = {
                    "lr",       "momentum",     "dampening", "weight_decay",
                    "rho",      "eps",          "beta1",     "beta2",
                    "w",        "warmup_steps", "r",         "weight_lr_power",
                    "reps_rel", "init_eta",     "beta3",     "d0",
                    "d_coef",   "growth_rate",  "slice_p"};
                size_t f = 0;
                while (strcmp(fields[f], name) != 0)
                    f++;
                /* A number of steps is whole, and so is slice_p. */
                *field[f] = strcmp(name, "warmup_steps") == 0 || strcmp(name, "slice_p") == 0
                                ? 2
                                : 0.25;
            }
            cocob_optimizer *opt = NULL;
            cocob_status s = cocob_optimizer_create(ctx, &c, 1, &p, &opt);
            ck_assert_msg((s == COCOB_OK) == (uses != 0), "%s, %s: uses %d, create says %s",
                          cocob_optimizer_kind_name(kind), name, uses,
                          s == COCOB_OK ? "OK" : cocob_context_error(ctx));
            cocob_optimizer_destroy(opt);
        }
    }
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(state_buffers_by_index_and_name)
{
    static const struct {
        cocob_optimizer_kind kind;
        double momentum;
        size_t count;
        const char *names[5];
    } cases[] = {
        {COCOB_OPTIMIZER_COCOB, 0, 5, {"w1", "L", "G", "reward", "theta"}},
        {COCOB_OPTIMIZER_SGD, 0, 0, {NULL}},
        {COCOB_OPTIMIZER_SGD, 0.9, 1, {"momentum_buffer"}},
        {COCOB_OPTIMIZER_ADAGRAD, 0, 1, {"sum"}},
        {COCOB_OPTIMIZER_RMSPROP, 0, 1, {"square_avg"}},
        {COCOB_OPTIMIZER_ADADELTA, 0, 2, {"square_avg", "acc_delta"}},
        {COCOB_OPTIMIZER_ADAM, 0, 2, {"exp_avg", "exp_avg_sq"}},
        {COCOB_OPTIMIZER_ADAMW, 0, 2, {"exp_avg", "exp_avg_sq"}},
        {COCOB_OPTIMIZER_CKT, 0, 4, {"sum_negative_gradients", "reward", "t", "x0"}},
        {COCOB_OPTIMIZER_KT, 0, 2, {"x0", "theta"}},
        {COCOB_OPTIMIZER_SF_SGD, 0, 2, {"z", "y"}},
        {COCOB_OPTIMIZER_SF_ADAMW, 0, 3, {"z", "exp_avg_sq", "y"}},
        {COCOB_OPTIMIZER_DOG, 0, 1, {"init_buffer"}},
        {COCOB_OPTIMIZER_PRODIGY, 0, 4, {"p0", "exp_avg", "exp_avg_sq", "s"}},
        {COCOB_OPTIMIZER_LDOG, 0, 1, {"init_buffer"}},
        {COCOB_OPTIMIZER_DADAPT_ADAM, 0, 3, {"exp_avg", "exp_avg_sq", "s"}},
    };
    cocob_context *ctx = test_context("ref");
    cocob_tensor *p, *g;
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &p), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &g), COCOB_OK);
    const float ones[3] = {1, 1, 1};
    ck_assert_int_eq(cocob_tensor_upload(g, ones, 3), COCOB_OK);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        cocob_optimizer_config c;
        cocob_optimizer_config_init(&c, cases[k].kind);
        if (cases[k].kind == COCOB_OPTIMIZER_SGD) {
            c.lr = 0.1;
            c.momentum = cases[k].momentum;
        }
        cocob_optimizer *opt;
        ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
        ck_assert_uint_eq(cocob_optimizer_state_count(opt), cases[k].count);
        for (size_t i = 0; i < cases[k].count; i++)
            ck_assert_str_eq(cocob_optimizer_state_name(opt, i), cases[k].names[i]);
        ck_assert_ptr_null(cocob_optimizer_state_name(opt, cases[k].count));
        float s[3];
        ck_assert_int_eq(cocob_optimizer_read_state(opt, cases[k].count, 0, s, 3),
                         COCOB_ERR_INVALID_ARGUMENT);
        ck_assert_int_eq(cocob_optimizer_steps(opt), 0);
        ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_steps(opt), 2);
        cocob_optimizer_config back;
        cocob_optimizer_get_config(opt, &back);
        ck_assert_int_eq(back.kind, cases[k].kind);
        char line[256];
        cocob_optimizer_describe(opt, line, sizeof line);
        ck_assert_msg(strchr(line, '(') && line[strlen(line) - 1] == ')', "\"%s\"", line);
        cocob_optimizer_destroy(opt);
    }
    cocob_tensor_destroy(g);
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

/* KT's wealth and iter, read at the caller's request: w and 1 at first,
 * then the gain and one more step each step, and a skipped step leaves
 * them as they were. The kinds without scalars have none to read. */
/* Schedule-Free's scalars are the host's, from the step count (its
 * authors' group scheduled_lr and weight_sum): warm-up over 4 steps, lr 2
 * and weight_lr_power 2 make the last lr 2 k / 4 and the sum of lr_max^2
 * over k steps 1/4 + 1 + 9/4 + ...; a refused step does not count. */
START_TEST(schedule_free_scalars_from_the_step_count)
{
    cocob_context *ctx = test_context("ref");
    cocob_tensor *p, *g;
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &p), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &g), COCOB_OK);
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SF_ADAMW);
    c.lr = 2;
    c.warmup_steps = 4;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(opt), 2);
    ck_assert_str_eq(cocob_optimizer_scalar_name(opt, 0), "scheduled_lr");
    ck_assert_str_eq(cocob_optimizer_scalar_name(opt, 1), "weight_sum");
    ck_assert_ptr_null(cocob_optimizer_scalar_name(opt, 2));
    float sc[2];
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 1), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
    ck_assert(sc[0] == 0 && sc[1] == 0);
    const float ones[3] = {1, 1, 1}, bad[3] = {1, NAN, 1};
    static const float lr[6] = {0.5f, 1, 1.5f, 2, 2, 2},
                       sum[6] = {0.25f, 1.25f, 3.5f, 7.5f, 11.5f, 15.5f};
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(cocob_tensor_upload(g, bad, 3), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g),
                         COCOB_ERR_NONFINITE);
        ck_assert_int_eq(cocob_tensor_upload(g, ones, 3), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
        ck_assert_msg(sc[0] == lr[k] && sc[1] == sum[k], "step %d: scheduled_lr %g weight_sum %g",
                      k + 1, sc[0], sc[1]);
    }
    cocob_optimizer_destroy(opt);
    /* No warm-up: 0 before the first step all the same, then lr and k. */
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_SF_SGD);
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
    ck_assert(sc[0] == 0 && sc[1] == 0);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
    ck_assert(sc[0] == 1 && sc[1] == 2);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(g);
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(device_scalars_by_index_and_name)
{
    cocob_context *ctx = test_context("ref");
    cocob_tensor *p, *g;
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &p), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &g), COCOB_OK);
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAM);
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(opt), 0);
    ck_assert_ptr_null(cocob_optimizer_scalar_name(opt, 0));
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, NULL, 0), COCOB_ERR_INVALID_ARGUMENT);
    float none[1];
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, none, 0), COCOB_OK);
    cocob_optimizer_destroy(opt);

    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_KT);
    c.w = 0.5;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(opt), 2);
    ck_assert_str_eq(cocob_optimizer_scalar_name(opt, 0), "wealth");
    ck_assert_str_eq(cocob_optimizer_scalar_name(opt, 1), "iter");
    ck_assert_ptr_null(cocob_optimizer_scalar_name(opt, 2));
    float sc[3];
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 3), COCOB_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "it keeps 2"));
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
    ck_assert(sc[0] == 0.5f && sc[1] == 1.0f);
    /* From x = x0 the first gain is 0; the step moves x by -g w / 2. */
    const float g1[3] = {1, -2, 0.5f}, bad[3] = {1, NAN, 0};
    ck_assert_int_eq(cocob_tensor_upload(g, g1, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
    ck_assert(sc[0] == 0.5f && sc[1] == 2.0f);
    float x[3];
    ck_assert_int_eq(cocob_tensor_download(p, x, 3), COCOB_OK);
    ck_assert(x[0] == -0.25f && x[1] == 0.5f && x[2] == -0.125f);
    /* The second gain is <g, x0 - x> = 0.25 + 1 + 0.0625. */
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
    ck_assert(sc[0] == 1.8125f && sc[1] == 3.0f);
    ck_assert_int_eq(cocob_tensor_upload(g, bad, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g),
                     COCOB_ERR_NONFINITE);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 2), COCOB_OK);
    ck_assert(sc[0] == 1.8125f && sc[1] == 3.0f);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(g);
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

/* DoG's scalars by hand, on ref and the device (the fold's roots and
 * quotient are exact here): x0 = (0.6, 0.8, 0), |x0| = 1, so the first
 * rbar is reps_rel (1 + 1) = 0.5 with reps_rel 0.25; a first gradient of 0
 * leaves G = eps = 1 exactly (eps joins once) and eta = lr rbar / 1 = 2
 * with lr 4, and moves nothing. The second step shares the first rbar (the
 * weights before it are still x0): g = (1, 1, 1) makes G 4, eta 4 0.5 / 2
 * = 1, and x = x0 - g. The third, g = 0, takes rbar = |x - x0| = sqrt 3
 * and G stays 4. A skipped step changes none of them; init_eta replaces
 * the first eta and rbar starts at 0, as its authors'. */
START_TEST(dog_scalars_by_hand)
{
    const char *selector = _i ? test_device_selector() : "ref";
    cocob_context *ctx = test_context(selector);
    cocob_tensor *p, *g;
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &p), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &g), COCOB_OK);
    const float x0[3] = {0.6f, 0.8f, 0}, zero[3] = {0}, ones[3] = {1, 1, 1},
                bad[3] = {0, INFINITY, 0};
    ck_assert_int_eq(cocob_tensor_upload(p, x0, 3), COCOB_OK);
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DOG);
    c.reps_rel = 0.25;
    c.lr = 4;
    c.eps = 1;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(opt), 4);
    static const char *const names[] = {"rbar", "G", "eta", "first_step"};
    for (size_t k = 0; k < 4; k++)
        ck_assert_str_eq(cocob_optimizer_scalar_name(opt, k), names[k]);
    float sc[4], x[3];
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 4), COCOB_OK);
    ck_assert(sc[0] == 0 && sc[1] == 0 && sc[2] == 0 && sc[3] == 1);
    const cocob_tensor *const *gs = (const cocob_tensor *const *)&g;
    ck_assert_int_eq(cocob_tensor_upload(g, zero, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, gs), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 4), COCOB_OK);
    ck_assert_msg(sc[0] == 0.5f && sc[1] == 1.0f && sc[2] == 2.0f && sc[3] == 0,
                  "%s: step 1: rbar %.9g G %.9g eta %.9g first %g", selector, sc[0], sc[1], sc[2],
                  sc[3]);
    ck_assert_int_eq(cocob_tensor_upload(g, bad, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, gs), COCOB_ERR_NONFINITE);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 4), COCOB_OK);
    ck_assert(sc[0] == 0.5f && sc[1] == 1.0f && sc[2] == 2.0f && sc[3] == 0);
    ck_assert_int_eq(cocob_tensor_upload(g, ones, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, gs), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 4), COCOB_OK);
    ck_assert_msg(sc[0] == 0.5f && sc[1] == 4.0f && sc[2] == 1.0f,
                  "%s: step 2: rbar %.9g G %.9g eta %.9g", selector, sc[0], sc[1], sc[2]);
    ck_assert_int_eq(cocob_tensor_download(p, x, 3), COCOB_OK);
    for (int i = 0; i < 3; i++)
        ck_assert(x[i] == x0[i] - 1.0f);
    ck_assert_int_eq(cocob_tensor_upload(g, zero, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, gs), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 4), COCOB_OK);
    ck_assert_msg(fabsf(sc[0] - sqrtf(3.0f)) <= 2e-7f * sqrtf(3.0f) && sc[1] == 4.0f &&
                      sc[2] == 4 * sc[0] / 2,
                  "%s: step 3: rbar %.9g G %.9g eta %.9g", selector, sc[0], sc[1], sc[2]);
    cocob_optimizer_destroy(opt);

    ck_assert_int_eq(cocob_tensor_upload(p, x0, 3), COCOB_OK);
    c.init_eta = 0.125;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(g, ones, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, gs), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 4), COCOB_OK);
    ck_assert_msg(sc[0] == 0 && sc[1] == 4.0f && sc[2] == 0.125f, "%s: init_eta: %g %g %g",
                  selector, sc[0], sc[1], sc[2]);
    ck_assert_int_eq(cocob_tensor_download(p, x, 3), COCOB_OK);
    for (int i = 0; i < 3; i++)
        ck_assert(x[i] == x0[i] - 0.125f);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(g);
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

/* L-DoG's layers: a model's tensors within its one arena are layers as
 * separate tensors are (4 -> 3 -> 2: w1 b1 w2 b2), bit for bit, on ref
 * and the device, two steps and a skipped one; each keeps its own four
 * scalars, named by its index. */
START_TEST(ldog_layers_of_a_model)
{
    const char *selector = _i ? test_device_selector() : "ref";
    cocob_context *ctx = test_context(selector);
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 4, 1, 1, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, "dense:3,relu,dense:2"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 7), COCOB_OK);
    enum { N = 23, LAYERS = 4, SCALARS = 4 * LAYERS };
    static const size_t count[LAYERS] = {12, 3, 6, 2};
    ck_assert_uint_eq(cocob_model_param_count(m), N);
    float init[N], grad[N], bad[N], got[N], want[N];
    cocob_tensor *arena = cocob_model_params(m), *arena_g, *w[LAYERS], *g[LAYERS];
    ck_assert_int_eq(cocob_tensor_download(arena, init, N), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, N, &arena_g), COCOB_OK);
    for (size_t k = 0, at = 0; k < LAYERS; at += count[k++]) {
        ck_assert_int_eq(cocob_tensor_create(ctx, count[k], &w[k]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_create(ctx, count[k], &g[k]), COCOB_OK);
        ck_assert_int_eq(cocob_tensor_upload(w[k], init + at, count[k]), COCOB_OK);
    }
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_LDOG);
    cocob_optimizer *whole, *apart;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &arena, &whole), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, LAYERS, w, &apart), COCOB_OK);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(whole), SCALARS);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(apart), SCALARS);
    ck_assert_str_eq(cocob_optimizer_scalar_name(whole, 0), "rbar.0");
    ck_assert_str_eq(cocob_optimizer_scalar_name(whole, 14), "eta.3");
    ck_assert_str_eq(cocob_optimizer_scalar_name(apart, 15), "first_step.3");
    ck_assert_ptr_null(cocob_optimizer_scalar_name(whole, SCALARS));
    for (int t = 0; t < 3; t++) {
        for (int i = 0; i < N; i++) {
            grad[i] = (float)((t + 1) * (i % 5 - 2)) / (float)(1 + i);
            bad[i] = i == 20 ? NAN : grad[i];
        }
        /* The second step is refused, and changes nothing. */
        const float *use = t == 1 ? bad : grad;
        ck_assert_int_eq(cocob_tensor_upload(arena_g, use, N), COCOB_OK);
        for (size_t k = 0, at = 0; k < LAYERS; at += count[k++])
            ck_assert_int_eq(cocob_tensor_upload(g[k], use + at, count[k]), COCOB_OK);
        cocob_status want_status = t == 1 ? COCOB_ERR_NONFINITE : COCOB_OK;
        ck_assert_int_eq(cocob_optimizer_step(whole, (const cocob_tensor *const *)&arena_g),
                         want_status);
        ck_assert_int_eq(cocob_optimizer_step(apart, (const cocob_tensor *const *)g),
                         want_status);
        float s_whole[SCALARS], s_apart[SCALARS];
        ck_assert_int_eq(cocob_optimizer_read_scalars(whole, s_whole, SCALARS), COCOB_OK);
        ck_assert_int_eq(cocob_optimizer_read_scalars(apart, s_apart, SCALARS), COCOB_OK);
        ck_assert_msg(memcmp(s_whole, s_apart, sizeof s_whole) == 0, "%s, step %d: scalars",
                      selector, t + 1);
        /* Layer-wise: the layers' step sizes differ. */
        ck_assert(s_whole[2] != s_whole[6] && s_whole[6] != s_whole[10]);
        ck_assert_int_eq(cocob_tensor_download(arena, got, N), COCOB_OK);
        for (size_t k = 0, at = 0; k < LAYERS; at += count[k++])
            ck_assert_int_eq(cocob_tensor_download(w[k], want + at, count[k]), COCOB_OK);
        ck_assert_msg(memcmp(got, want, sizeof got) == 0, "%s, step %d: weights", selector,
                      t + 1);
    }
    cocob_optimizer_destroy(whole);
    cocob_optimizer_destroy(apart);
    for (int k = 0; k < LAYERS; k++) {
        cocob_tensor_destroy(w[k]);
        cocob_tensor_destroy(g[k]);
    }
    cocob_tensor_destroy(arena_g);
    cocob_model_destroy(m);
    cocob_context_destroy(ctx);
}
END_TEST

/* D-Adapt Adam's scalars by hand, on ref and the device, with d0 0.5,
 * beta1 0.5, beta2 0 (so sqrt_beta2 0) and decoupled weight decay 0.5 on
 * weights of 1. A first gradient of 0 leaves s 0: its authors return
 * before the update, so the weights stay (the decay too), k stays 0 and
 * taken reads 0. A gradient of 1 then: the numerator reads the old s, 0,
 * so numerator_weighted is 0 and d stays 0.5; exp_avg = 0.5 0.5 1 = 0.25,
 * s = 0.5, exp_avg_sq = 1; the weights 1 - 0.5 0.5 = 0.75, then
 * 0.75 - 0.25 / (1 + 1e-8) = 0.5 (1 + 1e-8 is 1 in float); k 1, taken 1,
 * step_dlr 0.5. A NaN step then changes nothing. */
START_TEST(dadapt_adam_scalars_by_hand)
{
    cocob_context *ctx = test_context(_i ? test_device_selector() : "ref");
    cocob_tensor *p, *g;
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &p), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &g), COCOB_OK);
    const float ones[3] = {1, 1, 1}, zeros[3] = {0, 0, 0}, bad[3] = {1, NAN, 1};
    ck_assert_int_eq(cocob_tensor_upload(p, ones, 3), COCOB_OK);
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_DADAPT_ADAM);
    c.d0 = 0.5;
    c.beta1 = 0.5;
    c.beta2 = 0;
    c.decouple = 1;
    c.weight_decay = 0.5;
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    ck_assert_uint_eq(cocob_optimizer_scalar_count(opt), 6);
    static const char *const names[6] = {"d",   "numerator_weighted", "k",
                                         "dlr", "step_dlr",           "taken"};
    for (size_t i = 0; i < 6; i++)
        ck_assert_str_eq(cocob_optimizer_scalar_name(opt, i), names[i]);
    const cocob_tensor *const *grads = (const cocob_tensor *const *)&g;
    float sc[6], w[3], m[3], s[3];
    ck_assert_int_eq(cocob_tensor_upload(g, zeros, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, grads), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 6), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(p, w, 3), COCOB_OK);
    ck_assert_msg(sc[0] == 0.5f && sc[1] == 0 && sc[2] == 0 && sc[3] == 0.5f && sc[5] == 0 &&
                      w[0] == 1 && w[1] == 1 && w[2] == 1,
                  "zero gradient: d %g nw %g k %g dlr %g taken %g, w %g", sc[0], sc[1], sc[2],
                  sc[3], sc[5], w[0]);
    ck_assert_int_eq(cocob_tensor_upload(g, ones, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, grads), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc, 6), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(p, w, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_state(opt, 0, 0, m, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_state(opt, 2, 0, s, 3), COCOB_OK);
    ck_assert_msg(sc[0] == 0.5f && sc[1] == 0 && sc[2] == 1 && sc[3] == 0.5f && sc[4] == 0.5f &&
                      sc[5] == 1 && w[0] == 0.5f && m[0] == 0.25f && s[0] == 0.5f,
                  "step: d %g nw %g k %g dlr %g step_dlr %g taken %g, w %g m %g s %g", sc[0],
                  sc[1], sc[2], sc[3], sc[4], sc[5], w[0], m[0], s[0]);
    ck_assert_int_eq(cocob_tensor_upload(g, bad, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, grads), COCOB_ERR_NONFINITE);
    float sc2[6], w2[3], m2[3];
    ck_assert_int_eq(cocob_optimizer_read_scalars(opt, sc2, 6), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_download(p, w2, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_state(opt, 0, 0, m2, 3), COCOB_OK);
    ck_assert(memcmp(sc, sc2, sizeof sc) == 0 && memcmp(w, w2, sizeof w) == 0 &&
              memcmp(m, m2, sizeof m) == 0);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(g);
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

START_TEST(nonfinite_gradient_moves_nothing)
{
    cocob_context *ctx = test_context("ref");
    cocob_tensor *p, *g;
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &p), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_create(ctx, 3, &g), COCOB_OK);
    cocob_optimizer_config c;
    cocob_optimizer_config_init(&c, COCOB_OPTIMIZER_ADAM);
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, &c, 1, &p, &opt), COCOB_OK);
    const float good[3] = {1, -1, 0.5f}, bad[3] = {1, NAN, 0.5f};
    ck_assert_int_eq(cocob_tensor_upload(g, good, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g), COCOB_OK);
    float w0[3], m0[3], w[3], m[3];
    ck_assert_int_eq(cocob_tensor_download(p, w0, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_state(opt, 0, 0, m0, 3), COCOB_OK);
    ck_assert_int_eq(cocob_tensor_upload(g, bad, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_step(opt, (const cocob_tensor *const *)&g),
                     COCOB_ERR_NONFINITE);
    ck_assert_ptr_nonnull(strstr(cocob_context_error(ctx), "Adam step: gradient 0 holds 1 NaN"));
    ck_assert_int_eq(cocob_tensor_download(p, w, 3), COCOB_OK);
    ck_assert_int_eq(cocob_optimizer_read_state(opt, 0, 0, m, 3), COCOB_OK);
    ck_assert(memcmp(w, w0, sizeof w) == 0 && memcmp(m, m0, sizeof m) == 0);
    /* The refused step does not count: Adam's bias correction stays in step. */
    ck_assert_int_eq(cocob_optimizer_steps(opt), 1);
    cocob_optimizer_destroy(opt);
    cocob_tensor_destroy(g);
    cocob_tensor_destroy(p);
    cocob_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("optimizer");
    TCase *api = tcase_create("api");
    tcase_add_test(api, names_and_defaults);
    tcase_add_test(api, settings_are_checked);
    tcase_add_test(api, settings_by_name_agree_with_create);
    tcase_add_test(api, state_buffers_by_index_and_name);
    tcase_add_test(api, device_scalars_by_index_and_name);
    tcase_add_test(api, schedule_free_scalars_from_the_step_count);
#ifdef TEST_HAVE_DEVICE
    tcase_add_loop_test(api, dog_scalars_by_hand, 0, 2);
    tcase_add_loop_test(api, ldog_layers_of_a_model, 0, 2);
    tcase_add_loop_test(api, dadapt_adam_scalars_by_hand, 0, 2);
#else
    tcase_add_loop_test(api, dog_scalars_by_hand, 0, 1);
    tcase_add_loop_test(api, ldog_layers_of_a_model, 0, 1);
    tcase_add_loop_test(api, dadapt_adam_scalars_by_hand, 0, 1);
#endif
    tcase_add_test(api, nonfinite_gradient_moves_nothing);
    suite_add_tcase(s, api);
    return test_run(s);
}
