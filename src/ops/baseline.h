/* What the baselines' steps' validation shares. */
#ifndef COCOB_OPS_BASELINE_H
#define COCOB_OPS_BASELINE_H

#include "backend/backend.h"

/* Checks one step of a baseline, op, whose state k is called state[k] in
 * messages; the first required of them must be given, the others may be
 * NULL, and are then not read. w and each state are read and written in
 * place, one element per work-item; none may overlap another, nor the
 * gradient, which the reference's restrict pointers promise. */
cocob_status cocob_ops_baseline_validate(cocob_error *err, const char *op,
                                         const cocob_baseline_args *a,
                                         const char *const state[COCOB_BASELINE_MAX_STATES],
                                         int required);

#endif
