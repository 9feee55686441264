/* The text of a GEMM parameters file (`cocob tune`'s result, kept beside the
 * program cache), parsed and checked against a device's limits: the one
 * parser, with no OpenCL in it, so that the fuzzer runs it too.
 *
 *   cocob gemm parameters 1
 *   device <name> | <driver version> | <platform version>
 *   outer 4 2 16 1
 *   dot 4 2 16 1
 *
 * (tm nv vw group, as in cocob_gemm_tile) or "clblast" in place of the last
 * two lines. */
#ifndef COCOB_BASE_GEMM_FILE_H
#define COCOB_BASE_GEMM_FILE_H

#include <stddef.h>

#define COCOB_GEMM_FILE_HEADER "cocob gemm parameters 1"

/* A work-item's tile in cl/gemm.cl: tm rows by nv vectors of vw floats in
 * the outer-product form, tm x nv elements of C, each a vector of vw partial
 * sums, in the dot-product form; group work-items per group along M, 0
 * leaving that to the driver. */
typedef struct cocob_gemm_tile {
    unsigned tm, nv, vw, group;
} cocob_gemm_tile;

/* How gemm runs on a device: CLBlast's GEMM, or cl/gemm.cl with these tiles. */
typedef struct cocob_gemm_params {
    int clblast;           /* the tiles are then unused */
    cocob_gemm_tile outer; /* gemm_nn, gemm_tn, gemm_tt */
    cocob_gemm_tile dot;   /* gemm_nt */
} cocob_gemm_params;

/* What a file must agree with. */
typedef struct cocob_gemm_limits {
    const char *device;         /* the device line the file must hold, exactly */
    size_t max_group;           /* CL_DEVICE_MAX_WORK_GROUP_SIZE; 0, unknown, is 1024 */
    size_t group_private_bytes; /* a group's private arrays at most; 0 binds nothing */
    int have_clblast;           /* whether "clblast" can be used */
} cocob_gemm_limits;

/* The bytes of private arrays one work-item of cl/gemm.cl holds with tile t. */
size_t cocob_gemm_tile_private_bytes(const cocob_gemm_tile *t);

/* Whether tile t of the form named (outer, dot), or all of p, is within lim
 * and what cl/gemm.cl takes; else 0 with why saying what is at fault. A file
 * and the built-in table are both held to this. */
int cocob_gemm_tile_fits(const cocob_gemm_tile *t, const char *form, const cocob_gemm_limits *lim,
                         char *why, size_t cap);
int cocob_gemm_params_fit(const cocob_gemm_params *p, const cocob_gemm_limits *lim, char *why,
                          size_t cap);

/* Parses len bytes of text into *out. 1 when the file is whole and within
 * lim; else 0 with why saying which line or field is at fault. */
int cocob_gemm_file_parse(const char *text, size_t len, const cocob_gemm_limits *lim,
                          cocob_gemm_params *out, char *why, size_t why_cap);

#endif
