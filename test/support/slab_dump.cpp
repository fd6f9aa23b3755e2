// Slab-state dumper (see slab_dump.hpp).
#include "slab_dump.hpp"

#include <cstdio>

namespace slabtest {

namespace {

using slab::detail::link;
using slab::detail::slab_page;

void dump_page(std::string &out, const slab_cache *c, const slab_page *s, const char *where)
{
    char line[200];
    std::snprintf(line, sizeof line, "  %-7s %#zx%s used=%u handed=%u head=%u avail=%u cap=%u magic_ok=%d\n", where,
                  static_cast<size_t>(reinterpret_cast<uintptr_t>(s)),
                  reinterpret_cast<uintptr_t>(s) == master_base(c) ? " (master)" : "", slab::detail::page_used(s),
                  unsigned(s->handed), unsigned(s->head), unsigned(s->avail), unsigned(s->cap),
                  slab::detail::page_valid(s, c->slab_size) ? 1 : 0);
    out += line;
}

void dump_list(std::string &out, const slab_cache *c, const link *head, const char *where)
{
    unsigned n = 0;
    for (const link *l = head->next; l != head && n <= c->slabs; l = l->next, n++) {
        dump_page(out, c, reinterpret_cast<const slab_page *>(l), where);
    }
}

}  // namespace

std::string dump(const slab_cache *c)
{
    std::string out;
    if (c == nullptr) {
        return "cache NULL\n";
    }
    char line[300];
    std::snprintf(line, sizeof line,
                  "cache %p: stride=%zu S=%zu obj=%u cap_slave=%u cap_master=%u wide=%u in_use=%u peak=%u "
                  "slabs=%u full=%u slabs_peak=%u taken=%u given=%u failures=%u handles=%u lock_kind=%u validate=%s\n",
                  static_cast<const void *>(c), c->stride, c->slab_size, c->obj_size, c->cap_slave, c->cap_master,
                  unsigned(c->wide), slab::detail::cache_in_use(c), c->in_use_peak, c->slabs, c->full, c->slabs_peak, c->hooks.taken,
                  c->hooks.given, c->hooks.failures, c->handles, c->lock_kind,
                  slab_status_str(slab_cache_validate(c)));
    out += line;
    dump_list(out, c, &c->partial, "partial");
    // Full slabs are on no list: only a full master can be shown.
    const slab_page *master = reinterpret_cast<const slab_page *>(master_base(c));
    if (slab::detail::page_full(master)) {
        dump_page(out, c, master, "full");
    }
    if (c->spare != nullptr) {
        dump_page(out, c, c->spare, "spare");
    }
    return out;
}

}  // namespace slabtest
