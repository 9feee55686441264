/* Launches cl/mse.cl's mse and mse_grad. */
#include "backend/opencl/opencl.h"

cocob_status cocob_cl_mse(cocob_backend *base, cocob_span x, cocob_span targets, cocob_span loss,
                          size_t rows, size_t cols)
{
    const cocob_span operand[3] = {x, targets, loss};
    return cocob_cl_launch_rows(base, "mse.cl", "mse", operand, 3, rows, cols, rows);
}

/* The op layer has checked that rows x cols fits a size_t. */
cocob_status cocob_cl_mse_grad(cocob_backend *base, cocob_span x, cocob_span targets,
                               cocob_span dx, size_t rows, size_t cols)
{
    const cocob_span operand[3] = {x, targets, dx};
    return cocob_cl_launch_rows(base, "mse.cl", "mse_grad", operand, 3, rows, cols, rows * cols);
}
