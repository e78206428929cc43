/*
 * intake.h - evidence files into the case file: walk, hash, sniff, import.
 *
 * For each path (files, and directories walked recursively in byte order of
 * names, so runs are reproducible): open read-only, skip it if the same
 * bytes (SHA-256) were imported before, pick the importer (forced or
 * sniffed from content), stream its events into the store, and record the
 * evidence row with counts and status. A parse thread (the importers) and a
 * writer thread (SQLite, and every callback) share the work. Whole files are grouped into transactions: a killed import leaves
 * every committed file complete and no trace of the one it was in.
 */
#ifndef FTL_INTAKE_H
#define FTL_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

struct ftl_intake_opts {
    const char *format;      /* importer name to force, or NULL to sniff */
    size_t max_record;       /* bytes; 0 = FTL_MAX_RECORD_DEFAULT */
    int no_thread;           /* 1: insert from the parsing thread */
    int64_t commit_every;    /* records per transaction group; 0 = default */
};

enum ftl_file_outcome {
    FTL_FILE_IMPORTED,       /* every record read (some may be rejected) */
    FTL_FILE_PARTIAL,        /* the stream broke (truncated gzip...): records before it kept */
    FTL_FILE_ALREADY,        /* same bytes imported before: nothing done */
    FTL_FILE_UNRECOGNISED,   /* no importer claims it: skipped */
    FTL_FILE_FAILED          /* could not be read at all, or the store failed */
};

struct ftl_file_report {
    const char *name;
    enum ftl_file_outcome outcome;
    const char *format, *variant;
    int64_t evidence_id;     /* for ALREADY: the earlier evidence row */
    int64_t records, events, rejected, duplicates;
    const char *message;     /* NULL or one line; for ALREADY the earlier row's status */
};

struct ftl_intake_totals {
    int64_t files, imported, partial, already, unrecognised, failed;
    int64_t records, events, rejected, duplicates;
};

/* Called from the writer thread (or the caller's, with no_thread), one at a
 * time, in walk order. */
struct ftl_intake_cb {
    void *ctx;
    /* after each file */
    void (*file)(void *ctx, const struct ftl_file_report *r);
    /* each rejected record, as it happens: file, record, reason */
    void (*reject)(void *ctx, const char *name, int64_t record_no, int64_t line,
                   const char *reason);
    /* every 65536 events while a file is read: events so far */
    void (*progress)(void *ctx, const char *name, int64_t events);
};

/*
 * Returns FTL_OK when every path was handled (even if some were skipped or
 * had rejects: see totals), or an error that stopped the run (the store
 * failed, a path does not exist). Committed files stay committed.
 */
ftl_rc ftl_intake_run(struct ftl_store *s, const char *const *paths, size_t npaths,
                      const struct ftl_intake_opts *opts,
                      const struct ftl_intake_cb *cb,
                      struct ftl_intake_totals *totals, struct ftl_error *err);

#endif
