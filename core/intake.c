/*
 * intake.c - walk evidence paths and import each file (see intake.h).
 *
 * Threading: the calling thread walks, reads, sniffs and parses; a writer
 * thread started once per run owns SQLite and applies, in order, what the
 * parse side hands it in batches: file begins, events, rejects, file ends,
 * reports (DESIGN.md measured a parse thread plus a writer thread as the
 * fastest shape on two cores). Because the writer lives for the whole run,
 * a tree of 10,000 small CloudTrail objects overlaps parsing and writing as
 * well as one big file does. --single-thread applies everything inline.
 */
#include "intake.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "importer.h"
#include "reader.h"

#define BATCH_ITEMS 2048
#define BATCH_BYTES (8u << 20)
#define NBATCH 4
#define COMMIT_EVERY_DEFAULT 250000
#define SNIFF_BYTES (64u << 10)
#define NO_OFF ((size_t)-1)
#define MAX_DEPTH 64

/* ---------------------------------------------------------------- items */

/*
 * Everything the store sees, in order: a file begins (savepoint, evidence
 * row), its events and rejects, the file ends (counts, status, release or
 * roll back, report); and reports of files that never began (unreadable,
 * unrecognised, same bytes as before). With a writer thread these travel in
 * batches; without one they are applied as they come. Either way the
 * writer side alone touches SQLite and calls the caller's callbacks, so
 * reports arrive in walk order from one thread.
 */
enum item_kind { ITEM_EVENT, ITEM_REJECT, ITEM_BEGIN, ITEM_END, ITEM_REPORT };

struct item {
    enum item_kind kind;
    int64_t ts_us, record_no, line;
    uint64_t offset;
    size_t off[FTL_F_COUNT];   /* into the arena, NO_OFF for NULL */
    size_t raw_off, raw_len;
};

/* what ITEM_BEGIN / ITEM_END / ITEM_REPORT keep in off[] */
enum { S_PATH, S_NAME, S_FORMAT };                       /* BEGIN; offset = size, line = gzip */
enum { S_VARIANT, S_MESSAGE, S_SHA256 };                 /* END and REPORT; line = outcome,
                                                            record_no = records */

struct batch {
    struct item *items;
    size_t n;
    struct ftl_buf arena;
};

/* What a file that ends or never began comes to (ITEM_END / ITEM_REPORT). */
struct file_end {
    enum ftl_file_outcome outcome;
    const char *name;          /* REPORT only: the file never began */
    const char *variant, *message, *sha256;
    int64_t records;
};

/* The writer side: owns the store while the run lasts. */
struct writer {
    struct ftl_store *store;
    const struct ftl_intake_cb *cb;
    struct ftl_intake_totals *t;
    int64_t commit_every, since_commit;
    ftl_rc rc;                  /* first store error: ends the run */
    struct ftl_error err;
    atomic_int failed;          /* rc != FTL_OK, readable from the parse thread */
    /* the file being written */
    int in_file;
    struct ftl_evidence ev;
    struct ftl_buf path, name, format;   /* ev's strings */
    int64_t applied;            /* its events so far, for progress */
    /* threaded */
    int threaded;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv_full, cv_free;
    struct batch batches[NBATCH];
    int full[NBATCH], nfull, full_head;
    int freelist[NBATCH], nfree;
    int cur;                    /* batch being filled by the parse side, -1 none */
    int done;                   /* parse side finished */
};

static void report(struct writer *w, const struct ftl_file_report *r)
{
    struct ftl_intake_totals *t = w->t;

    t->files++;
    switch (r->outcome) {
    case FTL_FILE_IMPORTED: t->imported++; break;
    case FTL_FILE_PARTIAL: t->partial++; break;
    case FTL_FILE_ALREADY: t->already++; break;
    case FTL_FILE_UNRECOGNISED: t->unrecognised++; break;
    case FTL_FILE_FAILED: t->failed++; break;
    }
    t->records += r->records;
    t->events += r->events;
    t->rejected += r->rejected;
    t->duplicates += r->duplicates;
    if (w->cb && w->cb->file)
        w->cb->file(w->cb->ctx, r);
}

/* A store error: undo the open file, remember the error, stop the run. */
static void w_fail(struct writer *w, ftl_rc rc, const struct ftl_error *err)
{
    if (w->in_file)
        ftl_store_savepoint(w->store, "ROLLBACK TO", NULL);
    w->in_file = 0;
    w->rc = rc;
    if (err && err != &w->err)
        w->err = *err;
    atomic_store(&w->failed, 1);
}

static void w_begin(struct writer *w, const char *path, const char *name, uint64_t size,
                    int gzip, const char *format)
{
    ftl_rc rc;

    if (w->rc != FTL_OK)
        return;
    memset(&w->ev, 0, sizeof w->ev);
    ftl_buf_reset(&w->path);
    ftl_buf_reset(&w->name);
    ftl_buf_reset(&w->format);
    ftl_buf_addstr(&w->path, path);
    ftl_buf_addstr(&w->name, name);
    ftl_buf_addstr(&w->format, format);
    w->ev.path = w->path.data;
    w->ev.name = w->name.data;
    w->ev.format = w->format.data;
    snprintf(w->ev.sha256, sizeof w->ev.sha256, "pending");
    w->ev.size = size;
    w->ev.compressed = gzip;
    w->ev.first_ts_us = INT64_MAX;
    w->ev.last_ts_us = INT64_MIN;
    w->applied = 0;
    rc = ftl_store_savepoint(w->store, "SAVEPOINT", &w->err);
    if (rc == FTL_OK)
        rc = ftl_store_add_evidence(w->store, &w->ev, &w->err);
    if (rc != FTL_OK) {
        ftl_store_savepoint(w->store, "ROLLBACK TO", NULL);
        w_fail(w, rc, NULL);
        return;
    }
    w->in_file = 1;
}

static void w_event(struct writer *w, const struct ftl_event *e)
{
    struct ftl_evidence *ev = &w->ev;
    int inserted = 0;
    ftl_rc rc;

    if (w->rc != FTL_OK)
        return;
    rc = ftl_store_add_event(w->store, ev->id, e, &inserted, &w->err);
    if (rc != FTL_OK) {
        w_fail(w, rc, NULL);
        return;
    }
    if (!inserted) {
        ev->duplicates++;
    } else {
        ev->events++;
        if (e->ts_us < ev->first_ts_us)
            ev->first_ts_us = e->ts_us;
        if (e->ts_us > ev->last_ts_us)
            ev->last_ts_us = e->ts_us;
    }
    if ((++w->applied & 0xffff) == 0 && w->cb && w->cb->progress)
        w->cb->progress(w->cb->ctx, ev->name, w->applied);
}

static void w_reject(struct writer *w, int64_t record_no, int64_t line, uint64_t offset,
                     const char *reason, const void *raw, size_t raw_len)
{
    ftl_rc rc;

    if (w->rc != FTL_OK)
        return;
    if (w->cb && w->cb->reject)
        w->cb->reject(w->cb->ctx, w->ev.name, record_no, line, reason);
    w->ev.rejected++;
    rc = ftl_store_add_reject(w->store, w->ev.id, record_no, line, offset, reason, raw,
                              raw_len, &w->err);
    if (rc != FTL_OK)
        w_fail(w, rc, NULL);
}

/* The earlier evidence with these bytes, for an ALREADY report. */
static void w_already(struct writer *w, struct ftl_file_report *rep, const char *sha256,
                      char *status, size_t status_len)
{
    int found = ftl_store_find_evidence(w->store, sha256, &rep->evidence_id, status,
                                        status_len, &w->err);

    if (found < 0)
        w_fail(w, w->err.rc, NULL);
    rep->message = found > 0 ? status : NULL;
}

/* A file that never began (REPORT), or the end of the open one (END). */
static void w_end(struct writer *w, const struct file_end *fe)
{
    struct ftl_file_report rep;
    struct ftl_evidence *ev = &w->ev;
    char status[16];
    ftl_rc rc = FTL_OK;

    if (w->rc != FTL_OK)
        return;
    memset(&rep, 0, sizeof rep);
    rep.outcome = fe->outcome;
    rep.message = fe->message;
    if (fe->name) {
        rep.name = fe->name;
        if (fe->outcome == FTL_FILE_ALREADY)
            w_already(w, &rep, fe->sha256, status, sizeof status);
        if (w->rc == FTL_OK)
            report(w, &rep);
        return;
    }
    rep.name = ev->name;
    if (fe->outcome == FTL_FILE_ALREADY || fe->outcome == FTL_FILE_FAILED) {
        /* read to the end and then found wanting: no trace of it stays */
        ftl_store_savepoint(w->store, "ROLLBACK TO", NULL);
        w->in_file = 0;
        if (fe->outcome == FTL_FILE_ALREADY)
            w_already(w, &rep, fe->sha256, status, sizeof status);
        if (w->rc == FTL_OK)
            report(w, &rep);
        return;
    }
    ev->records = fe->records;
    ev->variant = fe->variant;
    ev->status = fe->outcome == FTL_FILE_PARTIAL ? "partial" : "complete";
    ev->message = fe->message;
    snprintf(ev->sha256, sizeof ev->sha256, "%s", fe->sha256);
    rc = ftl_store_update_evidence(w->store, ev, &w->err);
    if (rc == FTL_OK)
        rc = ftl_store_savepoint(w->store, "RELEASE", &w->err);
    if (rc != FTL_OK) {
        w_fail(w, rc, NULL);
        return;
    }
    w->in_file = 0;
    rep.format = ev->format;
    rep.variant = ev->variant;
    rep.evidence_id = ev->id;
    rep.records = ev->records;
    rep.events = ev->events;
    rep.rejected = ev->rejected;
    rep.duplicates = ev->duplicates;
    report(w, &rep);
    w->since_commit += ev->records;
    if (w->since_commit >= w->commit_every) {
        rc = ftl_store_commit(w->store, &w->err);
        if (rc == FTL_OK)
            rc = ftl_store_begin(w->store, &w->err);
        if (rc != FTL_OK)
            w_fail(w, rc, NULL);
        w->since_commit = 0;
    }
}

static void apply_batch(struct writer *w, struct batch *b)
{
    const char *base = b->arena.data;
    size_t i;
    int k;

#define STR(it, k) ((it)->off[k] == NO_OFF ? NULL : base + (it)->off[k])
    for (i = 0; i < b->n && w->rc == FTL_OK; i++) {
        struct item *it = &b->items[i];

        switch (it->kind) {
        case ITEM_EVENT: {
            struct ftl_event e;

            e.ts_us = it->ts_us;
            e.record_no = it->record_no;
            for (k = 0; k < FTL_F_COUNT; k++)
                e.f[k] = STR(it, k);
            e.raw = it->raw_off == NO_OFF ? NULL : base + it->raw_off;
            e.raw_len = it->raw_len;
            w_event(w, &e);
            break;
        }
        case ITEM_REJECT:
            w_reject(w, it->record_no, it->line, it->offset, STR(it, 0), base + it->raw_off,
                     it->raw_len);
            break;
        case ITEM_BEGIN:
            w_begin(w, STR(it, S_PATH), STR(it, S_NAME), it->offset, (int)it->line,
                    STR(it, S_FORMAT));
            break;
        case ITEM_END:
        case ITEM_REPORT: {
            struct file_end fe;

            fe.outcome = (enum ftl_file_outcome)it->line;
            fe.name = it->kind == ITEM_REPORT ? base + it->raw_off : NULL;
            fe.variant = STR(it, S_VARIANT);
            fe.message = STR(it, S_MESSAGE);
            fe.sha256 = STR(it, S_SHA256);
            fe.records = it->record_no;
            w_end(w, &fe);
            break;
        }
        }
    }
#undef STR
    b->n = 0;
    ftl_buf_reset(&b->arena);
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    int idx;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->nfull == 0 && !w->done)
            pthread_cond_wait(&w->cv_full, &w->mu);
        if (w->nfull == 0 && w->done)
            break;
        idx = w->full[w->full_head];
        w->full_head = (w->full_head + 1) % NBATCH;
        w->nfull--;
        pthread_mutex_unlock(&w->mu);
        apply_batch(w, &w->batches[idx]);   /* a no-op after a failure */
        pthread_mutex_lock(&w->mu);
        w->freelist[w->nfree++] = idx;
        pthread_cond_signal(&w->cv_free);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hands the current batch to the writer and takes a free one. */
static void submit_current(struct writer *w)
{
    pthread_mutex_lock(&w->mu);
    if (w->cur >= 0 && w->batches[w->cur].n > 0) {
        w->full[(w->full_head + w->nfull) % NBATCH] = w->cur;
        w->nfull++;
        w->cur = -1;
        pthread_cond_signal(&w->cv_full);
    }
    if (w->cur < 0) {
        while (w->nfree == 0)
            pthread_cond_wait(&w->cv_free, &w->mu);
        w->cur = w->freelist[--w->nfree];
    }
    pthread_mutex_unlock(&w->mu);
}

static struct item *new_item(struct writer *w, enum item_kind kind, struct batch **bp)
{
    struct batch *b = &w->batches[w->cur];
    struct item *it;

    if (b->n >= BATCH_ITEMS || b->arena.len >= BATCH_BYTES) {
        submit_current(w);
        b = &w->batches[w->cur];
    }
    *bp = b;
    it = &b->items[b->n++];
    it->kind = kind;
    it->ts_us = it->record_no = it->line = 0;
    it->offset = 0;
    for (int k = 0; k < FTL_F_COUNT; k++)
        it->off[k] = NO_OFF;
    it->raw_off = NO_OFF;
    it->raw_len = 0;
    return it;
}

static size_t arena_add(struct batch *b, const void *p, size_t n)
{
    size_t off = b->arena.len;

    ftl_buf_add(&b->arena, p, n);
    ftl_buf_addch(&b->arena, '\0');
    return off;
}

static size_t arena_str(struct batch *b, const char *s)
{
    return s ? arena_add(b, s, strlen(s)) : NO_OFF;
}

static void start_writer(struct writer *w)
{
    int i;

    w->threaded = 1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv_full, NULL);
    pthread_cond_init(&w->cv_free, NULL);
    for (i = 0; i < NBATCH; i++) {
        w->batches[i].items = ftl_xmalloc(BATCH_ITEMS * sizeof(struct item));
        w->batches[i].n = 0;
        w->freelist[i] = NBATCH - 1 - i;
    }
    w->nfree = NBATCH;
    w->cur = w->freelist[--w->nfree];
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        /* no thread to be had: write inline instead */
        w->threaded = 0;
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv_full);
        pthread_cond_destroy(&w->cv_free);
    }
}

/* Lets the writer finish every item handed to it, then ends the thread. */
static void stop_writer(struct writer *w)
{
    int i;

    if (w->threaded) {
        pthread_mutex_lock(&w->mu);
        if (w->cur >= 0 && w->batches[w->cur].n > 0) {
            w->full[(w->full_head + w->nfull) % NBATCH] = w->cur;
            w->nfull++;
            w->cur = -1;
        }
        w->done = 1;
        pthread_cond_signal(&w->cv_full);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv_full);
        pthread_cond_destroy(&w->cv_free);
    }
    for (i = 0; i < NBATCH; i++) {
        free(w->batches[i].items);
        ftl_buf_free(&w->batches[i].arena);
    }
    ftl_buf_free(&w->path);
    ftl_buf_free(&w->name);
    ftl_buf_free(&w->format);
    w->threaded = 0;
}

/* ------------------------------------------ the parse side hands over */

static void emit_begin(struct writer *w, const char *path, const char *name, uint64_t size,
                       int gzip, const char *format)
{
    struct batch *b;
    struct item *it;

    if (!w->threaded) {
        w_begin(w, path, name, size, gzip, format);
        return;
    }
    it = new_item(w, ITEM_BEGIN, &b);
    it->off[S_PATH] = arena_str(b, path);
    it->off[S_NAME] = arena_str(b, name);
    it->off[S_FORMAT] = arena_str(b, format);
    it->offset = size;
    it->line = gzip;
}

static void emit_end(struct writer *w, enum item_kind kind, const struct file_end *fe)
{
    struct batch *b;
    struct item *it;

    if (!w->threaded) {
        w_end(w, fe);
        return;
    }
    it = new_item(w, kind, &b);
    it->line = fe->outcome;
    it->record_no = fe->records;
    it->off[S_VARIANT] = arena_str(b, fe->variant);
    it->off[S_MESSAGE] = arena_str(b, fe->message);
    it->off[S_SHA256] = arena_str(b, fe->sha256);
    if (kind == ITEM_REPORT)
        it->raw_off = arena_str(b, fe->name);
}

/* A file that never began: unreadable, unrecognised, or bytes seen before. */
static void emit_report(struct writer *w, const char *name, enum ftl_file_outcome outcome,
                        const char *message, const char *sha256)
{
    struct file_end fe = { outcome, name, NULL, message, sha256, 0 };

    emit_end(w, ITEM_REPORT, &fe);
}

struct sink_impl {
    struct ftl_sink sink;       /* first: the importer sees only this */
    struct writer *w;
    struct ftl_buf note;
};

static ftl_rc sink_event(struct ftl_sink *s, const struct ftl_event *e)
{
    struct writer *w = ((struct sink_impl *)s)->w;
    struct batch *b;
    struct item *it;
    int k;

    if (atomic_load(&w->failed))
        return FTL_ESQL;   /* the writer stopped; the run reports why */
    if (!w->threaded) {
        w_event(w, e);
        return w->rc;
    }
    it = new_item(w, ITEM_EVENT, &b);
    it->ts_us = e->ts_us;
    it->record_no = e->record_no;
    for (k = 0; k < FTL_F_COUNT; k++)
        it->off[k] = arena_str(b, e->f[k]);
    it->raw_off = e->raw ? arena_add(b, e->raw, e->raw_len) : NO_OFF;
    it->raw_len = e->raw_len;
    return FTL_OK;
}

static ftl_rc sink_reject(struct ftl_sink *s, int64_t record_no, int64_t line,
                          uint64_t offset, const char *reason, const void *raw,
                          size_t raw_len)
{
    struct writer *w = ((struct sink_impl *)s)->w;
    struct batch *b;
    struct item *it;

    if (atomic_load(&w->failed))
        return FTL_ESQL;
    if (!w->threaded) {
        w_reject(w, record_no, line, offset, reason, raw, raw_len);
        return w->rc;
    }
    it = new_item(w, ITEM_REJECT, &b);
    it->record_no = record_no;
    it->line = line;
    it->offset = offset;
    it->off[0] = arena_str(b, reason);
    it->raw_off = arena_add(b, raw ? raw : "", raw_len);
    it->raw_len = raw_len;
    return FTL_OK;
}

static void sink_note(struct ftl_sink *s, const char *msg)
{
    struct sink_impl *si = (struct sink_impl *)s;

    if (si->note.len)
        ftl_buf_addstr(&si->note, "; ");
    ftl_buf_addstr(&si->note, msg);
}

/* ------------------------------------------------------ what the case has */

/*
 * The sizes and SHA-256 of every evidence file in the case, and of those
 * this run has read, so a file is only hashed up front when its size was
 * seen before, and the parse side never has to ask the store (which the
 * writer owns). Open addressing; the table doubles at half full.
 */
struct seen {
    struct seen_slot {
        uint64_t size;
        unsigned char sha[32];
        int used;
    } *slot;
    size_t cap, n;
};

static int hex_to_bin(const char *hex, unsigned char out[32])
{
    static const char digits[] = "0123456789abcdef";
    const char *hi, *lo;
    int i;

    if (!hex || strlen(hex) != 64)
        return -1;
    for (i = 0; i < 32; i++) {
        hi = strchr(digits, hex[2 * i]);
        lo = strchr(digits, hex[2 * i + 1]);
        if (!hex[2 * i] || !hex[2 * i + 1] || !hi || !lo)
            return -1;
        out[i] = (unsigned char)((hi - digits) << 4 | (lo - digits));
    }
    return 0;
}

static size_t seen_hash(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void seen_put(struct seen *t, uint64_t size, const unsigned char sha[32]);

static void seen_grow(struct seen *t)
{
    struct seen old = *t;
    size_t i;

    t->cap = old.cap ? old.cap * 2 : 1024;
    t->slot = calloc(t->cap, sizeof *t->slot);
    if (!t->slot)
        t->slot = ftl_xmalloc(1);   /* aborts with a message */
    t->n = 0;
    for (i = 0; i < old.cap; i++)
        if (old.slot[i].used)
            seen_put(t, old.slot[i].size, old.slot[i].sha);
    free(old.slot);
}

/* Keyed by the hash's first bytes (already uniform); one slot per file. */
static void seen_put(struct seen *t, uint64_t size, const unsigned char sha[32])
{
    uint64_t key;
    size_t i;

    if ((t->n + 1) * 2 > t->cap)
        seen_grow(t);
    memcpy(&key, sha, sizeof key);
    for (i = seen_hash(key) & (t->cap - 1); t->slot[i].used; i = (i + 1) & (t->cap - 1))
        if (memcmp(t->slot[i].sha, sha, 32) == 0)
            return;
    t->slot[i].used = 1;
    t->slot[i].size = size;
    memcpy(t->slot[i].sha, sha, 32);
    t->n++;
}

static int seen_sha(const struct seen *t, const unsigned char sha[32])
{
    uint64_t key;
    size_t i;

    if (t->cap == 0)
        return 0;
    memcpy(&key, sha, sizeof key);
    for (i = seen_hash(key) & (t->cap - 1); t->slot[i].used; i = (i + 1) & (t->cap - 1))
        if (memcmp(t->slot[i].sha, sha, 32) == 0)
            return 1;
    return 0;
}

/* Sizes are few and checked once a file: a linear scan would do for tens,
 * but CloudTrail trees hold tens of thousands of files; a second table. */
struct sizes {
    uint64_t *v;    /* size + 1; 0 is empty */
    size_t cap, n;
};

static void sizes_put(struct sizes *t, uint64_t size)
{
    size_t i;

    if ((t->n + 1) * 2 > t->cap) {
        struct sizes old = *t;

        t->cap = old.cap ? old.cap * 2 : 1024;
        t->v = calloc(t->cap, sizeof *t->v);
        if (!t->v)
            t->v = ftl_xmalloc(1);
        t->n = 0;
        for (i = 0; i < old.cap; i++)
            if (old.v[i])
                sizes_put(t, old.v[i] - 1);
        free(old.v);
    }
    for (i = seen_hash(size) & (t->cap - 1); t->v[i]; i = (i + 1) & (t->cap - 1))
        if (t->v[i] == size + 1)
            return;
    t->v[i] = size + 1;
    t->n++;
}

static int sizes_has(const struct sizes *t, uint64_t size)
{
    size_t i;

    if (t->cap == 0)
        return 0;
    for (i = seen_hash(size) & (t->cap - 1); t->v[i]; i = (i + 1) & (t->cap - 1))
        if (t->v[i] == size + 1)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- files */

struct run {
    const struct ftl_intake_opts *opts;
    struct writer *w;
    struct seen seen;
    struct sizes sizes;
};

static void remember(struct run *run, uint64_t size, const char *hex)
{
    unsigned char sha[32];

    if (hex_to_bin(hex, sha) != 0)
        return;   /* not a hash (a row left "pending" cannot be committed) */
    seen_put(&run->seen, size, sha);
    sizes_put(&run->sizes, size);
}

static void remember_cb(void *ctx, uint64_t size, const char *sha256)
{
    remember(ctx, size, sha256);
}

static int known(const struct run *run, const char *hex)
{
    unsigned char sha[32];

    return hex_to_bin(hex, sha) == 0 && seen_sha(&run->seen, sha);
}

/*
 * Reads one regular file and hands it to the writer. Returns FTL_OK unless
 * the writer failed (which ends the run); problems with the file itself are
 * reported, not returned.
 */
static ftl_rc import_file(struct run *run, const char *name, struct ftl_error *err)
{
    struct writer *w = run->w;
    struct ftl_reader *r = NULL;
    struct ftl_input in;
    struct sink_impl si;
    struct ftl_import imp;
    struct file_end fe;
    struct ftl_error ferr = { 0 };
    const struct ftl_importer *imp_def = NULL;
    char hex[65], *abs = NULL;
    const char *head;
    size_t headlen;
    uint64_t size;
    ftl_rc irc;

    (void)err;
    memset(&si, 0, sizeof si);
    ftl_input_init(&in, NULL, name, run->opts->max_record);

    if (ftl_reader_open(name, &r, &ferr) != FTL_OK) {
        emit_report(w, name, FTL_FILE_FAILED, ferr.msg, NULL);
        goto out;
    }
    size = ftl_reader_size(r);
    /* Same bytes before? Only a file of a size already seen can be. */
    if (sizes_has(&run->sizes, size)) {
        if (ftl_sha256_file(name, hex, NULL, &ferr) != FTL_OK) {
            emit_report(w, name, FTL_FILE_FAILED, ferr.msg, NULL);
            goto out;
        }
        if (known(run, hex)) {
            emit_report(w, name, FTL_FILE_ALREADY, NULL, hex);
            goto out;
        }
    }

    in.r = r;
    if (ftl_input_peek(&in, SNIFF_BYTES, &head, &headlen) < 0 && in.status != FTL_OK) {
        emit_report(w, name, FTL_FILE_FAILED, in.err.msg, NULL);
        goto out;
    }
    imp_def = run->opts->format ? ftl_importer_find(run->opts->format)
                                : ftl_importer_sniff(head, headlen);
    if (!imp_def) {
        emit_report(w, name, FTL_FILE_UNRECOGNISED,
                    headlen == 0 ? "empty file" : "no importer recognises its content", NULL);
        goto out;
    }

    abs = realpath(name, NULL);
    emit_begin(w, abs ? abs : name, name, size, ftl_reader_is_gzip(r), imp_def->name);
    si.sink.event = sink_event;
    si.sink.reject = sink_reject;
    si.sink.note = sink_note;
    si.w = w;
    memset(&imp, 0, sizeof imp);
    imp.in = &in;
    imp.sink = &si.sink;
    imp.err = &ferr;
    irc = imp_def->import(&imp);
    if (atomic_load(&w->failed))
        goto out;   /* the writer rolled the file back; the run ends */

    memset(&fe, 0, sizeof fe);
    fe.records = in.records;
    fe.variant = imp.variant;
    fe.outcome = FTL_FILE_IMPORTED;
    if (irc != FTL_OK || in.status != FTL_OK) {
        fe.outcome = FTL_FILE_PARTIAL;
        sink_note(&si.sink, irc != FTL_OK ? ferr.msg : in.err.msg);
    }
    fe.message = si.note.len ? si.note.data : NULL;
    if (ftl_reader_sha256(r, hex, &ferr) != FTL_OK) {
        fe.outcome = FTL_FILE_FAILED;
        fe.message = ferr.msg;
    } else if (known(run, hex)) {
        /* caught here if the size check could not (a file that grew) */
        fe.outcome = FTL_FILE_ALREADY;
        fe.message = NULL;
        fe.sha256 = hex;
    } else {
        fe.sha256 = hex;
        remember(run, size, hex);
    }
    emit_end(w, ITEM_END, &fe);
out:
    ftl_buf_free(&si.note);
    ftl_input_free(&in);
    ftl_reader_free(r);
    free(abs);
    return atomic_load(&w->failed) ? FTL_ESQL : FTL_OK;
}

/* A path that could not be walked: reported, and the run goes on. */
static void report_path(struct run *run, const char *path, enum ftl_file_outcome outcome,
                        const char *what)
{
    char msg[512];

    if (outcome == FTL_FILE_FAILED)
        snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(errno));
    else
        snprintf(msg, sizeof msg, "%s", what);
    emit_report(run->w, path, outcome, msg, NULL);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static ftl_rc walk(struct run *run, const char *path, int depth, struct ftl_error *err)
{
    struct stat st;
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    struct ftl_buf child = { 0 };
    ftl_rc rc = FTL_OK;

    if (stat(path, &st) != 0) {
        report_path(run, path, FTL_FILE_FAILED, "cannot open");
        return FTL_OK;
    }
    if (S_ISREG(st.st_mode))
        return import_file(run, path, err);
    if (!S_ISDIR(st.st_mode)) {
        report_path(run, path, FTL_FILE_UNRECOGNISED, "not a regular file or directory");
        return FTL_OK;
    }
    if (depth >= MAX_DEPTH)
        return ftl_error_set(err, FTL_EIO, "%s: directories nested deeper than %d", path,
                             MAX_DEPTH);
    d = opendir(path);
    if (!d) {
        report_path(run, path, FTL_FILE_FAILED, "cannot read directory");
        return FTL_OK;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = ftl_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = ftl_xstrndup(de->d_name, strlen(de->d_name));
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (i = 0; i < n && rc == FTL_OK; i++) {
        ftl_buf_reset(&child);
        ftl_buf_addstr(&child, path);
        if (child.len && child.data[child.len - 1] != '/')
            ftl_buf_addch(&child, '/');
        ftl_buf_addstr(&child, names[i]);
        rc = walk(run, child.data, depth + 1, err);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    ftl_buf_free(&child);
    return rc;
}

ftl_rc ftl_intake_run(struct ftl_store *s, const char *const *paths, size_t npaths,
                      const struct ftl_intake_opts *opts,
                      const struct ftl_intake_cb *cb,
                      struct ftl_intake_totals *totals, struct ftl_error *err)
{
    struct run run;
    struct writer w;
    struct ftl_intake_opts defaults = { 0 };
    size_t i;
    ftl_rc rc;

    memset(totals, 0, sizeof *totals);
    memset(&run, 0, sizeof run);
    memset(&w, 0, sizeof w);
    run.opts = opts ? opts : &defaults;
    run.w = &w;
    w.store = s;
    w.cb = cb;
    w.t = totals;
    w.commit_every = run.opts->commit_every > 0 ? run.opts->commit_every : COMMIT_EVERY_DEFAULT;
    atomic_init(&w.failed, 0);
    if (run.opts->format && !ftl_importer_find(run.opts->format))
        return ftl_error_set(err, FTL_EUSAGE, "unknown format '%s' (see ftl formats)",
                             run.opts->format);
    rc = ftl_store_begin(s, err);
    if (rc == FTL_OK)
        rc = ftl_store_each_evidence(s, remember_cb, &run, err);
    if (rc == FTL_OK && !run.opts->no_thread)
        start_writer(&w);
    for (i = 0; i < npaths && rc == FTL_OK; i++)
        rc = walk(&run, paths[i], 0, err);
    stop_writer(&w);   /* everything handed over is written or rolled back */
    free(run.seen.slot);
    free(run.sizes.v);
    if (w.rc != FTL_OK) {
        rc = w.rc;
        *err = w.err;
    }
    if (rc == FTL_OK)
        return ftl_store_commit(s, err);
    /* keep what was committed; also keep the files finished in this group */
    if (rc != FTL_ESQL && rc != FTL_EBUSY && rc != FTL_ENOMEM) {
        struct ftl_error cerr;

        ftl_store_commit(s, &cerr);
    } else {
        ftl_store_rollback(s);
    }
    return rc;
}
