/* Launches cl/argmax.cl's argmax, a work-item a row. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_argmax(cocob_backend *base, cocob_span x, cocob_span out, size_t rows,
                             size_t cols)
{
    const cocob_span operand[2] = {x, out};
    return cocob_cl_launch_rows(base, "argmax.cl", "argmax", operand, 2, rows, cols, rows);
}
