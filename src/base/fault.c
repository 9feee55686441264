/* Test-only fault injection: see fault.h. */
#include "base/fault.h"

#include <limits.h>
#include <stdlib.h>

#include "base/number.h"

/* 1 at the start, so that the first call reads the environment. */
int cocob_fault_armed = 1;

/* Each shared between threads (the cpu backend's, a caller's), so touched
 * only atomically. */
static int env_read;
static unsigned long fail_at[COCOB_FAULT_KINDS];
static unsigned long seen[COCOB_FAULT_KINDS];

/* Unset, or anything but a count, injects nothing. */
static unsigned long env_count(const char *name)
{
    uint64_t n;
    return cocob_number_u64(getenv(name), NULL, 0, ULONG_MAX, &n) == COCOB_NUMBER_OK
               ? (unsigned long)n
               : 0;
}

/* Two threads may both get here first: both store the same values. */
static void read_env(void)
{
    unsigned long alloc = env_count("COCOB_FAULT_ALLOC");
    unsigned long enqueue = env_count("COCOB_FAULT_ENQUEUE");
    __atomic_store_n(&fail_at[COCOB_FAULT_ALLOC], alloc, __ATOMIC_RELAXED);
    __atomic_store_n(&fail_at[COCOB_FAULT_ENQUEUE], enqueue, __ATOMIC_RELAXED);
    __atomic_store_n(&env_read, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&cocob_fault_armed, alloc || enqueue, __ATOMIC_RELAXED);
}

int cocob_fault_hit(cocob_fault_kind kind)
{
    if (!__atomic_load_n(&env_read, __ATOMIC_ACQUIRE)) {
        read_env();
        if (!__atomic_load_n(&cocob_fault_armed, __ATOMIC_RELAXED))
            return 0;
    }
    unsigned long n = __atomic_add_fetch(&seen[kind], 1, __ATOMIC_RELAXED);
    return n == __atomic_load_n(&fail_at[kind], __ATOMIC_RELAXED);
}

void cocob_fault_set(unsigned long alloc_at, unsigned long enqueue_at)
{
    __atomic_store_n(&env_read, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&fail_at[COCOB_FAULT_ALLOC], alloc_at, __ATOMIC_RELAXED);
    __atomic_store_n(&fail_at[COCOB_FAULT_ENQUEUE], enqueue_at, __ATOMIC_RELAXED);
    for (int k = 0; k < COCOB_FAULT_KINDS; k++)
        __atomic_store_n(&seen[k], 0, __ATOMIC_RELAXED);
    __atomic_store_n(&cocob_fault_armed, 1, __ATOMIC_RELAXED);
}

void cocob_fault_off(void)
{
    __atomic_store_n(&env_read, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&cocob_fault_armed, 0, __ATOMIC_RELAXED);
}

unsigned long cocob_fault_count(cocob_fault_kind kind)
{
    return __atomic_load_n(&seen[kind], __ATOMIC_RELAXED);
}
