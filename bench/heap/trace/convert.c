/*
 * Turns a trace of trace_preload.c into the replay format of
 * bench/heap/replay.c: little-endian uint32 pairs {op << 30 | slot, size},
 * op 0 alloc, 1 free, 2 realloc (the slot keeps its number), slots reused
 * lowest-free-first so that the replay needs as many as were ever live at
 * once. Frees of blocks allocated before the trace (or of unknown
 * pointers) are dropped; realloc(p, 0) that returned NULL is a free.
 * Prints: records, slots, peak live bytes requested.
 *   convert RAW OUT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { TABLE = 1 << 22, MAX_SLOTS = 1 << 20 };
typedef struct {
    uint64_t ptr;
    uint32_t slot, used;
} entry;
static entry table[TABLE];
static uint32_t free_slots[MAX_SLOTS], n_free, next_slot;
static uint64_t slot_size[MAX_SLOTS];

static entry *find(uint64_t p, int add)
{
    uint64_t h = (p >> 4) * 0x9E3779B97F4A7C15ull;
    for (uint32_t i = (uint32_t)(h >> 42);; i = (i + 1) & (TABLE - 1)) {
        entry *e = &table[i];
        if (e->used == 1 && e->ptr == p) {
            return e;
        }
        if (e->used == 0) {
            if (!add) {
                return NULL;
            }
            e->ptr = p;
            e->used = 1;
            return e;
        }
    }
}

/* Deletion by tombstone (used 2): lookups go past it. Tables stay small. */
static void drop(entry *e) { e->used = 2; }

static uint32_t take_slot(void) { return n_free > 0 ? free_slots[--n_free] : next_slot++; }

static void emit(FILE *out, uint32_t op, uint32_t slot, uint64_t size, unsigned long *n)
{
    uint32_t w[2] = {op << 30 | slot, (uint32_t)size};
    fwrite(w, sizeof w, 1, out);
    (*n)++;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: convert RAW OUT\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
    if (in == NULL || out == NULL) {
        perror("convert");
        return 1;
    }
    uint64_t r[4], live = 0, peak = 0;
    unsigned long n = 0;
    while (fread(r, sizeof r, 1, in) == 1) {
        uint64_t kind = r[0], size = r[1], from = r[2], to = r[3];
        entry *e = from != 0 ? find(from, 0) : NULL;
        if (kind == 1 || (kind == 2 && to == 0 && size == 0)) { /* free */
            if (e != NULL) {
                emit(out, 1, e->slot, 0, &n);
                live -= slot_size[e->slot];
                free_slots[n_free++] = e->slot;
                drop(e);
            }
            continue;
        }
        if (to == 0) {
            continue; /* failed: nothing changed */
        }
        if (kind == 2 && e != NULL) { /* realloc of a traced block */
            uint32_t s = e->slot;
            drop(e);
            emit(out, 2, s, size, &n);
            live += size - slot_size[s];
            slot_size[s] = size;
            find(to, 1)->slot = s;
        } else { /* malloc, or realloc of NULL or of an untraced block */
            uint32_t s = take_slot();
            if (s >= MAX_SLOTS || size >= (1u << 31)) {
                fprintf(stderr, "convert: too many slots or too large a block\n");
                return 1;
            }
            emit(out, 0, s, size, &n);
            slot_size[s] = size;
            live += size;
            find(to, 1)->slot = s;
        }
        peak = live > peak ? live : peak;
    }
    printf("records %lu slots %u peak_live %llu\n", n, next_slot, (unsigned long long)peak);
    return fclose(out) == 0 ? 0 : 1;
}
