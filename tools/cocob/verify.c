/* cocob verify: every op on the device against the C reference, as a table a
 * user can paste into a bug report. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "flags.h"

int cli_verify(int argc, char **argv, const cli_common *common)
{
    cli_common record = *common;
    int rc = cli_only_shared(&record, "verify", argc, argv, 1);
    if (rc >= 0)
        return rc;
    /* Every op is compared and the run goes on past a difference: the
     * table is the result, --verify or not. */
    record.verify = COCOB_VERIFY_RECORD;
    cocob_context *ctx = cli_open(&record);
    if (!ctx)
        return 1;
    const cocob_device_info *d = cocob_context_device(ctx);
    printf("cocob %d.%d.%d verify on %s (%s), driver %s, %s\n", COCOB_VERSION_MAJOR,
           COCOB_VERSION_MINOR, COCOB_VERSION_PATCH, d->name, d->selector, d->driver_version,
           d->platform_version);
    cocob_status s = cocob_verify_run(ctx);
    if (s != COCOB_OK) {
        fprintf(stderr, "cocob verify: %s\n", cocob_context_error(ctx));
        cocob_context_destroy(ctx);
        return 1;
    }
    size_t count;
    const cocob_verify_row *rows = cocob_verify_rows(ctx, &count);
    printf("errors are relative to each op's magnitude: |reference|, or for a sum the sum of "
           "its terms' sizes\n\n");
    /* 17: the longest op's name, softmax_xent_grad. */
    printf("%-17s %-30s %12s %12s %12s  %s\n", "op", "shape", "max abs err", "max rel err",
           "tolerance", "result");
    size_t failed = 0;
    for (size_t i = 0; i < count; i++) {
        const cocob_verify_row *r = &rows[i];
        printf("%-17s %-30s %12.3g %12.3g %12.3g  %s\n", r->op, r->shape, r->max_abs_err,
               r->max_rel_err, r->tolerance, r->pass ? "pass" : "FAIL");
        failed += !r->pass;
    }
    printf("\n%zu op and shape pairs, %zu failed\n", count, failed);
    cocob_context_destroy(ctx);
    return failed ? 1 : 0;
}
