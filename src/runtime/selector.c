#include "runtime/selector.h"
#include "base/number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_index(const char *s, int *value, const char **end)
{
    uint64_t v;
    if (cocob_number_u64(s, end, 0, 65535, &v) != COCOB_NUMBER_OK)
        return 0;
    *value = (int)v;
    return 1;
}

cocob_status cocob_selector_parse(const char *text, cocob_selector *out, cocob_error *err)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "empty device selector; use auto, ref, cpu, opencl, opencl:P:D, gpu "
                          "or part of a device name");
    if (strlen(text) >= sizeof out->text)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "device selector is too long");
    strcpy(out->text, text);
    static const struct {
        const char *word;
        cocob_selector_kind kind;
    } words[] = {
        {"auto", COCOB_SELECT_AUTO}, {"ref", COCOB_SELECT_REF}, {"opencl", COCOB_SELECT_OPENCL},
        {"gpu", COCOB_SELECT_GPU},   {"cpu", COCOB_SELECT_CPU},
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        if (strcasecmp(text, words[i].word) == 0) {
            out->kind = words[i].kind;
            return COCOB_OK;
        }
    }
    if (strncasecmp(text, "opencl:", 7) == 0) {
        const char *p = text + 7;
        if (parse_index(p, &out->platform, &p) && *p == ':' &&
            parse_index(p + 1, &out->device, &p) && *p == '\0') {
            out->kind = COCOB_SELECT_INDEX;
            return COCOB_OK;
        }
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "bad device selector \"%s\": expected opencl:P:D with a platform and "
                          "a device number, such as opencl:0:0",
                          text);
    }
    out->kind = COCOB_SELECT_NAME;
    return COCOB_OK;
}

static int is_opencl(const cocob_device_info *d)
{
    return d->platform_index >= 0;
}
static int is_cpu_backend(const cocob_device_info *d)
{
    return d->type == COCOB_DEVICE_CPU && !is_opencl(d);
}

/* Lower is better: auto's order of preference, by kind of device, fixed
 * rather than timed at start-up. Any GPU or accelerator first. Then the
 * cpu backend before an OpenCL CPU device: the two run on the same cores,
 * and at the MLP's shapes (784-1000-1000-10, batch 100) OpenBLAS's SGEMM
 * ran at 175-205 GFLOP/s on a 2-core machine where CLBlast on PoCL ran at
 * 12-23; a gap that wide needs no benchmark at every start. ref, one thread
 * by design, comes last. */
static int rank(const cocob_device_info *d)
{
    switch (d->type) {
    case COCOB_DEVICE_GPU_DISCRETE: return 0;
    case COCOB_DEVICE_GPU_INTEGRATED: return 1;
    case COCOB_DEVICE_ACCELERATOR: return 2;
    case COCOB_DEVICE_CPU: return is_cpu_backend(d) ? 3 : 4;
    case COCOB_DEVICE_REF: return 5;
    }
    return 6;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

/* The best-ranked device for which keep() holds, or -1. */
static long best(const cocob_device_list *list, int (*keep)(const cocob_device_info *))
{
    long found = -1;
    for (size_t i = 0; i < list->count; i++)
        if (keep(&list->infos[i]) &&
            (found < 0 || rank(&list->infos[i]) < rank(&list->infos[found])))
            found = (long)i;
    return found;
}

static int any(const cocob_device_info *d)
{
    (void)d;
    return 1;
}
static int is_gpu(const cocob_device_info *d)
{
    return d->type == COCOB_DEVICE_GPU_DISCRETE || d->type == COCOB_DEVICE_GPU_INTEGRATED;
}

static cocob_status no_match(const cocob_selector *sel, const cocob_device_list *list,
                             cocob_error *err)
{
    cocob_fail(err, COCOB_ERR_NO_DEVICE,
               "no device matches \"%s\". The devices here are:", sel->text);
    for (size_t i = 0; i < list->count; i++)
        cocob_error_append(err, "\n  %-12s %s (%s)", list->infos[i].selector, list->infos[i].name,
                           cocob_device_type_name(list->infos[i].type));
    if (list->note[0])
        cocob_error_append(err, "\n  (%s)", list->note);
    return COCOB_ERR_NO_DEVICE;
}

cocob_status cocob_selector_match(const cocob_selector *sel, const cocob_device_list *list,
                                  size_t *index, char *why, size_t why_cap, cocob_error *err)
{
    long found = -1;
    why[0] = '\0';
    switch (sel->kind) {
    case COCOB_SELECT_AUTO: {
        size_t ncl = 0;
        for (size_t i = 0; i < list->count; i++)
            ncl += is_opencl(&list->infos[i]);
        found = best(list, any);
        const cocob_device_info *d = &list->infos[found];
        if (d->type == COCOB_DEVICE_REF)
            snprintf(why, why_cap,
                     "no OpenCL device was found, so the C reference will be "
                     "used%s%s",
                     list->note[0] ? ": " : "", list->note);
        else if (is_cpu_backend(d))
            snprintf(why, why_cap,
                     "no GPU or accelerator among %zu OpenCL device(s), and "
                     "on a CPU OpenBLAS's GEMM is several times faster than an OpenCL "
                     "device's%s%s",
                     ncl, list->note[0] ? "; " : "", list->note);
        else
            snprintf(why, why_cap,
                     "the best of %zu OpenCL device(s), preferring a discrete "
                     "GPU, then an integrated GPU, an accelerator, the cpu backend, an "
                     "OpenCL CPU device",
                     ncl);
        break;
    }
    case COCOB_SELECT_REF:
        found = 0;
        snprintf(why, why_cap, "asked for by name");
        break;
    case COCOB_SELECT_OPENCL:
        for (size_t i = 0; i < list->count && found < 0; i++)
            if (is_opencl(&list->infos[i]))
                found = (long)i;
        snprintf(why, why_cap, "the first OpenCL device");
        break;
    case COCOB_SELECT_INDEX:
        for (size_t i = 0; i < list->count && found < 0; i++)
            if (list->infos[i].platform_index == sel->platform &&
                list->infos[i].device_index == sel->device)
                found = (long)i;
        snprintf(why, why_cap, "asked for by index");
        break;
    case COCOB_SELECT_GPU:
        found = best(list, is_gpu);
        snprintf(why, why_cap, "the best GPU, a discrete one before an integrated one");
        break;
    case COCOB_SELECT_CPU:
        found = best(list, is_cpu_backend);
        snprintf(why, why_cap, "the cpu backend: OpenBLAS's GEMM and OpenMP threads");
        break;
    case COCOB_SELECT_NAME: {
        size_t matches = 0;
        for (size_t i = 0; i < list->count; i++) {
            if (contains_nocase(list->infos[i].name, sel->text)) {
                if (found < 0)
                    found = (long)i;
                matches++;
            }
        }
        snprintf(why, why_cap, "its name contains \"%s\"%s", sel->text,
                 matches > 1 ? " (the first of several that do)" : "");
        break;
    }
    }
    if (found < 0)
        return no_match(sel, list, err);
    *index = (size_t)found;
    return COCOB_OK;
}
