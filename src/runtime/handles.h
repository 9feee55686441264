/* The structs behind the public handles, shared by runtime, nn, train, optim and data. */
#ifndef COCOB_RUNTIME_HANDLES_H
#define COCOB_RUNTIME_HANDLES_H

#include "backend/backend.h"
#include "base/error.h"
#include "base/log.h"

#ifdef COCOB_HAVE_OPENCL
#include "backend/opencl/opencl.h"
#endif
#ifdef COCOB_HAVE_CPU
#include "backend/cpu/cpu.h"
#endif

struct cocob_device_list {
    /* infos[0] is ref; then the cpu backend, where built; then one per
     * OpenCL device */
    cocob_device_info *infos;
    size_t count;
#ifdef COCOB_HAVE_OPENCL
    cocob_cl_device *cl;        /* cl[i] is infos[cl_first + i] */
    size_t cl_first;
#endif
    char note[512];
    cocob_error err;
};

/* Fills list, writing failures to err. */
cocob_status cocob_device_list_fill(cocob_device_list *list, cocob_error *err);
void cocob_device_list_clear(cocob_device_list *list);

struct cocob_context {
    cocob_error err;
    cocob_logger log;
    cocob_backend *backend;     /* NULL when creation failed */
};

struct cocob_tensor {
    cocob_context *ctx;
    cocob_buffer *buf;
    size_t count;
};

#endif
