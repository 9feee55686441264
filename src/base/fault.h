/* Fault injection, for tests only: makes the Nth buffer allocation, or the
 * Nth OpenCL kernel launch, fail as running out of memory would, so that a
 * test can show that every path returns a status and frees what it held.
 * Nothing here is for users, and nothing in include/cocob/ exposes it.
 *
 *   COCOB_FAULT_ALLOC=N    the Nth buffer allocation fails as out of memory:
 *                          every backend's alloc (ref's and cpu's host memory,
 *                          OpenCL's clCreateBuffer, and the OpenCL backend's
 *                          own scratch buffer).
 *   COCOB_FAULT_ENQUEUE=N  the Nth OpenCL kernel launch (our kernels and
 *                          CLBlast's GEMM) fails with CL_OUT_OF_RESOURCES.
 *
 * Counts start at 1 and run over the whole process, every context and
 * backend together; only the Nth call fails, later ones succeed. The
 * environment is read once, at the first allocation or launch. ref's and
 * cpu's ops are not counted: they cannot fail for want of resources, and
 * the core's handling of a failed op is the same code the OpenCL faults
 * reach.
 *
 * With neither set, a call costs one well-predicted branch on a flag that
 * is then 0. */
#ifndef COCOB_BASE_FAULT_H
#define COCOB_BASE_FAULT_H

typedef enum cocob_fault_kind {
    COCOB_FAULT_ALLOC = 0,
    COCOB_FAULT_ENQUEUE,
    COCOB_FAULT_KINDS
} cocob_fault_kind;

/* Not 0 while calls must be counted: before the environment has been read,
 * and after, when a fault is set. Only the inline function below reads it. */
extern int cocob_fault_armed;

/* Counts the call; returns 1 when it is the one that must fail. */
int cocob_fault_hit(cocob_fault_kind kind);

/* Whether this call, an allocation or a launch about to be made, must fail. */
static inline int cocob_fault(cocob_fault_kind kind)
{
    return __builtin_expect(__atomic_load_n(&cocob_fault_armed, __ATOMIC_RELAXED), 0) &&
           cocob_fault_hit(kind);
}

/* For tests, in place of the environment: restarts both counts at 0, and
 * fails the alloc_at-th allocation and the enqueue_at-th launch from now on
 * (0: none). Calls are counted until cocob_fault_off. */
void cocob_fault_set(unsigned long alloc_at, unsigned long enqueue_at);
/* Stops counting and failing: back to the single branch. */
void cocob_fault_off(void);
/* The calls of a kind counted since cocob_fault_set, or since the start
 * when the environment set a fault. */
unsigned long cocob_fault_count(cocob_fault_kind kind);

#endif
