/* `cocob train`'s optimizer flags: --optimizer and the settings, each
 * checked against the chosen optimizer once every flag is read. */
#ifndef COCOB_OPTIMIZER_FLAGS_H
#define COCOB_OPTIMIZER_FLAGS_H

#include <stdio.h>

#include "cocob/cocob.h"

enum { OPTIMIZER_FLAG_COUNT = 23 };

typedef struct optimizer_flags {
    const char *optimizer;                   /* --optimizer; NULL is COCOB */
    const char *value[OPTIMIZER_FLAG_COUNT]; /* each flag's text, NULL when not given */
} optimizer_flags;

/* The flags' lines for a usage message, each with the optimizers that
 * read its setting. */
void optimizer_flags_usage(FILE *out);

/* How many arguments flag (with value, the next, or NULL) takes up when it
 * is one of these: 0 when it is not, -1 after printing to err why it is wrong. */
int optimizer_flag(optimizer_flags *f, const char *flag, const char *value, FILE *err);

/* The configuration the flags ask for; 0 after printing to err what is wrong: an
 * unknown optimizer, a number that is not one, a flag the optimizer has
 * no use for, or --lr with COCOB. */
int optimizer_flags_config(const optimizer_flags *f, cocob_optimizer_config *cfg, FILE *err);

#endif
