/* `mpirun -np N cocob train`: MPI's communicator behind cocob_train's hook
 * (cocob_train_options.comm). Built only with MPI (-DCOCOB_MPI); the library
 * knows nothing of MPI. */
#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"

static cocob_comm world;
static int started, together;

static int allreduce_sum(float *values, size_t count, void *user)
{
    (void)user;
    /* MPI counts are ints: a larger model is summed in slices. */
    while (count) {
        int now = count > INT_MAX ? INT_MAX : (int)count;
        if (MPI_Allreduce(MPI_IN_PLACE, values, now, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD) !=
            MPI_SUCCESS)
            return 1;
        values += now;
        count -= (size_t)now;
    }
    return 0;
}

static int agree(uint64_t value, int *differs, void *user)
{
    (void)user;
    uint64_t *all = malloc((size_t)world.size * sizeof *all);
    int rc = !all || MPI_Allgather(&value, 1, MPI_UINT64_T, all, 1, MPI_UINT64_T,
                                   MPI_COMM_WORLD) != MPI_SUCCESS;
    *differs = -1;
    for (int r = 1; !rc && r < world.size && *differs < 0; r++)
        if (all[r] != all[0])
            *differs = r;
    free(all);
    return rc;
}

/* Open MPI's, MPICH's and PMIx's launchers say so in the environment; run
 * alone, the command stays a plain process and MPI is never started. */
static int launched(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

const cocob_comm *cli_mpi_start(int *local_rank, int *local_ranks)
{
    *local_rank = 0;
    *local_ranks = 1;
    if (!launched())
        return NULL;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS)
        return NULL;
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_rank(node, local_rank);
        MPI_Comm_size(node, local_ranks);
        MPI_Comm_free(&node);
    }
    world.allreduce_sum = allreduce_sum;
    world.agree = agree;
    /* One rank is one process: no sum is worth its copies. */
    return world.size > 1 ? &world : NULL;
}

void cli_mpi_together(void)
{
    together = 1;
}

void cli_mpi_end(int status)
{
    if (!started)
        return;
    /* The other ranks may be waiting in a sum for this one: only an abort
     * ends them. */
    if (status != 0 && world.size > 1 && !together) {
        fprintf(stderr, "cocob train: rank %d of %d failed (exit status %d): ending every rank\n",
                world.rank, world.size, status);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, status);
    }
    MPI_Finalize();
}
