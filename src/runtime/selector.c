#include "runtime/selector.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

cocob_status cocob_selector_parse(const char *text, cocob_selector *out, cocob_error *err)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT,
                          "empty device selector; use auto, gpu, a backend's name (ref, cpu, "
                          "opencl), a device's selector (opencl:P:D) or part of a device name");
    if (strlen(text) >= sizeof out->text)
        return cocob_fail(err, COCOB_ERR_INVALID_ARGUMENT, "device selector is too long");
    strcpy(out->text, text);
    out->kind = strcasecmp(text, "auto") == 0  ? COCOB_SELECT_AUTO
                : strcasecmp(text, "gpu") == 0 ? COCOB_SELECT_GPU
                                               : COCOB_SELECT_TEXT;
    return COCOB_OK;
}

/* Lower is better: auto's order of preference, by kind of device, fixed
 * rather than timed at start-up: any GPU or accelerator first, the
 * reference last. Devices of one kind keep the list's order, which is the
 * registry's: so among CPU devices the cpu backend (OpenBLAS) comes before
 * an OpenCL CPU device, as its entry explains. */
static int rank(const cocob_device_info *d)
{
    switch (d->type) {
    case COCOB_DEVICE_GPU_DISCRETE: return 0;
    case COCOB_DEVICE_GPU_INTEGRATED: return 1;
    case COCOB_DEVICE_ACCELERATOR: return 2;
    case COCOB_DEVICE_CPU: return 3;
    case COCOB_DEVICE_REF: return 4;
    }
    return 5;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

/* The best-ranked device for which keep() holds, or -1; the first of a
 * rank wins. */
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

static void auto_why(const cocob_device_list *list, size_t found, char *why, size_t why_cap)
{
    const cocob_device_info *d = &list->infos[found];
    const cocob_backend_reg *reg = cocob_device_group_of(list, found)->reg;
    if (d->type == COCOB_DEVICE_REF) {
        snprintf(why, why_cap, "no other device was found, so the C reference will be used%s%s",
                 list->note[0] ? ": " : "", list->note);
        return;
    }
    int n = rank(d) < rank(&(cocob_device_info){.type = COCOB_DEVICE_CPU})
                ? snprintf(why, why_cap,
                           "the best of the %zu device(s) listed, preferring a discrete GPU, "
                           "then an integrated GPU, an accelerator, a CPU, the reference",
                           list->count)
                : snprintf(why, why_cap, "no GPU or accelerator among the %zu device(s) listed",
                           list->count);
    if (reg->auto_note && n >= 0 && (size_t)n < why_cap)
        n += snprintf(why + n, why_cap - (size_t)n, "; %s", reg->auto_note);
    if (list->note[0] && n >= 0 && (size_t)n < why_cap)
        snprintf(why + n, why_cap - (size_t)n, " (%s)", list->note);
}

/* A backend's name: its first device; the backend's entry says why there
 * is none when this build left it out. -1 when no group has that name. */
static long by_backend(const cocob_selector *sel, const cocob_device_list *list, char *why,
                       size_t why_cap, cocob_status *s, cocob_error *err)
{
    for (size_t i = 0; i < list->group_count; i++) {
        const cocob_device_group *g = &list->groups[i];
        if (strcasecmp(g->reg->name, sel->text) != 0)
            continue;
        if (g->reg->left_out) {
            *s = cocob_fail(err, COCOB_ERR_UNSUPPORTED,
                            "device \"%s\": this build of cocob has no %s (%s)", sel->text,
                            g->reg->title, g->reg->left_out);
            return -1;
        }
        if (g->count == 0) {
            *s = no_match(sel, list, err);
            return -1;
        }
        snprintf(why, why_cap, "the first %s device", g->reg->title);
        return (long)g->first;
    }
    return -1;
}

cocob_status cocob_selector_match(const cocob_selector *sel, const cocob_device_list *list,
                                  size_t *index, char *why, size_t why_cap, cocob_error *err)
{
    long found = -1;
    cocob_status s = COCOB_OK;
    why[0] = '\0';
    switch (sel->kind) {
    case COCOB_SELECT_AUTO:
        found = best(list, any);
        if (found >= 0)
            auto_why(list, (size_t)found, why, why_cap);
        break;
    case COCOB_SELECT_GPU:
        found = best(list, is_gpu);
        snprintf(why, why_cap, "the best GPU, a discrete one before an integrated one");
        break;
    case COCOB_SELECT_TEXT:
        found = by_backend(sel, list, why, why_cap, &s, err);
        if (s != COCOB_OK)
            return s;
        for (size_t i = 0; i < list->count && found < 0; i++) {
            if (strcasecmp(list->infos[i].selector, sel->text) == 0) {
                found = (long)i;
                snprintf(why, why_cap, "asked for by its selector");
            }
        }
        if (found < 0) {
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
        }
        break;
    }
    if (found < 0)
        return no_match(sel, list, err);
    *index = (size_t)found;
    return COCOB_OK;
}
