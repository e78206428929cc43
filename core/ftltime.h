/*
 * ftltime.h - parsing and formatting of evidence timestamps.
 *
 * Every time in ftl is an int64 count of microseconds since the Unix epoch,
 * UTC. Evidence writes times in many ways (FORMATS.md): ISO 8601 with or
 * without 'Z', with 0-9 fraction digits, with local offsets; US-locale
 * display text from Purview CSV ("9/20/2023 4:05:03 AM"). All parsing lives
 * here so that every importer gets the same, tested behaviour. No call uses
 * the C library's time zone or locale (no localtime/gmtime/mktime).
 */
#ifndef FTL_FTLTIME_H
#define FTL_FTLTIME_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds from the proleptic Gregorian civil date-time given, UTC.
 * Fields are not range-checked here: out-of-range values carry (month 13 is
 * January of the next year, day 0 the last day of the previous month, hour
 * 24 the next midnight). Results beyond the int64 range wrap, without UB. */
int64_t ftl_time_from_civil(int year, int month, int day, int hour, int min,
                            int sec, int usec);

/* Inverse of ftl_time_from_civil; any pointer may be NULL. Valid for every
 * int64 (year is astronomical: 0 is 1 BC, negative before that). */
void ftl_time_to_civil(int64_t ts_us, int *year, int *month, int *day,
                       int *hour, int *min, int *sec, int *usec);

/*
 * ISO 8601 / RFC 3339: YYYY-MM-DD, then 'T', 't' or one space, hh:mm[:ss],
 * an optional fraction ('.' or ',') of 1-9 digits after the seconds only
 * (truncated, never rounded, to microseconds), then optional zone: 'Z'/'z',
 * or +hh:mm, +hhmm, +hh (or -), with no space before it.
 * No zone means UTC (the UAL writes CreationTime without 'Z').
 * A date alone (YYYY-MM-DD) means midnight UTC.
 * Leading and trailing ASCII white space is ignored; anything else left over
 * is an error. Month 1-12, day valid for that month (leap years honoured),
 * hour 0-23 (24:00:00 is refused), minute 0-59, second 0-60 (a leap second
 * 60 is folded into the next second's start, its fraction dropped, so that
 * 23:59:60.5 does not sort after 00:00:00.2), offset up to +-23:59,
 * year 1-9999.
 * Returns 0 and sets *ts_us on success, -1 on any error (*ts_us untouched).
 * ts_us may be NULL to only validate.
 * s need not be NUL-terminated; len is its length.
 */
int ftl_time_parse_iso8601(const char *s, size_t len, int64_t *ts_us);

/*
 * US-locale display text as Purview and Export-Csv write it:
 * M/D/YYYY h:mm[:ss] [AM|PM] (one or two digit month, day and hour, two
 * digit minute and second 0-59, four digit year 1-9999, no fraction; exactly
 * one space after the year, at most one before AM/PM; AM/PM
 * case-insensitive, optional; without it the hour is 0-23). 12:xx AM is
 * 00:xx, 12:xx PM is 12:xx. Hour 0 with AM/PM, or hour > 12 with AM/PM, is
 * an error. The time is taken as UTC (the caller says so in attrs).
 * White space rules as above. Returns 0 / -1 like ftl_time_parse_iso8601.
 */
int ftl_time_parse_us(const char *s, size_t len, int64_t *ts_us);

/* ISO 8601 first, then US locale. Returns 0 / -1. */
int ftl_time_parse_any(const char *s, size_t len, int64_t *ts_us);

/*
 * Writes "YYYY-MM-DDThh:mm:ss.ffffffZ" (always 6 fraction digits) into buf,
 * NUL-terminated; buf must hold FTL_TIME_ISO_LEN + 1 bytes. Returns the
 * length written (27). Times outside years 0-9999 are clamped to
 * 0000-01-01T00:00:00.000000Z or 9999-12-31T23:59:59.999999Z, so the text
 * always sorts like the number.
 */
/*
 * A duration: a whole number and a unit, s, m (minutes), h or d, e.g.
 * "90s", "60m", "12h", "1d". Returns 0 and sets *us, or -1 (no unit,
 * negative, or more than 10 years).
 */
int ftl_duration_parse(const char *s, int64_t *us);

#define FTL_TIME_ISO_LEN 27
size_t ftl_time_format(int64_t ts_us, char *buf);

#endif
