/* FreeRTOS heap_4 (../shared/peers/freertos-kernel, unmodified):
 * pvPortMalloc(size) and vPortFree(ptr). The scheduler calls it makes are
 * stubbed here (no kernel runs). Its heap, ucHeap, is a fixed array of
 * configTOTAL_HEAP_SIZE bytes (FreeRTOSConfig.h), built on the first call:
 * it cannot be re-sized at run time, so the memory runs read its need
 * instead of searching it: first fit from the lowest address means a heap
 * that ends right after the highest block ever handed out (plus heap_4's
 * end marker) serves the same sequence identically. */
#include "FreeRTOS.h"
#include "hb.h"
#include "task.h"

uint8_t ucHeap[configTOTAL_HEAP_SIZE] __attribute__((aligned(16)));

void vTaskSuspendAll(void) {}
BaseType_t xTaskResumeAll(void) { return pdFALSE; }
#ifdef __ARM_ARCH
/* The ARM_CM3 port's critical section (heap_4's vPortGetHeapStats). */
void vPortEnterCritical(void) {}
void vPortExitCritical(void) {}
#endif

static uintptr_t high;

/* heap_4's xHeapStructSize: a BlockLink_t (2 words) rounded up to
 * portBYTE_ALIGNMENT; the header of each block and the end marker. */
static size_t link_size(void) { return (2 * sizeof(void *) + portBYTE_ALIGNMENT - 1) & ~(size_t)(portBYTE_ALIGNMENT - 1); }

void hb_heap4_note(void *block, unsigned long size);
void hb_heap4_note(void *block, unsigned long size)
{
    /* size: the block's size with its header, which sits right below it */
    uintptr_t end = (uintptr_t)block - link_size() + size;
    high = end > high ? end : high;
}

/* The arena is ucHeap itself: heap_4 builds it on first use and, with
 * every block freed, merges it back into one free block. */
static int init(void *arena, size_t size)
{
    (void)arena;
    (void)size;
    high = 0;
    return 0;
}

/* Whole again: one free block holding all the free space. */
static int fini(void)
{
    HeapStats_t st;
    vPortGetHeapStats(&st);
    return st.xNumberOfFreeBlocks == 1 && st.xSizeOfLargestFreeBlockInBytes == st.xAvailableHeapSpaceInBytes ? 0 : 1;
}

/* End of the highest block, heap_4's end marker (one aligned BlockLink_t,
 * 2 words rounded to portBYTE_ALIGNMENT) and ucHeap's start. */
static size_t needed(void)
{
    return high == 0 ? 0 : (size_t)(high - (uintptr_t)ucHeap) + link_size();
}

hb_alloc hb_heap4 = {"heap_4", init, fini, (hb_fn)pvPortMalloc, (hb_fn)vPortFree, 0, 0, 0, needed, 0, 0};
