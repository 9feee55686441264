/* Splitting a reference loop over OpenMP threads. */
#include <omp.h>

#include "backend/cpu/cpu.h"

/* Below this many elements of work per thread, the fork and join (a few
 * microseconds on a warm libgomp pool) cost about what the thread saves:
 * measured with bench update and the MLP's ops on 2 cores. */
enum { CPU_MIN_WORK = 32768 };

void cocob_cpu_for(size_t items, size_t cost, cpu_chunk_fn fn, void *arg)
{
    size_t per = cost >= CPU_MIN_WORK ? 1 : CPU_MIN_WORK / (cost ? cost : 1);
    size_t parts = items / per;
    size_t threads = (size_t)omp_get_max_threads();
    if (parts > threads)
        parts = threads;
    if (parts <= 1) {
        fn(arg, 0, items);
        return;
    }
    /* The first items % parts chunks take one item more. */
    size_t q = items / parts, r = items % parts;
    int n = (int)parts;
#pragma omp parallel for num_threads(n) schedule(static, 1)
    for (int k = 0; k < n; k++) {
        size_t kk = (size_t)k;
        size_t first = kk * q + (kk < r ? kk : r);
        fn(arg, first, first + q + (kk < r));
    }
}
