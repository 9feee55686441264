/* The GEMM parameters file's text: see gemm_file.h. Whatever does not parse
 * exactly, or asks for more than the device allows, is rejected whole, with
 * the line and the field at fault. */
#include "base/gemm_file.h"

#include <stdio.h>
#include <string.h>

#include "base/checked.h"
#include "base/number.h"

/* Tiles past these would not fit any device's registers; past them is a
 * damaged file, not a choice. */
#define TILE_MAX_TM 16
#define TILE_MAX_NV 8
#define TILE_MAX_ELEMENTS 64
#define DEFAULT_MAX_GROUP 1024

size_t cocob_gemm_tile_private_bytes(const cocob_gemm_tile *t)
{
    /* As cl/gemm.cl declares them: the tile of partial sums, a vector of
     * each operand per row and column (or a row of op(B) and a staging row),
     * and a row index or pointer per row and column. */
    size_t floats = (size_t)t->vw * ((size_t)t->tm * t->nv + t->tm + 2 * (size_t)t->nv);
    return floats * sizeof(float) + ((size_t)t->tm + t->nv) * 8;
}

int cocob_gemm_tile_fits(const cocob_gemm_tile *t, const char *form, const cocob_gemm_limits *lim,
                         char *why, size_t cap)
{
    size_t max_group = lim->max_group ? lim->max_group : DEFAULT_MAX_GROUP;
    if (t->tm < 1 || t->tm > TILE_MAX_TM || t->nv < 1 || t->nv > TILE_MAX_NV) {
        snprintf(why, cap,
                 "its %s tile's rows (tm) %u or vectors (nv) %u is outside 1..%d, 1..%d", form,
                 t->tm, t->nv, TILE_MAX_TM, TILE_MAX_NV);
        return 0;
    }
    if (t->group > max_group) {
        snprintf(why, cap, "its %s tile's group of %u work-items is over the device's %zu", form,
                 t->group, max_group);
        return 0;
    }
    if (t->vw != 4 && t->vw != 8 && t->vw != 16) {
        snprintf(why, cap, "its %s tile's vector width (vw) %u is none of 4, 8, 16", form, t->vw);
        return 0;
    }
    if (t->tm * t->nv > TILE_MAX_ELEMENTS) {
        snprintf(why, cap, "its %s tile's rows times vectors (tm x nv) %u is over %d", form,
                 t->tm * t->nv, TILE_MAX_ELEMENTS);
        return 0;
    }
    size_t group_bytes;
    if (lim->group_private_bytes &&
        (!size_mul(t->group, cocob_gemm_tile_private_bytes(t), &group_bytes) ||
         group_bytes > lim->group_private_bytes)) {
        snprintf(why, cap,
                 "its %s tile's group of %u work-items would hold %zu bytes of private "
                 "arrays each, more than the %zu bytes this device allows a group",
                 form, t->group, cocob_gemm_tile_private_bytes(t), lim->group_private_bytes);
        return 0;
    }
    return 1;
}

int cocob_gemm_params_fit(const cocob_gemm_params *p, const cocob_gemm_limits *lim, char *why,
                          size_t cap)
{
    if (p->clblast) {
        if (!lim->have_clblast)
            snprintf(why, cap, "it names CLBlast, which this build lacks");
        return lim->have_clblast;
    }
    return cocob_gemm_tile_fits(&p->outer, "outer", lim, why, cap) &&
           cocob_gemm_tile_fits(&p->dot, "dot", lim, why, cap);
}

/* The next line of text, without its newline, into line (NUL-terminated);
 * 0 at the end, on a line without a newline, with a NUL in it or too long. */
static int next_line(const char **text, const char *end, char *line, size_t cap)
{
    const char *nl = memchr(*text, '\n', (size_t)(end - *text));
    size_t n = nl ? (size_t)(nl - *text) : 0;
    if (!nl || n >= cap || memchr(*text, '\0', n))
        return 0;
    memcpy(line, *text, n);
    line[n] = '\0';
    *text = nl + 1;
    return 1;
}

/* "outer 4 2 16 1" and the like, exactly: one blank before each field. */
static int parse_tile(const char *line, const char *form, const cocob_gemm_limits *lim,
                      cocob_gemm_tile *t, char *why, size_t cap)
{
    size_t n = strlen(form);
    if (strncmp(line, form, n) != 0 || line[n] != ' ') {
        snprintf(why, cap, "its %s tile line is missing", form);
        return 0;
    }
    size_t max_group = lim->max_group ? lim->max_group : DEFAULT_MAX_GROUP;
    static const char *const names[] = {"rows (tm)", "vectors (nv)", "vector width (vw)",
                                        "group"};
    const uint64_t most[] = {TILE_MAX_TM, TILE_MAX_NV, 16, max_group};
    unsigned *fields[] = {&t->tm, &t->nv, &t->vw, &t->group};
    const char *p = line + n;
    for (int i = 0; i < 4; i++) {
        uint64_t v = 0;
        if (*p != ' ' || cocob_number_u64(p + 1, &p, i < 3, most[i], &v) != COCOB_NUMBER_OK) {
            snprintf(why, cap, "its %s tile's %s is missing or not a number from %d to %llu",
                     form, names[i], i < 3, (unsigned long long)most[i]);
            return 0;
        }
        *fields[i] = (unsigned)v;
    }
    if (*p != '\0') {
        snprintf(why, cap, "its %s tile line goes on past its four fields", form);
        return 0;
    }
    return cocob_gemm_tile_fits(t, form, lim, why, cap);
}

int cocob_gemm_file_parse(const char *text, size_t len, const cocob_gemm_limits *lim,
                          cocob_gemm_params *out, char *why, size_t why_cap)
{
    const char *p = text, *end = text + len;
    char line[1024];
    cocob_gemm_params got = {0};
    int ok = 0;
    if (!next_line(&p, end, line, sizeof line) || strcmp(line, COCOB_GEMM_FILE_HEADER) != 0)
        snprintf(why, why_cap, "its first line is not \"" COCOB_GEMM_FILE_HEADER "\"");
    else if (!next_line(&p, end, line, sizeof line) || strcmp(line, lim->device) != 0)
        snprintf(why, why_cap, "it is for another device or driver");
    else if (!next_line(&p, end, line, sizeof line))
        snprintf(why, why_cap, "it ends after the device line");
    else if (strcmp(line, "clblast") == 0) {
        got.clblast = 1;
        ok = cocob_gemm_params_fit(&got, lim, why, why_cap);
    } else if (!parse_tile(line, "outer", lim, &got.outer, why, why_cap)) {
        /* parse_tile has said why */
    } else if (!next_line(&p, end, line, sizeof line)) {
        snprintf(why, why_cap, "its dot tile line is missing or cut short");
    } else {
        ok = parse_tile(line, "dot", lim, &got.dot, why, why_cap);
    }
    if (ok && p != end) {
        snprintf(why, why_cap, "it goes on past its last line");
        ok = 0;
    }
    if (ok)
        *out = got;
    return ok;
}
