/* Saved models: cocob_model_save and cocob_model_load give back the same
 * predictions, a checkpoint loads as a model, and every kind of damage is
 * refused with a message that names the file and what is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "base/sections.h"
#include "testutil.h"

enum { IN_H = 6, IN_W = 6, N = 10 };

static cocob_model *trained(cocob_context *ctx, const char *spec, cocob_optimizer **opt_out)
{
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, IN_H, IN_W, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, spec), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 21), COCOB_OK);
    cocob_tensor *params = cocob_model_params(m);
    cocob_optimizer *opt;
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &opt), COCOB_OK);
    float x[N * IN_H * IN_W];
    int32_t y[N];
    test_rng r = {5};
    for (size_t i = 0; i < N * IN_H * IN_W; i++)
        x[i] = test_rng_uniform(&r, 0, 1);
    for (size_t i = 0; i < N; i++)
        y[i] = (int32_t)(i % cocob_model_outputs(m));
    cocob_batch b = {x, y, NULL, N};
    double loss;
    for (int step = 0; step < 3; step++)
        ck_assert_int_eq(cocob_model_train_batch(m, opt, &b, &loss), COCOB_OK);
    *opt_out = opt;
    return m;
}

/* The logits of a fixed set of inputs, malloc'd. */
static float *logits_of(cocob_model *m)
{
    float x[N * IN_H * IN_W];
    test_rng r = {99};
    for (size_t i = 0; i < N * IN_H * IN_W; i++)
        x[i] = test_rng_uniform(&r, 0, 1);
    float *out = malloc(N * cocob_model_outputs(m) * sizeof *out);
    ck_assert_ptr_nonnull(out);
    cocob_status s = cocob_model_predict(m, x, N, COCOB_OUTPUT_LOGITS, out);
    ck_assert_int_eq(s, COCOB_OK);
    return out;
}

static void same_predictions(cocob_model *a, cocob_model *b)
{
    ck_assert_uint_eq(cocob_model_outputs(a), cocob_model_outputs(b));
    ck_assert_uint_eq(cocob_model_param_count(a), cocob_model_param_count(b));
    char sa[2048], sb[2048];
    cocob_model_summary(a, sa, sizeof sa);
    cocob_model_summary(b, sb, sizeof sb);
    ck_assert_str_eq(sa, sb);
    float *la = logits_of(a), *lb = logits_of(b);
    ck_assert(memcmp(la, lb, N * cocob_model_outputs(a) * sizeof *la) == 0);
    free(la);
    free(lb);
}

#define SPEC "conv:2x3x3,relu,maxpool:2,flatten,dropout:0.5,dense:3"

/* A context, the model under test and its optimizer (the test makes
 * them), and path, the file name in a fresh folder; finish frees them
 * all. */
typedef struct fixture {
    cocob_context *ctx;
    cocob_model *m;
    cocob_optimizer *opt;
    char *dir;
    char path[4096];
} fixture;

static void begin(fixture *f, const char *name)
{
    f->ctx = test_context("ref");
    f->m = NULL;
    f->opt = NULL;
    f->dir = test_tmpdir("model_file");
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
}

static void finish(fixture *f)
{
    cocob_optimizer_destroy(f->opt);
    cocob_model_destroy(f->m);
    test_rmtree(f->dir);
    free(f->dir);
    cocob_context_destroy(f->ctx);
}

START_TEST(a_saved_model_predicts_as_the_original)
{
    fixture f;
    begin(&f, "m.cocob");
    f.m = trained(f.ctx, SPEC, &f.opt);
    cocob_model *back = NULL;
    ck_assert_int_eq(cocob_model_save(f.m, f.path), COCOB_OK);
    cocob_status s = cocob_model_load(f.ctx, f.path, &back);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    same_predictions(f.m, back);
    /* A loaded model trains on, with a new optimizer. */
    cocob_tensor *params = cocob_model_params(back);
    cocob_optimizer *again;
    ck_assert_int_eq(cocob_optimizer_create(f.ctx, NULL, 1, &params, &again), COCOB_OK);
    cocob_optimizer_destroy(again);
    cocob_model_destroy(back);
    finish(&f);
}
END_TEST

START_TEST(a_checkpoint_loads_as_a_model)
{
    fixture f;
    begin(&f, "run.ckpt");
    f.m = trained(f.ctx, SPEC, &f.opt);
    cocob_model *back = NULL;
    cocob_progress p = {1, 0, 3, 1, 10, 10, 7};
    ck_assert_int_eq(cocob_checkpoint_save(f.path, f.m, f.opt, &p), COCOB_OK);
    cocob_status s = cocob_model_load(f.ctx, f.path, &back);
    ck_assert_msg(s == COCOB_OK, "%s", cocob_context_error(f.ctx));
    same_predictions(f.m, back);
    cocob_model_destroy(back);
    finish(&f);
}
END_TEST

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    rewind(f);
    unsigned char *p = malloc(*size);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(fread(p, 1, *size, f), *size);
    fclose(f);
    return p;
}

/* The CRC of the payload at off, len bytes, put right: the section's
 * contents are then believed, and what they say is what is judged. */
static void recrc(unsigned char *p, size_t off, size_t len)
{
    cocob_le_put_u32(p + off - 4, cocob_crc32(p + off, len));
}

static void refused(cocob_context *ctx, const char *path, const char *text)
{
    cocob_model *m = (cocob_model *)1;
    cocob_status s = cocob_model_load(ctx, path, &m);
    ck_assert_msg(s != COCOB_OK, "%s was loaded", text);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(cocob_context_error(ctx), text), "\"%s\" lacks \"%s\"",
                  cocob_context_error(ctx), text);
    ck_assert_msg(strstr(cocob_context_error(ctx), path), "\"%s\" does not name the file",
                  cocob_context_error(ctx));
}

/* A model of SPEC with this loss, and an optimizer over it, untrained. */
static cocob_model *with_loss(cocob_context *ctx, cocob_loss loss, cocob_optimizer **opt)
{
    cocob_model *m;
    ck_assert_int_eq(cocob_model_create(ctx, 1, IN_H, IN_W, &m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(m, SPEC), COCOB_OK);
    ck_assert_int_eq(cocob_model_set_loss(m, loss), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(m, 21), COCOB_OK);
    cocob_tensor *params = cocob_model_params(m);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, opt), COCOB_OK);
    return m;
}

/* A checkpoint records its model's loss (version 3): a model loaded from
 * it has that loss, and a run with another loss cannot go on from it. A
 * version 2 checkpoint, which records none, still loads. */
START_TEST(a_checkpoint_keeps_its_loss)
{
    fixture f;
    begin(&f, "run.ckpt");
    cocob_optimizer *xopt;
    f.m = with_loss(f.ctx, COCOB_LOSS_MSE, &f.opt);
    cocob_model *back = NULL, *x = with_loss(f.ctx, COCOB_LOSS_XENT, &xopt);
    cocob_progress p = {1, 0, 3, 1, 10, 10, 7}, got;
    ck_assert_int_eq(cocob_checkpoint_save(f.path, f.m, f.opt, &p), COCOB_OK);
    ck_assert_int_eq(cocob_model_load(f.ctx, f.path, &back), COCOB_OK);
    ck_assert_int_eq(cocob_model_loss(back), COCOB_LOSS_MSE);
    cocob_model_destroy(back);
    ck_assert_int_eq(cocob_checkpoint_load(f.path, x, xopt, &got), COCOB_ERR_SHAPE);
    ck_assert_msg(strstr(cocob_context_error(f.ctx),
                         "whose loss is mse; this model's loss is xent"),
                  "%s", cocob_context_error(f.ctx));

    /* Version 2: the same file without its last section, LOSS (a 16-byte
     * head and 4 bytes). */
    size_t size;
    unsigned char *v2 = slurp(f.path, &size);
    cocob_le_put_u32(v2 + 8, 2);
    cocob_le_put_u32(v2 + 12, 5);
    test_write_file(f.path, v2, size - 20, 0);
    ck_assert_int_eq(cocob_model_load(f.ctx, f.path, &back), COCOB_OK);
    ck_assert_int_eq(cocob_model_loss(back), COCOB_LOSS_XENT);
    cocob_model_destroy(back);
    ck_assert_int_eq(cocob_checkpoint_load(f.path, f.m, f.opt, &got), COCOB_OK);
    ck_assert_int_eq(cocob_model_loss(f.m), COCOB_LOSS_MSE);

    free(v2);
    cocob_optimizer_destroy(xopt);
    cocob_model_destroy(x);
    finish(&f);
}
END_TEST

START_TEST(damaged_files_are_refused_with_the_reason)
{
    fixture f;
    begin(&f, "good");
    cocob_context *ctx = f.ctx;
    ck_assert_int_eq(cocob_model_create(ctx, 1, 1, 4, &f.m), COCOB_OK);
    ck_assert_int_eq(cocob_model_add_spec(f.m, "dense:3,relu,dense:2"), COCOB_OK);
    ck_assert_int_eq(cocob_model_init(f.m, 1), COCOB_OK);
    cocob_tensor *params = cocob_model_params(f.m);
    ck_assert_int_eq(cocob_optimizer_create(ctx, NULL, 1, &params, &f.opt), COCOB_OK);
    const char *good = f.path;
    char bad[4096], ckpt[4096];
    snprintf(bad, sizeof bad, "%s/bad", f.dir);
    snprintf(ckpt, sizeof ckpt, "%s/ckpt", f.dir);
    ck_assert_int_eq(cocob_model_save(f.m, good), COCOB_OK);
    size_t size;
    unsigned char *p = slurp(good, &size), *q = malloc(size);
    ck_assert_ptr_nonnull(q);
    /* Where things are: the head, MODL's payload (3 layers), LOSS's, PARM's. */
    size_t modl = 32, modl_len = 56 + 3 * 48, loss = modl + modl_len + 16;
    size_t parm = loss + 4 + 16, layer0 = modl + 32;
    ck_assert_uint_eq(size, parm + 4 * cocob_model_param_count(f.m));

    test_write_file(bad, p, size / 2, 0);
    refused(ctx, bad, "is damaged: ");
    test_write_file(bad, p, 10, 0);
    refused(ctx, bad, "is damaged: truncated: the file is 10 bytes, shorter than its head");
    test_write_file(bad, p, 0, 0);
    refused(ctx, bad,
            "is neither a saved model nor a checkpoint: it starts with neither COCOBMDL "
            "nor COCOBCKP");
    memcpy(q, p, size);
    q[3] ^= 0x20;
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "is neither a saved model nor a checkpoint");
    memcpy(q, p, size);
    cocob_le_put_u32(q + 8, 9);
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "is of version 9; this build reads version 1");
    memcpy(q, p, size);
    q[parm + 5] ^= 1;
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "is damaged: section PARM: CRC-32 0x");
    memcpy(q, p, size);
    test_write_file(bad, q, size - 1, 0);
    refused(ctx, bad, "is damaged: section PARM claims");
    memcpy(q, p, size);
    cocob_le_put_u64(q + layer0 + 4, 0); /* dense:0 */
    recrc(q, modl, modl_len);
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "its layers do not build: layer 0 (dense:0): 4 inputs to 0 units");
    memcpy(q, p, size);
    cocob_le_put_u32(q + layer0, 99);
    recrc(q, modl, modl_len);
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "layer 0 is of kind 99, which this build does not know");
    memcpy(q, p, size);
    cocob_le_put_u64(q + layer0 + 4, 4); /* dense:4, so more parameters than stored */
    recrc(q, modl, modl_len);
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "its model section counts 23 parameters, where its layers make 30");
    memcpy(q, p, size);
    cocob_le_put_u64(q + modl + 24, 4); /* four layers in the room of three */
    recrc(q, modl, modl_len);
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "section MODL holds 200 bytes, which does not fit the 4 layers it names");
    memcpy(q, p, size);
    cocob_le_put_u32(q + loss, 2);
    recrc(q, loss, 4);
    test_write_file(bad, q, size, 0);
    refused(ctx, bad, "its loss is of kind 2, which this build does not know");
    snprintf(bad, sizeof bad, "%s/none", f.dir);
    refused(ctx, bad, "model file");

    /* A checkpoint is read as one, and named so. */
    cocob_progress at = {1, 0, 1, 1, 1, 1, 1};
    ck_assert_int_eq(cocob_checkpoint_save(ckpt, f.m, f.opt, &at), COCOB_OK);
    free(p);
    p = slurp(ckpt, &size);
    cocob_le_put_u32(p + 8, 1);
    snprintf(bad, sizeof bad, "%s/bad", f.dir);
    test_write_file(bad, p, size, 0);
    refused(ctx, bad, "checkpoint");
    refused(ctx, bad, "is of version 1; this build reads versions 2 and 3");
    cocob_le_put_u32(p + 8, 3);
    /* The last byte of PROG, before LOSS's head and its 4 bytes. */
    p[size - 21] ^= 1;
    test_write_file(bad, p, size, 0);
    /* Of the run's sections only the lengths are walked, not their CRCs:
     * what inference does not read cannot mislead it. */
    cocob_model *back = NULL;
    ck_assert_int_eq(cocob_model_load(ctx, bad, &back), COCOB_OK);
    cocob_model_destroy(back);

    free(p);
    free(q);
    finish(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_file");
    TCase *tc = tcase_create("model_file");
    tcase_add_test(tc, a_saved_model_predicts_as_the_original);
    tcase_add_test(tc, a_checkpoint_loads_as_a_model);
    tcase_add_test(tc, a_checkpoint_keeps_its_loss);
    tcase_add_test(tc, damaged_files_are_refused_with_the_reason);
    suite_add_tcase(s, tc);
    return test_run(s);
}
