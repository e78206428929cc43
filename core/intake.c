/*
 * intake.c - walk evidence paths and import each file (see intake.h).
 *
 * Threading: for a file larger than THREAD_MIN_BYTES the importer runs in
 * the calling thread and hands batches of copied events to a writer thread
 * that owns SQLite for the duration of the file (DESIGN.md measured a parse
 * thread plus a writer thread as the fastest shape on two cores). Small
 * files are written inline: thousands of small CloudTrail objects must not
 * pay a thread start each.
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

#define THREAD_MIN_BYTES (4u << 20)
#define BATCH_ITEMS 2048
#define BATCH_BYTES (8u << 20)
#define NBATCH 4
#define COMMIT_EVERY_DEFAULT 250000
#define SNIFF_BYTES (64u << 10)
#define NO_OFF ((size_t)-1)
#define MAX_DEPTH 64

/* ---------------------------------------------------------------- batches */

enum { ITEM_EVENT, ITEM_REJECT };

struct item {
    int kind;
    int64_t ts_us, record_no, line;
    uint64_t offset;
    size_t off[FTL_F_COUNT];   /* into arena, NO_OFF for NULL */
    size_t raw_off, raw_len;
    size_t reason_off;
};

struct batch {
    struct item *items;
    size_t n;
    struct ftl_buf arena;
};

/* What one file's import writes, shared by the inline and threaded paths. */
struct file_state {
    struct ftl_store *store;
    struct ftl_evidence *ev;
    const struct ftl_intake_cb *cb;
    ftl_rc rc;                  /* first store error (writer's, once threaded) */
    struct ftl_error err;
    atomic_int failed;          /* rc != FTL_OK, readable from the parse thread */
    /* threaded */
    int threaded;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv_full, cv_free;
    struct batch batches[NBATCH];
    int full[NBATCH], nfull, full_head;
    int freelist[NBATCH], nfree;
    int cur;                    /* batch being filled by the importer, -1 none */
    int done;                   /* producer finished */
    int64_t produced;           /* records handed to the sink (for progress) */
};

struct sink_impl {
    struct ftl_sink sink;       /* first: the importer sees only this */
    struct file_state *fs;
    struct ftl_buf note;
};

static void count_event(struct file_state *fs, int64_t ts, int inserted)
{
    struct ftl_evidence *ev = fs->ev;

    if (!inserted) {
        ev->duplicates++;
        return;
    }
    ev->events++;
    if (ts < ev->first_ts_us)
        ev->first_ts_us = ts;
    if (ts > ev->last_ts_us)
        ev->last_ts_us = ts;
}

static ftl_rc write_event(struct file_state *fs, const struct ftl_event *e)
{
    int inserted = 0;
    ftl_rc rc;

    rc = ftl_store_add_event(fs->store, fs->ev->id, e, &inserted, &fs->err);
    if (rc == FTL_OK)
        count_event(fs, e->ts_us, inserted);
    return rc;
}

static ftl_rc write_reject(struct file_state *fs, int64_t record_no, int64_t line,
                           uint64_t offset, const char *reason, const void *raw,
                           size_t raw_len)
{
    fs->ev->rejected++;
    return ftl_store_add_reject(fs->store, fs->ev->id, record_no, line, offset,
                                reason, raw, raw_len, &fs->err);
}

static ftl_rc write_batch(struct file_state *fs, struct batch *b)
{
    const char *base = b->arena.data;
    size_t i;
    int k;
    ftl_rc rc = FTL_OK;

    for (i = 0; i < b->n && rc == FTL_OK; i++) {
        struct item *it = &b->items[i];

        if (it->kind == ITEM_EVENT) {
            struct ftl_event e;

            e.ts_us = it->ts_us;
            e.record_no = it->record_no;
            for (k = 0; k < FTL_F_COUNT; k++)
                e.f[k] = it->off[k] == NO_OFF ? NULL : base + it->off[k];
            e.raw = it->raw_off == NO_OFF ? NULL : base + it->raw_off;
            e.raw_len = it->raw_len;
            rc = write_event(fs, &e);
        } else {
            rc = write_reject(fs, it->record_no, it->line, it->offset,
                              base + it->reason_off, base + it->raw_off, it->raw_len);
        }
    }
    b->n = 0;
    ftl_buf_reset(&b->arena);
    return rc;
}

static void *writer_main(void *arg)
{
    struct file_state *fs = arg;
    int idx;

    pthread_mutex_lock(&fs->mu);
    for (;;) {
        while (fs->nfull == 0 && !fs->done)
            pthread_cond_wait(&fs->cv_full, &fs->mu);
        if (fs->nfull == 0 && fs->done)
            break;
        idx = fs->full[fs->full_head];
        fs->full_head = (fs->full_head + 1) % NBATCH;
        fs->nfull--;
        pthread_mutex_unlock(&fs->mu);
        if (fs->rc == FTL_OK) {
            fs->rc = write_batch(fs, &fs->batches[idx]);
            if (fs->rc != FTL_OK)
                atomic_store(&fs->failed, 1);
        } else {
            fs->batches[idx].n = 0;
            ftl_buf_reset(&fs->batches[idx].arena);
        }
        pthread_mutex_lock(&fs->mu);
        fs->freelist[fs->nfree++] = idx;
        pthread_cond_signal(&fs->cv_free);
    }
    pthread_mutex_unlock(&fs->mu);
    return NULL;
}

/* Hands the current batch to the writer and takes a free one. */
static void submit_current(struct file_state *fs)
{
    pthread_mutex_lock(&fs->mu);
    if (fs->cur >= 0 && fs->batches[fs->cur].n > 0) {
        fs->full[(fs->full_head + fs->nfull) % NBATCH] = fs->cur;
        fs->nfull++;
        fs->cur = -1;
        pthread_cond_signal(&fs->cv_full);
    }
    if (fs->cur < 0) {
        while (fs->nfree == 0)
            pthread_cond_wait(&fs->cv_free, &fs->mu);
        fs->cur = fs->freelist[--fs->nfree];
    }
    pthread_mutex_unlock(&fs->mu);
}

static struct item *new_item(struct file_state *fs, struct batch **bp)
{
    struct batch *b = &fs->batches[fs->cur];

    if (b->n >= BATCH_ITEMS || b->arena.len >= BATCH_BYTES) {
        submit_current(fs);
        b = &fs->batches[fs->cur];
    }
    *bp = b;
    return &b->items[b->n++];
}

static size_t arena_add(struct batch *b, const void *p, size_t n)
{
    size_t off = b->arena.len;

    ftl_buf_add(&b->arena, p, n);
    ftl_buf_addch(&b->arena, '\0');
    return off;
}

static ftl_rc sink_event(struct ftl_sink *s, const struct ftl_event *e)
{
    struct file_state *fs = ((struct sink_impl *)s)->fs;
    struct batch *b;
    struct item *it;
    int k;

    if (atomic_load(&fs->failed))
        return FTL_ESQL;   /* the writer stopped; stop_writer() reports why */
    if (!fs->threaded && fs->rc != FTL_OK)
        return fs->rc;
    if ((++fs->produced & 0xffff) == 0 && fs->cb && fs->cb->progress)
        fs->cb->progress(fs->cb->ctx, fs->ev->name, fs->produced);
    if (!fs->threaded)
        return fs->rc = write_event(fs, e);
    it = new_item(fs, &b);
    it->kind = ITEM_EVENT;
    it->ts_us = e->ts_us;
    it->record_no = e->record_no;
    for (k = 0; k < FTL_F_COUNT; k++)
        it->off[k] = e->f[k] ? arena_add(b, e->f[k], strlen(e->f[k])) : NO_OFF;
    it->raw_off = e->raw ? arena_add(b, e->raw, e->raw_len) : NO_OFF;
    it->raw_len = e->raw_len;
    return FTL_OK;
}

static ftl_rc sink_reject(struct ftl_sink *s, int64_t record_no, int64_t line,
                          uint64_t offset, const char *reason, const void *raw,
                          size_t raw_len)
{
    struct file_state *fs = ((struct sink_impl *)s)->fs;
    struct batch *b;
    struct item *it;

    if (fs->cb && fs->cb->reject)
        fs->cb->reject(fs->cb->ctx, fs->ev->name, record_no, line, reason);
    if (atomic_load(&fs->failed))
        return FTL_ESQL;
    if (!fs->threaded && fs->rc != FTL_OK)
        return fs->rc;
    if (!fs->threaded)
        return fs->rc = write_reject(fs, record_no, line, offset, reason, raw, raw_len);
    it = new_item(fs, &b);
    it->kind = ITEM_REJECT;
    it->record_no = record_no;
    it->line = line;
    it->offset = offset;
    it->reason_off = arena_add(b, reason, strlen(reason));
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

static void start_writer(struct file_state *fs)
{
    int i;

    fs->threaded = 1;
    pthread_mutex_init(&fs->mu, NULL);
    pthread_cond_init(&fs->cv_full, NULL);
    pthread_cond_init(&fs->cv_free, NULL);
    for (i = 0; i < NBATCH; i++) {
        fs->batches[i].items = ftl_xmalloc(BATCH_ITEMS * sizeof(struct item));
        fs->batches[i].n = 0;
        fs->freelist[i] = NBATCH - 1 - i;
    }
    fs->nfree = NBATCH;
    fs->cur = fs->freelist[--fs->nfree];
    if (pthread_create(&fs->thread, NULL, writer_main, fs) != 0) {
        /* no thread to be had: write inline instead */
        fs->threaded = 0;
    }
}

static void stop_writer(struct file_state *fs)
{
    int i;

    if (fs->threaded) {
        pthread_mutex_lock(&fs->mu);
        if (fs->cur >= 0 && fs->batches[fs->cur].n > 0) {
            fs->full[(fs->full_head + fs->nfull) % NBATCH] = fs->cur;
            fs->nfull++;
            fs->cur = -1;
        }
        fs->done = 1;
        pthread_cond_signal(&fs->cv_full);
        pthread_mutex_unlock(&fs->mu);
        pthread_join(fs->thread, NULL);
        pthread_mutex_destroy(&fs->mu);
        pthread_cond_destroy(&fs->cv_full);
        pthread_cond_destroy(&fs->cv_free);
    }
    for (i = 0; i < NBATCH; i++) {
        free(fs->batches[i].items);
        ftl_buf_free(&fs->batches[i].arena);
    }
    fs->threaded = 0;
}

/* ---------------------------------------------------------------- files */

struct run {
    struct ftl_store *store;
    const struct ftl_intake_opts *opts;
    const struct ftl_intake_cb *cb;
    struct ftl_intake_totals *t;
    int64_t since_commit;
};

static void report(struct run *run, const struct ftl_file_report *r)
{
    struct ftl_intake_totals *t = run->t;

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
    if (run->cb && run->cb->file)
        run->cb->file(run->cb->ctx, r);
}

/*
 * Imports one regular file. Returns FTL_OK unless the store failed (which
 * ends the run); problems with the file itself are reported, not returned.
 */
static ftl_rc import_file(struct run *run, const char *name, struct ftl_error *err)
{
    struct ftl_reader *r = NULL;
    struct ftl_input in;
    struct ftl_evidence ev;
    struct ftl_file_report rep;
    struct file_state fs;
    struct sink_impl si;
    struct ftl_import imp;
    struct ftl_error ferr = { 0 };
    const struct ftl_importer *imp_def = NULL;
    char hex[65], status[16], *abs = NULL;
    const char *head;
    size_t headlen;
    int64_t same_id = 0;
    int seen;
    ftl_rc rc = FTL_OK, irc;

    memset(&rep, 0, sizeof rep);
    memset(&ev, 0, sizeof ev);
    memset(&fs, 0, sizeof fs);
    memset(&si, 0, sizeof si);
    ftl_input_init(&in, NULL, name, run->opts->max_record);
    rep.name = name;

    if (ftl_reader_open(name, &r, &ferr) != FTL_OK) {
        rep.outcome = FTL_FILE_FAILED;
        rep.message = ferr.msg;
        report(run, &rep);
        goto out;
    }
    /* Same bytes before? Only a file of a size already seen can be. */
    seen = ftl_store_size_seen(run->store, ftl_reader_size(r), err);
    if (seen < 0) {
        rc = err->rc;
        goto out;
    }
    if (seen) {
        if (ftl_sha256_file(name, hex, NULL, &ferr) != FTL_OK) {
            rep.outcome = FTL_FILE_FAILED;
            rep.message = ferr.msg;
            report(run, &rep);
            goto out;
        }
        seen = ftl_store_find_evidence(run->store, hex, &same_id, status,
                                       sizeof status, err);
        if (seen < 0) {
            rc = err->rc;
            goto out;
        }
        if (seen) {
            rep.outcome = FTL_FILE_ALREADY;
            rep.evidence_id = same_id;
            rep.message = status;   /* "complete" or "partial" */
            report(run, &rep);
            goto out;
        }
    }

    in.r = r;
    if (ftl_input_peek(&in, SNIFF_BYTES, &head, &headlen) < 0 && in.status != FTL_OK) {
        rep.outcome = FTL_FILE_FAILED;
        rep.message = in.err.msg;
        report(run, &rep);
        goto out;
    }
    if (run->opts->format) {
        imp_def = ftl_importer_find(run->opts->format);
        if (!imp_def) {
            rc = ftl_error_set(err, FTL_EUSAGE, "unknown format '%s' (see ftl formats)",
                               run->opts->format);
            goto out;
        }
    } else {
        imp_def = ftl_importer_sniff(head, headlen);
    }
    if (!imp_def) {
        rep.outcome = FTL_FILE_UNRECOGNISED;
        rep.message = headlen == 0 ? "empty file" : "no importer recognises its content";
        report(run, &rep);
        goto out;
    }

    abs = realpath(name, NULL);
    ev.path = abs ? abs : name;
    ev.name = name;
    snprintf(ev.sha256, sizeof ev.sha256, "pending");
    ev.size = ftl_reader_size(r);
    ev.compressed = ftl_reader_is_gzip(r);
    ev.format = imp_def->name;
    ev.first_ts_us = INT64_MAX;
    ev.last_ts_us = INT64_MIN;
    rc = ftl_store_savepoint(run->store, "SAVEPOINT", err);
    if (rc == FTL_OK)
        rc = ftl_store_add_evidence(run->store, &ev, err);
    if (rc != FTL_OK)
        goto out;

    fs.store = run->store;
    fs.ev = &ev;
    fs.cb = run->cb;
    si.sink.event = sink_event;
    si.sink.reject = sink_reject;
    si.sink.note = sink_note;
    si.fs = &fs;
    if (!run->opts->no_thread &&
        ev.size >= (run->opts->thread_min_bytes ? run->opts->thread_min_bytes : THREAD_MIN_BYTES))
        start_writer(&fs);
    memset(&imp, 0, sizeof imp);
    imp.in = &in;
    imp.sink = &si.sink;
    imp.err = &ferr;
    irc = imp_def->import(&imp);
    stop_writer(&fs);

    if (fs.rc != FTL_OK) {
        /* the store failed: undo this file, end the run */
        *err = fs.err;
        rc = fs.rc;
        ftl_store_savepoint(run->store, "ROLLBACK TO", NULL);
        goto out;
    }
    ev.records = in.records;
    ev.variant = imp.variant;
    ev.status = "complete";
    rep.outcome = FTL_FILE_IMPORTED;
    if (irc != FTL_OK || in.status != FTL_OK) {
        ev.status = "partial";
        rep.outcome = FTL_FILE_PARTIAL;
        sink_note(&si.sink, irc != FTL_OK ? ferr.msg : in.err.msg);
    }
    if (ftl_reader_sha256(r, hex, &ferr) != FTL_OK) {
        ftl_store_savepoint(run->store, "ROLLBACK TO", NULL);
        rep.outcome = FTL_FILE_FAILED;
        rep.message = ferr.msg;
        report(run, &rep);
        goto out;
    }
    /* Caught here if a same-size pre-check was skipped: cannot happen, but be exact. */
    seen = ftl_store_find_evidence(run->store, hex, &same_id, NULL, 0, err);
    if (seen != 0) {
        ftl_store_savepoint(run->store, "ROLLBACK TO", NULL);
        if (seen < 0) {
            rc = err->rc;
            goto out;
        }
        rep.outcome = FTL_FILE_ALREADY;
        rep.evidence_id = same_id;
        report(run, &rep);
        goto out;
    }
    memcpy(ev.sha256, hex, sizeof hex);
    ev.message = si.note.len ? si.note.data : NULL;
    rc = ftl_store_update_evidence(run->store, &ev, err);
    if (rc == FTL_OK)
        rc = ftl_store_savepoint(run->store, "RELEASE", err);
    if (rc != FTL_OK)
        goto out;
    rep.format = imp_def->name;
    rep.variant = ev.variant;
    rep.evidence_id = ev.id;
    rep.records = ev.records;
    rep.events = ev.events;
    rep.rejected = ev.rejected;
    rep.duplicates = ev.duplicates;
    rep.message = ev.message;
    report(run, &rep);
    run->since_commit += ev.records;
    if (run->since_commit >= (run->opts->commit_every ? run->opts->commit_every
                                                      : COMMIT_EVERY_DEFAULT)) {
        rc = ftl_store_commit(run->store, err);
        if (rc == FTL_OK)
            rc = ftl_store_begin(run->store, err);
        run->since_commit = 0;
    }
out:
    ftl_buf_free(&si.note);
    ftl_input_free(&in);
    ftl_reader_free(r);
    free(abs);
    return rc;
}

/* A path that could not be walked: reported, and the run goes on. */
static void report_path(struct run *run, const char *path, enum ftl_file_outcome outcome,
                        const char *what)
{
    struct ftl_file_report rep = { 0 };
    char msg[512];

    if (outcome == FTL_FILE_FAILED)
        snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(errno));
    else
        snprintf(msg, sizeof msg, "%s", what);
    rep.name = path;
    rep.outcome = outcome;
    rep.message = msg;
    report(run, &rep);
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
    struct ftl_intake_opts defaults = { 0 };
    size_t i;
    ftl_rc rc;

    memset(totals, 0, sizeof *totals);
    run.store = s;
    run.opts = opts ? opts : &defaults;
    run.cb = cb;
    run.t = totals;
    run.since_commit = 0;
    if (run.opts->format && !ftl_importer_find(run.opts->format))
        return ftl_error_set(err, FTL_EUSAGE, "unknown format '%s' (see ftl formats)",
                             run.opts->format);
    rc = ftl_store_begin(s, err);
    for (i = 0; i < npaths && rc == FTL_OK; i++)
        rc = walk(&run, paths[i], 0, err);
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
