/* The reference backend: buffers are host memory, ops are the loops of ref.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/ref/ref.h"
#include "base/fault.h"

static float *floats(const cocob_buffer *buf, size_t offset)
{
    return (float *)buf->handle + offset;
}

uint64_t cocob_host_memory_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

static cocob_status ref_alloc(cocob_backend *b, size_t bytes, cocob_buffer **out)
{
    /* Asked first, not left to malloc: under overcommit, or ASan, a buffer
     * larger than the machine can be granted, and the first loop that
     * writes it brings the out-of-memory killer. */
    uint64_t memory = b->info.global_mem_bytes;
    if (memory && (bytes > memory || b->live_bytes > memory - bytes))
        return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY,
                          "%s: a buffer of %zu bytes does not fit in the machine's %llu bytes "
                          "of memory, %zu of them already held by this context",
                          b->info.selector, bytes, (unsigned long long)memory, b->live_bytes);
    cocob_buffer *buf = cocob_fault(COCOB_FAULT_ALLOC) ? NULL : malloc(sizeof *buf);
    /* calloc: a new tensor reads as zeros on every backend. */
    void *mem = buf ? calloc(1, bytes ? bytes : 1) : NULL;
    if (!mem) {
        free(buf);
        return cocob_fail(b->err, COCOB_ERR_OUT_OF_MEMORY,
                          "%s: out of host memory allocating %zu bytes", b->info.selector, bytes);
    }
    buf->handle = mem;
    buf->bytes = bytes;
    cocob_backend_count_alloc(b, bytes);
    *out = buf;
    return COCOB_OK;
}

static void ref_free(cocob_backend *b, cocob_buffer *buf)
{
    if (buf) {
        b->live_bytes -= buf->bytes;
        free(buf->handle);
    }
    free(buf);
}

static cocob_status ref_upload(cocob_backend *b, cocob_buffer *dst, size_t off, const void *src,
                               size_t bytes)
{
    (void)b;
    memcpy((char *)dst->handle + off, src, bytes);
    return COCOB_OK;
}

static cocob_status ref_download(cocob_backend *b, const cocob_buffer *src, size_t off, void *dst,
                                 size_t bytes)
{
    (void)b;
    memcpy(dst, (const char *)src->handle + off, bytes);
    return COCOB_OK;
}

static cocob_status ref_copy(cocob_backend *b, cocob_buffer *dst, size_t dst_off,
                             const cocob_buffer *src, size_t src_off, size_t bytes)
{
    (void)b;
    memmove((char *)dst->handle + dst_off, (const char *)src->handle + src_off, bytes);
    return COCOB_OK;
}

static cocob_status ref_fill(cocob_backend *b, cocob_buffer *dst, size_t offset, float value,
                             size_t count)
{
    (void)b;
    float *p = floats(dst, offset);
    for (size_t i = 0; i < count; i++)
        p[i] = value;
    return COCOB_OK;
}

static cocob_status ref_finish(cocob_backend *b)
{
    (void)b;
    return COCOB_OK;
}

static cocob_status ref_cocob_update(cocob_backend *b, const cocob_update_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    size_t s = a->state_offset;
    cocob_ref_cocob_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                           floats(a->state[COCOB_STATE_W1], s),
                           floats(a->state[COCOB_STATE_L], s), floats(a->state[COCOB_STATE_G], s),
                           floats(a->state[COCOB_STATE_REWARD], s),
                           floats(a->state[COCOB_STATE_THETA], s), a->n, a->alpha,
                           a->weight_decay);
    return COCOB_OK;
}

/* The state buffer k of a baseline's step, on the host; NULL where the
 * step keeps none (SGD without momentum). */
static float *state_floats(const cocob_baseline_args *a, int k)
{
    return a->state[k] ? floats(a->state[k], a->state_offset) : NULL;
}

static cocob_status ref_sgd_update(cocob_backend *b, const cocob_baseline_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_sgd_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                         state_floats(a, 0), a->n, &a->h);
    return COCOB_OK;
}

static cocob_status ref_adagrad_update(cocob_backend *b, const cocob_baseline_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_adagrad_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                             state_floats(a, 0), a->n, &a->h);
    return COCOB_OK;
}

static cocob_status ref_rmsprop_update(cocob_backend *b, const cocob_baseline_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_rmsprop_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                             state_floats(a, 0), a->n, &a->h);
    return COCOB_OK;
}

static cocob_status ref_adadelta_update(cocob_backend *b, const cocob_baseline_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_adadelta_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                              state_floats(a, 0), state_floats(a, 1), a->n, &a->h);
    return COCOB_OK;
}

static cocob_status ref_adam_update(cocob_backend *b, const cocob_baseline_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_adam_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                          state_floats(a, 0), state_floats(a, 1), a->n, &a->h);
    return COCOB_OK;
}

static cocob_status ref_ckt_update(cocob_backend *b, const cocob_ckt_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    size_t s = a->state_offset;
    cocob_ref_ckt_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                         floats(a->state[COCOB_CKT_SUM], s),
                         floats(a->state[COCOB_CKT_REWARD], s), floats(a->state[COCOB_CKT_T], s),
                         floats(a->state[COCOB_CKT_X0], s), a->n, a->weight_decay);
    return COCOB_OK;
}

static cocob_status ref_kt_update(cocob_backend *b, const cocob_kt_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    size_t s = a->state_offset;
    cocob_ref_kt_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                        floats(a->state[COCOB_KT_THETA], s), floats(a->state[COCOB_KT_X0], s),
                        a->n, a->weight_decay, floats(a->scalars, a->scalars_offset));
    return COCOB_OK;
}

static cocob_status ref_dog_update(cocob_backend *b, const cocob_dog_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_dog_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset), a->n,
                         a->weight_decay, floats(a->scalars, a->eta_offset));
    return COCOB_OK;
}

static cocob_status ref_lr_free_reduce(cocob_backend *b, const cocob_lr_free_reduce_args *a)
{
    (void)b;
    cocob_ref_lr_free_reduce(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                             floats(a->x0, a->x0_offset), a->n, a->weight_decay, a->parts, 0,
                             a->parts, floats(a->partials, a->partials_offset));
    return COCOB_OK;
}

static cocob_status ref_lr_free_finalize(cocob_backend *b, const cocob_lr_free_finalize_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_lr_free_finalize(a, floats(a->partials, a->partials_offset),
                               floats(a->scalars, a->scalars_offset));
    return COCOB_OK;
}

static cocob_status ref_schedule_free_update(cocob_backend *b, const cocob_schedule_free_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    size_t s = a->state_offset;
    cocob_ref_schedule_free_update(floats(a->w, a->w_offset),
                                   a->grad ? floats(a->grad, a->grad_offset) : NULL,
                                   floats(a->z, s),
                                   a->exp_avg_sq ? floats(a->exp_avg_sq, s) : NULL, a->n, &a->h);
    return COCOB_OK;
}

static cocob_status ref_prodigy_accumulate(cocob_backend *b,
                                           const cocob_prodigy_accumulate_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    size_t s = a->state_offset;
    cocob_ref_prodigy_accumulate(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                                 floats(a->state[COCOB_PRODIGY_P0], s),
                                 floats(a->state[COCOB_PRODIGY_EXP_AVG], s),
                                 floats(a->state[COCOB_PRODIGY_EXP_AVG_SQ], s),
                                 floats(a->state[COCOB_PRODIGY_S], s), a->n, &a->h,
                                 floats(a->scalars, a->scalars_offset), a->parts, 0, a->parts,
                                 floats(a->partials, a->partials_offset));
    return COCOB_OK;
}

static cocob_status ref_prodigy_update(cocob_backend *b, const cocob_prodigy_update_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_prodigy_update(floats(a->w, a->w_offset), floats(a->grad, a->grad_offset),
                             floats(a->exp_avg, a->state_offset),
                             floats(a->exp_avg_sq, a->state_offset), a->n, &a->h,
                             floats(a->scalars, a->scalars_offset));
    return COCOB_OK;
}

static cocob_status ref_stats(cocob_backend *b, cocob_span x, cocob_span y, cocob_span z,
                              size_t n, cocob_stats *out)
{
    (void)b;
    cocob_ref_stats(floats(x.buf, x.off), y.buf ? floats(y.buf, y.off) : NULL,
                    z.buf ? floats(z.buf, z.off) : NULL, n, out);
    return COCOB_OK;
}

static cocob_status ref_count_nonfinite(cocob_backend *b, const cocob_buffer *x, size_t offset,
                                        size_t n, size_t *count)
{
    (void)b;
    *count = cocob_ref_count_nonfinite(floats(x, offset), n);
    return COCOB_OK;
}

static cocob_status ref_flag_nonfinite(cocob_backend *b, cocob_span x, size_t n, cocob_span flag)
{
    (void)b;
    cocob_ref_flag_nonfinite(floats(x.buf, x.off), n,
                             (int32_t *)(void *)floats(flag.buf, flag.off));
    return COCOB_OK;
}

static cocob_status ref_gemm(cocob_backend *b, int trans_a, int trans_b, size_t M, size_t N,
                             size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                             size_t ldb, float beta, cocob_span C, size_t ldc)
{
    (void)b;
    cocob_ref_gemm(trans_a, trans_b, M, N, K, alpha, span_floats(A), lda, span_floats(B), ldb,
                   beta, span_floats(C), ldc);
    return COCOB_OK;
}

static cocob_status ref_conv2d(cocob_backend *b, const cocob_conv_shape *sh, cocob_span x,
                               cocob_span w, cocob_span y)
{
    (void)b;
    cocob_ref_conv2d(sh, span_floats(x), span_floats(w), span_floats(y));
    return COCOB_OK;
}

static cocob_status ref_conv2d_grad_input(cocob_backend *b, const cocob_conv_shape *sh,
                                          cocob_span dy, cocob_span w, cocob_span dx)
{
    (void)b;
    cocob_ref_conv2d_grad_input(sh, span_floats(dy), span_floats(w), span_floats(dx));
    return COCOB_OK;
}

static cocob_status ref_conv2d_grad_weights(cocob_backend *b, const cocob_conv_shape *sh,
                                            cocob_span dy, cocob_span x, cocob_span dw)
{
    (void)b;
    cocob_ref_conv2d_grad_weights(sh, span_floats(dy), span_floats(x), span_floats(dw));
    return COCOB_OK;
}

static cocob_status ref_maxpool(cocob_backend *b, const cocob_pool_shape *sh, cocob_span x,
                                cocob_span y, cocob_span idx)
{
    (void)b;
    cocob_ref_maxpool(sh, span_floats(x), span_floats(y), span_ints(idx));
    return COCOB_OK;
}

static cocob_status ref_maxpool_grad(cocob_backend *b, const cocob_pool_shape *sh, cocob_span dy,
                                     cocob_span idx, cocob_span dx)
{
    (void)b;
    cocob_ref_maxpool_grad(sh, span_floats(dy), span_ints(idx), span_floats(dx));
    return COCOB_OK;
}

static cocob_status ref_bias_add(cocob_backend *b, cocob_activation f, cocob_span x,
                                 cocob_span bias, cocob_span y, size_t outer, size_t channels,
                                 size_t inner)
{
    (void)b;
    cocob_ref_bias_add(f, span_floats(x), span_floats(bias), span_floats(y), outer, channels,
                       inner);
    return COCOB_OK;
}

static cocob_status ref_bias_grad(cocob_backend *b, cocob_span dy, cocob_span db, size_t outer,
                                  size_t channels, size_t inner)
{
    (void)b;
    cocob_ref_bias_grad(span_floats(dy), span_floats(db), outer, channels, inner);
    return COCOB_OK;
}

static cocob_status ref_activation(cocob_backend *b, cocob_activation f, cocob_span x,
                                   cocob_span y, size_t n)
{
    (void)b;
    cocob_ref_activation(f, span_floats(x), span_floats(y), n);
    return COCOB_OK;
}

static cocob_status ref_activation_grad(cocob_backend *b, cocob_activation f, cocob_span y,
                                        cocob_span dy, cocob_span dx, size_t n)
{
    (void)b;
    cocob_ref_activation_grad(f, span_floats(y), span_floats(dy), span_floats(dx), n);
    return COCOB_OK;
}

static cocob_status ref_softmax_xent(cocob_backend *b, cocob_span logits, cocob_span labels,
                                     cocob_span loss, size_t rows, size_t classes)
{
    (void)b;
    cocob_ref_softmax_xent(span_floats(logits), span_ints(labels), span_floats(loss), rows,
                           classes);
    return COCOB_OK;
}

static cocob_status ref_softmax_xent_grad(cocob_backend *b, cocob_span logits, cocob_span labels,
                                          cocob_span dlogits, size_t rows, size_t classes)
{
    (void)b;
    cocob_ref_softmax_xent_grad(span_floats(logits), span_ints(labels), span_floats(dlogits),
                                rows, classes);
    return COCOB_OK;
}

static cocob_status ref_mse(cocob_backend *b, cocob_span x, cocob_span targets, cocob_span loss,
                            size_t rows, size_t cols)
{
    (void)b;
    cocob_ref_mse(span_floats(x), span_floats(targets), span_floats(loss), rows, cols);
    return COCOB_OK;
}

static cocob_status ref_mse_grad(cocob_backend *b, cocob_span x, cocob_span targets,
                                 cocob_span dx, size_t rows, size_t cols)
{
    (void)b;
    cocob_ref_mse_grad(span_floats(x), span_floats(targets), span_floats(dx), rows, cols);
    return COCOB_OK;
}

static cocob_status ref_argmax(cocob_backend *b, cocob_span x, cocob_span out, size_t rows,
                               size_t cols)
{
    (void)b;
    cocob_ref_argmax(span_floats(x), span_ints(out), rows, cols);
    return COCOB_OK;
}

static cocob_status ref_dropout(cocob_backend *b, cocob_span x, cocob_span y, size_t n, float p,
                                uint64_t seed, uint64_t counter)
{
    (void)b;
    cocob_ref_dropout(span_floats(x), span_floats(y), n, p, seed, counter);
    return COCOB_OK;
}

static cocob_status ref_dropout_grad(cocob_backend *b, cocob_span dy, cocob_span dx, size_t n,
                                     float p, uint64_t seed, uint64_t counter)
{
    (void)b;
    cocob_ref_dropout(span_floats(dy), span_floats(dx), n, p, seed, counter);
    return COCOB_OK;
}

static cocob_status ref_triad(cocob_backend *b, cocob_buffer *a, const cocob_buffer *bb,
                              const cocob_buffer *c, float s, size_t n)
{
    (void)b;
    cocob_ref_triad(floats(a, 0), floats(bb, 0), floats(c, 0), s, n);
    return COCOB_OK;
}

static cocob_status ref_dadapt_adam_accumulate(cocob_backend *b,
                                               const cocob_dadapt_adam_accumulate_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    size_t s = a->state_offset;
    cocob_ref_dadapt_adam_accumulate(a, floats(a->w, a->w_offset),
                                     floats(a->grad, a->grad_offset),
                                     floats(a->state[COCOB_DADAPT_ADAM_EXP_AVG], s),
                                     floats(a->state[COCOB_DADAPT_ADAM_EXP_AVG_SQ], s),
                                     floats(a->state[COCOB_DADAPT_ADAM_S], s),
                                     *floats(a->scalars, a->dlr_offset), 0, a->parts,
                                     floats(a->partials, a->partials_offset));
    return COCOB_OK;
}

static cocob_status ref_dadapt_adam_update(cocob_backend *b,
                                           const cocob_dadapt_adam_update_args *a)
{
    (void)b;
    if (cocob_ref_update_skipped(a->skip, a->skip_offset))
        return COCOB_OK;
    cocob_ref_dadapt_adam_update(floats(a->w, a->w_offset), floats(a->state[0], a->state_offset),
                                 floats(a->state[1], a->state_offset), a->n, a->eps, a->decay,
                                 floats(a->scalars, a->scalars_offset));
    return COCOB_OK;
}

static void ref_destroy(cocob_backend *b)
{
    free(b);
}

const cocob_backend_i cocob_ref_iface = {
    .destroy = ref_destroy,
    .alloc = ref_alloc,
    .free = ref_free,
    .upload = ref_upload,
    .upload_queued = ref_upload,
    .download = ref_download,
    .copy = ref_copy,
    .fill = ref_fill,
    .finish = ref_finish,
    .cocob_update = ref_cocob_update,
    .sgd_update = ref_sgd_update,
    .adagrad_update = ref_adagrad_update,
    .rmsprop_update = ref_rmsprop_update,
    .adadelta_update = ref_adadelta_update,
    .adam_update = ref_adam_update,
    .ckt_update = ref_ckt_update,
    .kt_update = ref_kt_update,
    .dog_update = ref_dog_update,
    .lr_free_reduce = ref_lr_free_reduce,
    .lr_free_finalize = ref_lr_free_finalize,
    .prodigy_accumulate = ref_prodigy_accumulate,
    .prodigy_update = ref_prodigy_update,
    .count_nonfinite = ref_count_nonfinite,
    .flag_nonfinite = ref_flag_nonfinite,
    .schedule_free_update = ref_schedule_free_update,
    .stats = ref_stats,
    .gemm = ref_gemm,
    .conv2d = ref_conv2d,
    .conv2d_grad_input = ref_conv2d_grad_input,
    .conv2d_grad_weights = ref_conv2d_grad_weights,
    .maxpool = ref_maxpool,
    .maxpool_grad = ref_maxpool_grad,
    .bias_add = ref_bias_add,
    .bias_grad = ref_bias_grad,
    .activation = ref_activation,
    .activation_grad = ref_activation_grad,
    .softmax_xent = ref_softmax_xent,
    .softmax_xent_grad = ref_softmax_xent_grad,
    .mse = ref_mse,
    .mse_grad = ref_mse_grad,
    .argmax = ref_argmax,
    .dropout = ref_dropout,
    .dropout_grad = ref_dropout_grad,
    .triad = ref_triad,
    .dadapt_adam_accumulate = ref_dadapt_adam_accumulate,
    .dadapt_adam_update = ref_dadapt_adam_update,
};

void cocob_ref_device_info(cocob_device_info *info)
{
    memset(info, 0, sizeof *info);
    strcpy(info->selector, "ref");
    info->type = COCOB_DEVICE_REF;
    info->platform_index = -1;
    info->device_index = -1;
    strcpy(info->name, "C reference (single-threaded, host memory)");
    strcpy(info->vendor, "cocob");
    strcpy(info->driver_version, "0.1.0");
    info->compute_units = 1;
    info->fp64 = 1;
    info->global_mem_bytes = cocob_host_memory_bytes();
}

cocob_status cocob_ref_backend_create(cocob_error *err, const cocob_logger *log,
                                      cocob_backend **out)
{
    cocob_backend *b = calloc(1, sizeof *b);
    if (!b)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "ref: out of host memory");
    b->iface = &cocob_ref_iface;
    b->err = err;
    b->log = log;
    cocob_ref_device_info(&b->info);
    *out = b;
    return COCOB_OK;
}
