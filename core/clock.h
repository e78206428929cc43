/*
 * clock.h - the one place ftl reads the wall clock, so tests can fix it.
 *
 * Wall-clock times appear only where labelled (evidence.imported_at, the
 * last verification); exports never depend on them. Setting FTL_NOW to an
 * ISO 8601 time (or calling ftl_clock_set) freezes the clock, as SQLite's
 * sqlite_current_time does for its tests.
 */
#ifndef FTL_CLOCK_H
#define FTL_CLOCK_H

#include <stdint.h>

int64_t ftl_clock_now_us(void);
/* 0 restores the real clock. */
void ftl_clock_set(int64_t fixed_us);

#endif
