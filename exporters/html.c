/*
 * html.c - context escaping for the report (see html.h).
 */
#include "html.h"

#include <string.h>

#include "../core/reader.h"

/* Calls put for each valid UTF-8 run of s and put_bad for each invalid byte. */
static void each_valid(struct ftl_buf *b, const char *s, size_t len,
                       void (*put)(struct ftl_buf *b, const char *s, size_t n))
{
    while (len) {
        long bad = ftl_utf8_invalid(s, len);
        size_t ok = bad < 0 ? len : (size_t)bad;

        put(b, s, ok);
        if (bad < 0)
            return;
        ftl_buf_addstr(b, "\xef\xbf\xbd");
        s += ok + 1;
        len -= ok + 1;
    }
}

static void put_html(struct ftl_buf *b, const char *s, size_t n)
{
    size_t i, start = 0;

    for (i = 0; i < n; i++) {
        const char *rep = NULL;

        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = "\xef\xbf\xbd"; break;
        }
        if (rep) {
            ftl_buf_add(b, s + start, i - start);
            ftl_buf_addstr(b, rep);
            start = i + 1;
        }
    }
    ftl_buf_add(b, s + start, n - start);
}

void ftl_html_text(struct ftl_buf *b, const char *s)
{
    if (s)
        each_valid(b, s, strlen(s), put_html);
}

void ftl_html_attr(struct ftl_buf *b, const char *s)
{
    ftl_html_text(b, s);
}

static void put_json(struct ftl_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            ftl_buf_addch(b, '\\');
            ftl_buf_addch(b, (char)c);
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };

            ftl_buf_add(b, u, 6);
        } else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
            ftl_buf_addstr(b, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
            i += 2;
        } else {
            ftl_buf_addch(b, (char)c);
        }
    }
}

void ftl_html_json(struct ftl_buf *b, const char *s, size_t len)
{
    ftl_buf_addch(b, '"');
    if (s)
        each_valid(b, s, len, put_json);
    ftl_buf_addch(b, '"');
}
