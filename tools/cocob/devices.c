/* `cocob devices`: every device, as text or as JSON for bug reports. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "flags.h"

static void human_bytes(uint64_t bytes, char *out, size_t cap)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void print_text(const cocob_device_list *list, size_t chosen, const char *why)
{
    size_t n = cocob_device_list_count(list);
    for (size_t i = 0; i < n; i++) {
        const cocob_device_info *d = cocob_device_list_get(list, i);
        printf("%-12s %s%s\n", d->selector, d->name, i == chosen ? "   <- auto" : "");
        printf("    type          %s\n", cocob_device_type_name(d->type));
        if (d->type == COCOB_DEVICE_REF) {
            printf("    version       %s\n\n", d->driver_version);
            continue;
        }
        if (d->platform_index < 0) { /* the cpu backend */
            printf("    BLAS          %s\n", d->driver_version);
            printf("    threads       %u (OMP_NUM_THREADS)\n\n", d->compute_units);
            continue;
        }
        char global[32], alloc[32], local[32];
        human_bytes(d->global_mem_bytes, global, sizeof global);
        human_bytes(d->max_alloc_bytes, alloc, sizeof alloc);
        human_bytes(d->local_mem_bytes, local, sizeof local);
        printf("    vendor        %s\n", d->vendor);
        printf("    driver        %s\n", d->driver_version);
        printf("    platform      %s (%s)\n", d->platform_name, d->platform_version);
        printf("    OpenCL        %s; %s\n", d->opencl_version, d->opencl_c_version);
        printf("    compute       %u units at %u MHz\n", d->compute_units, d->clock_mhz);
        printf("    memory        %s global, %s largest allocation, %s local\n", global, alloc,
               local);
        printf("    work-group    up to %zu work-items\n", d->max_work_group_size);
        printf("    buffers       aligned to %u bytes, %s\n", d->mem_base_addr_align,
               d->host_unified_memory ? "in the host's memory (unified)"
                                      : "in the device's own memory");
        printf("    fp16 %-3s  fp64 %s\n\n", d->fp16 ? "yes" : "no", d->fp64 ? "yes" : "no");
    }
    const char *note = cocob_device_list_note(list);
    if (note)
        printf("%s.\n", note);
    printf("auto picks %s: %s.\n", cocob_device_list_get(list, chosen)->selector, why);
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void json_field(const char *key, const char *value, int last)
{
    printf("      \"%s\": ", key);
    json_string(value);
    printf(last ? "\n" : ",\n");
}

static void print_json(const cocob_device_list *list, size_t chosen)
{
    size_t n = cocob_device_list_count(list);
    const char *note = cocob_device_list_note(list);
    printf("{\n  \"version\": \"%d.%d.%d\",\n  \"auto\": ", COCOB_VERSION_MAJOR,
           COCOB_VERSION_MINOR, COCOB_VERSION_PATCH);
    json_string(cocob_device_list_get(list, chosen)->selector);
    printf(",\n  \"note\": ");
    if (note)
        json_string(note);
    else
        printf("null");
    printf(",\n  \"devices\": [\n");
    for (size_t i = 0; i < n; i++) {
        const cocob_device_info *d = cocob_device_list_get(list, i);
        printf("    {\n");
        json_field("selector", d->selector, 0);
        json_field("type", cocob_device_type_name(d->type), 0);
        json_field("name", d->name, 0);
        json_field("vendor", d->vendor, 0);
        json_field("driver_version", d->driver_version, 0);
        json_field("platform_name", d->platform_name, 0);
        json_field("platform_version", d->platform_version, 0);
        json_field("opencl_version", d->opencl_version, 0);
        json_field("opencl_c_version", d->opencl_c_version, 0);
        printf("      \"compute_units\": %u,\n      \"clock_mhz\": %u,\n", d->compute_units,
               d->clock_mhz);
        printf("      \"global_mem_bytes\": %" PRIu64 ",\n      \"max_alloc_bytes\": %" PRIu64
               ",\n      \"local_mem_bytes\": %" PRIu64 ",\n",
               d->global_mem_bytes, d->max_alloc_bytes, d->local_mem_bytes);
        printf("      \"max_work_group_size\": %zu,\n      \"mem_base_addr_align\": %u,\n"
               "      \"host_unified_memory\": %s,\n",
               d->max_work_group_size, d->mem_base_addr_align,
               d->host_unified_memory ? "true" : "false");
        printf("      \"fp16\": %s,\n      \"fp64\": %s\n", d->fp16 ? "true" : "false",
               d->fp64 ? "true" : "false");
        printf("    }%s\n", i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
}

int cli_devices(int argc, char **argv, const cli_common *common)
{
    /* The device flags are taken, as everywhere, but choose nothing here:
     * the list is every device, and auto's choice among them. */
    cli_common c = *common;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        int r = cli_shared(&c, "devices", argc, argv, &i);
        if (r == CLI_TAKEN)
            continue;
        if (r != CLI_OWN)
            return r;
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else {
            fprintf(stderr, "cocob devices: unknown option %s (only --json)\n", argv[i]);
            return 2;
        }
    }
    cocob_device_list *list = NULL;
    cocob_status s = cocob_devices_query(&list);
    size_t chosen = 0;
    char why[640];
    if (s == COCOB_OK)
        s = cocob_device_list_select(list, "auto", why, sizeof why, &chosen);
    if (s != COCOB_OK) {
        fprintf(stderr, "cocob devices: %s\n", cocob_device_list_error(list));
        cocob_device_list_destroy(list);
        return 1;
    }
    if (json)
        print_json(list, chosen);
    else
        print_text(list, chosen, why);
    cocob_device_list_destroy(list);
    return 0;
}
