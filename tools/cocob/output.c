/* printf and fprintf fail quietly on a full disk or a closed pipe, and a
 * buffered stream fails only when it is flushed: every output the command
 * writes is flushed and its error flag read before success is reported. */
#include <errno.h>

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
