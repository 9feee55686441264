/* The first index of each row's maximum. Twin: argmax_ref in
 * src/backend/ref/argmax.c, with the same comparisons, so the two agree
 * exactly. One work-item per row. */

/* Only a strictly larger value takes over, so the first maximum wins a tie;
 * a NaN counts as larger than any number. */
__kernel void argmax(__global const float *x, ulong x_off, __global int *out, ulong out_off,
                     ulong rows, ulong cols)
{
    ulong r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *row = x + x_off + r * cols;
    ulong best = 0;
    for (ulong c = 1; c < cols; c++)
        if (row[c] > row[best] || (isnan(row[c]) && !isnan(row[best])))
            best = c;
    out[out_off + r] = (int)best;
}
