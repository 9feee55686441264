/* `cocob train --monitor`: a compact table per parameter tensor, the
 * optimizer's own scalars (KT's wealth, ...), and the same figures as
 * columns of the CSV log. */
#include <math.h>
#include <stdio.h>

#include "cli.h"

static const char *const stat_names[] = {"g_min",   "g_mean",    "g_max",  "L_mean", "L_max",
                                         "lr_mean", "lr_median", "lr_max", "w_norm", "drift"};
enum { STATS = sizeof stat_names / sizeof *stat_names };

static void values(const cocob_tensor_stats *t, double v[STATS])
{
    const double all[STATS] = {t->g_min,   t->g_mean,    t->g_max,  t->L_mean, t->L_max,
                               t->lr_mean, t->lr_median, t->lr_max, t->w_norm, t->drift};
    for (int k = 0; k < STATS; k++)
        v[k] = all[k];
}

void cli_monitor_header(FILE *csv, const cocob_model *m, const cocob_optimizer *opt)
{
    char name[48];
    for (size_t i = 0; i < cocob_model_tensor_count(m); i++) {
        cocob_model_tensor_name(m, i, name, sizeof name);
        for (int k = 0; k < STATS; k++)
            fprintf(csv, ",%s.%s", name, stat_names[k]);
    }
    for (size_t k = 0; k < cocob_optimizer_scalar_count(opt); k++)
        fprintf(csv, ",opt.%s", cocob_optimizer_scalar_name(opt, k));
}

void cli_monitor_columns(FILE *csv, const cocob_monitor_report *r, size_t tensors,
                         const float *scalars, size_t scalar_count)
{
    for (size_t i = 0; i < tensors; i++) {
        double v[STATS];
        if (r)
            values(&r->tensors[i], v);
        for (int k = 0; k < STATS; k++) {
            if (r && !isnan(v[k]))
                fprintf(csv, ",%.6g", v[k]);
            else
                fputc(',', csv);
        }
    }
    for (size_t k = 0; k < scalar_count; k++) {
        if (r && scalars && !isnan(scalars[k]))
            fprintf(csv, ",%.6g", (double)scalars[k]);
        else
            fputc(',', csv);
    }
}

/* The scalars are read here, at the monitor's points only: the read waits
 * for the device, which a step never does. NaN where they cannot be read. */
void cli_monitor_read_scalars(const cocob_optimizer *opt, float *out, size_t count)
{
    if (count && cocob_optimizer_read_scalars(opt, out, count) != COCOB_OK)
        for (size_t k = 0; k < count; k++)
            out[k] = NAN;
}

void cli_monitor_print(const cocob_monitor_report *r, const cocob_optimizer *opt,
                       const float *scalars, size_t scalar_count)
{
    printf("monitor  epoch %zu step %zu (%zu in all)\n", r->epoch, r->step, r->total_steps);
    printf("  %-14s %29s %19s %29s %9s %9s\n", "tensor", "|g| min / mean / max", "L mean / max",
           "step/|g| mean / median / max", "||w||", "drift");
    for (size_t i = 0; i < r->count; i++) {
        const cocob_tensor_stats *t = &r->tensors[i];
        char L[32] = "-";
        if (!isnan(t->L_mean))
            snprintf(L, sizeof L, "%.2e %.2e", t->L_mean, t->L_max);
        printf("  %-14s %9.2e %9.2e %9.2e %19s %9.2e %9.2e %9.2e %9.3g %9.3g\n", t->name,
               t->g_min, t->g_mean, t->g_max, L, t->lr_mean, t->lr_median, t->lr_max, t->w_norm,
               t->drift);
    }
    if (scalar_count) {
        printf("  %-14s", "optimizer");
        for (size_t k = 0; k < scalar_count; k++)
            printf(" %s %.4g", cocob_optimizer_scalar_name(opt, k), (double)scalars[k]);
        printf("\n");
    }
    fflush(stdout);
}
