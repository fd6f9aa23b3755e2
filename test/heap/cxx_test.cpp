// The heap's C++ front (slab/heap.hpp, slab/heap_pmr.hpp): Heap<Lock>
// ownership, make/drop, HeapAllocator under STL containers (and its failure
// path), HeapResource under std::pmr containers (and bad_alloc). Every test
// ends with every page back (HeapTest).
#include <list>
#include <map>
#include <memory_resource>
#include <string>
#include <vector>

#include "heap_support.hpp"
#include "slab/heap_pmr.hpp"

using namespace heaptest;

namespace {

struct Tracked {
    static int alive;
    int v;
    explicit Tracked(int x) : v(x) { alive++; }
    ~Tracked() { alive--; }
};
int Tracked::alive = 0;

struct alignas(256) Wide {
    unsigned char bytes[300];
};

}  // namespace

TEST_F(HeapTest, HeapHandleOwnsAndDestroysTheHeap)
{
    {
        auto made = slab::Heap<>::create();
        ASSERT_TRUE(made);
        slab::Heap<> heap = made.take();
        EXPECT_TRUE(heap);
        EXPECT_EQ(outstanding(), 1);
        Tracked *t = heap.make<Tracked>(7);
        ASSERT_NE(t, nullptr);
        EXPECT_EQ(t->v, 7);
        EXPECT_EQ(Tracked::alive, 1);
        EXPECT_EQ(heap.destroy(), SLAB_EBUSY);
        EXPECT_TRUE(heap) << "a refused destroy dropped the heap";
        slab::Heap<>::drop(t);
        EXPECT_EQ(Tracked::alive, 0);
        Wide *w = heap.make<Wide>();
        ASSERT_NE(w, nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(w) % 256, 0u);
        EXPECT_EQ(heap.stats().blocks_in_use, 1u);
        slab::Heap<>::drop(w);
        slab::Heap<> moved(std::move(heap));
        EXPECT_FALSE(heap); // NOLINT(bugprone-use-after-move): the moved-from state is the point
        EXPECT_TRUE(moved);
    } // the last owner destroys the heap
    EXPECT_EQ(outstanding(), 0);
    refuse_all_allocs(true);
    auto none = slab::Heap<slab::SpinLock>::create();
    EXPECT_FALSE(none);
    EXPECT_EQ(none.status(), SLAB_ENOMEM);
}

TEST_F(HeapTest, AllocatorServesStlContainers)
{
    slab::Heap<slab::SpinLock> heap = slab::Heap<slab::SpinLock>::create().take();
    {
        std::vector<int, slab::HeapAllocator<int>> v{slab::HeapAllocator<int>(heap)};
        for (int i = 0; i < 100000; i++) {
            v.push_back(i);
        }
        std::map<int, std::string, std::less<int>, slab::HeapAllocator<std::pair<const int, std::string>>> m{
            slab::HeapAllocator<std::pair<const int, std::string>>(heap)};
        std::list<double, slab::HeapAllocator<double>> l{slab::HeapAllocator<double>(heap)};
        for (int i = 0; i < 2000; i++) {
            m.emplace(i, std::to_string(i));
            l.push_back(i * 0.5);
        }
        long sum = 0;
        for (int x : v) {
            sum += x;
        }
        EXPECT_EQ(sum, 100000L * 99999 / 2);
        EXPECT_EQ(m.at(1234), "1234");
        EXPECT_EQ(l.back(), 999.5);
        slab_heap_usage u = heap.stats();
        EXPECT_GE(u.blocks_in_use, 4001u); // the vector's buffer, 2000 map and 2000 list nodes
        EXPECT_GE(u.large_blocks, 1u);      // the vector's 400 KB buffer
        EXPECT_EQ(slab::HeapAllocator<int>(heap), slab::HeapAllocator<double>(heap));
        EXPECT_EQ(slab_heap_validate(heap.raw()), SLAB_OK);
    }
    EXPECT_EQ(heap.stats().blocks_in_use, 0u);
    // no memory: std::bad_alloc (exceptions are on in the tests)
    slab::HeapAllocator<long> a(heap);
    EXPECT_THROW((void)a.allocate(size_t(-1) / 4), std::bad_alloc);
    refuse_all_allocs(true);
    EXPECT_THROW((void)a.allocate(1 << 20), std::bad_alloc);
    refuse_all_allocs(false);
    EXPECT_EQ(heap.destroy(), SLAB_OK);
}

TEST_F(HeapTest, ResourceServesPmrContainersAndThrowsWhenOutOfPages)
{
    slab::Heap<> heap = slab::Heap<>::create().take();
    slab::HeapResource res(heap);
    {
        std::pmr::vector<std::pmr::string> v(&res);
        for (int i = 0; i < 3000; i++) {
            v.emplace_back(std::string(static_cast<size_t>(i % 200), 'x'));
        }
        EXPECT_EQ(v[2999].size(), 2999u % 200u);
        EXPECT_GT(heap.stats().blocks_in_use, 2000u);
        void *p = res.allocate(5000, 4096);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 4096, 0u);
        res.deallocate(p, 5000, 4096);
        refuse_all_allocs(true);
        EXPECT_THROW((void)res.allocate(1 << 20, 16), std::bad_alloc);
        refuse_all_allocs(false);
    }
    slab::HeapResource other(heap);
    EXPECT_TRUE(res.is_equal(other));
    EXPECT_FALSE(res.is_equal(*std::pmr::new_delete_resource()));
    EXPECT_EQ(heap.stats().blocks_in_use, 0u);
}
