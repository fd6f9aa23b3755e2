/* Input of the "gcc compiling a file" run of the LD_PRELOAD test: gcc -O2
 * -S over many system headers and some code; the assembly must equal the
 * one gcc writes with glibc's malloc. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

struct entry {
    char key[32];
    double value;
    struct entry *next;
};

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    while (*s) {
        h = (h ^ (unsigned char)*s++) * 16777619u;
    }
    return h;
}

static struct entry *table[1024];

static void put(const char *k, double v)
{
    unsigned i = hash(k) % 1024;
    for (struct entry *e = table[i]; e; e = e->next) {
        if (strcmp(e->key, k) == 0) {
            e->value = v;
            return;
        }
    }
    struct entry *e = calloc(1, sizeof *e);
    if (!e) {
        abort();
    }
    snprintf(e->key, sizeof e->key, "%s", k);
    e->value = v;
    e->next = table[i];
    table[i] = e;
}

static double integrate(double (*f)(double), double a, double b, int n)
{
    double h = (b - a) / n, s = 0.5 * (f(a) + f(b));
    for (int i = 1; i < n; i++) {
        s += f(a + i * h);
    }
    return s * h;
}

static void *worker(void *arg)
{
    long n = (long)arg;
    double acc = 0;
    for (long i = 0; i < n; i++) {
        acc += sin((double)i) * cos((double)i / 3);
    }
    return (void *)(long)(acc > 0);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    for (int i = 0; i < argc; i++) {
        put(argv[i], strlen(argv[i]));
    }
    char buf[64];
    for (int i = 0; i < 10000; i++) {
        snprintf(buf, sizeof buf, "k%d", i * 7919 % 10007);
        put(buf, i);
    }
    pthread_t t;
    pthread_create(&t, NULL, worker, (void *)100000L);
    void *r;
    pthread_join(t, &r);
    printf("%f %p %d\n", integrate(exp, 0, 1, 1000), r, isalpha('x'));
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int)(ts.tv_nsec & 1) + errno * 0 + (int)wcslen(L"abc") - 3;
}
