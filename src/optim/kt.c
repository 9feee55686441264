/* KT: its two state buffers, its two scalars and its step; the object
 * around it is optimizer.c's, its checks ckt.c's (the same settings), its
 * defaults config.c's, the pass that updates its scalars lr_free.c's. */
#include <string.h>

#include "optim/optimizer.h"
#include "ops/ops.h"

const char *const cocob_optim_kt_state_names[COCOB_KT_STATES] = {
    [COCOB_KT_X0] = "x0",
    [COCOB_KT_THETA] = "theta",
};

const char *const cocob_optim_kt_scalar_names[COCOB_KT_SCALARS] = {
    [COCOB_KT_WEALTH] = "wealth",
    [COCOB_KT_ITER] = "iter",
};

cocob_status cocob_optim_kt_init_state(cocob_optimizer *opt)
{
    cocob_backend *b = opt->ctx->backend;
    cocob_status s = cocob_optim_lr_free_create(opt, COCOB_KT_SCALARS);
    if (s == COCOB_OK)
        s = cocob_op_fill(b, opt->scalars, COCOB_KT_WEALTH, (float)opt->cfg.w, 1);
    /* iter starts at 1, as its authors' does: the first bet is half of w. */
    if (s == COCOB_OK)
        s = cocob_op_fill(b, opt->scalars, COCOB_KT_ITER, 1.0f, 1);
    if (s == COCOB_OK)
        s = cocob_optim_copy_params(opt, opt->state[COCOB_KT_X0]);
    return s;
}

cocob_status cocob_optim_kt_step(cocob_optimizer *opt, size_t i, const cocob_tensor *grad,
                                 cocob_span skip)
{
    cocob_kt_args a;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < COCOB_KT_STATES; k++)
        a.state[k] = opt->state[k];
    a.weight_decay = (float)opt->cfg.weight_decay;
    a.w = opt->params[i]->buf;
    a.grad = grad->buf;
    a.state_offset = opt->offsets[i];
    a.n = opt->params[i]->count;
    a.scalars = opt->scalars;
    a.skip = skip.buf;
    a.skip_offset = skip.off;
    return cocob_op_kt_update(opt->ctx->backend, &a);
}
