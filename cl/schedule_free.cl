/* Schedule-Free SGD and AdamW, one fused pass, or the evaluation point
 * alone where grad is NULL. Its twin is cocob_ref_schedule_free_update in
 * src/backend/ref/schedule_free.c, which gives the formula; the two keep
 * the same order of operations, so that they agree to the last bit where
 * division and square root are correctly rounded. exp_avg_sq NULL is SGD. */

/* A fused a * b + c rounds once where the reference rounds twice. */
#pragma OPENCL FP_CONTRACT OFF

/* torch's lerp: exact at c = 1, where it gives b. */
static float sf_lerp(float a, float b, float c)
{
    return fabs(c) < 0.5f ? a + c * (b - a) : b - (b - a) * (1.0f - c);
}

__kernel void schedule_free_update(__global float *w, ulong w_offset,
                                   __global const float *grad, ulong grad_offset,
                                   __global float *z, __global float *exp_avg_sq,
                                   ulong state_offset, ulong n, float ckp1, float y_step,
                                   float lr, float weight_decay, float beta2,
                                   float one_minus_beta2, float bias_correction2, float eps,
                                   __global const int *skip, ulong skip_offset)
{
    ulong i = get_global_id(0);
    /* The guard: flag_nonfinite found a NaN or infinity in this step. */
    if (i >= n || (skip && skip[skip_offset]))
        return;
    __global float *wi = w + w_offset + i;
    ulong s = state_offset + i;
    float y = *wi, zv = z[s];
    if (!grad) {
        *wi = sf_lerp(y, zv, ckp1);
        return;
    }
    float g = grad[grad_offset + i];
    if (exp_avg_sq) {
        float v = exp_avg_sq[s] * beta2 + one_minus_beta2 * g * g;
        exp_avg_sq[s] = v;
        g = g / (sqrt(v / bias_correction2) + eps);
    }
    g = g + weight_decay * y;
    float yv = sf_lerp(y, zv, ckp1);
    *wi = yv + y_step * g;
    z[s] = zv - lr * g;
}
