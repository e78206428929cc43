/*
 * store.h - the case file: one SQLite database per case (DESIGN.md).
 *
 * Schema version lives in PRAGMA user_version, and PRAGMA application_id
 * marks the file as ftl's. Opening a file of another version, or a SQLite
 * file that is not ftl's, fails with FTL_ESCHEMA and leaves it untouched.
 * Times are int64 microseconds since the epoch, UTC. docs/case-file.md
 * describes every table and column.
 *
 * Writes happen inside ftl_store_begin() / ftl_store_commit(): the intake
 * groups whole evidence files into one transaction, so a killed import
 * leaves either all of a file or none of it.
 */
#ifndef FTL_STORE_H
#define FTL_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"
#include "event.h"

#define FTL_SCHEMA_VERSION 3
#define FTL_APPLICATION_ID 0x46544c31   /* "FTL1" */

struct ftl_store;

enum ftl_open_mode {
    FTL_OPEN_READ,      /* must exist; read-only */
    FTL_OPEN_WRITE,     /* must exist */
    FTL_OPEN_CREATE     /* created with the schema if missing or empty */
};

ftl_rc ftl_store_open(const char *path, enum ftl_open_mode mode,
                      struct ftl_store **out, struct ftl_error *err);
void ftl_store_close(struct ftl_store *s);   /* accepts NULL; rolls back an open transaction */
sqlite3 *ftl_store_db(struct ftl_store *s);
const char *ftl_store_path(const struct ftl_store *s);

/* BEGIN IMMEDIATE (fails with FTL_EBUSY if another process writes). */
ftl_rc ftl_store_begin(struct ftl_store *s, struct ftl_error *err);
ftl_rc ftl_store_commit(struct ftl_store *s, struct ftl_error *err);
void ftl_store_rollback(struct ftl_store *s);
ftl_rc ftl_store_savepoint(struct ftl_store *s, const char *op, struct ftl_error *err);
/* op: "SAVEPOINT", "RELEASE" or "ROLLBACK TO" (which also releases) */

/* Runs SQL without results; err names the statement's failure. */
ftl_rc ftl_store_exec(struct ftl_store *s, const char *sql, struct ftl_error *err);

struct ftl_evidence {
    int64_t id;
    const char *path;        /* absolute */
    const char *name;        /* as the user gave it */
    char sha256[65];
    uint64_t size;           /* bytes on disk */
    int compressed;
    const char *format;      /* importer name */
    const char *variant;     /* shape within the format, or NULL */
    int64_t records, events, rejected, duplicates;
    int64_t first_ts_us, last_ts_us;   /* INT64_MAX / INT64_MIN when no events */
    const char *status;      /* "complete" or "partial" */
    const char *message;     /* NULL or what went wrong */
};

/*
 * Looks evidence up by hash: returns 1 and sets *id (and the status into
 * status[16], if not NULL) when found, 0 when absent, -1 on error.
 */
int ftl_store_find_evidence(struct ftl_store *s, const char *sha256,
                            int64_t *id, char *status, size_t status_len,
                            struct ftl_error *err);
/* Calls fn with the size and hash of every evidence row, oldest first (the
 * intake's index of what the case already holds). */
ftl_rc ftl_store_each_evidence(struct ftl_store *s,
                               void (*fn)(void *ctx, uint64_t size, const char *sha256),
                               void *ctx, struct ftl_error *err);

/* Inserts the row (with counts as given) and sets ev->id. */
ftl_rc ftl_store_add_evidence(struct ftl_store *s, struct ftl_evidence *ev,
                              struct ftl_error *err);
/* Writes counts, hash, time range, variant, status and message of ev->id. */
ftl_rc ftl_store_update_evidence(struct ftl_store *s, const struct ftl_evidence *ev,
                                 struct ftl_error *err);

/*
 * Inserts one event. *inserted is 1, or 0 when (source, native_id) already
 * exists (a duplicate from an overlapping export). Events without a native
 * id are always inserted. Must run inside ftl_store_begin/commit.
 */
ftl_rc ftl_store_add_event(struct ftl_store *s, int64_t evidence_id,
                           const struct ftl_event *ev, int *inserted,
                           struct ftl_error *err);
/*
 * Fault injection for the crash-safety tests: when the environment variable
 * FTL_FAULT_KILL_AT equals label, the process kills itself with SIGKILL
 * there, as a kill from outside would (docs/reliability.md).
 */
void ftl_fault_point(const char *label);

/* The 63-bit hash behind dedup (exposed for tests of the collision path). */
int64_t ftl_store_dedup_key(const char *source, const char *native_id);

ftl_rc ftl_store_add_reject(struct ftl_store *s, int64_t evidence_id,
                            int64_t record_no, int64_t line, uint64_t offset,
                            const char *reason, const void *raw,
                            size_t raw_len, struct ftl_error *err);

#endif
