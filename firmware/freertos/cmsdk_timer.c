/* CMSDK APB timer and its NVIC line (see cmsdk_timer.h). */
#include "cmsdk_timer.h"

typedef struct {
    volatile uint32_t ctrl;     /* bit 0 enable, bit 3 interrupt enable */
    volatile uint32_t value;    /* counts down */
    volatile uint32_t reload;   /* loaded when value reaches 0 */
    volatile uint32_t intclear; /* read: status; write 1: clear */
} cmsdk_timer_regs;

enum { CTRL_ENABLE = 1u << 0, CTRL_IRQ_ENABLE = 1u << 3 };
enum { TIMER0_IRQ = 8 };

#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define NVIC_ICER0 (*(volatile uint32_t *)0xE000E180u)
#define NVIC_ISPR0 (*(volatile uint32_t *)0xE000E200u)
#define NVIC_ICPR0 (*(volatile uint32_t *)0xE000E280u)
#define NVIC_IPR ((volatile uint8_t *)0xE000E400u)

static cmsdk_timer_regs *timer(unsigned n)
{
    return (cmsdk_timer_regs *)(0x40000000u + 0x1000u * (n & 1u));
}

static uint32_t irq_bit(unsigned n)
{
    return 1u << (TIMER0_IRQ + (n & 1u));
}

void cmsdk_timer_irq_enable(unsigned n, uint8_t prio)
{
    timer(n)->intclear = 1;
    NVIC_IPR[TIMER0_IRQ + (n & 1u)] = prio;
    NVIC_ICPR0 = irq_bit(n);
    NVIC_ISER0 = irq_bit(n);
}

void cmsdk_timer_start(unsigned n, uint32_t reload, uint8_t prio)
{
    cmsdk_timer_regs *t = timer(n);
    t->ctrl = 0;
    t->reload = reload;
    t->value = reload;
    cmsdk_timer_irq_enable(n, prio);
    t->ctrl = CTRL_ENABLE | CTRL_IRQ_ENABLE;
}

void cmsdk_timer_stop(unsigned n)
{
    timer(n)->ctrl = 0;
    timer(n)->intclear = 1;
    NVIC_ICER0 = irq_bit(n);
    NVIC_ICPR0 = irq_bit(n);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

void cmsdk_timer_ack(unsigned n)
{
    timer(n)->intclear = 1;
}

void cmsdk_timer_pend(unsigned n)
{
    NVIC_ISPR0 = irq_bit(n);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}
