/*
 * clock.c - wall clock with a test override (see clock.h).
 */
#include "clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftltime.h"

static int64_t fixed;

void ftl_clock_set(int64_t fixed_us) { fixed = fixed_us; }

int64_t ftl_clock_now_us(void)
{
    struct timespec ts;
    const char *env;
    int64_t t;

    if (fixed)
        return fixed;
    env = getenv("FTL_NOW");
    if (env && ftl_time_parse_iso8601(env, strlen(env), &t) == 0)
        return t;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
