/* The built-in table of GEMM parameters: the entry each class of device
 * gets, and the limits every entry is held to, on device descriptions made
 * here (no device is opened). */
#include <stdio.h>
#include <string.h>

#include "backend/opencl/opencl.h"
#include "testutil.h"

/* Limits no entry comes near: a GPU's, or a CPU's with PoCL's 4 MiB of
 * local memory. */
static cocob_gemm_limits roomy(const cocob_device_info *d, int have_clblast)
{
    cocob_gemm_limits lim = {"device x", 1024, d->type == COCOB_DEVICE_CPU ? (size_t)4 << 20 : 0,
                             have_clblast};
    return lim;
}

static cocob_device_info device(cocob_device_type type, const char *vendor)
{
    cocob_device_info d;
    memset(&d, 0, sizeof d);
    d.type = type;
    snprintf(d.vendor, sizeof d.vendor, "%s", vendor);
    return d;
}

static const struct {
    cocob_device_type type;
    const char *vendor, *want;
    int gpu; /* a GPU entry: CLBlast where the build has it, groups left to the driver */
} classes[] = {
    {COCOB_DEVICE_CPU, "The pocl project", "CPU", 0},
    {COCOB_DEVICE_CPU, "Intel(R) Corporation", "CPU", 0},
    {COCOB_DEVICE_GPU_DISCRETE, "NVIDIA Corporation", "NVIDIA GPU", 1},
    {COCOB_DEVICE_GPU_DISCRETE, "Advanced Micro Devices, Inc.", "AMD GPU", 1},
    {COCOB_DEVICE_GPU_INTEGRATED, "AMD", "AMD GPU", 1},
    {COCOB_DEVICE_GPU_INTEGRATED, "Intel(R) Corporation", "Intel GPU", 1},
    {COCOB_DEVICE_GPU_INTEGRATED, "Mesa/X.org", "other device", 0},
    {COCOB_DEVICE_ACCELERATOR, "NVIDIA Corporation", "other device", 0},
};

START_TEST(each_class_gets_its_entry)
{
    cocob_device_info d = device(classes[_i].type, classes[_i].vendor);
    for (int have_clblast = 0; have_clblast < 2; have_clblast++) {
        cocob_gemm_params p;
        const char *name = cocob_cl_gemm_table(&d, have_clblast, &p);
        ck_assert_str_eq(name, classes[_i].want);
        ck_assert_int_eq(p.clblast, classes[_i].gpu && have_clblast);
        if (d.type == COCOB_DEVICE_CPU) {
            ck_assert_uint_eq(p.outer.group, 1);
            ck_assert_uint_eq(p.dot.group, 1);
        } else if (!p.clblast) {
            ck_assert_uint_eq(p.outer.group, 0);
            ck_assert_uint_eq(p.dot.group, 0);
        }
        cocob_gemm_limits lim = roomy(&d, have_clblast);
        char why[256];
        ck_assert_msg(cocob_gemm_params_fit(&p, &lim, why, sizeof why), "%s: %s",
                      classes[_i].want, why);
        cocob_gemm_params fitted;
        ck_assert_str_eq(cocob_cl_gemm_table_fitted(&d, &lim, &fitted, why, sizeof why),
                         classes[_i].want);
        ck_assert_str_eq(why, "");
        ck_assert_int_eq(memcmp(&fitted, &p, sizeof p), 0);
    }
}
END_TEST

/* An OpenCL 1.2 CPU device with 512 bytes of local memory: the CPU entry's
 * group would hold more private arrays than that, so it falls back. */
START_TEST(an_entry_the_device_cannot_hold_falls_back)
{
    cocob_device_info d = device(COCOB_DEVICE_CPU, "someone");
    cocob_gemm_limits lim = {"device x", 1024, 512, 0};
    cocob_gemm_params entry, fitted;
    char why[256];
    cocob_cl_gemm_table(&d, 0, &entry);
    ck_assert(!cocob_gemm_params_fit(&entry, &lim, why, sizeof why));
    ck_assert_str_eq(cocob_cl_gemm_table_fitted(&d, &lim, &fitted, why, sizeof why),
                     "safe default");
    ck_assert_msg(strstr(why, "group") && strstr(why, "512 bytes"), "why: %s", why);
    ck_assert(memcmp(&fitted, &entry, sizeof entry) != 0);
    ck_assert_uint_eq(fitted.outer.group, 1);
    char again[256];
    ck_assert_msg(cocob_gemm_params_fit(&fitted, &lim, again, sizeof again), "%s", again);
}
END_TEST

START_TEST(the_limits_refuse_what_gemm_cl_cannot_run)
{
    cocob_gemm_limits lim = {"device x", 64, 0, 0};
    static const struct {
        cocob_gemm_tile t;
        const char *why;
    } bad[] = {
        {{0, 1, 4, 0}, "rows (tm) 0"},
        {{4, 9, 4, 0}, "vectors (nv) 9"},
        {{4, 2, 2, 0}, "vector width (vw) 2"},
        {{16, 8, 4, 0}, "tm x nv"},
        {{4, 2, 4, 128}, "over the device's 64"},
    };
    char why[256];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert(!cocob_gemm_tile_fits(&bad[i].t, "outer", &lim, why, sizeof why));
        ck_assert_msg(strstr(why, bad[i].why) && strstr(why, "outer"), "tile %zu: %s", i, why);
    }
    cocob_gemm_params clblast = {1, {0, 0, 0, 0}, {0, 0, 0, 0}};
    ck_assert(!cocob_gemm_params_fit(&clblast, &lim, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "CLBlast"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gemm_table");
    TCase *tc = tcase_create("table");
    tcase_add_loop_test(tc, each_class_gets_its_entry, 0,
                        (int)(sizeof classes / sizeof *classes));
    tcase_add_test(tc, an_entry_the_device_cannot_hold_falls_back);
    tcase_add_test(tc, the_limits_refuse_what_gemm_cl_cannot_run);
    suite_add_tcase(s, tc);
    return test_run(s);
}
