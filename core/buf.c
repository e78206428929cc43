/*
 * buf.c - growable NUL-terminated byte buffer (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *ftl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p) {
        fputs("ftl: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *ftl_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q) {
        fputs("ftl: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *ftl_xstrndup(const char *s, size_t n)
{
    char *p = ftl_xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void ftl_buf_grow(struct ftl_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;

    if (need <= b->cap)
        return;
    if (need < b->cap * 2)
        need = b->cap * 2;
    if (need < 64)
        need = 64;
    b->data = ftl_xrealloc(b->data, need);
    b->cap = need;
}

void ftl_buf_add(struct ftl_buf *b, const void *p, size_t n)
{
    ftl_buf_grow(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ftl_buf_addstr(struct ftl_buf *b, const char *s)
{
    ftl_buf_add(b, s, strlen(s));
}

void ftl_buf_addch(struct ftl_buf *b, char c)
{
    ftl_buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void ftl_buf_addf(struct ftl_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    ftl_buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void ftl_buf_reset(struct ftl_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ftl_buf_free(struct ftl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

size_t ftl_buf_keep(struct ftl_buf *b, const char *s)
{
    size_t off = b->len;

    if (!s)
        return FTL_BUF_NONE;
    ftl_buf_addstr(b, s);
    ftl_buf_addch(b, '\0');
    return off;
}
