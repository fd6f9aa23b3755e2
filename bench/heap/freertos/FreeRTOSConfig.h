/* FreeRTOS configuration for building heap_4.c alone in bench/heap: no
 * scheduler runs (vTaskSuspendAll/xTaskResumeAll are stubs in
 * alloc_heap4.c), no asserts, the heap array supplied by the glue
 * (configAPPLICATION_ALLOCATED_HEAP) of HB_HEAP4_SIZE bytes. */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#ifndef HB_HEAP4_SIZE
#define HB_HEAP4_SIZE (256u * 1024u)
#endif

#define configUSE_PREEMPTION 0
#define configUSE_IDLE_HOOK 0
#define configUSE_TICK_HOOK 0
#define configCPU_CLOCK_HZ 25000000u
#define configTICK_RATE_HZ 1000u
#define configMAX_PRIORITIES 2
#define configMINIMAL_STACK_SIZE 128
#define configTICK_TYPE_WIDTH_IN_BITS TICK_TYPE_WIDTH_32_BITS
#define configSUPPORT_DYNAMIC_ALLOCATION 1
#define configSUPPORT_STATIC_ALLOCATION 0
#define configTOTAL_HEAP_SIZE HB_HEAP4_SIZE
#define configAPPLICATION_ALLOCATED_HEAP 1
#define configUSE_MALLOC_FAILED_HOOK 0
#define configKERNEL_INTERRUPT_PRIORITY 255
#define configMAX_SYSCALL_INTERRUPT_PRIORITY 32

/* The memory runs record the end of the highest block handed out (the
 * glue's hb_heap4_note); the timing runs define nothing here. */
#ifdef HB_HEAP4_TRACE
void hb_heap4_note(void *block, unsigned long size);
#define traceMALLOC(p, size) hb_heap4_note((p), (unsigned long)(size))
#endif

#endif
