/*
 * ftltime.c - parsing and formatting of evidence timestamps (see ftltime.h).
 *
 * Model: a time is int64 microseconds since 1970-01-01T00:00:00Z on the
 * proleptic Gregorian calendar. Date arithmetic uses Howard Hinnant's
 * days_from_civil / civil_from_days ("chrono-Compatible Low-Level Date
 * Algorithms"), which count days in 400-year eras and so stay exact for
 * dates before 1970 without any table or loop.
 *
 * The parsers run once per record over millions of records: they read
 * fixed-width digit fields by hand, never allocate, never read past len
 * (the input is often a slice of a larger buffer), and never consult the C
 * library's locale or time zone.
 */
#include "ftltime.h"

#include <stdbool.h>

#define US_PER_SEC  INT64_C(1000000)
#define US_PER_MIN  (60 * US_PER_SEC)
#define US_PER_HOUR (60 * US_PER_MIN)
#define US_PER_DAY  (24 * US_PER_HOUR)

/* The range ftl_time_format can write: 0000-01-01T00:00:00.000000Z to
 * 9999-12-31T23:59:59.999999Z. */
#define TS_FORMAT_MIN INT64_C(-62167219200000000)
#define TS_FORMAT_MAX INT64_C(253402300799999999)

/* Days since 1970-01-01 of y-m-d; m must be 1-12, d may be any value. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;                                 /* year starts in March */
    era = (y >= 0 ? y : y - 399) / 400;          /* floor(y / 400) */
    yoe = y - era * 400;                         /* [0, 399] */
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return era * 146097 + doe - 719468;          /* 719468: 0000-03-01 */
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;                                       /* [0, 146096] */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  /* [0, 399] */
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                /* [0, 365] */
    mp = (5 * doy + 2) / 153;                                     /* [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t ftl_time_from_civil(int year, int month, int day, int hour, int min,
                            int sec, int usec)
{
    int64_t y = year, m0 = (int64_t)month - 1, days;
    uint64_t ts;

    /* Carry an out-of-range month into the year (floor division), so that
     * days_from_civil always sees 1-12; days and smaller fields carry by
     * plain arithmetic. */
    y += m0 >= 0 ? m0 / 12 : (m0 - 11) / 12;
    m0 -= (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12) * 12;
    days = days_from_civil(y, m0 + 1, day);

    /* Unsigned so that absurd inputs wrap instead of overflowing (UB). */
    ts = (uint64_t)days * (uint64_t)US_PER_DAY;
    ts += (uint64_t)((int64_t)hour * US_PER_HOUR);
    ts += (uint64_t)((int64_t)min * US_PER_MIN);
    ts += (uint64_t)((int64_t)sec * US_PER_SEC);
    ts += (uint64_t)(int64_t)usec;
    return (int64_t)ts;
}

void ftl_time_to_civil(int64_t ts_us, int *year, int *month, int *day,
                       int *hour, int *min, int *sec, int *usec)
{
    int64_t days = ts_us / US_PER_DAY, rem = ts_us % US_PER_DAY, y;
    int m, d;

    if (rem < 0) {              /* C truncates toward zero; we need floor */
        rem += US_PER_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    if (year)
        *year = (int)y;         /* |y| < 300000 for any int64 input */
    if (month)
        *month = m;
    if (day)
        *day = d;
    if (hour)
        *hour = (int)(rem / US_PER_HOUR);
    if (min)
        *min = (int)(rem / US_PER_MIN % 60);
    if (sec)
        *sec = (int)(rem / US_PER_SEC % 60);
    if (usec)
        *usec = (int)(rem % US_PER_SEC);
}

/* ---- parsing helpers; p/end delimit the unread input ---- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
           c == '\r';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Reads exactly n digits; returns their value, or -1. */
static int fixed_digits(const char **pp, const char *end, int n)
{
    const char *p = *pp;
    int v = 0;

    if (end - p < n)
        return -1;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *pp = p + n;
    return v;
}

/* Reads one or two digits (US locale month, day, hour); returns value or -1. */
static int one_or_two_digits(const char **pp, const char *end)
{
    const char *p = *pp;
    int v;

    if (p >= end || !is_digit(*p))
        return -1;
    v = *p++ - '0';
    if (p < end && is_digit(*p))
        v = v * 10 + (*p++ - '0');
    *pp = p;
    return v;
}

static bool take(const char **pp, const char *end, char c)
{
    if (*pp < end && **pp == c) {
        (*pp)++;
        return true;
    }
    return false;
}

static void trim(const char **pp, const char **endp)
{
    while (*pp < *endp && is_space(**pp))
        (*pp)++;
    while (*endp > *pp && is_space((*endp)[-1]))
        (*endp)--;
}

static bool valid_date(int y, int m, int d)
{
    static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30,
                                            31, 31, 30, 31, 30, 31};

    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    if (m == 2 && d == 29)
        return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    return true;
}

/* Leap second 60 becomes the start of the next second, its fraction
 * dropped: 23:59:60.5 sorting after 00:00:00.2 would invert the timeline. */
static int64_t civil_to_ts(int y, int mo, int d, int h, int mi, int s, int us)
{
    if (s == 60)
        us = 0;
    return ftl_time_from_civil(y, mo, d, h, mi, s, us);
}

int ftl_time_parse_iso8601(const char *s, size_t len, int64_t *ts_us)
{
    static const int32_t scale[7] = {0, 100000, 10000, 1000, 100, 10, 1};
    const char *p = s, *end;
    int year, mon, day, hour = 0, min = 0, sec = 0, usec = 0;
    int64_t off_us = 0, ts;

    if (!s)
        return -1;
    end = s + len;
    trim(&p, &end);

    year = fixed_digits(&p, end, 4);
    if (year < 0 || !take(&p, end, '-'))
        return -1;
    mon = fixed_digits(&p, end, 2);
    if (mon < 0 || !take(&p, end, '-'))
        return -1;
    day = fixed_digits(&p, end, 2);
    if (day < 0 || !valid_date(year, mon, day))
        return -1;
    if (p == end)
        goto done;                                  /* date alone: midnight */

    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    hour = fixed_digits(&p, end, 2);
    if (hour < 0 || hour > 23 || !take(&p, end, ':'))
        return -1;
    min = fixed_digits(&p, end, 2);
    if (min < 0 || min > 59)
        return -1;
    if (take(&p, end, ':')) {
        sec = fixed_digits(&p, end, 2);
        if (sec < 0 || sec > 60)
            return -1;
        if (p < end && (*p == '.' || *p == ',')) {
            int n = 0;

            /* .NET writes 7 digits, some tools 9: keep the first 6,
             * truncating, so a time never moves into the next second. */
            for (p++; p < end && is_digit(*p); p++, n++)
                if (n < 6)
                    usec = usec * 10 + (*p - '0');
            if (n < 1 || n > 9)
                return -1;
            if (n < 6)
                usec *= scale[n];
        }
    }

    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int neg = *p++ == '-', oh, om = 0;

        oh = fixed_digits(&p, end, 2);
        if (oh < 0 || oh > 23)
            return -1;
        if (take(&p, end, ':') || (p < end && is_digit(*p))) {
            om = fixed_digits(&p, end, 2);
            if (om < 0 || om > 59)
                return -1;
        }
        off_us = oh * US_PER_HOUR + om * US_PER_MIN;
        if (neg)
            off_us = -off_us;
    }
    if (p != end)
        return -1;

done:
    /* Local time minus its offset is UTC: 09:00+11:00 is 22:00Z the day before. */
    ts = civil_to_ts(year, mon, day, hour, min, sec, usec) - off_us;
    if (ts_us)
        *ts_us = ts;
    return 0;
}

int ftl_time_parse_us(const char *s, size_t len, int64_t *ts_us)
{
    const char *p = s, *end;
    int year, mon, day, hour, min, sec = 0;
    int64_t ts;

    if (!s)
        return -1;
    end = s + len;
    trim(&p, &end);

    mon = one_or_two_digits(&p, end);
    if (mon < 0 || !take(&p, end, '/'))
        return -1;
    day = one_or_two_digits(&p, end);
    if (day < 0 || !take(&p, end, '/'))
        return -1;
    year = fixed_digits(&p, end, 4);
    if (year < 0 || !valid_date(year, mon, day) || !take(&p, end, ' '))
        return -1;

    hour = one_or_two_digits(&p, end);
    if (hour < 0 || !take(&p, end, ':'))
        return -1;
    min = fixed_digits(&p, end, 2);
    if (min < 0 || min > 59)
        return -1;
    if (take(&p, end, ':')) {
        /* .NET's DateTime has no leap second, so :60 here is corruption. */
        sec = fixed_digits(&p, end, 2);
        if (sec < 0 || sec > 59)
            return -1;
    }

    take(&p, end, ' ');
    if (p == end) {
        if (hour > 23)
            return -1;
    } else {
        bool pm;

        if (end - p != 2 || lower(p[1]) != 'm')
            return -1;
        if (lower(p[0]) == 'a')
            pm = false;
        else if (lower(p[0]) == 'p')
            pm = true;
        else
            return -1;
        /* 12-hour clock: 12 AM is midnight, 12 PM is noon, 0 does not exist. */
        if (hour < 1 || hour > 12)
            return -1;
        if (hour == 12)
            hour = 0;
        if (pm)
            hour += 12;
    }

    ts = civil_to_ts(year, mon, day, hour, min, sec, 0);
    if (ts_us)
        *ts_us = ts;
    return 0;
}

int ftl_time_parse_any(const char *s, size_t len, int64_t *ts_us)
{
    if (ftl_time_parse_iso8601(s, len, ts_us) == 0)
        return 0;
    return ftl_time_parse_us(s, len, ts_us);
}

/* ---- formatting ---- */

static char *put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

size_t ftl_time_format(int64_t ts_us, char *buf)
{
    int y, mo, d, h, mi, s, us;
    char *p = buf;

    if (ts_us < TS_FORMAT_MIN)
        ts_us = TS_FORMAT_MIN;
    else if (ts_us > TS_FORMAT_MAX)
        ts_us = TS_FORMAT_MAX;
    ftl_time_to_civil(ts_us, &y, &mo, &d, &h, &mi, &s, &us);

    p = put_digits(p, y, 4);
    *p++ = '-';
    p = put_digits(p, mo, 2);
    *p++ = '-';
    p = put_digits(p, d, 2);
    *p++ = 'T';
    p = put_digits(p, h, 2);
    *p++ = ':';
    p = put_digits(p, mi, 2);
    *p++ = ':';
    p = put_digits(p, s, 2);
    *p++ = '.';
    p = put_digits(p, us, 6);
    *p++ = 'Z';
    *p = '\0';
    return (size_t)(p - buf);
}

int ftl_duration_parse(const char *s, int64_t *us)
{
    int64_t n = 0, unit;
    const char *p = s;

    if (!s || *p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (*p - '0');
        if (n > 10 * 366 * 86400LL)
            return -1;
    }
    switch (*p) {
    case 's': unit = 1000000LL; break;
    case 'm': unit = 60 * 1000000LL; break;
    case 'h': unit = 3600 * 1000000LL; break;
    case 'd': unit = 86400 * 1000000LL; break;
    default: return -1;
    }
    if (p[1] != '\0' || n * (unit / 1000000) > 10 * 366 * 86400LL)
        return -1;
    *us = n * unit;
    return 0;
}
