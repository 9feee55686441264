/* bias_add, activation and activation_grad on the cpu backend for the
 * identity and ReLU: ref's expressions, written inline in loops that the
 * compiler vectorises, where ref calls cocob_ref_activation_apply once per
 * element. Vectorising reorders nothing here, so the results are ref's to
 * the bit; tanh and sigmoid, whose time is in expf and tanhf, stay ref's.
 * bias_grad keeps ref's order of each sum too. */
#include "backend/cpu/cpu.h"
#include "backend/ref/ref.h"

static int inline_activation(cocob_activation f)
{
    return f == COCOB_ACT_IDENTITY || f == COCOB_ACT_RELU;
}

/* y may be x itself. */
static void add_row(cocob_activation f, const float *x, float b, float *y, size_t n)
{
    if (f == COCOB_ACT_RELU)
        for (size_t i = 0; i < n; i++) {
            float v = x[i] + b;
            y[i] = v < 0.0f ? 0.0f : v;
        }
    else
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] + b;
}

void cocob_cpu_bias_add_rows(cocob_activation f, const float *x, const float *bias, float *y,
                             size_t outer, size_t channels, size_t inner)
{
    if (!inline_activation(f)) {
        cocob_ref_bias_add(f, x, bias, y, outer, channels, inner);
        return;
    }
    if (inner == 1) {
        for (size_t o = 0; o < outer; o++, x += channels, y += channels)
            for (size_t c = 0; c < channels; c++) {
                float v = x[c] + bias[c];
                y[c] = f == COCOB_ACT_RELU && v < 0.0f ? 0.0f : v;
            }
        return;
    }
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++, x += inner, y += inner)
            add_row(f, x, bias[c], y, inner);
}

void cocob_cpu_activation_run(cocob_activation f, const float *x, float *y, size_t n)
{
    if (f != COCOB_ACT_RELU) {
        cocob_ref_activation(f, x, y, n);
        return;
    }
    /* Not add_row with a bias of 0: x + 0 turns a -0 into +0. */
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

void cocob_cpu_activation_grad_run(cocob_activation f, const float *y, const float *dy, float *dx,
                                   size_t n)
{
    if (f != COCOB_ACT_RELU) {
        cocob_ref_activation_grad(f, y, dy, dx, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

/* Channels whose sums bias_grad runs side by side. */
enum { CHAINS = 8 };

/* CHAINS channels' sums from row (each channel's inner floats one after the
 * other, the next channel's row stride on), each adding in ref's order. */
static void sum_chains(const float *row, size_t stride, size_t outer, size_t inner,
                       float acc[CHAINS])
{
    for (int j = 0; j < CHAINS; j++)
        acc[j] = 0.0f;
    for (size_t o = 0; o < outer; o++, row += stride)
        for (size_t i = 0; i < inner; i++)
            for (int j = 0; j < CHAINS; j++)
                acc[j] += row[(size_t)j * inner + i];
}

void cocob_cpu_bias_grad_channels(const float *dy, float *db, size_t outer, size_t channels,
                                  size_t inner, size_t first, size_t end)
{
    size_t c = first;
    for (; c + CHAINS <= end; c += CHAINS) {
        float acc[CHAINS];
        sum_chains(dy + c * inner, channels * inner, outer, inner, acc);
        for (int j = 0; j < CHAINS; j++)
            db[c + (size_t)j] = acc[j];
    }
    if (c < end)
        cocob_ref_bias_grad_channels(dy, db, outer, channels, inner, c, end);
}
