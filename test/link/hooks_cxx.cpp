// Positive control: the hooks of main.c defined from C++ with
// DEFINE_SLAB_HOOKS at namespace scope, built twice by run.sh:
//   HOOKS_IN_NAMESPACE=1  inside a named namespace (the macro gives both
//                         definitions C linkage, so the symbols are still the
//                         plain slab_page_alloc and slab_page_free)
//   HOOKS_IN_NAMESPACE=0  at global scope, naming board:: functions
// Counts pages; at exit, any page not given back, or no hook call at all,
// turns the exit status into 3.
#include <cstdio>
#include <cstdlib>

#include "slab/hooks.h"

namespace board {

long outstanding;
long calls;

void *page_alloc(size_t size, size_t align)
{
    calls++;
    void *p = std::aligned_alloc(align, size);
    if (p != nullptr) {
        outstanding++;
    }
    return p;
}

int page_free(void *page, size_t, size_t)
{
    calls++;
    std::free(page);
    outstanding--;
    return 0;
}

#if HOOKS_IN_NAMESPACE
DEFINE_SLAB_HOOKS(page_alloc, page_free);
#endif

// Runs at exit, after main returns (a static object's destructor).
struct ExitCheck {
    ~ExitCheck()
    {
        std::printf("link test (C++ hooks): %ld hook calls, %ld pages outstanding\n", calls, outstanding);
        if (outstanding != 0 || calls < 4) {
            std::fflush(stdout);
            std::_Exit(3);
        }
    }
} exit_check;

}  // namespace board

#if !HOOKS_IN_NAMESPACE
DEFINE_SLAB_HOOKS(board::page_alloc, board::page_free);
#endif
