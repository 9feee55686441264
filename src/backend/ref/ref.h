/* The reference ops: plain C99 loops on host arrays, written to be read.
 * They are the spec that every kernel is checked against, so each keeps
 * the formulas in the order DESIGN.md gives them. */
#ifndef COCOB_REF_H
#define COCOB_REF_H

#include <stddef.h>

/* One COCOB-Backprop step; cl/cocob.cl holds its twin. */
void cocob_update_ref(float *w, const float *grad, float *w1, float *L, float *G,
                      float *reward, float *theta, size_t n, float alpha,
                      float weight_decay);

/* How many of x[0..n) are NaN or infinite; cl/nonfinite.cl holds its twin. */
size_t count_nonfinite_ref(const float *x, size_t n);

/* a = b + s * c; cl/triad.cl holds its twin. */
void triad_ref(float *a, const float *b, const float *c, float s, size_t n);

#endif
