/* printf and fprintf fail quietly on a full disk or a closed pipe, and a
 * buffered stream fails only when it is flushed: every output the command
 * writes is flushed and its error flag read before success is reported. */
#include <errno.h>
#include <inttypes.h>
#include <sys/resource.h>

#include "cli.h"

int cli_flush(FILE *f)
{
    errno = 0;
    if (fflush(f) == 0 && !ferror(f))
        return 0;
    /* A stream whose failed write was reported before keeps its error flag,
     * but not the reason. */
    return errno ? errno : EIO;
}

void cli_print_memory(const cocob_context *ctx)
{
    struct rusage u;
    uint64_t peak;
    cocob_context_device_bytes(ctx, NULL, &peak);
    /* Linux gives ru_maxrss in KiB. */
    double rss = getrusage(RUSAGE_SELF, &u) == 0 ? (double)u.ru_maxrss / 1024 : -1;
    printf("memory   peak RSS %.1f MiB; device buffers at most %.1f MiB (%" PRIu64 " bytes)\n",
           rss, (double)peak / (1 << 20), peak);
}
