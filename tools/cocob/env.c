/* The settings that OpenBLAS and libgomp read once, as they load, before
 * main runs: the command sets what is missing and starts itself again. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

void cli_restart_tuned(char **argv)
{
    /* Once: the restarted process sees this and goes on. */
    if (getenv("COCOB_RESTARTED"))
        return;
    int changed = 0;
    /* Idle OpenMP threads spin by default, and then steal the cores from
     * OpenBLAS and from the next loop (PyTorch's advice is the same). */
    if (!getenv("OMP_WAIT_POLICY")) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        changed = 1;
    }
    const char *core = cocob_openblas_coretype_hint();
    if (core && !getenv("OPENBLAS_CORETYPE")) {
        setenv("OPENBLAS_CORETYPE", core, 1);
        changed = 1;
    }
    if (!changed)
        return;
    setenv("COCOB_RESTARTED", "1", 1);
    execv("/proc/self/exe", argv);
    /* Not fatal: the run goes on, only slower, and the cpu device says why. */
    perror("cocob: cannot restart with OMP_WAIT_POLICY and OPENBLAS_CORETYPE set");
}
