/*
 * capture.h - an in-memory sink for importer tests: runs one importer over
 * one file and keeps deep copies of every event and reject, so a test can
 * look at exactly what the importer produced without a case file.
 */
#ifndef FTL_TEST_CAPTURE_H
#define FTL_TEST_CAPTURE_H

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "importer.h"
#include "reader.h"
#include "tmpdir.h"

struct cap_event {
    int64_t ts_us, record_no;
    char *f[FTL_F_COUNT];
    char *raw;
    size_t raw_len;
};

struct cap_reject {
    int64_t record_no, line;
    char *reason;
    char *raw;
    size_t raw_len;
};

struct capture {
    struct ftl_sink sink;   /* first */
    struct cap_event *ev;
    size_t nev;
    struct cap_reject *rej;
    size_t nrej;
    int64_t records;        /* records the input handed out */
    ftl_rc rc;              /* what import() returned */
    ftl_rc stream;          /* the input's sticky status */
    const char *variant;
    char err[1024];
};

static inline char *cap_dup(const char *s, size_t n)
{
    return s ? ftl_xstrndup(s, n) : NULL;
}

static inline ftl_rc cap_event_fn(struct ftl_sink *s, const struct ftl_event *e)
{
    struct capture *c = (struct capture *)s;
    struct cap_event *x;
    int k;

    c->ev = ftl_xrealloc(c->ev, (c->nev + 1) * sizeof *c->ev);
    x = &c->ev[c->nev++];
    x->ts_us = e->ts_us;
    x->record_no = e->record_no;
    for (k = 0; k < FTL_F_COUNT; k++)
        x->f[k] = e->f[k] ? cap_dup(e->f[k], strlen(e->f[k])) : NULL;
    x->raw = cap_dup(e->raw, e->raw_len);
    x->raw_len = e->raw_len;
    return FTL_OK;
}

static inline ftl_rc cap_reject_fn(struct ftl_sink *s, int64_t record_no, int64_t line,
                            uint64_t offset, const char *reason, const void *raw,
                            size_t raw_len)
{
    struct capture *c = (struct capture *)s;
    struct cap_reject *x;

    (void)offset;
    c->rej = ftl_xrealloc(c->rej, (c->nrej + 1) * sizeof *c->rej);
    x = &c->rej[c->nrej++];
    x->record_no = record_no;
    x->line = line;
    x->reason = cap_dup(reason, strlen(reason));
    x->raw = cap_dup(raw, raw_len);
    x->raw_len = raw_len;
    return FTL_OK;
}

static inline void cap_note_fn(struct ftl_sink *s, const char *msg)
{
    (void)s;
    (void)msg;
}

static inline void capture_free(struct capture *c)
{
    size_t i;
    int k;

    for (i = 0; i < c->nev; i++) {
        for (k = 0; k < FTL_F_COUNT; k++)
            free(c->ev[i].f[k]);
        free(c->ev[i].raw);
    }
    for (i = 0; i < c->nrej; i++) {
        free(c->rej[i].reason);
        free(c->rej[i].raw);
    }
    free(c->ev);
    free(c->rej);
    memset(c, 0, sizeof *c);
}

/* Runs imp over path; returns 0 if the file could be opened. */
static inline int capture_run(struct capture *c, const struct ftl_importer *imp,
                       const char *path)
{
    struct ftl_reader *r = NULL;
    struct ftl_input in;
    struct ftl_import ctx;
    struct ftl_error err = { 0 };
    const char *head;
    size_t len;

    memset(c, 0, sizeof *c);
    c->sink.event = cap_event_fn;
    c->sink.reject = cap_reject_fn;
    c->sink.note = cap_note_fn;
    if (ftl_reader_open(path, &r, &err) != FTL_OK)
        return -1;
    ftl_input_init(&in, r, path, 0);
    ftl_input_peek(&in, 64 << 10, &head, &len);
    memset(&ctx, 0, sizeof ctx);
    ctx.in = &in;
    ctx.sink = &c->sink;
    ctx.err = &err;
    c->rc = imp->import(&ctx);
    c->records = in.records;
    c->stream = in.status;
    c->variant = ctx.variant;
    memcpy(c->err, err.msg, sizeof c->err);
    ftl_input_free(&in);
    ftl_reader_free(r);
    return 0;
}

/* Writes text to a scratch file named name and runs imp over it. */
static inline int capture_text(struct capture *c, const struct ftl_importer *imp,
                               const char *name, const char *text)
{
    static const char *dir;
    char path[1024];

    if (!dir) {
        static char keep[512];

        snprintf(keep, sizeof keep, "%s", test_tmpdir("capture"));
        dir = keep;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    test_write_file(path, text, strlen(text));
    return capture_run(c, imp, path);
}

static inline const struct cap_event *capture_find(const struct capture *c, const char *native_id)
{
    size_t i;

    for (i = 0; i < c->nev; i++)
        if (c->ev[i].f[FTL_F_NATIVE_ID] && strcmp(c->ev[i].f[FTL_F_NATIVE_ID], native_id) == 0)
            return &c->ev[i];
    return NULL;
}

#endif
