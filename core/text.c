/*
 * text.c - address, case and header normalization (see text.h).
 */
#include "text.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int canon(const char *s, size_t n, char *out)
{
    char tmp[FTL_IP_MAX];
    unsigned char a[16];

    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET, tmp, a) == 1)
        return inet_ntop(AF_INET, a, out, FTL_IP_MAX) != NULL;
    if (inet_pton(AF_INET6, tmp, a) == 1) {
        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

        if (memcmp(a, mapped, 12) == 0)
            return inet_ntop(AF_INET, a + 12, out, FTL_IP_MAX) != NULL;
        return inet_ntop(AF_INET6, a, out, FTL_IP_MAX) != NULL;
    }
    return 0;
}

/* Skips leading white space in *s; returns the length without trailing. */
static size_t trim(const char **s)
{
    size_t n;

    while (isspace((unsigned char)**s))
        (*s)++;
    n = strlen(*s);
    while (n && isspace((unsigned char)(*s)[n - 1]))
        n--;
    return n;
}

const char *ftl_ip_normalize(const char *s, char *out)
{
    const char *e, *colon;
    size_t n;

    if (!s)
        return NULL;
    n = trim(&s);
    if (n == 0)
        return NULL;
    if (s[0] == '[') {
        e = memchr(s, ']', n);
        if (e && canon(s + 1, (size_t)(e - s - 1), out))
            return out;
    } else if (canon(s, n, out)) {
        return out;
    } else {
        colon = memchr(s, ':', n);
        /* exactly one colon: IPv4 with a port */
        if (colon && !memchr(colon + 1, ':', n - (size_t)(colon - s) - 1) &&
            canon(s, (size_t)(colon - s), out))
            return out;
    }
    n = ftl_utf8_cut(s, n, FTL_IP_MAX - 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

const char *ftl_lower_trim(struct ftl_buf *b, const char *s)
{
    size_t start, n, i;

    if (!s)
        return NULL;
    n = trim(&s);
    start = b->len;
    ftl_buf_grow(b, n + 1);
    for (i = 0; i < n; i++)
        b->data[b->len + i] = (char)tolower((unsigned char)s[i]);
    b->len += n;
    b->data[b->len++] = '\0';
    return b->data + start;
}

void ftl_header_norm(const char *s, size_t len, char *out, size_t outlen)
{
    size_t i, o = 0;
    int space = 0;

    if (!outlen)
        return;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (isspace(c)) {
            space = o > 0;
            continue;
        }
        /* stop rather than write something that is not a prefix */
        if (o + (space ? 2u : 1u) >= outlen)
            break;
        if (space)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)tolower(c);
    }
    out[o] = '\0';
}

size_t ftl_utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    n = max;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;   /* s[n] continues a character: cut before it starts */
    return n;
}
