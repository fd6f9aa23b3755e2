/* Console line buffer over semihost_write0() (see console.h). */
#include "console.h"

#include "semihost.h"

/* One line; a longer line is written in pieces. Not reentrant: the console
 * belongs to thread context (interrupt handlers do not print). */
static char line[128];
static size_t used;

void con_flush(void)
{
    if (used != 0) {
        line[used] = '\0';
        semihost_write0(line);
        used = 0;
    }
}

static void put(char ch)
{
    if (used == sizeof line - 1) {
        con_flush();
    }
    line[used++] = ch;
    if (ch == '\n') {
        con_flush();
    }
}

void con_str(const char *s)
{
    while (*s != '\0') {
        put(*s++);
    }
}

void con_uint(unsigned long v)
{
    char digits[12];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (n != 0) {
        put(digits[--n]);
    }
}

void con_hex(unsigned long v)
{
    put('0');
    put('x');
    for (int shift = 28; shift >= 0; shift -= 4) {
        put("0123456789abcdef"[(v >> shift) & 0xFu]);
    }
}
