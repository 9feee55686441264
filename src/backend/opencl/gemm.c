/* GEMM on OpenCL is CLBlast's: there is no cl/gemm.cl, since CLBlast brings
 * its own kernels, tuned per device, and builds and caches them itself. The
 * reference it is checked against is gemm_ref in src/backend/ref/gemm.c. */
#include "backend/opencl/opencl.h"
#include "backend/ref/ref.h"

#ifdef COCOB_HAVE_CLBLAST
#include <clblast_c.h>

/* CLBlast's codes above -1000 are OpenCL's own; the rest are its own. */
static const char *clblast_error_name(CLBlastStatusCode rc)
{
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
    default:
        return rc > -1000 ? cocob_cl_error_name(rc) : "an unlisted CLBlast error";
    }
}

static cocob_status clblast_status(CLBlastStatusCode rc)
{
    switch (rc) {
    case CLBlastTempBufferAllocFailure:
    case CLBlastOpenCLOutOfResources:
    case CLBlastOpenCLOutOfHostMemory:
    case CLBlastInsufficientMemoryTemp:
        return COCOB_ERR_OUT_OF_MEMORY;
    case CLBlastOpenCLBuildProgramFailure:
        return COCOB_ERR_BUILD;
    case CLBlastInvalidLocalMemUsage:
        return COCOB_ERR_DEVICE_LIMIT;
    default:
        return COCOB_ERR_OPENCL;
    }
}
#endif

cocob_status cocob_cl_gemm(cocob_backend *base, int trans_a, int trans_b, size_t M, size_t N,
                           size_t K, float alpha, cocob_span A, size_t lda, cocob_span B,
                           size_t ldb, float beta, cocob_span C, size_t ldc)
{
    cocob_status s = gemm_check(base->err, trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc);
    if (s != COCOB_OK)
        return s;
#ifdef COCOB_HAVE_CLBLAST
    cocob_cl_backend *b = (cocob_cl_backend *)base;
    CLBlastStatusCode rc = CLBlastSgemm(
        CLBlastLayoutRowMajor, trans_a ? CLBlastTransposeYes : CLBlastTransposeNo,
        trans_b ? CLBlastTransposeYes : CLBlastTransposeNo, M, N, K, alpha, cocob_cl_mem(A.buf),
        A.off, lda, cocob_cl_mem(B.buf), B.off, ldb, beta, cocob_cl_mem(C.buf), C.off, ldc,
        &b->queue, NULL);
    if (rc != CLBlastSuccess)
        return cocob_fail(base->err, clblast_status(rc),
                          "gemm (M=%zu N=%zu K=%zu, trans_a %d, trans_b %d, lda %zu, ldb %zu, "
                          "ldc %zu): CLBlastSgemm failed on %s (%s): %s (CLBlast error %d)",
                          M, N, K, trans_a, trans_b, lda, ldb, ldc, base->info.name,
                          base->info.selector, clblast_error_name(rc), (int)rc);
    return COCOB_OK;
#else
    (void)alpha;
    (void)beta;
    return cocob_fail(base->err, COCOB_ERR_UNSUPPORTED,
                      "gemm (M=%zu N=%zu K=%zu): this build has no CLBlast (COCOB_CLBLAST=OFF), "
                      "and GEMM on OpenCL is CLBlast's; rebuild with it, or use the ref device",
                      M, N, K);
#endif
}
