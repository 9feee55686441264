/* The GEMM parameters file's parser (base/gemm_file.c) on arbitrary text,
 * against a CPU's limits and a GPU's, with and without CLBlast. What it
 * accepts must be within those limits, and a refusal must say why. */
#include <stdlib.h>
#include <string.h>

#include "base/gemm_file.h"
#include "fuzz_common.h"

static int tile_within(const cocob_gemm_tile *t, const cocob_gemm_limits *lim)
{
    size_t max_group = lim->max_group ? lim->max_group : 1024;
    return t->tm >= 1 && t->nv >= 1 && t->tm * t->nv <= 64 &&
           (t->vw == 4 || t->vw == 8 || t->vw == 16) && t->group <= max_group &&
           (!lim->group_private_bytes ||
            t->group * cocob_gemm_tile_private_bytes(t) <= lim->group_private_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const cocob_gemm_limits limits[] = {
        {"device fuzz | 1 | 2", 4096, 524288, 0},
        {"device fuzz | 1 | 2", 1024, 0, 1},
        {"device fuzz | 1 | 2", 0, 65536, 1},
    };
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        cocob_gemm_params p;
        char why[512] = "";
        if (cocob_gemm_file_parse((const char *)data, size, &limits[i], &p, why, sizeof why)) {
            if (p.clblast
                    ? !limits[i].have_clblast
                    : !tile_within(&p.outer, &limits[i]) || !tile_within(&p.dot, &limits[i]))
                abort();
        } else if (why[0] == '\0' || !memchr(why, '\0', sizeof why)) {
            abort();
        }
    }
    return 0;
}
