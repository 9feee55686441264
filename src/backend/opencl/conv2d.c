/* Launches cl/conv2d.cl: at stride 1, conv2d_rows and
 * conv2d_grad_weights_rows on padded copies made by conv2d_pad; otherwise
 * the gathering conv2d, conv2d_grad_input and conv2d_grad_weights. */
#include <limits.h>
#include <stdio.h>

#include "backend/opencl/opencl.h"
#include "base/checked.h"
#include "base/fault.h"

/* Must match cl/conv2d.cl: filters or channels per tile, positions per
 * vector, filters per conv2d_grad_weights tile (of one tap); outputs and
 * positions per conv2d_rows tile; filters and taps per
 * conv2d_grad_weights_rows tile. */
enum { TM = 8, VW = 8, WM = 16, ROW_TM = 4, ROW_SEG = 16, GW_FM = 2, GW_TAPS = 5 };

/* Which of b->conv_scratch holds what. */
enum { PARTS, PADDED_X, PADDED_DY };

static size_t tiles(size_t n, size_t per)
{
    return (n + per - 1) / per;
}

/* b->conv_scratch[which], grown to at least bytes. */
static cocob_status scratch(cocob_cl_backend *b, int which, size_t bytes, const char *what)
{
    if (b->conv_scratch[which] && b->conv_scratch_bytes[which] >= bytes)
        return COCOB_OK;
    if (b->conv_scratch[which]) {
        clReleaseMemObject(b->conv_scratch[which]);
        b->base.scratch_bytes -= b->conv_scratch_bytes[which];
    }
    b->conv_scratch[which] = NULL;
    b->conv_scratch_bytes[which] = 0;
    cl_int rc = CL_MEM_OBJECT_ALLOCATION_FAILURE;
    cl_mem m = NULL;
    if (!cocob_fault(COCOB_FAULT_ALLOC))
        m = clCreateBuffer(b->context, CL_MEM_READ_WRITE, bytes, NULL, &rc);
    if (rc != CL_SUCCESS) {
        char call[128];
        snprintf(call, sizeof call, "clCreateBuffer of %zu bytes for %s", bytes, what);
        return cocob_cl_failed(&b->base, call, rc);
    }
    b->conv_scratch[which] = m;
    b->conv_scratch_bytes[which] = bytes;
    b->base.scratch_bytes += bytes;
    cocob_backend_note_peak(&b->base);
    return COCOB_OK;
}

/* Enqueues k over count tiles, one work-item each. As gemm.c's tiles: on a
 * CPU, groups of one work-item let PoCL run a tile as straight-line vector
 * code; elsewhere groups as large as the kernel allows, up to 64, since
 * each work-item's tile is its own. */
static cocob_status tiled(cocob_cl_backend *b, cl_kernel k, const char *name, size_t count)
{
    size_t local = 1;
    if (b->base.info.type != COCOB_DEVICE_CPU) {
        cocob_status st = cocob_cl_group_limit(b, k, &local);
        if (st != COCOB_OK)
            return st;
        if (local > 64)
            local = 64;
    }
    return cocob_cl_enqueue(b, k, name, tiles(count, local) * local, local);
}

static cocob_status arg_failed(cocob_backend *base, const char *name, cl_int rc)
{
    char what[64];
    snprintf(what, sizeof what, "clSetKernelArg(%s)", name);
    return cocob_cl_failed(base, what, rc);
}

/* The kernels index within a padded plane in int, which is faster than
 * ulong on every device and plenty for any image. */
static cocob_status plane_fits(cocob_backend *base, const char *name, size_t h, size_t w,
                               size_t pad_h, size_t pad_w)
{
    size_t ph = 0, pw = 0, padded = 0;
    if (!size_add(h, pad_h, &ph) || !size_add(w, pad_w, &pw) || !size_mul(ph, pw, &padded) ||
        padded > INT_MAX)
        return cocob_fail(base->err, COCOB_ERR_DEVICE_LIMIT,
                          "%s: a %zu x %zu plane padded to %zu x %zu is more than the OpenCL "
                          "kernels index (%d elements)",
                          name, h, w, ph, pw, INT_MAX);
    return COCOB_OK;
}

/* Each gathering kernel takes three operands, each a buffer and an offset,
 * then the shape, and conv2d_grad_weights how many slices of the batch it
 * sums apart (parts, 0 for the others); one work-item per tile, `count` of
 * them. */
static cocob_status launch(cocob_backend *base, const char *name, const cocob_conv_shape *s,
                           const cocob_span operand[3], size_t parts, size_t count)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    size_t pad2 = 0;
    if (!size_mul(2, s->pad, &pad2))
        pad2 = SIZE_MAX;
    cocob_status st = plane_fits(base, name, s->height, s->width, pad2, pad2);
    if (st != COCOB_OK)
        return st;
    cl_kernel k;
    st = cocob_cl_kernel(b, "conv2d.cl", name, &k);
    if (st != COCOB_OK)
        return st;
    const cl_ulong shape[11] = {s->batch,    s->channels, s->height, s->width,
                                s->kernel_h, s->kernel_w, s->stride, s->pad,
                                s->out_h,    s->out_w,    s->filters};
    cl_int rc = CL_SUCCESS;
    for (cl_uint i = 0; i < 3; i++) {
        cl_mem m = cocob_cl_mem(operand[i].buf);
        cl_ulong off = operand[i].off;
        rc = cocob_cl_arg(k, 2 * i, sizeof m, &m, rc);
        rc = cocob_cl_arg(k, 2 * i + 1, sizeof off, &off, rc);
    }
    for (cl_uint i = 0; i < 11; i++)
        rc = cocob_cl_arg(k, 6 + i, sizeof shape[i], &shape[i], rc);
    cl_ulong slices = parts;
    if (parts)
        rc = cocob_cl_arg(k, 17, sizeof slices, &slices, rc);
    if (rc != CL_SUCCESS)
        return arg_failed(base, name, rc);
    return tiled(b, k, name, count);
}

/* Where a padded copy puts its planes' first element, and its planes' size. */
typedef struct padding {
    size_t top, left, h, w;
} padding;

/* Copies `planes` planes of height x width from src into
 * b->conv_scratch[which] as p lays them out. */
static cocob_status pad(cocob_cl_backend *b, const char *name, int which, cocob_span src,
                        size_t planes, size_t height, size_t width, const padding *p)
{
    cocob_status st = plane_fits(&b->base, name, p->h, p->w, 0, 0);
    if (st != COCOB_OK)
        return st;
    size_t count = 0, bytes = 0;
    if (!size_mul(planes, p->h * p->w, &count) || !size_mul(count, sizeof(float), &bytes))
        return cocob_fail(b->base.err, COCOB_ERR_DEVICE_LIMIT,
                          "%s: %zu planes padded to %zu x %zu are more bytes than size_t counts",
                          name, planes, p->h, p->w);
    char what[96];
    snprintf(what, sizeof what, "%s's padded %s", name, which == PADDED_X ? "input" : "gradient");
    st = scratch(b, which, bytes, what);
    cl_kernel k;
    if (st == COCOB_OK)
        st = cocob_cl_kernel(b, "conv2d.cl", "conv2d_pad", &k);
    if (st != COCOB_OK)
        return st;
    cl_mem in = cocob_cl_mem(src.buf), out = b->conv_scratch[which];
    const cl_ulong arg[8] = {src.off, 0, planes, height, width, p->top, p->left, p->h};
    const cl_ulong dst_w = p->w;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof in, &in, rc);
    rc = cocob_cl_arg(k, 1, sizeof arg[0], &arg[0], rc);
    rc = cocob_cl_arg(k, 2, sizeof out, &out, rc);
    for (cl_uint i = 2; i < 8; i++)
        rc = cocob_cl_arg(k, i + 1, sizeof arg[i], &arg[i], rc);
    rc = cocob_cl_arg(k, 9, sizeof dst_w, &dst_w, rc);
    if (rc != CL_SUCCESS)
        return arg_failed(&b->base, "conv2d_pad", rc);
    return cocob_cl_launch_1d(b, k, "conv2d_pad", planes * p->h);
}

/* The padded input of a stride-1 convolution: its padding all round, rows
 * long enough for whole conv2d_rows tiles and the kernel beyond. */
static padding input_padding(const cocob_conv_shape *s)
{
    return (padding){s->pad, s->pad, s->height + 2 * s->pad,
                     tiles(s->out_w, ROW_SEG) * ROW_SEG + s->kernel_w - 1};
}

/* How conv2d_rows reads its weights: w[i w_in + o w_out + ky w_y + kx w_x]
 * from w's offset, plus `first`. */
typedef struct weight_walk {
    cl_long in, out, y, x;
    size_t first;
} weight_walk;

/* conv2d_rows from the padded b->conv_scratch[which] (ins planes an
 * image, of p) into `outs` planes of out_h x out_w an image at to. */
static cocob_status rows(cocob_cl_backend *b, const char *name, const cocob_conv_shape *s,
                         int which, const padding *p, size_t ins, size_t outs, size_t out_h,
                         size_t out_w, cocob_span w, const weight_walk *walk, cocob_span to)
{
    cl_kernel k;
    cocob_status st = cocob_cl_kernel(b, "conv2d.cl", "conv2d_rows", &k);
    if (st != COCOB_OK)
        return st;
    cl_mem xp = b->conv_scratch[which], wm = cocob_cl_mem(w.buf), om = cocob_cl_mem(to.buf);
    const cl_ulong wo = w.off + walk->first, oo = to.off;
    const cl_ulong shape[9] = {s->batch, ins,   outs, s->kernel_h, s->kernel_w,
                               out_h,    out_w, p->h, p->w};
    const cl_long strides[4] = {walk->in, walk->out, walk->y, walk->x};
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof xp, &xp, rc);
    rc = cocob_cl_arg(k, 1, sizeof wm, &wm, rc);
    rc = cocob_cl_arg(k, 2, sizeof wo, &wo, rc);
    rc = cocob_cl_arg(k, 3, sizeof om, &om, rc);
    rc = cocob_cl_arg(k, 4, sizeof oo, &oo, rc);
    for (cl_uint i = 0; i < 9; i++)
        rc = cocob_cl_arg(k, 5 + i, sizeof shape[i], &shape[i], rc);
    for (cl_uint i = 0; i < 4; i++)
        rc = cocob_cl_arg(k, 14 + i, sizeof strides[i], &strides[i], rc);
    if (rc != CL_SUCCESS)
        return arg_failed(&b->base, name, rc);
    /* The op layer (src/ops) has made sure that the tensors' sizes do not
     * overflow, and there are fewer tiles than elements. */
    return tiled(b, k, name, s->batch * out_h * tiles(out_w, ROW_SEG) * tiles(outs, ROW_TM));
}

cocob_status cocob_cl_conv2d(cocob_backend *base, const cocob_conv_shape *s, cocob_span x,
                             cocob_span w, cocob_span y)
{
    if (s->stride == 1) {
        cocob_cl_backend *b = (cocob_cl_backend *)base;
        padding p = input_padding(s);
        size_t window = s->kernel_h * s->kernel_w;
        weight_walk walk = {(cl_long)window, (cl_long)(s->channels * window),
                            (cl_long)s->kernel_w, 1, 0};
        cocob_status st = pad(b, "conv2d", PADDED_X, x, s->batch * s->channels, s->height,
                              s->width, &p);
        if (st != COCOB_OK)
            return st;
        return rows(b, "conv2d", s, PADDED_X, &p, s->channels, s->filters, s->out_h, s->out_w, w,
                    &walk, y);
    }
    const cocob_span operand[3] = {x, w, y};
    return launch(base, "conv2d", s, operand, 0,
                  s->batch * tiles(s->out_h * s->out_w, VW) * tiles(s->filters, TM));
}

cocob_status cocob_cl_conv2d_grad_input(cocob_backend *base, const cocob_conv_shape *s,
                                        cocob_span dy, cocob_span w, cocob_span dx)
{
    /* At stride 1, dx is dy convolved with the kernel turned half a turn,
     * channels and filters swapped, dy padded by the kernel less the
     * padding: a padding as large as the kernel has no such form. */
    if (s->stride == 1 && s->pad < s->kernel_h && s->pad < s->kernel_w) {
        cocob_cl_backend *b = (cocob_cl_backend *)base;
        size_t top = s->kernel_h - 1 - s->pad, left = s->kernel_w - 1 - s->pad;
        padding p = {top, left, s->out_h + 2 * top,
                     tiles(s->width, ROW_SEG) * ROW_SEG + s->kernel_w - 1};
        size_t window = s->kernel_h * s->kernel_w;
        weight_walk walk = {(cl_long)(s->channels * window), (cl_long)window,
                            -(cl_long)s->kernel_w, -1, window - 1};
        cocob_status st = pad(b, "conv2d_grad_input", PADDED_DY, dy, s->batch * s->filters,
                              s->out_h, s->out_w, &p);
        if (st != COCOB_OK)
            return st;
        return rows(b, "conv2d_grad_input", s, PADDED_DY, &p, s->filters, s->channels, s->height,
                    s->width, w, &walk, dx);
    }
    const cocob_span operand[3] = {dy, w, dx};
    return launch(base, "conv2d_grad_input", s, operand, 0,
                  s->batch * tiles(s->height * s->width, VW) * tiles(s->channels, TM));
}

/* The slices' partial sums of dw, at most this many bytes unless dw alone
 * is more, and at most this many slices: enough for a batch's slice to stay
 * in a CPU's cache while its tiles run. */
enum { PARTS_BYTES = 16 << 20, MOST_PARTS = 32 };

/* conv2d_grad_weights_rows into part: x and dy padded, dy only to whole
 * vectors along its rows. */
static cocob_status grad_weights_rows(cocob_cl_backend *b, const cocob_conv_shape *s,
                                      cocob_span dy, cocob_span x, cocob_span part, size_t parts)
{
    const char *name = "conv2d_grad_weights";
    padding px = input_padding(s), pd = {0, 0, s->out_h, tiles(s->out_w, VW) * VW};
    cocob_status st = pad(b, name, PADDED_X, x, s->batch * s->channels, s->height, s->width, &px);
    if (st == COCOB_OK)
        st = pad(b, name, PADDED_DY, dy, s->batch * s->filters, s->out_h, s->out_w, &pd);
    cl_kernel k;
    if (st == COCOB_OK)
        st = cocob_cl_kernel(b, "conv2d.cl", "conv2d_grad_weights_rows", &k);
    if (st != COCOB_OK)
        return st;
    cl_mem dm = b->conv_scratch[PADDED_DY], xm = b->conv_scratch[PADDED_X];
    cl_mem pm = cocob_cl_mem(part.buf);
    const cl_ulong arg[15] = {part.off,    s->batch, s->channels, s->filters, s->kernel_h,
                              s->kernel_w, s->out_h, s->out_w,    pd.h,       pd.w,
                              pd.top,      pd.left,  px.h,        px.w,       parts};
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof dm, &dm, rc);
    rc = cocob_cl_arg(k, 1, sizeof xm, &xm, rc);
    rc = cocob_cl_arg(k, 2, sizeof pm, &pm, rc);
    for (cl_uint i = 0; i < 15; i++)
        rc = cocob_cl_arg(k, 3 + i, sizeof arg[i], &arg[i], rc);
    if (rc != CL_SUCCESS)
        return arg_failed(&b->base, "conv2d_grad_weights_rows", rc);
    return tiled(b, k, "conv2d_grad_weights_rows",
                 parts * tiles(s->filters, GW_FM) * s->channels *
                     tiles(s->kernel_h * s->kernel_w, GW_TAPS));
}

/* One of the kernels that sum dw's part over the slices of the batch. */
static cocob_status grad_weights_part(cocob_cl_backend *b, const cocob_conv_shape *s,
                                      cocob_span dy, cocob_span x, cocob_span part, size_t parts)
{
    if (s->stride == 1)
        return grad_weights_rows(b, s, dy, x, part, parts);
    const cocob_span operand[3] = {dy, x, part};
    return launch(&b->base, "conv2d_grad_weights", s, operand, parts,
                  parts * tiles(s->filters, WM) * s->channels * s->kernel_h * s->kernel_w);
}

cocob_status cocob_cl_conv2d_grad_weights(cocob_backend *base, const cocob_conv_shape *s,
                                          cocob_span dy, cocob_span x, cocob_span dw)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    size_t rows = s->channels * s->kernel_h * s->kernel_w, count = s->filters * rows;
    size_t parts = PARTS_BYTES / (count * sizeof(float));
    if (parts > MOST_PARTS)
        parts = MOST_PARTS;
    if (parts > s->batch)
        parts = s->batch;
    /* One slice needs no sum: its part is dw itself. */
    if (parts <= 1)
        return grad_weights_part(b, s, dy, x, dw, 1);
    cocob_status st = scratch(b, PARTS, parts * count * sizeof(float),
                              "conv2d_grad_weights' partial sums");
    cocob_buffer part = {b->conv_scratch[PARTS], b->conv_scratch_bytes[PARTS]};
    if (st == COCOB_OK)
        st = grad_weights_part(b, s, dy, x, (cocob_span){&part, 0}, parts);
    cl_kernel k;
    if (st == COCOB_OK)
        st = cocob_cl_kernel(b, "conv2d.cl", "conv2d_grad_weights_sum", &k);
    if (st != COCOB_OK)
        return st;
    cl_mem m = b->conv_scratch[PARTS], out = cocob_cl_mem(dw.buf);
    cl_ulong zero = 0, off = dw.off, n = count, slices = parts;
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof m, &m, rc);
    rc = cocob_cl_arg(k, 1, sizeof zero, &zero, rc);
    rc = cocob_cl_arg(k, 2, sizeof out, &out, rc);
    rc = cocob_cl_arg(k, 3, sizeof off, &off, rc);
    rc = cocob_cl_arg(k, 4, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 5, sizeof slices, &slices, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(base, "clSetKernelArg(conv2d_grad_weights_sum)", rc);
    return cocob_cl_launch_1d(b, k, "conv2d_grad_weights_sum", count);
}
