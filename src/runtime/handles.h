/* The structs behind the public handles, shared by runtime, nn, train, optim and data. */
#ifndef COCOB_RUNTIME_HANDLES_H
#define COCOB_RUNTIME_HANDLES_H

#include "backend/backend.h"
#include "base/error.h"
#include "base/log.h"

#include "backend/registry.h"

/* The devices one registry entry listed: infos[first, first + count). */
typedef struct cocob_device_group {
    const cocob_backend_reg *reg;
    void *own; /* what its list_devices gave, for its create */
    size_t first, count;
} cocob_device_group;

struct cocob_device_list {
    /* In registry order, so infos[0] is ref */
    cocob_device_info *infos;
    size_t count;
    cocob_device_group *groups; /* one per registry entry */
    size_t group_count;
    char note[512];
    cocob_error err;
};

/* Fills list, writing failures to err. */
cocob_status cocob_device_list_fill(cocob_device_list *list, cocob_error *err);
void cocob_device_list_clear(cocob_device_list *list);
/* The group, so the backend, of the list's device index (< list->count). */
const cocob_device_group *cocob_device_group_of(const cocob_device_list *list, size_t index);

struct cocob_context {
    cocob_error err;
    cocob_logger log;
    cocob_backend *backend; /* NULL when creation failed */
    /* The registry entry that made backend; NULL when backend is the
     * verifying one, which no entry made: a feature such as GEMM tuning
     * is then refused, as a device's own. */
    const cocob_backend_reg *reg;
};

struct cocob_tensor {
    cocob_context *ctx;
    cocob_buffer *buf;
    size_t count;
    /* A model's parameters (or gradients) in one arena: the lengths of its
     * tensors, in order, which the tensor owns; L-DoG's layers. NULL and 0
     * for a plain tensor. */
    size_t *pieces;
    size_t piece_count;
};

#endif
