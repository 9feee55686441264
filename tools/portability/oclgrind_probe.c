/* Whether this Oclgrind's --uninitialized can judge cocob's kernels.
 * tools/check-portability.sh runs it under `oclgrind --uninitialized` and
 * adds that check to the suites' runs only when Oclgrind stays silent here.
 * Two cases that every suite meets, each correct OpenCL:
 *
 *   partial: a buffer filled whole, then written in part at an offset (what
 *            the op tests do to put an operand between guard values), then
 *            read by a kernel. Every byte is initialised; Oclgrind 21.10
 *            forgets the fill's shadow at the second host write and reports
 *            the kernel's reads as uninitialised.
 *   freeze:  a kernel dividing a work-item's index, which clang compiles with
 *            LLVM's freeze instruction; Oclgrind 21.10's plugin stops on it
 *            ("Unsupported instruction: freeze").
 *
 * Exits 0 when both ran and gave the right numbers, 1 otherwise; Oclgrind's
 * own reports go to its log, which the script reads. */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>

static const char *source = "__kernel void partial(__global const float *x, __global float *y)\n"
                            "{\n"
                            "    size_t i = get_global_id(0);\n"
                            "    y[i] = x[3 + i] + 1.0f;\n"
                            "}\n"
                            "__kernel void freeze(__global uint *out, uint n)\n"
                            "{\n"
                            "    size_t i = get_global_id(0);\n"
                            "    out[i] = (uint)(i / n + i % n);\n"
                            "}\n";

static int run(cl_command_queue q, cl_kernel k, size_t n)
{
    return clEnqueueNDRangeKernel(q, k, 1, NULL, &n, NULL, 0, NULL, NULL) == CL_SUCCESS &&
           clFinish(q) == CL_SUCCESS;
}

int main(void)
{
    cl_platform_id platform;
    cl_device_id device;
    cl_int rc;
    if (clGetPlatformIDs(1, &platform, NULL) != CL_SUCCESS ||
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL) != CL_SUCCESS) {
        fprintf(stderr, "oclgrind_probe: no OpenCL device\n");
        return 1;
    }
    cl_context ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &rc);
    cl_command_queue q = clCreateCommandQueue(ctx, device, 0, &rc);
    cl_program prog = clCreateProgramWithSource(ctx, 1, &source, NULL, &rc);
    if (clBuildProgram(prog, 1, &device, "-cl-std=CL1.2", NULL, NULL) != CL_SUCCESS) {
        fprintf(stderr, "oclgrind_probe: the probe's kernels did not build\n");
        return 1;
    }
    cl_kernel partial = clCreateKernel(prog, "partial", &rc);
    cl_kernel freeze = clCreateKernel(prog, "freeze", &rc);
    cl_mem x = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 16 * sizeof(float), NULL, &rc);
    cl_mem y = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 4 * sizeof(float), NULL, &rc);
    cl_mem u = clCreateBuffer(ctx, CL_MEM_READ_WRITE, 4 * sizeof(cl_uint), NULL, &rc);
    float zero = 0.0f, four[4] = {1, 2, 3, 4}, got[4];
    cl_uint n = 3, ints[4];
    int ok = clEnqueueFillBuffer(q, x, &zero, sizeof zero, 0, 16 * sizeof(float), 0, NULL,
                                 NULL) == CL_SUCCESS &&
             clEnqueueWriteBuffer(q, x, CL_TRUE, 3 * sizeof(float), sizeof four, four, 0, NULL,
                                  NULL) == CL_SUCCESS &&
             clSetKernelArg(partial, 0, sizeof x, &x) == CL_SUCCESS &&
             clSetKernelArg(partial, 1, sizeof y, &y) == CL_SUCCESS && run(q, partial, 4) &&
             clEnqueueReadBuffer(q, y, CL_TRUE, 0, sizeof got, got, 0, NULL, NULL) ==
                 CL_SUCCESS &&
             clSetKernelArg(freeze, 0, sizeof u, &u) == CL_SUCCESS &&
             clSetKernelArg(freeze, 1, sizeof n, &n) == CL_SUCCESS && run(q, freeze, 4) &&
             clEnqueueReadBuffer(q, u, CL_TRUE, 0, sizeof ints, ints, 0, NULL, NULL) ==
                 CL_SUCCESS;
    for (int i = 0; ok && i < 4; i++)
        ok = got[i] == four[i] + 1.0f && ints[i] == (cl_uint)(i / 3 + i % 3);
    clReleaseMemObject(x);
    clReleaseMemObject(y);
    clReleaseMemObject(u);
    clReleaseKernel(partial);
    clReleaseKernel(freeze);
    clReleaseProgram(prog);
    clReleaseCommandQueue(q);
    clReleaseContext(ctx);
    if (!ok)
        fprintf(stderr, "oclgrind_probe: wrong results or a failed call\n");
    return ok ? 0 : 1;
}
