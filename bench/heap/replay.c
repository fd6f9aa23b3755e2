/* Trace replay (see replay.h). */
#include "replay.h"

static void *ptr[HB_REPLAY_SLOTS];
static uint32_t size_of[HB_REPLAY_SLOTS];

static uint32_t tag_of(size_t i) { return (uint32_t)i * 2654435761u; }
static uint32_t tags[HB_REPLAY_SLOTS];

int hb_replay(const hb_alloc *a, const uint32_t *trace, size_t records, hb_result *r)
{
    hb_result_init(r);
    for (size_t i = 0; i < HB_REPLAY_SLOTS; i++) {
        ptr[i] = NULL;
    }
    for (size_t i = 0; i < records; i++) {
        uint32_t op = trace[2 * i] >> 30, slot = trace[2 * i] & 0x3FFFFFFFu, size = trace[2 * i + 1];
        if (slot >= HB_REPLAY_SLOTS) {
            return 2;
        }
        void *old = ptr[slot];
        uint32_t old_size = size_of[slot], old_tag = tags[slot];
        if (op != 1) {
            ptr[slot] = hb_alloc_block(a, size, tag_of(i), 0, r);
            size_of[slot] = size;
            tags[slot] = tag_of(i);
        } else {
            ptr[slot] = NULL;
        }
        if (op != 0 && old != NULL) {
            hb_free_block(a, old, old_size, old_tag, 0, r);
        }
    }
    for (size_t i = 0; i < HB_REPLAY_SLOTS; i++) {
        if (ptr[i] != NULL) {
            hb_free_block(a, ptr[i], size_of[i], tags[i], 0, r);
            ptr[i] = NULL;
        }
    }
    return r->failed == 0 && r->corrupt == 0 ? 0 : 1;
}
