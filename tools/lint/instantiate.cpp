// Lint-only translation unit (tools/lint.sh): instantiates the C++ front's
// templates so that clang-tidy analyses their bodies (an uninstantiated
// template is only parsed, never checked). Never compiled into a program.
#include "slab/slab.hpp"

namespace {

struct Pair {
    int a;
    long b;
};

int lint_use_front()
{
    auto made = slab::Cache<Pair>::create();
    if (!made) {
        return static_cast<int>(made.status());
    }
    slab::Cache<Pair> cache = made.take();
    slab::Cache<Pair> copy = cache;
    copy = cache;
    auto box = cache.make(Pair{1, 2});
    if (box) {
        slab::Cache<Pair>::box_type owner = box.take();
        return owner->a;
    }
    return 0;
}

}  // namespace

int (*const lint_entry)() = lint_use_front;
