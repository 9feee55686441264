/* relu, tanh and sigmoid, and their gradients written from y = f(x). Twins:
 * activation_ref and activation_grad_ref in src/backend/ref/activation.c.
 * kind is a cocob_activation: 0 relu, 1 tanh, 2 sigmoid.
 *
 * relu and every gradient are the reference's operations in its order, so
 * they agree bit for bit. tanh and exp are not correctly rounded in OpenCL C
 * (the spec allows a few ulp), nor in the C library, so tanh and sigmoid
 * agree with the reference only to a few ulp: tests/test_activation.c
 * measures how many. */

/* The gradients multiply then subtract; the reference rounds each step. */
#pragma OPENCL FP_CONTRACT OFF

#define ACT_RELU 0
#define ACT_TANH 1
#define ACT_SIGMOID 2

/* exp of a non-positive number only, so it never overflows. */
float sigmoid(float x)
{
    if (x >= 0.0f)
        return 1.0f / (1.0f + exp(-x));
    float e = exp(x);
    return e / (1.0f + e);
}

__kernel void activation(int kind, __global const float *x, ulong x_off, __global float *y,
                         ulong y_off, ulong n)
{
    ulong i = get_global_id(0);
    if (i >= n)
        return;
    float v = x[x_off + i];
    if (kind == ACT_RELU)
        v = v < 0.0f ? 0.0f : v;   /* a NaN passes through */
    else if (kind == ACT_TANH)
        v = tanh(v);
    else
        v = sigmoid(v);
    y[y_off + i] = v;
}

__kernel void activation_grad(int kind, __global const float *y, ulong y_off,
                              __global const float *dy, ulong dy_off, __global float *dx,
                              ulong dx_off, ulong n)
{
    ulong i = get_global_id(0);
    if (i >= n)
        return;
    float v = y[y_off + i], g = dy[dy_off + i];
    if (kind == ACT_RELU)
        g = v > 0.0f ? g : 0.0f;
    else if (kind == ACT_TANH)
        g = g * (1.0f - v * v);
    else
        g = g * (v * (1.0f - v));
    dx[dx_off + i] = g;
}
