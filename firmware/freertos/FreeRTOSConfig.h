/*
 * FreeRTOS configuration of the libslab demo, tests and bench on QEMU
 * mps2-an385 (Cortex-M3, 25 MHz, 8 NVIC priority bits in QEMU 7.2).
 * The kernel is built unmodified from ../shared/peers/freertos-kernel with
 * the GCC/ARM_CM3 port (mk/freertos.mk); this file is all of its setup.
 *
 * Interrupt priorities (NVIC byte values; lower is more urgent):
 *   0x00..0x3F  above the kernel: never masked by a critical section, may
 *               not call FreeRTOS nor use a cache with the FreeRTOS lock
 *   0x40        configMAX_SYSCALL_INTERRUPT_PRIORITY: BASEPRI of a critical
 *               section; interrupts at 0x40..0xFF may call ...FromISR()
 *   0x80        the demo's CMSDK timer (firmware/freertos/cmsdk_timer.h)
 *   0xFF        the kernel: PendSV and SysTick
 * With 8 priority bits the port wants bit 0 of the syscall priority clear
 * (its sub-priority bit): 0x40 is.
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#define configCPU_CLOCK_HZ 25000000u
#define configTICK_RATE_HZ 1000u
#define configUSE_PREEMPTION 1
#define configUSE_TIME_SLICING 1
#define configUSE_PORT_OPTIMISED_TASK_SELECTION 1
#define configMAX_PRIORITIES 6
#define configMINIMAL_STACK_SIZE 128
#define configMAX_TASK_NAME_LEN 8
#define configTICK_TYPE_WIDTH_IN_BITS TICK_TYPE_WIDTH_32_BITS
#define configIDLE_SHOULD_YIELD 1
#define configUSE_TASK_NOTIFICATIONS 1
#define configUSE_MUTEXES 1
#define configUSE_COUNTING_SEMAPHORES 1
#define configUSE_TIMERS 0
#define configUSE_IDLE_HOOK 0
#define configUSE_TICK_HOOK 0
#define configCHECK_FOR_STACK_OVERFLOW 2
#define configENABLE_BACKWARD_COMPATIBILITY 0

/* Kernel objects are static: the demo needs no FreeRTOS heap at all. The
 * bench (FREERTOS_BENCH_HEAP4) links heap_4 to measure pvPortMalloc. */
#define configSUPPORT_STATIC_ALLOCATION 1
#define configKERNEL_PROVIDED_STATIC_MEMORY 1
#if defined(FREERTOS_BENCH_HEAP4)
#define configSUPPORT_DYNAMIC_ALLOCATION 1
#define configTOTAL_HEAP_SIZE (96u * 1024u)
#define configUSE_MALLOC_FAILED_HOOK 0
#else
#define configSUPPORT_DYNAMIC_ALLOCATION 0
#endif

#define configPRIO_BITS 8
#define configKERNEL_INTERRUPT_PRIORITY 0xFF
#define configMAX_SYSCALL_INTERRUPT_PRIORITY 0x40

#define INCLUDE_vTaskDelay 1
#define INCLUDE_vTaskDelete 1
#define INCLUDE_vTaskSuspend 1 /* portMAX_DELAY blocks forever */
#define INCLUDE_xTaskGetSchedulerState 1
#define INCLUDE_uxTaskGetStackHighWaterMark 1
#define INCLUDE_xTaskGetCurrentTaskHandle 1

/* A failed kernel assertion prints file and line and ends the run with
 * status 3 (rtos_glue.c). FREERTOS_NO_ASSERT (the bench's release build)
 * leaves configASSERT undefined: the kernel's checks compile out. */
void rtos_assert_failed(const char *file, int line);
#if defined(FREERTOS_NO_ASSERT)
#define configCHECK_HANDLER_INSTALLATION 0 /* its check is an assertion */
#else
#define configCHECK_HANDLER_INSTALLATION 1
#define configASSERT(x)                          \
    do {                                         \
        if (!(x)) {                              \
            rtos_assert_failed(__FILE__, __LINE__); \
        }                                        \
    } while (0)
#endif

#endif /* FREERTOS_CONFIG_H */
