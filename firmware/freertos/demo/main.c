#include "FreeRTOS.h"
#include "task.h"
#include "console.h"
#include "mpu_guard.h"
#include "rtos_glue.h"

static StaticTask_t tcb;
static StackType_t stack[512];
static void t(void *arg)
{
    (void)arg;
    con_line("mpu", (unsigned long)mpu_guard_active());
    con_line("probe", (unsigned long)mpu_guard_probe(0, 0xdead));
    vTaskDelay(5);
    con_line("ticks", xTaskGetTickCount());
    con_str("freertos-demo: PASS\n");
    rtos_exit(0);
}
int main(void)
{
    xTaskCreateStatic(t, "t", 512, NULL, 1, stack, &tcb);
    vTaskStartScheduler();
    return 1;
}
