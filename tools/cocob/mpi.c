/* `mpirun -np N cocob train`: MPI's communicator behind cocob_train's hook
 * (cocob_train_options.comm). Built only with MPI (-DCOCOB_MPI); the library
 * knows nothing of MPI. */
#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static cocob_comm world;
static int started, together;
/* The ordered sum's buffers, kept from step to step: every step sums the
 * same count. */
static float *chunks, *received;
static size_t held;

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

/* A bucket's sum in flight: an MPI_Iallreduce. A bucket beyond an int's
 * count is summed at once, blocking, as allreduce_sum does. */
static int start_sum(float *values, size_t count, void **request, void *user)
{
    *request = NULL;
    if (count > INT_MAX)
        return allreduce_sum(values, count, user);
    MPI_Request *r = malloc(sizeof *r);
    if (!r || MPI_Iallreduce(MPI_IN_PLACE, values, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD,
                             r) != MPI_SUCCESS) {
        free(r);
        return 1;
    }
    *request = r;
    return 0;
}

static int finish_sum(void *request, int wait, int *done, void *user)
{
    (void)user;
    MPI_Request *r = request;
    int rc = wait ? MPI_Wait(r, MPI_STATUS_IGNORE) : MPI_Test(r, done, MPI_STATUS_IGNORE);
    if (wait)
        *done = 1;
    if (rc != MPI_SUCCESS || *done)
        free(r);
    return rc != MPI_SUCCESS;
}

/* The largest chunk a rank sums at once: MPI counts are ints, and with
 * 2^24 floats a slice's buffers stay below 128 MiB a rank each. */
#define CHUNK_MAX ((size_t)1 << 24)

/* --deterministic: a reduce-scatter by hand. Rank j receives chunk j of
 * every rank's values and adds them in rank order, ((v0 + v1) + v2) + ...,
 * then every rank gathers the summed chunks. The bits then follow from the
 * values alone, whatever algorithm MPI_Allreduce would have picked for the
 * job's size, the message's length or the network; the traffic is a ring
 * allreduce's, 2 (N - 1) / N of the values a rank. */
static int ordered_sum(float *values, size_t count, void *user)
{
    (void)user;
    size_t ranks = (size_t)world.size, me = (size_t)world.rank;
    while (count) {
        size_t chunk = (count + ranks - 1) / ranks;
        chunk = chunk < CHUNK_MAX ? chunk : CHUNK_MAX;
        size_t now = chunk * ranks < count ? chunk * ranks : count, all = chunk * ranks;
        if (all > held) {
            float *c = realloc(chunks, all * sizeof *c);
            if (c)
                chunks = c;
            float *r = c ? realloc(received, all * sizeof *r) : NULL;
            if (!r)
                return 1;
            received = r;
            held = all;
        }
        /* The last chunk is padded with zeros, which no sum sees. */
        memcpy(chunks, values, now * sizeof *values);
        memset(chunks + now, 0, (all - now) * sizeof *chunks);
        if (MPI_Alltoall(chunks, (int)chunk, MPI_FLOAT, received, (int)chunk, MPI_FLOAT,
                         MPI_COMM_WORLD) != MPI_SUCCESS)
            return 1;
        float *mine = chunks + me * chunk;
        memcpy(mine, received, chunk * sizeof *mine);
        for (size_t r = 1; r < ranks; r++)
            for (size_t i = 0; i < chunk; i++)
                mine[i] += received[r * chunk + i];
        if (MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, chunks, (int)chunk, MPI_FLOAT,
                          MPI_COMM_WORLD) != MPI_SUCCESS)
            return 1;
        memcpy(values, chunks, now * sizeof *values);
        values += now;
        count -= now;
    }
    return 0;
}

void cli_mpi_deterministic(void)
{
    /* MPI_Iallreduce adds in MPI's order: the buckets wait for backward. */
    world.allreduce_sum = ordered_sum;
    world.start_sum = NULL;
    world.finish_sum = NULL;
}

void cli_mpi_no_overlap(void)
{
    world.start_sum = NULL;
    world.finish_sum = NULL;
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
    world.start_sum = start_sum;
    world.finish_sum = finish_sum;
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
    free(chunks);
    free(received);
    MPI_Finalize();
}
