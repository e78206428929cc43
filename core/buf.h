/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Model: git's strbuf. A zeroed struct is an empty buffer; ftl_buf_free()
 * releases the memory and leaves an empty buffer behind. Appending may move
 * data: pointers into buf->data are invalidated by every call that grows it.
 * Allocation failure aborts the process (ftl_buf_* are used for per-record
 * scratch whose size is bounded by the record limit; a process that cannot
 * get a few MB has nothing sensible left to do).
 */
#ifndef FTL_BUF_H
#define FTL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ftl_buf {
    char *data;   /* NULL or len bytes plus a NUL */
    size_t len;
    size_t cap;
};

void ftl_buf_grow(struct ftl_buf *b, size_t extra);
void ftl_buf_add(struct ftl_buf *b, const void *p, size_t n);
void ftl_buf_addstr(struct ftl_buf *b, const char *s);
void ftl_buf_addch(struct ftl_buf *b, char c);
void ftl_buf_addf(struct ftl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ftl_buf_reset(struct ftl_buf *b);   /* len = 0, keeps memory */
void ftl_buf_free(struct ftl_buf *b);
/* data or "" when empty, never NULL */
static inline const char *ftl_buf_str(const struct ftl_buf *b)
{
    return b->data ? b->data : "";
}

/*
 * Scratch strings for importers: appends s and its NUL and returns the
 * offset of the copy (FTL_BUF_NONE for NULL s). Offsets survive the buffer
 * growing; turn them into pointers with ftl_buf_at once the buffer is done.
 */
#define FTL_BUF_NONE ((size_t)-1)
size_t ftl_buf_keep(struct ftl_buf *b, const char *s);
static inline const char *ftl_buf_at(const struct ftl_buf *b, size_t off)
{
    return off == FTL_BUF_NONE ? NULL : b->data + off;
}

/* xmalloc-style helpers: abort with a message on failure */
void *ftl_xmalloc(size_t n);
void *ftl_xrealloc(void *p, size_t n);
char *ftl_xstrndup(const char *s, size_t n);

#endif
