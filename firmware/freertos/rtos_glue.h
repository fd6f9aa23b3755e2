/*
 * What every FreeRTOS firmware here shares beside the kernel: the kernel's
 * failure hooks (assert, stack overflow) and a console lock, since the
 * line buffer of firmware/console.c belongs to one context at a time.
 */
#ifndef FW_FREERTOS_RTOS_GLUE_H
#define FW_FREERTOS_RTOS_GLUE_H

/* Holds the console for one or more lines: tasks only (scheduler
 * suspension, so nothing else prints meanwhile; ISRs never print). */
void con_lock(void);
void con_unlock(void);

/* Prints "name: value\n" under the console lock. */
void con_line(const char *name, unsigned long value);

/* Ends the run with `status` (semihosting) after flushing the console. */
void rtos_exit(int status) __attribute__((noreturn));

#endif /* FW_FREERTOS_RTOS_GLUE_H */
