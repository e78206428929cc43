/*
 * bench_import.c - how fast `ftl import` loads a UAL file, against its own
 * floors and against the SQL-only route, in one run on the same file
 * (DESIGN.md: speed is compared in the same run against the floor, never
 * asserted as a wall-clock limit). tests/bench/README.md explains the passes.
 *
 *   bench_import FILE FTL_BINARY [SQLITE3_BINARY]
 *
 * FILE is JSON Lines UAL (ual_gen writes it). Scratch case files and the
 * SQL database are made next to FILE and removed after each pass. Passes:
 *
 *   read      ftl_reader + ftl_input_json over every record (the read floor;
 *             the reader hashes the bytes as it goes, as an import does)
 *   parse     the same plus ftl_json_parse (cJSON) and free of every record
 *   import    FTL_BINARY import -q CASE FILE in a child: wall time, and the
 *             child's peak RSS from wait4()
 *   sql       the sqlite3 shell: .import the lines into a one-column table,
 *             ->> of 15 fields into an events table with the raw text,
 *             three indexes
 *   capture   (not timed against anything) the real importer into an
 *             in-memory sink that deep-copies every event: this builds the
 *             rows for the insert-only pass, and its time is what parsing
 *             plus normalizing costs without SQLite
 *   insert    the captured rows into a fresh case file with the store API
 *             (same schema, indexes and pragmas as an import): the floor
 *
 * The children run before the rows are captured, while this process is
 * small: Linux carries a parent's peak RSS into a forked child's ru_maxrss
 * across exec, so a child spawned from a 1.5 GB parent would report 1.5 GB.
 *
 * Every number printed is measured in this run; the verdict lines are
 * informative and the exit status is 0 whenever the passes could run.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/event.h"
#include "core/importer.h"
#include "core/json.h"
#include "core/reader.h"
#include "core/store.h"

extern const struct ftl_importer ftl_importer_m365_ual;

/* targets from the issue, for 500,000 records */
#define TARGET_FLOOR_RATIO 0.7
#define TARGET_SQL_SPEEDUP 3.0
#define TARGET_RSS_MB 100.0

#define ARENA_BLOCK ((size_t)64 << 20)

/* ---------------------------------------------------------------- measuring */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double cpu_self_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
}

/* A "VmXXX:" line of /proc/self/status, in KiB; -1 if unavailable. */
static long status_kb(const char *key)
{
    FILE *f = NULL;
    char line[256];
    size_t klen = strlen(key);
    long kb = -1;

    f = fopen("/proc/self/status", "r");
    if (!f)
        goto out;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            char *end;

            errno = 0;
            kb = strtol(line + klen + 1, &end, 10);
            if (errno || end == line + klen + 1)
                kb = -1;
            break;
        }
    }
out:
    if (f)
        fclose(f);
    return kb;
}

/* Resets VmHWM to the current RSS (Linux 4.0+, "5" in clear_refs), so the
 * peak seen after a pass is that pass's peak. Returns 0 when it worked. */
static int hwm_reset(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    int rc = -1;

    if (fd < 0)
        return -1;
    if (write(fd, "5", 1) == 1)
        rc = 0;
    close(fd);
    return rc;
}

struct result {
    const char *name;
    int ran;              /* 0: skipped or failed, no numbers */
    double secs, cpu_s;
    long peak_kb;         /* -1 unknown */
    long grow_kb;         /* peak over RSS at the start; -1 for children */
    int process_max;      /* peak_kb is the process's lifetime max, not the pass's */
    const char *note;
};

/* In-process pass bookkeeping. */
struct span {
    double t0, c0;
    long rss0;
    int hwm_ok;
};

static void span_begin(struct span *sp)
{
    sp->hwm_ok = hwm_reset() == 0;
    sp->rss0 = status_kb("VmRSS");
    sp->c0 = cpu_self_s();
    sp->t0 = now_s();
}

static void span_end(const struct span *sp, struct result *r)
{
    struct rusage ru;

    r->secs = now_s() - sp->t0;
    r->cpu_s = cpu_self_s() - sp->c0;
    r->ran = 1;
    if (sp->hwm_ok) {
        r->peak_kb = status_kb("VmHWM");
        r->process_max = 0;
    } else {
        getrusage(RUSAGE_SELF, &ru);
        r->peak_kb = ru.ru_maxrss;
        r->process_max = 1;
    }
    r->grow_kb = r->peak_kb >= 0 && sp->rss0 >= 0 ? r->peak_kb - sp->rss0 : -1;
}

/* ---------------------------------------------------------------- children */

struct child {
    int exit_code;        /* -1 if killed by a signal */
    int signo;
    double secs, cpu_s;
    long maxrss_kb;
};

/*
 * Runs argv (execvp), stdin from in_path and stdout to out_path when given,
 * and waits with wait4() for its resource use. Returns 0 if it ran (whatever
 * its exit status), -1 if it could not be started.
 */
static int run_child(char *const argv[], const char *in_path, const char *out_path,
                     struct child *c)
{
    struct rusage ru;
    double t0;
    pid_t pid, w;
    int status = 0;

    memset(c, 0, sizeof *c);
    fflush(stdout);
    fflush(stderr);
    hwm_reset();   /* see the head comment: the child inherits our peak */
    t0 = now_s();
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "bench_import: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd;

        if (in_path) {
            fd = open(in_path, O_RDONLY);
            if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
                _exit(126);
            close(fd);
        }
        if (out_path) {
            fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
                _exit(126);
            close(fd);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "bench_import: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    do {
        w = wait4(pid, &status, 0, &ru);
    } while (w < 0 && errno == EINTR);
    c->secs = now_s() - t0;
    if (w < 0) {
        fprintf(stderr, "bench_import: wait4: %s\n", strerror(errno));
        return -1;
    }
    c->cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
    c->maxrss_kb = ru.ru_maxrss;
    if (WIFEXITED(status)) {
        c->exit_code = WEXITSTATUS(status);
    } else {
        c->exit_code = -1;
        c->signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return 0;
}

/* ---------------------------------------------------------------- files */

struct paths {
    struct ftl_buf dir;       /* FILE's directory, with a trailing '/' */
    struct ftl_buf insert_case, import_case, sql_db, sql_script, sql_out;
};

static void remove_db(const char *path)
{
    struct ftl_buf b = { 0 };

    unlink(path);
    ftl_buf_addf(&b, "%s-journal", path);
    unlink(b.data);
    ftl_buf_reset(&b);
    ftl_buf_addf(&b, "%s-wal", path);
    unlink(b.data);
    ftl_buf_free(&b);
}

static void paths_init(struct paths *p, const char *file)
{
    const char *slash = strrchr(file, '/');
    pid_t me = getpid();

    memset(p, 0, sizeof *p);
    if (slash)
        ftl_buf_add(&p->dir, file, (size_t)(slash - file) + 1);
    else
        ftl_buf_addstr(&p->dir, "./");
    ftl_buf_addf(&p->insert_case, "%sbench-insert-%ld.ftl", p->dir.data, (long)me);
    ftl_buf_addf(&p->import_case, "%sbench-import-%ld.ftl", p->dir.data, (long)me);
    ftl_buf_addf(&p->sql_db, "%sbench-sql-%ld.db", p->dir.data, (long)me);
    ftl_buf_addf(&p->sql_script, "%sbench-sql-%ld.sql", p->dir.data, (long)me);
    ftl_buf_addf(&p->sql_out, "%sbench-sql-%ld.out", p->dir.data, (long)me);
}

static void paths_free(struct paths *p)
{
    remove_db(p->insert_case.data);
    remove_db(p->import_case.data);
    remove_db(p->sql_db.data);
    unlink(p->sql_script.data);
    unlink(p->sql_out.data);
    ftl_buf_free(&p->dir);
    ftl_buf_free(&p->insert_case);
    ftl_buf_free(&p->import_case);
    ftl_buf_free(&p->sql_db);
    ftl_buf_free(&p->sql_script);
    ftl_buf_free(&p->sql_out);
}

/* Runs one query that yields integers; returns the number of columns read
 * into v (up to n), or -1 with a message. */
static int query_ints(const char *path, const char *sql, int64_t *v, int n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int i, got = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_step(st) != SQLITE_ROW)
        goto fail;
    for (i = 0; i < n && i < sqlite3_column_count(st); i++)
        v[i] = sqlite3_column_int64(st, i);
    got = i;
    goto out;
fail:
    fprintf(stderr, "bench_import: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return got;
}

/* ---------------------------------------------------------------- read, parse */

struct scan {
    int64_t records, bytes, problems, parse_failures;
};

/* The read floor (parse = 0) or the parse floor (parse = 1). */
static int pass_scan(const char *file, int parse, struct scan *sc, struct result *r)
{
    struct ftl_reader *rd = NULL;
    struct ftl_input in;
    struct ftl_record rec;
    struct ftl_error err = { 0 };
    struct span sp;
    char hex[65];
    int rc = -1;

    memset(sc, 0, sizeof *sc);
    ftl_input_init(&in, NULL, file, 0);
    span_begin(&sp);
    if (ftl_reader_open(file, &rd, &err) != FTL_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    in.r = rd;
    while (ftl_input_json(&in, NULL, &rec)) {
        sc->records++;
        sc->bytes += (int64_t)rec.len;
        if (rec.problem != FTL_OK) {
            sc->problems++;
            continue;
        }
        if (parse) {
            size_t bad = 0;
            cJSON *root = ftl_json_parse(rec.data, rec.len, &bad);

            if (!root)
                sc->parse_failures++;
            cJSON_Delete(root);
        }
    }
    /* an import finishes the hash at the end of the file; so does the floor */
    if (ftl_reader_sha256(rd, hex, &err) != FTL_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    span_end(&sp, r);
    rc = 0;
out:
    ftl_input_free(&in);
    ftl_reader_free(rd);
    return rc;
}

/* ---------------------------------------------------------------- capture */

/* Bump allocator for the prebuilt rows: blocks never move, so the event
 * pointers stay valid until arena_free(). */
struct arena {
    char **blocks;
    size_t nblocks;
    size_t used, size;    /* in the last block */
    size_t total;         /* bytes handed out */
};

static char *arena_dup(struct arena *a, const char *s, size_t n)
{
    char *p;

    if (!a->nblocks || a->used + n + 1 > a->size) {
        size_t sz = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;

        a->blocks = ftl_xrealloc(a->blocks, (a->nblocks + 1) * sizeof *a->blocks);
        a->blocks[a->nblocks++] = ftl_xmalloc(sz);
        a->size = sz;
        a->used = 0;
    }
    p = a->blocks[a->nblocks - 1] + a->used;
    memcpy(p, s, n);
    p[n] = '\0';
    a->used += n + 1;
    a->total += n + 1;
    return p;
}

static void arena_free(struct arena *a)
{
    size_t i;

    for (i = 0; i < a->nblocks; i++)
        free(a->blocks[i]);
    free(a->blocks);
    memset(a, 0, sizeof *a);
}

struct rows {
    struct ftl_sink sink;   /* first: the importer sees only this */
    struct ftl_event *ev;
    size_t n, cap;
    int64_t rejects;
    struct arena arena;
};

static ftl_rc rows_event(struct ftl_sink *s, const struct ftl_event *e)
{
    struct rows *r = (struct rows *)s;
    struct ftl_event *x;
    int k;

    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 65536;
        r->ev = ftl_xrealloc(r->ev, r->cap * sizeof *r->ev);
    }
    x = &r->ev[r->n++];
    x->ts_us = e->ts_us;
    x->record_no = e->record_no;
    for (k = 0; k < FTL_F_COUNT; k++)
        x->f[k] = e->f[k] ? arena_dup(&r->arena, e->f[k], strlen(e->f[k])) : NULL;
    x->raw = e->raw ? arena_dup(&r->arena, e->raw, e->raw_len) : NULL;
    x->raw_len = e->raw_len;
    return FTL_OK;
}

static ftl_rc rows_reject(struct ftl_sink *s, int64_t record_no, int64_t line,
                          uint64_t offset, const char *reason, const void *raw,
                          size_t raw_len)
{
    struct rows *r = (struct rows *)s;

    (void)line;
    (void)offset;
    (void)raw;
    (void)raw_len;
    if (r->rejects++ < 5)
        fprintf(stderr, "bench_import: record %" PRId64 " rejected: %s\n", record_no, reason);
    return FTL_OK;
}

static void rows_note(struct ftl_sink *s, const char *msg)
{
    (void)s;
    fprintf(stderr, "bench_import: importer note: %s\n", msg);
}

static void rows_free(struct rows *r)
{
    free(r->ev);
    arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

/* The real importer into memory: builds the rows for the insert pass. */
static int pass_capture(const char *file, struct rows *rows, struct result *r)
{
    struct ftl_reader *rd = NULL;
    struct ftl_input in;
    struct ftl_import imp;
    struct ftl_error err = { 0 };
    struct span sp;
    int rc = -1;

    memset(rows, 0, sizeof *rows);
    rows->sink.event = rows_event;
    rows->sink.reject = rows_reject;
    rows->sink.note = rows_note;
    ftl_input_init(&in, NULL, file, 0);
    span_begin(&sp);
    if (ftl_reader_open(file, &rd, &err) != FTL_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    in.r = rd;
    memset(&imp, 0, sizeof imp);
    imp.in = &in;
    imp.sink = &rows->sink;
    imp.err = &err;
    if (ftl_importer_m365_ual.import(&imp) != FTL_OK) {
        fprintf(stderr, "bench_import: importer stopped: %s\n", err.msg);
        goto out;
    }
    span_end(&sp, r);
    rc = 0;
out:
    ftl_input_free(&in);
    ftl_reader_free(rd);
    return rc;
}

/* ---------------------------------------------------------------- insert */

static int pass_insert(const char *file, const char *case_path, const struct rows *rows,
                       int64_t *inserted_out, struct result *r)
{
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    struct ftl_evidence ev;
    struct span sp;
    struct stat st;
    char *abs = NULL;
    size_t i;
    int inserted, rc = -1;

    remove_db(case_path);
    abs = realpath(file, NULL);
    memset(&ev, 0, sizeof ev);
    ev.path = abs ? abs : file;
    ev.name = file;
    snprintf(ev.sha256, sizeof ev.sha256, "pending");
    ev.size = stat(file, &st) == 0 ? (uint64_t)st.st_size : 0;
    ev.format = ftl_importer_m365_ual.name;
    ev.variant = "json_lines";
    ev.first_ts_us = INT64_MAX;
    ev.last_ts_us = INT64_MIN;
    *inserted_out = 0;
    sync();   /* earlier passes' writes are not this pass's cost */

    span_begin(&sp);
    if (ftl_store_open(case_path, FTL_OPEN_CREATE, &s, &err) != FTL_OK ||
        ftl_store_begin(s, &err) != FTL_OK || ftl_store_add_evidence(s, &ev, &err) != FTL_OK)
        goto fail;
    for (i = 0; i < rows->n; i++) {
        const struct ftl_event *e = &rows->ev[i];

        if (ftl_store_add_event(s, ev.id, e, &inserted, &err) != FTL_OK)
            goto fail;
        if (!inserted) {
            ev.duplicates++;
            continue;
        }
        ev.events++;
        if (e->ts_us < ev.first_ts_us)
            ev.first_ts_us = e->ts_us;
        if (e->ts_us > ev.last_ts_us)
            ev.last_ts_us = e->ts_us;
    }
    ev.records = (int64_t)rows->n;
    ev.status = "complete";
    if (ftl_store_update_evidence(s, &ev, &err) != FTL_OK || ftl_store_commit(s, &err) != FTL_OK)
        goto fail;
    ftl_store_close(s);
    s = NULL;
    span_end(&sp, r);
    *inserted_out = ev.events;
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "bench_import: insert pass: %s\n", err.msg);
out:
    ftl_store_close(s);
    free(abs);
    return rc;
}

/* ---------------------------------------------------------------- children */

static int pass_import(const char *file, const char *ftl, const char *case_path,
                       struct child *c, struct result *r)
{
    char *argv[6];

    remove_db(case_path);
    sync();
    argv[0] = (char *)ftl;
    argv[1] = "import";
    argv[2] = "-q";
    argv[3] = (char *)case_path;
    argv[4] = (char *)file;
    argv[5] = NULL;
    if (run_child(argv, NULL, NULL, c) != 0)
        return -1;
    r->secs = c->secs;
    r->cpu_s = c->cpu_s;
    r->peak_kb = c->maxrss_kb;
    r->grow_kb = -1;
    r->ran = c->exit_code == 0 || c->exit_code == 3;
    if (c->exit_code == 3)
        r->note = "exit 3: records rejected";
    else if (c->exit_code != 0)
        r->note = c->exit_code < 0 ? "FAILED: killed by a signal" : "FAILED: non-zero exit";
    return r->ran ? 0 : -1;
}

/* The fields an analyst would pull out with ->>, as in ftl's columns. */
static const char sql_route_body[] =
    "BEGIN;\n"
    "CREATE TABLE events (\n"
    "  id INTEGER PRIMARY KEY, ts TEXT, native_id TEXT, action TEXT, record_type INTEGER,\n"
    "  actor TEXT, client_ip TEXT, client_ip_address TEXT, user_agent TEXT, app_id TEXT,\n"
    "  client_app_id TEXT, session_key TEXT, mailbox_owner TEXT, object_id TEXT,\n"
    "  workload TEXT, result_status TEXT, raw TEXT);\n"
    "INSERT INTO events (ts, native_id, action, record_type, actor, client_ip,\n"
    "  client_ip_address, user_agent, app_id, client_app_id, session_key, mailbox_owner,\n"
    "  object_id, workload, result_status, raw)\n"
    "SELECT line->>'$.CreationTime', line->>'$.Id', line->>'$.Operation',\n"
    "  line->>'$.RecordType', lower(line->>'$.UserId'), line->>'$.ClientIP',\n"
    "  line->>'$.ClientIPAddress', line->>'$.ClientInfoString', line->>'$.AppId',\n"
    "  line->>'$.ClientAppId', line->>'$.SessionId', line->>'$.MailboxOwnerUPN',\n"
    "  line->>'$.ObjectId', line->>'$.Workload', line->>'$.ResultStatus', line\n"
    "FROM raw;\n"
    "CREATE INDEX events_ts ON events(ts);\n"
    "CREATE INDEX events_actor ON events(actor);\n"
    "CREATE INDEX events_native ON events(native_id);\n"
    "DROP TABLE raw;\n"
    "COMMIT;\n";

static int write_sql_script(const char *script, const char *file)
{
    FILE *f = NULL;
    char *abs = NULL;
    int rc = -1;

    abs = realpath(file, NULL);
    if (!abs || strpbrk(abs, "\"\\\n")) {
        fprintf(stderr, "bench_import: SQL route skipped: the path of %s cannot be quoted "
                        "for the sqlite3 shell\n", file);
        goto out;
    }
    f = fopen(script, "w");
    if (!f) {
        fprintf(stderr, "bench_import: cannot write %s: %s\n", script, strerror(errno));
        goto out;
    }
    /* Same storage settings as a case file (store.c), so the route is
     * compared on the SQL work, not on page size. .mode ascii with a unit
     * separator that JSON text cannot hold unescaped (RFC 8259 section 7)
     * and LF as the row separator makes .import take each line as one
     * field, with quotes and commas left alone. */
    fprintf(f, ".bail on\n"
               "PRAGMA page_size = 16384;\n"
               "PRAGMA journal_mode = DELETE;\n"
               "PRAGMA synchronous = NORMAL;\n"
               "PRAGMA cache_size = -32768;\n"
               "CREATE TABLE raw (line TEXT);\n"
               ".mode ascii\n"
               ".separator \"\\037\" \"\\n\"\n"
               ".import \"%s\" raw\n"
               "%s",
            abs, sql_route_body);
    if (fclose(f) != 0) {
        f = NULL;
        fprintf(stderr, "bench_import: cannot write %s: %s\n", script, strerror(errno));
        goto out;
    }
    f = NULL;
    rc = 0;
out:
    if (f)
        fclose(f);
    free(abs);
    return rc;
}

static int pass_sql(const char *file, const char *sqlite3_bin, const struct paths *p,
                    struct child *c, struct result *r)
{
    char *argv[4];

    remove_db(p->sql_db.data);
    if (write_sql_script(p->sql_script.data, file) != 0)
        return -1;
    sync();
    argv[0] = (char *)sqlite3_bin;
    argv[1] = "-batch";
    argv[2] = (char *)p->sql_db.data;
    argv[3] = NULL;
    if (run_child(argv, p->sql_script.data, p->sql_out.data, c) != 0)
        return -1;
    r->secs = c->secs;
    r->cpu_s = c->cpu_s;
    r->peak_kb = c->maxrss_kb;
    r->grow_kb = -1;
    r->ran = c->exit_code == 0;
    if (!r->ran)
        r->note = "FAILED";
    return r->ran ? 0 : -1;
}

/* `sqlite3 -version`, first word, into out. */
static void shell_version(const char *sqlite3_bin, const struct paths *p, char *out, size_t n)
{
    char *argv[3];
    struct child c;
    FILE *f;

    snprintf(out, n, "?");
    argv[0] = (char *)sqlite3_bin;
    argv[1] = "-version";
    argv[2] = NULL;
    if (run_child(argv, NULL, p->sql_out.data, &c) != 0 || c.exit_code != 0)
        return;
    f = fopen(p->sql_out.data, "r");
    if (!f)
        return;
    if (fgets(out, (int)n, f))
        out[strcspn(out, " \n")] = '\0';
    fclose(f);
}

/* ---------------------------------------------------------------- report */

/* n with thousands separators (no locale: the output is the same everywhere) */
static const char *commas(double v, char *buf, size_t n)
{
    char digits[32];
    size_t len, i, o = 0;
    long long x = (long long)(v + 0.5);

    snprintf(digits, sizeof digits, "%lld", x < 0 ? 0 : x);
    len = strlen(digits);
    for (i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static void print_row(const struct result *r, int64_t records, double floor_rate)
{
    char rate[32], peak[32], grow[32], ratio[32];

    if (!r->ran) {
        printf("%-34s %9s %11s %8s %9s %8s %7s  %s\n", r->name, "-", "-", "-", "-", "-", "-",
               r->note ? r->note : "not run");
        return;
    }
    commas((double)records / r->secs, rate, sizeof rate);
    if (floor_rate > 0)
        snprintf(ratio, sizeof ratio, "%.2f", (double)records / r->secs / floor_rate);
    else
        snprintf(ratio, sizeof ratio, "-");
    if (r->peak_kb >= 0)
        snprintf(peak, sizeof peak, "%.1f%s", (double)r->peak_kb / 1024.0,
                 r->process_max ? "*" : "");
    else
        snprintf(peak, sizeof peak, "?");
    if (r->grow_kb >= 0)
        snprintf(grow, sizeof grow, "+%.1f", (double)r->grow_kb / 1024.0);
    else
        snprintf(grow, sizeof grow, "-");
    printf("%-34s %9.2f %11s %8s %9s %8s %7.2f%s%s\n", r->name, r->secs, rate, ratio, peak, grow,
           r->cpu_s, r->note ? "  " : "", r->note ? r->note : "");
}

static void verdict(const char *what, int known, double value, const char *fmt_value,
                    int pass)
{
    char v[64];

    if (!known) {
        printf("  %-44s %-14s n/a (a pass did not run)\n", what, "");
        return;
    }
    snprintf(v, sizeof v, fmt_value, value);
    printf("  %-44s %-14s %s\n", what, v, pass ? "PASS" : "MISS");
}

static void usage(void)
{
    fputs("usage: bench_import FILE FTL_BINARY [SQLITE3_BINARY]\n"
          "  FILE: UAL JSON Lines (see ual_gen); FTL_BINARY: the ftl program;\n"
          "  SQLITE3_BINARY: the sqlite3 shell (default: sqlite3 from PATH)\n",
          stderr);
}

int main(int argc, char **argv)
{
    const char *file, *ftl, *sqlite3_bin = "sqlite3";
    struct paths p;
    struct scan rd_scan, ps_scan;
    struct rows rows;
    struct child import_child, sql_child;
    struct result r_read = { "read (reader + JSON split)", 0, 0, 0, -1, -1, 0, NULL };
    struct result r_parse = { "parse (+ cJSON parse and free)", 0, 0, 0, -1, -1, 0, NULL };
    struct result r_capture = { "importer -> memory (no SQLite)", 0, 0, 0, -1, -1, 0, NULL };
    struct result r_insert = { "insert-only floor (prebuilt rows)", 0, 0, 0, -1, -1, 0, NULL };
    struct result r_import = { "ftl import (full, child)", 0, 0, 0, -1, -1, 0, NULL };
    struct result r_sql = { "SQL-only route (sqlite3 shell)", 0, 0, 0, -1, -1, 0, NULL };
    struct stat st;
    int64_t n, floor_inserted = 0, v[4];
    int64_t import_events = -1, import_raw = -1, sql_rows = -1, sql_raw = -1, sql_valid = -1;
    int64_t captured = 0, capture_rejects = 0;
    double floor_rate = 0, import_rate = 0, sql_rate = 0, rows_mb = 0;
    char version[64], buf1[32];
    int have_rows = 0, rc = 1;

    if (argc < 3 || argc > 4) {
        usage();
        return 2;
    }
    file = argv[1];
    ftl = argv[2];
    if (argc == 4)
        sqlite3_bin = argv[3];
    errno = 0;
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "bench_import: cannot read %s: %s\n", file,
                errno ? strerror(errno) : "not a regular file");
        return 1;
    }
    paths_init(&p, file);
    memset(&rows, 0, sizeof rows);

    /* Warm the page cache: every pass then reads the same cached bytes. */
    if (pass_scan(file, 0, &rd_scan, &r_read) != 0)
        goto out;
    if (pass_scan(file, 0, &rd_scan, &r_read) != 0)
        goto out;
    n = rd_scan.records;
    if (n == 0) {
        fprintf(stderr, "bench_import: %s holds no records\n", file);
        goto out;
    }
    if (pass_scan(file, 1, &ps_scan, &r_parse) != 0)
        goto out;
    rc = 0;   /* from here on, a pass that fails is reported, not fatal */

    /* children first, while this process is small (head comment) */
    fprintf(stderr, "bench_import: ftl import...\n");
    pass_import(file, ftl, p.import_case.data, &import_child, &r_import);
    if (import_child.exit_code == 0 || import_child.exit_code == 3) {
        if (query_ints(p.import_case.data,
                       "SELECT count(*), total(length(CAST(raw AS BLOB))) FROM events", v, 2) == 2) {
            import_events = v[0];
            import_raw = v[1];
        }
    }
    remove_db(p.import_case.data);

    shell_version(sqlite3_bin, &p, version, sizeof version);
    fprintf(stderr, "bench_import: SQL-only route (sqlite3 %s)...\n", version);
    if (pass_sql(file, sqlite3_bin, &p, &sql_child, &r_sql) == 0 &&
        query_ints(p.sql_db.data,
                   "SELECT count(*), total(length(CAST(raw AS BLOB))), total(json_valid(raw))"
                   " FROM events", v, 3) == 3) {
        sql_rows = v[0];
        sql_raw = v[1];
        sql_valid = v[2];
        if (sql_rows != n) {
            r_sql.note = "row count differs from the file: .import split lines";
        }
    }
    remove_db(p.sql_db.data);

    fprintf(stderr, "bench_import: importer -> memory, insert-only floor...\n");
    if (pass_capture(file, &rows, &r_capture) == 0) {
        have_rows = 1;
        captured = (int64_t)rows.n;
        capture_rejects = rows.rejects;
        rows_mb = (double)(rows.arena.total + rows.cap * sizeof *rows.ev) / 1048576.0;
        pass_insert(file, p.insert_case.data, &rows, &floor_inserted, &r_insert);
    }
    rows_free(&rows);
    remove_db(p.insert_case.data);

    if (r_insert.ran)
        floor_rate = (double)n / r_insert.secs;
    if (r_import.ran)
        import_rate = (double)n / r_import.secs;
    if (r_sql.ran)
        sql_rate = (double)n / r_sql.secs;

    printf("\nftl import benchmark\n");
    printf("  file      %s: %s records, %.1f MB (%.0f bytes/record)\n", file,
           commas((double)n, buf1, sizeof buf1), (double)st.st_size / 1e6,
           (double)st.st_size / (double)n);
    printf("  ftl       %s\n", ftl);
    printf("  sqlite3   %s (shell %s), library %s in ftl\n", sqlite3_bin, version,
           sqlite3_libversion());
    printf("\n%-34s %9s %11s %8s %9s %8s %7s\n", "pass", "seconds", "records/s", "x floor",
           "peak MB", "grow MB", "cpu s");
    print_row(&r_read, n, floor_rate);
    print_row(&r_parse, n, floor_rate);
    print_row(&r_capture, n, floor_rate);
    print_row(&r_insert, n, floor_rate);
    print_row(&r_import, n, floor_rate);
    print_row(&r_sql, n, floor_rate);

    printf("\nsame data in every pass:\n");
    printf("  records read %" PRId64 " (%" PRId64 " with splitter problems), "
           "parse failures %" PRId64 "\n",
           n, rd_scan.problems, ps_scan.parse_failures);
    if (have_rows)
        printf("  importer -> memory: %" PRId64 " events, %" PRId64 " rejects (rows held: %.0f MB)\n",
               captured, capture_rejects, rows_mb);
    printf("  insert-only floor inserted %" PRId64 " events\n", floor_inserted);
    printf("  ftl import: exit %d, case file holds %" PRId64 " events, raw %" PRId64
           " bytes (file: %" PRId64 " bytes of records)\n",
           import_child.exit_code, import_events, import_raw, rd_scan.bytes);
    printf("  SQL route: events table holds %" PRId64 " rows, raw %" PRId64
           " bytes, %" PRId64 " valid JSON\n",
           sql_rows, sql_raw, sql_valid);

    printf("\npeak MB: in-process passes show this process's peak during the pass (VmHWM\n"
           "reset before it; '*' marks the lifetime max where that was not possible), grow MB\n"
           "the peak over the RSS at the start of the pass; the insert-only peak includes the\n"
           "prebuilt rows. Child passes show the child's ru_maxrss from wait4().\n");

    printf("\ntargets (for 500,000 records; informative, never asserted):\n");
    verdict("full import >= 0.7 x insert-only floor", r_import.ran && r_insert.ran,
            floor_rate > 0 ? import_rate / floor_rate : 0, "%.2f x",
            floor_rate > 0 && import_rate / floor_rate >= TARGET_FLOOR_RATIO);
    verdict("full import >= 3 x the SQL-only route", r_import.ran && r_sql.ran,
            sql_rate > 0 ? import_rate / sql_rate : 0, "%.2f x",
            sql_rate > 0 && import_rate / sql_rate >= TARGET_SQL_SPEEDUP);
    verdict("full import peak RSS < 100 MB", r_import.ran && r_import.peak_kb >= 0,
            (double)r_import.peak_kb / 1024.0, "%.1f MB",
            r_import.peak_kb >= 0 && (double)r_import.peak_kb / 1024.0 < TARGET_RSS_MB);
    if (n != 500000)
        printf("  (this run has %" PRId64 " records; the targets are stated for 500,000)\n", n);
out:
    rows_free(&rows);
    paths_free(&p);
    return rc;
}
