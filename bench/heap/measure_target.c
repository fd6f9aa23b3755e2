/* hb_measure on the Cortex-M: the SysTick instruction counter of
 * bench/target/counter.c under QEMU -icount (calibrated by the caller). */
#include "counter.h"
#include "hb.h"

const counter_calibration *hb_cal;

uint32_t hb_measure(hb_fn fn, uintptr_t a0, uintptr_t a1, uintptr_t *ret)
{
    return counter_call(hb_cal, (counter_fn)fn, a0, a1, 0, ret);
}
