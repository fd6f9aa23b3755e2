/* Kernel hooks and the console lock (see rtos_glue.h). */
#include "rtos_glue.h"

#include "FreeRTOS.h"
#include "console.h"
#include "semihost.h"
#include "task.h"

void rtos_exit(int status)
{
    con_flush();
    semihost_exit(status);
}

/* configASSERT (FreeRTOSConfig.h): file and line, status 3. */
void rtos_assert_failed(const char *file, int line)
{
    taskDISABLE_INTERRUPTS();
    con_flush();
    con_str("\nFreeRTOS assertion failed: ");
    con_str(file);
    con_str(":");
    con_uint((unsigned long)line);
    con_str("\n");
    rtos_exit(3);
}

/* configCHECK_FOR_STACK_OVERFLOW 2: the task's name, status 4. */
void vApplicationStackOverflowHook(TaskHandle_t task, char *name);
void vApplicationStackOverflowHook(TaskHandle_t task, char *name)
{
    (void)task;
    taskDISABLE_INTERRUPTS();
    con_flush();
    con_str("\nFreeRTOS stack overflow in task ");
    con_str(name);
    con_str("\n");
    rtos_exit(4);
}

void con_lock(void)
{
    if (xTaskGetSchedulerState() == taskSCHEDULER_RUNNING) {
        vTaskSuspendAll();
    }
}

void con_unlock(void)
{
    if (xTaskGetSchedulerState() == taskSCHEDULER_SUSPENDED) {
        (void)xTaskResumeAll();
    }
}

void con_line(const char *name, unsigned long value)
{
    con_lock();
    con_str(name);
    con_str(": ");
    con_uint(value);
    con_str("\n");
    con_unlock();
}
