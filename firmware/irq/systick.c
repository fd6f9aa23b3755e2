/* SysTick registers (ARMv6-M/v7-M/v8-M system control space). */
#include "systick.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u) /* control and status */
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u) /* reload value */
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u) /* current value */

enum { CSR_ENABLE = 1u << 0, CSR_TICKINT = 1u << 1, CSR_CLKSOURCE_CPU = 1u << 2 };

void systick_start(uint32_t reload)
{
    SYST_CSR = 0;
    SYST_RVR = reload & 0xFFFFFFu;
    SYST_CVR = 0; /* any write clears it: the first period is a full one */
    SYST_CSR = CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE_CPU;
}

void systick_stop(void)
{
    SYST_CSR = 0;
}
