/* The command's --deterministic sum (tools/cocob/mpi.c), run under mpirun by
 * tests/cli/mpi_deterministic.sh: every rank must get, bit for bit, the
 * values added in rank order, ((v0 + v1) + v2) + ..., for counts below,
 * at and around a multiple of the ranks. The values are 1, 2^24 and -2^24
 * in turn, whose sum rounds differently in every other order. Exits 0 when
 * every element is right, 1 naming the first that is not. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* Rank r's value for element i. */
static float value(size_t r, size_t i)
{
    static const float turn[] = {1.0f, 16777216.0f, -16777216.0f};
    return turn[(r + i) % 3] * (float)(1 + i % 5);
}

int main(void)
{
    int local, locals;
    const cocob_comm *comm = cli_mpi_start(&local, &locals);
    if (!comm) {
        fprintf(stderr, "mpi_sum: run me under mpirun with 2 or more ranks\n");
        return 1;
    }
    cli_mpi_deterministic();
    const size_t counts[] = {1, 2, 3, 7, 9, 10, 1000, 4099};
    size_t ranks = (size_t)comm->size, orders = 0, wrong = 0;
    float *v = malloc(4099 * sizeof *v);
    for (size_t k = 0; v && k < sizeof counts / sizeof *counts && !wrong; k++) {
        size_t n = counts[k];
        for (size_t i = 0; i < n; i++)
            v[i] = value((size_t)comm->rank, i);
        if (comm->allreduce_sum(v, n, comm->user) != 0) {
            fprintf(stderr, "mpi_sum: rank %d: the sum of %zu failed\n", comm->rank, n);
            wrong = 1;
            break;
        }
        for (size_t i = 0; i < n && !wrong; i++) {
            volatile float want = value(0, i), back = value(ranks - 1, i);
            for (size_t r = 1; r < ranks; r++)
                want += value(r, i);
            for (size_t r = ranks - 1; r-- > 0;)
                back += value(r, i);
            orders += want != back;
            if (v[i] != want) {
                fprintf(stderr,
                        "mpi_sum: rank %d: element %zu of %zu is %.9g, the rank order's sum "
                        "is %.9g\n",
                        comm->rank, i, n, v[i], want);
                wrong = 1;
            }
        }
    }
    free(v);
    /* The test means something only where the order changes the sum. */
    if (!wrong && !orders) {
        fprintf(stderr, "mpi_sum: no element's sum depends on the order\n");
        wrong = 1;
    }
    if (!wrong && comm->rank == 0)
        printf("mpi_sum: %d ranks, every sum in rank order\n", comm->size);
    cli_mpi_end((int)wrong);
    return (int)wrong;
}
