/*
 * store.c - the SQLite case file (see store.h, docs/case-file.md).
 *
 * Load speed comes from: one transaction per group of evidence files,
 * prepared statements reused for every row, page_size 16384 (the raw record
 * TEXT dominates row size; DESIGN.md measured 55k rows/s at 4 KB pages and
 * 93k at 16 KB), and synchronous=NORMAL with a rollback journal, which
 * survives a killed process (the crash test) at one sync per commit.
 */
#include "store.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "clock.h"
#include "ftltime.h"

const char *const ftl_field_names[FTL_F_COUNT] = {
    "source", "category", "action", "outcome", "actor", "target", "src_ip",
    "user_agent", "app_id", "client_app_id", "session_key", "token_id",
    "correlation_id", "native_id", "attrs",
};

struct ftl_store {
    sqlite3 *db;
    char *path;
    int in_txn;
    int64_t kill_after;     /* fault injection, see ftl_store_open */
    int64_t added;
    sqlite3_stmt *ins_event, *ins_reject, *ins_evidence, *upd_evidence,
        *find_sha, *ins_dedup, *get_dedup, *get_event_key, *scan_key,
        *max_event;
    int64_t next_event_id;  /* 0: unknown, ask the table (after a rollback) */
};

/* the timeline view up to correlation_id, shared by schema 1 and 2 */
#define TIMELINE_HEAD                                                                         \
    "CREATE VIEW timeline AS SELECT\n"                                                        \
    "  e.id AS id,\n"                                                                         \
    "  strftime('%Y-%m-%dT%H:%M:%S', (e.ts - ((e.ts % 1000000) + 1000000) % 1000000) / 1000000, 'unixepoch')\n" \
    "    || printf('.%06dZ', ((e.ts % 1000000) + 1000000) % 1000000) AS time,\n"              \
    "  e.source, e.category, e.action, e.outcome, e.actor, e.target, e.src_ip,\n"             \
    "  e.user_agent, e.app_id, e.client_app_id, e.session_key, e.token_id,\n"

static const char schema_sql[] =
    "PRAGMA application_id = 1179929649;\n"   /* FTL_APPLICATION_ID */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;\n"
    "CREATE TABLE evidence (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  path TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  sha256 TEXT NOT NULL UNIQUE,\n"
    "  size INTEGER NOT NULL,\n"
    "  compressed INTEGER NOT NULL,\n"
    "  format TEXT NOT NULL,\n"
    "  variant TEXT,\n"
    "  imported_at TEXT NOT NULL,\n"
    "  records INTEGER NOT NULL DEFAULT 0,\n"
    "  events INTEGER NOT NULL DEFAULT 0,\n"
    "  rejected INTEGER NOT NULL DEFAULT 0,\n"
    "  duplicates INTEGER NOT NULL DEFAULT 0,\n"
    "  first_ts INTEGER,\n"
    "  last_ts INTEGER,\n"
    "  status TEXT NOT NULL,\n"
    "  message TEXT\n"
    ");\n"
    "CREATE INDEX evidence_size ON evidence(size);\n"
    "CREATE TABLE events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  ts INTEGER NOT NULL,\n"
    "  source TEXT NOT NULL,\n"
    "  category TEXT NOT NULL,\n"
    "  action TEXT,\n"
    "  outcome TEXT,\n"
    "  actor TEXT,\n"
    "  target TEXT,\n"
    "  src_ip TEXT,\n"
    "  user_agent TEXT,\n"
    "  app_id TEXT,\n"
    "  client_app_id TEXT,\n"
    "  session_key TEXT,\n"
    "  token_id TEXT,\n"
    "  correlation_id TEXT,\n"
    "  native_id TEXT,\n"
    "  attrs TEXT,\n"
    "  evidence_id INTEGER NOT NULL REFERENCES evidence(id),\n"
    "  record_no INTEGER NOT NULL,\n"
    "  raw TEXT\n"
    ");\n"
    /* (source, native_id) dedup through a compact integer key: see add_event */
    "CREATE TABLE dedup (key INTEGER PRIMARY KEY, event_id INTEGER NOT NULL);\n"
    "CREATE TABLE rejects (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  evidence_id INTEGER NOT NULL REFERENCES evidence(id),\n"
    "  record_no INTEGER NOT NULL,\n"
    "  line INTEGER,\n"
    "  offset INTEGER,\n"
    "  reason TEXT NOT NULL,\n"
    "  raw BLOB\n"
    ");\n"
    TIMELINE_HEAD
    "  e.correlation_id, e.native_id, e.attrs, v.name AS evidence, e.record_no\n"
    "FROM events e JOIN evidence v ON v.id = e.evidence_id;\n";

/*
 * Schema 2 adds correlation (core/correlate.c): sessions, every event's link
 * state, and the sign-in coverage it was judged against. A version 1 file is
 * upgraded in place by running this when it is opened for writing: the
 * tables are new, nothing existing changes except the timeline view.
 */
static const char schema_v2_sql[] =
    "CREATE TABLE sessions (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  state TEXT NOT NULL,\n"
    "  link_method TEXT NOT NULL,\n"
    "  credential TEXT,\n"
    "  actor TEXT,\n"
    "  first_ts INTEGER NOT NULL,\n"
    "  last_ts INTEGER NOT NULL,\n"
    "  anchor_event_id INTEGER,\n"
    "  events INTEGER NOT NULL,\n"
    "  ips INTEGER NOT NULL,\n"
    "  apps INTEGER NOT NULL,\n"
    "  user_agents INTEGER NOT NULL,\n"
    "  ip_list TEXT NOT NULL,\n"
    "  app_list TEXT NOT NULL,\n"
    "  user_agent_list TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE event_links (\n"
    "  event_id INTEGER PRIMARY KEY,\n"
    "  session_id INTEGER,\n"
    "  state TEXT NOT NULL,\n"
    "  method TEXT,\n"
    "  reason TEXT\n"
    ");\n"
    "CREATE INDEX event_links_session ON event_links(session_id) WHERE session_id IS NOT NULL;\n"
    "CREATE VIEW session_events AS\n"
    "  SELECT session_id, event_id, method FROM event_links WHERE session_id IS NOT NULL;\n"
    "CREATE TABLE signin_coverage (\n"
    "  tenant TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  first_ts INTEGER NOT NULL,\n"
    "  last_ts INTEGER NOT NULL,\n"
    "  events INTEGER NOT NULL\n"
    ");\n"
    "DROP VIEW timeline;\n"
    TIMELINE_HEAD
    "  e.correlation_id, e.native_id, l.session_id, l.state AS link_state,\n"
    "  l.method AS link_method, e.attrs, v.name AS evidence, e.record_no\n"
    "FROM events e JOIN evidence v ON v.id = e.evidence_id\n"
    "LEFT JOIN event_links l ON l.event_id = e.id;\n";

/*
 * Schema 3 adds findings (core/detect.c): what each rule found, the events
 * behind each finding, and which rules ran or could not.
 */
static const char schema_v3_sql[] =
    "CREATE TABLE findings (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  rule_id TEXT NOT NULL,\n"
    "  severity TEXT NOT NULL,\n"
    "  ts INTEGER NOT NULL,\n"
    "  actor TEXT,\n"
    "  target TEXT,\n"
    "  reason TEXT NOT NULL,\n"
    "  session_id INTEGER,\n"
    "  events INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX findings_rule ON findings(rule_id);\n"
    "CREATE TABLE finding_events (\n"
    "  finding_id INTEGER NOT NULL,\n"
    "  event_id INTEGER NOT NULL,\n"
    "  PRIMARY KEY (finding_id, event_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX finding_events_event ON finding_events(event_id);\n"
    "CREATE TABLE rule_runs (\n"
    "  rule_id TEXT PRIMARY KEY,\n"
    "  title TEXT NOT NULL,\n"
    "  severity TEXT NOT NULL,\n"
    "  origin TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  message TEXT,\n"
    "  findings INTEGER NOT NULL\n"
    ") WITHOUT ROWID;\n";

static ftl_rc sql_error(struct ftl_store *s, struct ftl_error *err,
                        const char *what)
{
    int code = sqlite3_errcode(s->db);

    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return ftl_error_set(err, FTL_EBUSY,
                             "%s is in use by another ftl process (%s)",
                             s->path, what);
    if (code == SQLITE_FULL)
        return ftl_error_set(err, FTL_EIO, "disk full writing %s (%s)", s->path, what);
    if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN)
        return ftl_error_set(err, FTL_EIO, "cannot write %s: %s (%s)", s->path,
                             sqlite3_errmsg(s->db), what);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
        return ftl_error_set(err, FTL_ESCHEMA,
                             "%s is not an ftl case file or is damaged: %s",
                             s->path, sqlite3_errmsg(s->db));
    return ftl_error_set(err, FTL_ESQL, "%s: %s: %s", s->path, what,
                         sqlite3_errmsg(s->db));
}

ftl_rc ftl_store_exec(struct ftl_store *s, const char *sql, struct ftl_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_error(s, err, sql);
    return FTL_OK;
}

/* Creates the schema from version `from` (0: a new file) up to the current
 * one in one transaction; on failure rolls back, so the file keeps its old
 * schema. */
static ftl_rc exec_script(struct ftl_store *s, int64_t from, struct ftl_error *err)
{
    struct ftl_buf sql = { 0 };
    ftl_rc rc;

    if (from == 0)
        ftl_buf_addstr(&sql, "PRAGMA page_size = 16384; BEGIN IMMEDIATE;");
    else
        ftl_buf_addstr(&sql, "BEGIN IMMEDIATE;");
    if (from < 1)
        ftl_buf_addstr(&sql, schema_sql);
    if (from < 2)
        ftl_buf_addstr(&sql, schema_v2_sql);
    if (from < 3)
        ftl_buf_addstr(&sql, schema_v3_sql);
    if (from == 0)
        ftl_buf_addstr(&sql, "INSERT INTO meta VALUES ('created_by', 'ftl');");
    else
        ftl_buf_addf(&sql, "INSERT OR REPLACE INTO meta VALUES ('upgraded_from', '%lld');",
                     (long long)from);
    ftl_buf_addf(&sql, "PRAGMA user_version = %d; COMMIT;", FTL_SCHEMA_VERSION);
    rc = ftl_store_exec(s, sql.data, err);
    ftl_buf_free(&sql);
    if (rc != FTL_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int pragma_int(struct ftl_store *s, const char *sql, int64_t *v)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static ftl_rc prepare(struct ftl_store *s, sqlite3_stmt **st, const char *sql,
                      struct ftl_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return sql_error(s, err, "preparing statements");
    return FTL_OK;
}

static ftl_rc prepare_all(struct ftl_store *s, struct ftl_error *err)
{
    ftl_rc rc;

    rc = prepare(s, &s->ins_event,
                 "INSERT INTO events (ts, source, category, action, outcome, actor,"
                 " target, src_ip, user_agent, app_id, client_app_id, session_key,"
                 " token_id, correlation_id, native_id, attrs, evidence_id,"
                 " record_no, raw, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->ins_dedup,
                     "INSERT INTO dedup (key, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                     err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->get_dedup, "SELECT event_id FROM dedup WHERE key = ?", err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->get_event_key,
                     "SELECT source = ?1 AND native_id = ?2 FROM events WHERE id = ?3", err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->scan_key,
                     "SELECT 1 FROM events WHERE source = ? AND native_id = ? LIMIT 1", err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->max_event, "SELECT coalesce(max(id), 0) + 1 FROM events", err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->ins_reject,
                     "INSERT INTO rejects (evidence_id, record_no, line, offset,"
                     " reason, raw) VALUES (?,?,?,?,?,?)", err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->ins_evidence,
                     "INSERT INTO evidence (path, name, sha256, size, compressed,"
                     " format, variant, imported_at, status) VALUES (?,?,?,?,?,?,?,?,?)",
                     err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->upd_evidence,
                     "UPDATE evidence SET sha256 = ?, variant = ?, records = ?,"
                     " events = ?, rejected = ?, duplicates = ?, first_ts = ?,"
                     " last_ts = ?, status = ?, message = ? WHERE id = ?", err);
    if (rc == FTL_OK)
        rc = prepare(s, &s->find_sha,
                     "SELECT id, status FROM evidence WHERE sha256 = ?", err);
    return rc;
}

ftl_rc ftl_store_open(const char *path, enum ftl_open_mode mode,
                      struct ftl_store **out, struct ftl_error *err)
{
    struct ftl_store *s = NULL;
    struct stat st;
    int flags, exists, fresh = 0, upgrade = 0;
    int64_t appid = 0, version = 0, objects = 0;
    ftl_rc rc = FTL_OK;

    *out = NULL;
    exists = stat(path, &st) == 0;
    if (!exists && mode != FTL_OPEN_CREATE)
        return ftl_error_set(err, FTL_EIO, "cannot open case file %s: %s", path,
                             strerror(errno));
    if (exists && !S_ISREG(st.st_mode))
        return ftl_error_set(err, FTL_EIO, "case file %s is not a regular file", path);
    s = calloc(1, sizeof *s);
    if (!s)
        return ftl_error_set(err, FTL_ENOMEM, "out of memory");
    s->path = ftl_xstrndup(path, strlen(path));
    flags = mode == FTL_OPEN_READ ? SQLITE_OPEN_READONLY
                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = ftl_error_set(err, FTL_EIO, "cannot open case file %s: %s", path,
                           s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto out;
    }
    if (mode != FTL_OPEN_READ && sqlite3_db_readonly(s->db, "main") == 1) {
        /* SQLite falls back to reading a file it cannot write: say so now,
         * not at the first write */
        rc = ftl_error_set(err, FTL_EIO,
                           "cannot write case file %s: it is read-only (file or filesystem); "
                           "ftl info, export and report can still read it", path);
        goto out;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 0);
    if (pragma_int(s, "PRAGMA application_id", &appid) != 0 ||
        pragma_int(s, "PRAGMA user_version", &version) != 0 ||
        pragma_int(s, "SELECT count(*) FROM sqlite_schema", &objects) != 0) {
        rc = ftl_error_set(err, FTL_ESCHEMA,
                           "%s is not an ftl case file (not a SQLite database, or damaged): %s",
                           path, sqlite3_errmsg(s->db));
        goto out;
    }
    if (appid == 0 && version == 0 && objects == 0) {
        if (mode != FTL_OPEN_CREATE) {
            rc = ftl_error_set(err, FTL_ESCHEMA, "%s is an empty file, not an ftl case file",
                               path);
            goto out;
        }
        fresh = 1;
    } else if (appid != FTL_APPLICATION_ID) {
        rc = ftl_error_set(err, FTL_ESCHEMA,
                           "%s is a SQLite database but not an ftl case file; left untouched",
                           path);
        goto out;
    } else if (version >= 1 && version < FTL_SCHEMA_VERSION && mode != FTL_OPEN_READ) {
        upgrade = 1;
    } else if (version >= 1 && version < FTL_SCHEMA_VERSION) {
        rc = ftl_error_set(err, FTL_ESCHEMA,
                           "%s is an ftl case file of schema version %lld (made by an older ftl); "
                           "`ftl correlate %s` upgrades it to version %d",
                           path, (long long)version, path, FTL_SCHEMA_VERSION);
        goto out;
    } else if (version != FTL_SCHEMA_VERSION) {
        rc = ftl_error_set(err, FTL_ESCHEMA,
                           "%s is an ftl case file of schema version %lld; this ftl reads version %d%s",
                           path, (long long)version, FTL_SCHEMA_VERSION,
                           version > FTL_SCHEMA_VERSION ? " (made by a newer ftl)" : "");
        goto out;
    }
    if (fresh || upgrade)
        rc = exec_script(s, fresh ? 0 : version, err);
    if (rc != FTL_OK)
        goto out;
    if (mode != FTL_OPEN_READ) {
        /* after the schema: setting page_size on a new file resets the cache */
        rc = ftl_store_exec(s, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL;"
                               " PRAGMA cache_size = -32768; PRAGMA temp_store = FILE;", err);
        if (rc == FTL_OK)
            rc = prepare_all(s, err);
    }
    /* Fault injection for the crash-safety tests: the process kills itself
     * after this many event inserts, as a SIGKILL from outside would. */
    if (getenv("FTL_FAULT_KILL_AFTER_EVENTS")) {
        char *end;

        s->kill_after = strtoll(getenv("FTL_FAULT_KILL_AFTER_EVENTS"), &end, 10);
        if (*end)
            s->kill_after = 0;
    }
out:
    if (rc != FTL_OK) {
        ftl_store_close(s);
        return rc;
    }
    *out = s;
    return FTL_OK;
}

void ftl_store_close(struct ftl_store *s)
{
    if (!s)
        return;
    if (s->in_txn)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(s->ins_event);
    sqlite3_finalize(s->ins_reject);
    sqlite3_finalize(s->ins_evidence);
    sqlite3_finalize(s->upd_evidence);
    sqlite3_finalize(s->find_sha);
    sqlite3_finalize(s->ins_dedup);
    sqlite3_finalize(s->get_dedup);
    sqlite3_finalize(s->get_event_key);
    sqlite3_finalize(s->scan_key);
    sqlite3_finalize(s->max_event);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

sqlite3 *ftl_store_db(struct ftl_store *s) { return s->db; }
const char *ftl_store_path(const struct ftl_store *s) { return s->path; }

ftl_rc ftl_store_begin(struct ftl_store *s, struct ftl_error *err)
{
    ftl_rc rc = ftl_store_exec(s, "BEGIN IMMEDIATE", err);

    s->next_event_id = 0;   /* another process may have added events since */
    if (rc == FTL_OK)
        s->in_txn = 1;
    return rc;
}

ftl_rc ftl_store_commit(struct ftl_store *s, struct ftl_error *err)
{
    ftl_rc rc = ftl_store_exec(s, "COMMIT", err);

    if (rc == FTL_OK)
        s->in_txn = 0;
    return rc;
}

void ftl_store_rollback(struct ftl_store *s)
{
    if (s->in_txn)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = 0;
    s->next_event_id = 0;
}

ftl_rc ftl_store_savepoint(struct ftl_store *s, const char *op, struct ftl_error *err)
{
    if (strcmp(op, "ROLLBACK TO") == 0) {
        s->next_event_id = 0;
        return ftl_store_exec(s, "ROLLBACK TO evidence_file; RELEASE evidence_file", err);
    }
    if (strcmp(op, "RELEASE") == 0)
        return ftl_store_exec(s, "RELEASE evidence_file", err);
    return ftl_store_exec(s, "SAVEPOINT evidence_file", err);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int ftl_store_find_evidence(struct ftl_store *s, const char *sha256,
                            int64_t *id, char *status, size_t status_len,
                            struct ftl_error *err)
{
    int rc, found = 0;

    sqlite3_bind_text(s->find_sha, 1, sha256, -1, SQLITE_STATIC);
    rc = sqlite3_step(s->find_sha);
    if (rc == SQLITE_ROW) {
        found = 1;
        *id = sqlite3_column_int64(s->find_sha, 0);
        if (status && status_len)
            snprintf(status, status_len, "%s",
                     (const char *)sqlite3_column_text(s->find_sha, 1));
    } else if (rc != SQLITE_DONE) {
        sql_error(s, err, "looking up evidence");
        found = -1;
    }
    sqlite3_reset(s->find_sha);
    return found;
}

ftl_rc ftl_store_each_evidence(struct ftl_store *s,
                               void (*fn)(void *ctx, uint64_t size, const char *sha256),
                               void *ctx, struct ftl_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT size, sha256 FROM evidence ORDER BY id", -1, &st,
                           NULL) != SQLITE_OK)
        return sql_error(s, err, "listing evidence");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (uint64_t)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sql_error(s, err, "listing evidence");
    return FTL_OK;
}

ftl_rc ftl_store_add_evidence(struct ftl_store *s, struct ftl_evidence *ev,
                              struct ftl_error *err)
{
    sqlite3_stmt *st = s->ins_evidence;
    char now[FTL_TIME_ISO_LEN + 1];
    int rc;

    ftl_time_format(ftl_clock_now_us(), now);
    bind_text(st, 1, ev->path);
    bind_text(st, 2, ev->name);
    bind_text(st, 3, ev->sha256);
    sqlite3_bind_int64(st, 4, (int64_t)ev->size);
    sqlite3_bind_int(st, 5, ev->compressed);
    bind_text(st, 6, ev->format);
    bind_text(st, 7, ev->variant);
    bind_text(st, 8, now);
    bind_text(st, 9, ev->status ? ev->status : "importing");
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return sql_error(s, err, "recording evidence");
    ev->id = sqlite3_last_insert_rowid(s->db);
    return FTL_OK;
}

ftl_rc ftl_store_update_evidence(struct ftl_store *s, const struct ftl_evidence *ev,
                                 struct ftl_error *err)
{
    sqlite3_stmt *st = s->upd_evidence;
    int rc;

    bind_text(st, 1, ev->sha256);
    bind_text(st, 2, ev->variant);
    sqlite3_bind_int64(st, 3, ev->records);
    sqlite3_bind_int64(st, 4, ev->events);
    sqlite3_bind_int64(st, 5, ev->rejected);
    sqlite3_bind_int64(st, 6, ev->duplicates);
    if (ev->events > 0) {
        sqlite3_bind_int64(st, 7, ev->first_ts_us);
        sqlite3_bind_int64(st, 8, ev->last_ts_us);
    } else {
        sqlite3_bind_null(st, 7);
        sqlite3_bind_null(st, 8);
    }
    bind_text(st, 9, ev->status);
    bind_text(st, 10, ev->message);
    sqlite3_bind_int64(st, 11, ev->id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return sql_error(s, err, "updating evidence");
    return FTL_OK;
}

/*
 * Dedup key: a 63-bit hash of source and native id. The dedup table is an
 * integer primary key, a fraction of the size of an index on the two texts
 * (it stays in the page cache far longer as a case grows; without any index
 * on the texts the load runs about 15% faster). The hash only points at a
 * candidate: equality is always checked on the texts themselves.
 */
void ftl_fault_point(const char *label)
{
    const char *at = getenv("FTL_FAULT_KILL_AT");

    if (at && strcmp(at, label) == 0)
        raise(SIGKILL);
}

int64_t ftl_store_dedup_key(const char *source, const char *native_id)
{
    uint64_t h = 1469598103934665603ull;
    const unsigned char *p;

    for (p = (const unsigned char *)source; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;   /* separator no text byte equals */
    for (p = (const unsigned char *)native_id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    /* splitmix64 finalizer: spread FNV's weak low bits */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return (int64_t)(h >> 1);
}

/* 1 if the step found a row whose first column is nonzero, 0 if not, -1 on error */
static int step_flag(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st), v = 0;

    if (rc == SQLITE_ROW)
        v = sqlite3_column_int(st, 0) != 0;
    else if (rc != SQLITE_DONE)
        v = -1;
    sqlite3_reset(st);
    return v;
}

/*
 * Is (source, native_id) already an event? Claims the key for event id when
 * it is free. Returns 1 (duplicate), 0 (new), -1 (error).
 */
static int seen_before(struct ftl_store *s, const char *source, const char *native_id,
                       int64_t event_id)
{
    int64_t key = ftl_store_dedup_key(source, native_id), holder;
    int rc;

    sqlite3_bind_int64(s->ins_dedup, 1, key);
    sqlite3_bind_int64(s->ins_dedup, 2, event_id);
    rc = sqlite3_step(s->ins_dedup);
    sqlite3_reset(s->ins_dedup);
    if (rc != SQLITE_DONE)
        return -1;
    if (sqlite3_changes(s->db) > 0)
        return 0;   /* a key never seen: a new record */
    sqlite3_bind_int64(s->get_dedup, 1, key);
    rc = sqlite3_step(s->get_dedup);
    holder = rc == SQLITE_ROW ? sqlite3_column_int64(s->get_dedup, 0) : 0;
    sqlite3_reset(s->get_dedup);
    if (rc != SQLITE_ROW)
        return -1;
    sqlite3_bind_text(s->get_event_key, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->get_event_key, 2, native_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->get_event_key, 3, holder);
    rc = step_flag(s->get_event_key);
    if (rc != 0)
        return rc;   /* the same record (1), or an error */
    /* Two ids share a key (about once in 2^63 pairs): look at every event.
     * Slow, exact, and never expected to run. */
    sqlite3_bind_text(s->scan_key, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->scan_key, 2, native_id, -1, SQLITE_STATIC);
    return step_flag(s->scan_key);
}

ftl_rc ftl_store_add_event(struct ftl_store *s, int64_t evidence_id,
                           const struct ftl_event *ev, int *inserted,
                           struct ftl_error *err)
{
    sqlite3_stmt *st = s->ins_event;
    int i, rc, dup;

    *inserted = 0;
    if (s->next_event_id == 0) {
        if (sqlite3_step(s->max_event) == SQLITE_ROW)
            s->next_event_id = sqlite3_column_int64(s->max_event, 0);
        sqlite3_reset(s->max_event);
        if (s->next_event_id == 0)
            return sql_error(s, err, "reading the last event id");
    }
    if (ev->f[FTL_F_NATIVE_ID] && ev->f[FTL_F_SOURCE]) {
        dup = seen_before(s, ev->f[FTL_F_SOURCE], ev->f[FTL_F_NATIVE_ID], s->next_event_id);
        if (dup < 0)
            return sql_error(s, err, "checking for a duplicate event");
        if (dup)
            return FTL_OK;
    }
    sqlite3_bind_int64(st, 1, ev->ts_us);
    for (i = 0; i < FTL_F_COUNT; i++)
        bind_text(st, 2 + i, ev->f[i]);
    sqlite3_bind_int64(st, 2 + FTL_F_COUNT, evidence_id);
    sqlite3_bind_int64(st, 3 + FTL_F_COUNT, ev->record_no);
    if (ev->raw)
        sqlite3_bind_text(st, 4 + FTL_F_COUNT, ev->raw, (int)ev->raw_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4 + FTL_F_COUNT);
    sqlite3_bind_int64(st, 5 + FTL_F_COUNT, s->next_event_id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sql_error(s, err, "inserting event");
    s->next_event_id++;
    *inserted = 1;
    if (s->kill_after > 0 && ++s->added >= s->kill_after)
        raise(SIGKILL);
    return FTL_OK;
}

ftl_rc ftl_store_add_reject(struct ftl_store *s, int64_t evidence_id,
                            int64_t record_no, int64_t line, uint64_t offset,
                            const char *reason, const void *raw,
                            size_t raw_len, struct ftl_error *err)
{
    sqlite3_stmt *st = s->ins_reject;
    int rc;

    sqlite3_bind_int64(st, 1, evidence_id);
    sqlite3_bind_int64(st, 2, record_no);
    if (line > 0)
        sqlite3_bind_int64(st, 3, line);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, (int64_t)offset);
    bind_text(st, 5, reason);
    sqlite3_bind_blob(st, 6, raw ? raw : "", (int)raw_len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return sql_error(s, err, "recording a rejected record");
    return FTL_OK;
}
