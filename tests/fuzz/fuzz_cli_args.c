/* `cocob train`'s argument parser on arbitrary arguments: the input split
 * at NUL bytes into argv strings, after "train". The parser runs nothing;
 * its messages go to a sink. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "train_args.h"

enum { MOST_ARGS = 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MOST_ARGS + 2] = {"train"};
    int argc = 1;
    for (size_t at = 0; at <= size && argc <= MOST_ARGS; at += strlen(text + at) + 1)
        argv[argc++] = text + at;
    argv[argc] = NULL;
    train_args a;
    cli_common common = {0};
    train_args_parse(&a, &common, argc, argv, sink);
    free(text);
    return 0;
}
