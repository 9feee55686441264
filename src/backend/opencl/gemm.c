/* GEMM on OpenCL: cl/gemm.cl's kernels with the device's tuned tiles, or
 * CLBlast's GEMM. Until a device has been measured, the built-in table
 * (gemm_table.c) decides; the first GEMM on it tunes briefly, and `cocob
 * tune` at length (gemm_tune.c), and gemm_params.c keeps the result. The
 * reference is cocob_ref_gemm in src/backend/ref/gemm.c. */
#include <stdio.h>
#include <string.h>

#include "backend/opencl/opencl.h"
#include "base/fault.h"

#ifdef COCOB_HAVE_CLBLAST
#include <clblast_c.h>

/* CLBlast's codes above -1000 are OpenCL's own; the rest are its own. */
static const char *clblast_error_name(CLBlastStatusCode rc)
{
    /* One case a line; clang-format would indent them under the macro. */
    /* clang-format off */
    switch (rc) {
#define NAME(c) case c: return #c;
    NAME(CLBlastNotImplemented)
    NAME(CLBlastInvalidMatrixA)
    NAME(CLBlastInvalidMatrixB)
    NAME(CLBlastInvalidMatrixC)
    NAME(CLBlastInvalidDimension)
    NAME(CLBlastInvalidLeadDimA)
    NAME(CLBlastInvalidLeadDimB)
    NAME(CLBlastInvalidLeadDimC)
    NAME(CLBlastInsufficientMemoryA)
    NAME(CLBlastInsufficientMemoryB)
    NAME(CLBlastInsufficientMemoryC)
    NAME(CLBlastInsufficientMemoryTemp)
    NAME(CLBlastInvalidLocalMemUsage)
    NAME(CLBlastDatabaseError)
    NAME(CLBlastUnknownError)
    NAME(CLBlastUnexpectedError)
#undef NAME
    /* clang-format on */
    default: return rc > -1000 ? cocob_cl_error_name(rc) : "an unlisted CLBlast error";
    }
}

static cocob_status clblast_status(CLBlastStatusCode rc)
{
    switch (rc) {
    case CLBlastTempBufferAllocFailure:
    case CLBlastOpenCLOutOfResources:
    case CLBlastOpenCLOutOfHostMemory:
    case CLBlastInsufficientMemoryTemp: return COCOB_ERR_OUT_OF_MEMORY;
    case CLBlastOpenCLBuildProgramFailure: return COCOB_ERR_BUILD;
    case CLBlastInvalidLocalMemUsage: return COCOB_ERR_DEVICE_LIMIT;
    default: return COCOB_ERR_OPENCL;
    }
}
#endif

void cocob_cl_gemm_default(const cocob_cl_device *dev, cocob_cl_gemm_params *out)
{
    char line[1024], why[256];
    cocob_gemm_limits lim;
    cocob_cl_gemm_limits(dev, line, sizeof line, &lim);
    cocob_cl_gemm_table_fitted(&dev->info, &lim, out, why, sizeof why);
}

void cocob_cl_gemm_defines(const cocob_cl_gemm_params *p, char *out, size_t cap)
{
    snprintf(out, cap,
             "-DGEMM_OUTER_TM=%u -DGEMM_OUTER_NV=%u -DGEMM_OUTER_VW=%u -DGEMM_DOT_TM=%u "
             "-DGEMM_DOT_NV=%u -DGEMM_DOT_VW=%u",
             p->outer.tm, p->outer.nv, p->outer.vw, p->dot.tm, p->dot.nv, p->dot.vw);
}

void cocob_cl_gemm_describe(const cocob_cl_gemm_params *p, char *out, size_t cap)
{
    if (p->clblast)
        snprintf(out, cap, "clblast");
    else
        snprintf(out, cap, "outer %ux%ux%u/%u dot %ux%ux%u/%u", p->outer.tm, p->outer.nv,
                 p->outer.vw, p->outer.group, p->dot.tm, p->dot.nv, p->dot.vw, p->dot.group);
}

void cocob_cl_gemm_release(cocob_cl_backend *b)
{
#ifdef COCOB_HAVE_CLBLAST
    /* CLBlast keeps every program it builds, and so the context it belongs
     * to, until the process ends: without this, a destroyed context would
     * live on, and its programs be released during exit's teardown, which
     * Oclgrind's runtime does not survive. The cache is CLBlast's only one,
     * so another live context rebuilds its GEMM kernels on next use. */
    if (b->clblast_used)
        CLBlastClearCache();
#else
    (void)b;
#endif
}

void cocob_cl_gemm_use(cocob_cl_backend *b, const cocob_cl_gemm_params *p)
{
    b->gemm = *p;
    cocob_cl_forget_program(b, "gemm.cl");
}

/* One work-item per tile: rows along dimension 0, so that the groups that
 * run one after another share a strip of op(B), which then stays in cache. */
static cocob_status gemm_kernel(cocob_cl_backend *b, int trans_a, int trans_b, size_t M, size_t N,
                                size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                                size_t ldb, float beta, cocob_span C, size_t ldc)
{
    static const char *const names[2][2] = {{"gemm_nn", "gemm_nt"}, {"gemm_tn", "gemm_tt"}};
    const char *name = names[!!trans_a][!!trans_b];
    int dot = !trans_a && trans_b;
    const cocob_cl_tile *t = dot ? &b->gemm.dot : &b->gemm.outer;
    size_t tile_cols = dot ? t->nv : (size_t)t->nv * t->vw;
    cl_kernel k;
    size_t group = 1;
    cocob_status s = cocob_cl_kernel(b, "gemm.cl", name, &k);
    if (s == COCOB_OK && t->group)
        s = cocob_cl_group_limit(b, k, &group);
    if (s != COCOB_OK)
        return s;
    /* Each work-item computes its own tile, so a group the kernel as built
     * cannot have (its registers decide) only costs speed when narrowed. */
    if (t->group && t->group < group)
        group = t->group;
    size_t global[2] = {(M + t->tm - 1) / t->tm, (N + tile_cols - 1) / tile_cols};
    global[0] = (global[0] + group - 1) / group * group;
    size_t local[2] = {group, 1};
    cl_ulong m = M, n = N, kk = K, a_off = A.off, b_off = B.off, c_off = C.off, la = lda,
             lb = ldb, lc = ldc;
    cl_mem ma = cocob_cl_mem(A.buf), mb = cocob_cl_mem(B.buf), mc = cocob_cl_mem(C.buf);
    cl_int rc = CL_SUCCESS;
    rc = cocob_cl_arg(k, 0, sizeof m, &m, rc);
    rc = cocob_cl_arg(k, 1, sizeof n, &n, rc);
    rc = cocob_cl_arg(k, 2, sizeof kk, &kk, rc);
    rc = cocob_cl_arg(k, 3, sizeof alpha, &alpha, rc);
    rc = cocob_cl_arg(k, 4, sizeof ma, &ma, rc);
    rc = cocob_cl_arg(k, 5, sizeof a_off, &a_off, rc);
    rc = cocob_cl_arg(k, 6, sizeof la, &la, rc);
    rc = cocob_cl_arg(k, 7, sizeof mb, &mb, rc);
    rc = cocob_cl_arg(k, 8, sizeof b_off, &b_off, rc);
    rc = cocob_cl_arg(k, 9, sizeof lb, &lb, rc);
    rc = cocob_cl_arg(k, 10, sizeof beta, &beta, rc);
    rc = cocob_cl_arg(k, 11, sizeof mc, &mc, rc);
    rc = cocob_cl_arg(k, 12, sizeof c_off, &c_off, rc);
    rc = cocob_cl_arg(k, 13, sizeof lc, &lc, rc);
    if (rc != CL_SUCCESS)
        return cocob_cl_failed(&b->base, "clSetKernelArg(gemm)", rc);
    rc = cocob_fault(COCOB_FAULT_ENQUEUE)
             ? CL_OUT_OF_RESOURCES
             : clEnqueueNDRangeKernel(b->queue, k, 2, NULL, global, t->group ? local : NULL, 0,
                                      NULL, NULL);
    if (rc != CL_SUCCESS) {
        char how[128];
        cocob_cl_gemm_describe(&b->gemm, how, sizeof how);
        return cocob_fail(b->base.err,
                          rc == CL_OUT_OF_RESOURCES || rc == CL_MEM_OBJECT_ALLOCATION_FAILURE
                              ? COCOB_ERR_OUT_OF_MEMORY
                              : COCOB_ERR_OPENCL,
                          "gemm (M=%zu N=%zu K=%zu, trans_a %d, trans_b %d): launching %s "
                          "(%s, global %zu x %zu) on %s failed: %s (%d)",
                          M, N, K, trans_a, trans_b, name, how, global[0], global[1],
                          b->base.info.name, cocob_cl_error_name(rc), rc);
    }
    return COCOB_OK;
}

cocob_status cocob_cl_gemm(cocob_backend *base, int trans_a, int trans_b, size_t M, size_t N,
                           size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                           size_t ldb, float beta, cocob_span C, size_t ldc)
{
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    if (b->gemm_tune_seconds > 0)
        cocob_cl_gemm_first_use_tune(b);
    if (!b->gemm.clblast)
        return gemm_kernel(b, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
#ifdef COCOB_HAVE_CLBLAST
    /* CLBlast launches its own kernels: a fault is injected as its
     * failed launch would be reported. */
    CLBlastStatusCode rc = CLBlastOpenCLOutOfResources;
    if (!cocob_fault(COCOB_FAULT_ENQUEUE))
        rc = CLBlastSgemm(CLBlastLayoutRowMajor,
                          trans_a ? CLBlastTransposeYes : CLBlastTransposeNo,
                          trans_b ? CLBlastTransposeYes : CLBlastTransposeNo, M, N, K, alpha,
                          cocob_cl_mem(A.buf), A.off, lda, cocob_cl_mem(B.buf), B.off, ldb, beta,
                          cocob_cl_mem(C.buf), C.off, ldc, &b->queue, NULL);
    b->clblast_used = 1;
    if (rc != CLBlastSuccess)
        return cocob_fail(base->err, clblast_status(rc),
                          "gemm (M=%zu N=%zu K=%zu, trans_a %d, trans_b %d, lda %zu, ldb %zu, "
                          "ldc %zu): CLBlastSgemm failed on %s (%s): %s (CLBlast error %d)",
                          M, N, K, trans_a, trans_b, lda, ldb, ldc, base->info.name,
                          base->info.selector, clblast_error_name(rc), (int)rc);
    return COCOB_OK;
#else
    return cocob_fail(base->err, COCOB_ERR_UNSUPPORTED,
                      "gemm (M=%zu N=%zu K=%zu): CLBlast was asked for, but this build has none "
                      "(COCOB_CLBLAST=OFF)",
                      M, N, K);
#endif
}
