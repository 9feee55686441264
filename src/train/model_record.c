/* The section MODL: see model_record.h. */
#include "base/le.h"
#include "train/model_record.h"

void cocob_model_record(cocob_bytes *b, const cocob_model *m)
{
    cocob_bytes_u64(b, m->input.c);
    cocob_bytes_u64(b, m->input.h);
    cocob_bytes_u64(b, m->input.w);
    cocob_bytes_u64(b, m->count);
    for (size_t i = 0; i < m->count; i++) {
        const cocob_layer *d = &m->layers[i].desc;
        cocob_bytes_u32(b, (uint32_t)d->kind);
        cocob_bytes_u64(b, d->units);
        cocob_bytes_u64(b, d->kernel_h);
        cocob_bytes_u64(b, d->kernel_w);
        cocob_bytes_u64(b, d->stride);
        cocob_bytes_u64(b, d->pad);
        cocob_bytes_f32(b, d->rate);
    }
    cocob_bytes_u64(b, m->params);
    cocob_bytes_u64(b, m->seed);
    cocob_bytes_u64(b, m->draws);
}

cocob_layer cocob_record_layer(const unsigned char *record, size_t i)
{
    const unsigned char *a = record + 32 + i * RECORD_LAYER_BYTES;
    return (cocob_layer){(cocob_layer_kind)cocob_le_get_u32(a),
                         (size_t)cocob_le_get_u64(a + 4),
                         (size_t)cocob_le_get_u64(a + 12),
                         (size_t)cocob_le_get_u64(a + 20),
                         (size_t)cocob_le_get_u64(a + 28),
                         (size_t)cocob_le_get_u64(a + 36),
                         cocob_le_get_f32(a + 44)};
}

cocob_status cocob_record_check(const cocob_sections *r, const unsigned char *record)
{
    uint64_t len = r->len[0];
    if (len < RECORD_FIXED)
        return cocob_sections_damaged(r,
                                      "section MODL holds %llu bytes, fewer than any model's %d",
                                      (unsigned long long)len, RECORD_FIXED);
    uint64_t count = cocob_le_get_u64(record + 24);
    if ((len - RECORD_FIXED) % RECORD_LAYER_BYTES != 0 ||
        (len - RECORD_FIXED) / RECORD_LAYER_BYTES != count)
        return cocob_sections_damaged(r,
                                      "section MODL holds %llu bytes, which does not fit the "
                                      "%llu layers it names",
                                      (unsigned long long)len, (unsigned long long)count);
    return COCOB_OK;
}
