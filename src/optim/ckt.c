/* cKT: its checks, its four state buffers and its step; the object around
 * it is optimizer.c's, its defaults config.c's. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

const char *const cocob_optim_ckt_state_names[COCOB_CKT_STATES] = {
    [COCOB_CKT_SUM] = "sum_negative_gradients",
    [COCOB_CKT_REWARD] = "reward",
    [COCOB_CKT_T] = "t",
    [COCOB_CKT_X0] = "x0",
};

cocob_status cocob_optim_ckt_check(cocob_error *err, const cocob_optimizer_config *cfg)
{
    /* The step takes both as floats: one beyond a float's range would be
     * infinite there, and a w that rounds to 0 would never move a weight. */
    if (!isfinite(cfg->w) || cfg->w > FLT_MAX || !((float)cfg->w > 0))
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: w, the initial wealth, must be above 0 (at 0 no weight ever "
                          "moves) and at most %g, got %g",
                          cocob_optim_title(cfg->kind), (double)FLT_MAX, cfg->w);
    if (!isfinite(cfg->weight_decay) || cfg->weight_decay < 0 || cfg->weight_decay > FLT_MAX)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "%s: weight_decay must be at least 0 and at most %g, got %g",
                          cocob_optim_title(cfg->kind), (double)FLT_MAX, cfg->weight_decay);
    return COCOB_OK;
}

cocob_status cocob_optim_ckt_init_state(cocob_optimizer *opt)
{
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = cocob_op_fill(b, opt->state[COCOB_CKT_REWARD], 0, (float)opt->cfg.w,
                                   opt->total);
    /* t starts at 1, as its authors' does: the first bet is divided by 2. */
    if (s == COCOB_OK)
        s = cocob_op_fill(b, opt->state[COCOB_CKT_T], 0, 1.0f, opt->total);
    if (s == COCOB_OK)
        s = cocob_optim_copy_params(opt, opt->state[COCOB_CKT_X0]);
    return s;
}

cocob_status cocob_optim_ckt_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                  cocob_span skip)
{
    cocob_ckt_args a;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < COCOB_CKT_STATES; k++)
        a.state[k] = opt->state[k];
    a.weight_decay = (float)opt->cfg.weight_decay;
    a.w = opt->params[i]->buf;
    a.grad = grad->buf;
    a.state_offset = opt->offsets[i];
    a.n = opt->params[i]->count;
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    return cocob_op_ckt_update(opt->ctx->backend, &a);
}
