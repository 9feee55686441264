/* relu, tanh, sigmoid and the identity, and their gradients written from
 * y = f(x). Twins: activation_ref and activation_grad_ref in
 * src/backend/ref/activation.c. f itself is activation_apply, in
 * cl/activation_fn.cl.
 *
 * relu and every gradient are the reference's operations in its order, so
 * they agree bit for bit. tanh and exp are not correctly rounded in OpenCL C
 * (the spec allows a few ulp), nor in the C library, so tanh and sigmoid
 * agree with the reference only to a few ulp: tests/test_activation.c
 * measures how many. */

/* The gradients multiply then subtract; the reference rounds each step. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void activation(int kind, __global const float *x, ulong x_off, __global float *y,
                         ulong y_off, ulong n)
{
    ulong i = get_global_id(0);
    if (i >= n)
        return;
    y[y_off + i] = activation_apply(kind, x[x_off + i]);
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
    else if (kind == ACT_SIGMOID)
        g = g * (v * (1.0f - v));
    dx[dx_off + i] = g;
}
