/* SysTick and PendSV as software-pended test interrupts (exceptions.h). */
#include "exceptions.h"

#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_SHPR3 (*(volatile uint32_t *)0xE000ED20u)
#define ICSR_PENDSVSET (1u << 28)
#define ICSR_PENDSTSET (1u << 26)

volatile unsigned exc_systick_runs;
volatile unsigned exc_pendsv_runs;
static isr_action systick_action;
static isr_action pendsv_action;

void exc_set_priorities(uint8_t systick, uint8_t pendsv)
{
    SCB_SHPR3 = ((uint32_t)systick << 24) | ((uint32_t)pendsv << 16);
}

void exc_on_systick(isr_action fn) { systick_action = fn; }
void exc_on_pendsv(isr_action fn) { pendsv_action = fn; }

void exc_pend_systick(void)
{
    SCB_ICSR = ICSR_PENDSTSET;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

void exc_pend_pendsv(void)
{
    SCB_ICSR = ICSR_PENDSVSET;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

uint32_t exc_basepri(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, basepri" : "=r"(v));
    return v;
}

void exc_set_basepri(uint32_t v)
{
    __asm__ volatile("msr basepri, %0\n\tisb" ::"r"(v) : "memory");
}

void SysTick_Handler(void)
{
    exc_systick_runs++;
    if (systick_action != 0) {
        systick_action();
    }
}

void PendSV_Handler(void)
{
    exc_pendsv_runs++;
    if (pendsv_action != 0) {
        pendsv_action();
    }
}
