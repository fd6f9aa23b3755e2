/*
 * Line-oriented console over semihosting: strings and unsigned decimals,
 * nothing else (no printf, no libc). Output is buffered per line so each
 * line costs one semihosting trap.
 */
#ifndef FW_CONSOLE_H
#define FW_CONSOLE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void con_str(const char *s);     /* appends s; a '\n' flushes the line */
void con_uint(unsigned long v);  /* appends v in decimal */
void con_hex(unsigned long v);   /* appends v as 0x%08lx */
void con_flush(void);            /* writes whatever is buffered */

#ifdef __cplusplus
}
#endif

#endif /* FW_CONSOLE_H */
