/*
 * gen.h - what the benchmark generators (ual_gen.c, ct_gen.c) share: one
 * splitmix64 stream for every choice, and hand formatting into a buffer.
 *
 * Determinism: every byte a generator writes comes from its seed through
 * mix(); nothing reads the clock, the locale or rand(), so the same
 * arguments give the same bytes on every machine.
 *
 * Speed: records are formatted by hand into one large buffer; printf per
 * field would make the generator, not the importer, the slow part of a run.
 * The put functions do not check space: the caller keeps the buffer well
 * above the largest record and empties it between records or batches.
 *
 * Header only, all static inline: each generator is one executable.
 */
#ifndef FTL_BENCH_GEN_H
#define FTL_BENCH_GEN_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ftltime.h"

/* ---------------------------------------------------------------- random */

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, full period. */
static inline uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in [0, n) by multiply-shift; the bias is below 2^-32 for our n */
static inline uint32_t below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(((mix(s) >> 32) * (uint64_t)n) >> 32);
}

static inline int pct(uint64_t *s, uint32_t p)
{
    return below(s, 100) < p;
}

#define NELEM(arr) (sizeof(arr) / sizeof((arr)[0]))
#define PICK(s, arr) ((arr)[below((s), (uint32_t)NELEM(arr))])

/* ---------------------------------------------------------------- output */

struct out {
    char *buf;
    size_t len;
    FILE *fp;             /* where flushes go (ual_gen); unused by ct_gen */
    int failed;
};

static inline void put(struct out *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* a string literal, its length known at compile time */
#define LIT(o, s) put((o), (s), sizeof(s) - 1)

static inline void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static inline void putc_(struct out *o, char c)
{
    o->buf[o->len++] = c;
}

static inline void put_u64(struct out *o, uint64_t v)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        o->buf[o->len++] = tmp[--n];
}

/* v zero-padded to width digits */
static inline void put_dec(struct out *o, unsigned v, int width)
{
    int i;

    for (i = width - 1; i >= 0; i--) {
        o->buf[o->len + (size_t)i] = (char)('0' + v % 10);
        v /= 10;
    }
    o->len += (size_t)width;
}

static const char hexdig[] = "0123456789abcdef";
static const char hexup[] = "0123456789ABCDEF";

static inline void put_hex(struct out *o, uint64_t v, int digits, const char *alpha)
{
    int i;

    for (i = digits - 1; i >= 0; i--) {
        o->buf[o->len + (size_t)i] = alpha[v & 15];
        v >>= 4;
    }
    o->len += (size_t)digits;
}

/* n letters drawn from alpha (nalpha of them, at most 64), 6 bits a letter */
static inline void put_letters(struct out *o, uint64_t *s, int n, const char *alpha,
                               uint32_t nalpha)
{
    uint64_t v = 0;
    int bits = 0;

    while (n-- > 0) {
        if (bits < 6) {
            v = mix(s);
            bits = 64;
        }
        putc_(o, alpha[(uint32_t)(v & 63) % nalpha]);
        v >>= 6;
        bits -= 6;
    }
}

/* A version-4 GUID (RFC 4122 layout), lower-case, from two draws. */
static inline void put_guid_from(struct out *o, uint64_t a, uint64_t b)
{
    put_hex(o, a >> 32, 8, hexdig);
    putc_(o, '-');
    put_hex(o, (a >> 16) & 0xffff, 4, hexdig);
    putc_(o, '-');
    put_hex(o, 0x4000 | (a & 0x0fff), 4, hexdig);
    putc_(o, '-');
    put_hex(o, 0x8000 | ((b >> 48) & 0x3fff), 4, hexdig);
    putc_(o, '-');
    put_hex(o, b & 0xffffffffffffULL, 12, hexdig);
}

static inline void put_guid(struct out *o, uint64_t *s)
{
    uint64_t a = mix(s);

    put_guid_from(o, a, mix(s));
}

/* ---------------------------------------------------------------- time */

/* The civil date of one UTC day, kept so a run of records on the same day
 * costs no calendar arithmetic. Start with day_s = INT64_MIN / 2. */
struct day {
    int64_t day_s;        /* start of the day, seconds since the epoch */
    int y, m, d;
    char text[11];        /* YYYY-MM-DD */
};

/* Seconds into the day of t_s, after moving *dy to t_s's day if needed. */
static inline int64_t day_of(struct day *dy, int64_t t_s)
{
    if (t_s < dy->day_s || t_s >= dy->day_s + 86400) {
        dy->day_s = t_s - ((t_s % 86400) + 86400) % 86400;
        ftl_time_to_civil(dy->day_s * 1000000, &dy->y, &dy->m, &dy->d, NULL, NULL, NULL, NULL);
        snprintf(dy->text, sizeof dy->text, "%04d-%02d-%02d", dy->y, dy->m, dy->d);
    }
    return t_s - dy->day_s;
}

/* YYYY-MM-DDTHH:MM:SS (whole seconds, no zone) */
static inline void put_iso(struct out *o, struct day *dy, int64_t t_s)
{
    int64_t sod = day_of(dy, t_s);

    put(o, dy->text, 10);
    putc_(o, 'T');
    put_dec(o, (unsigned)(sod / 3600), 2);
    putc_(o, ':');
    put_dec(o, (unsigned)(sod / 60 % 60), 2);
    putc_(o, ':');
    put_dec(o, (unsigned)(sod % 60), 2);
}

/* ---------------------------------------------------------------- arguments */

/* A whole decimal number without sign; -1 if s is not one. */
static inline int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long n;

    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = n;
    return 0;
}

#endif
