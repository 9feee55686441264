/* The training monitor's bookkeeping, for cocob_train (see
 * cocob_tensor_stats in cocob.h for what it measures). */
#ifndef COCOB_TRAIN_MONITOR_H
#define COCOB_TRAIN_MONITOR_H

#include "nn/model.h"

typedef struct monitor {
    size_t count;
    cocob_tensor_stats *rows;
    cocob_buffer *start, *before; /* the weights at the start, and before the step */
    float *host[3];               /* a tensor's weights after, before, and gradient */
    float *ratios;
} monitor;

/* Names the tensors and keeps the weights as they are now, the start. */
cocob_status cocob_monitor_open(monitor *mo, cocob_model *m);
/* Keeps the weights before the step to be measured. */
cocob_status cocob_monitor_mark(monitor *mo, cocob_model *m);
/* Measures every tensor after that step. */
cocob_status cocob_monitor_measure(monitor *mo, cocob_model *m, const cocob_optimizer *opt);
void cocob_monitor_close(monitor *mo, cocob_model *m);

#endif
