/*
 * bench_import.c - how fast `ftl import` loads evidence, against its own
 * floors (and, for UAL, against the SQL-only route), in one run on the same
 * data (DESIGN.md: speed is compared in the same run against the floor, never
 * asserted as a wall-clock limit). tests/bench/README.md explains the passes.
 *
 *   bench_import [-r ROUNDS] FILE FTL_BINARY [SQLITE3_BINARY]
 *   bench_import [-r ROUNDS] --cloudtrail [-n RECORDS] [-l LINES] DIR BIG FTL_BINARY
 *
 * UAL: FILE is JSON Lines UAL (ual_gen writes it). CloudTrail: DIR is a tree
 * of many small .json.gz objects, BIG the same records as one file, LINES
 * (optional) the same again as JSON Lines (ct_gen writes all three); the
 * question is whether many small files cost much more per record than one
 * big one. Scratch case files and the SQL database are made next to FILE
 * (or BIG) and removed after each pass. Passes:
 *
 *   read      ftl_reader + ftl_input_json over every record of every file,
 *             and the SHA-256 an import finishes each file with (the read
 *             floor)
 *   parse     the same plus ftl_json_parse (cJSON) and free of every record
 *   capture   the real importer into an in-memory sink that deep-copies every
 *             event (fields, attrs, raw): builds the rows for the insert
 *             pass; its time is parsing plus normalizing without SQLite
 *   insert    those prebuilt rows into a fresh case file through the store
 *             API, same schema, indexes and pragmas as an import, one
 *             evidence row: the floor. CloudTrail also runs them with one
 *             evidence row and savepoint per file, as the intake writes many
 *             files: what the store adds per file
 *   import    FTL_BINARY import -q CASE PATH, a child: wall time, and its
 *             peak RSS from wait4(); CloudTrail runs it on the tree, on the
 *             big file and on the JSON Lines file
 *   sql       (UAL) the sqlite3 shell: .import the lines into a one-column
 *             table, ->> of 15 fields into an events table with the raw
 *             text, three indexes (the route a user could take instead of ftl)
 *
 * Processes. This process stays small: it runs read and parse and starts the
 * children. Linux carries a parent's peak RSS into a forked child's
 * ru_maxrss across exec, so a child started from a process that holds the
 * prebuilt rows (1.3 GB for 500,000 records) would report 1.3 GB. The rows
 * live in a worker process forked at the start, which captures them once
 * and runs each insert pass when told to (pipes, one request at a time:
 * passes never overlap).
 *
 * Rounds. Each round runs every pass once, in the order of the table; the
 * table shows the median time of the rounds with the fastest and slowest,
 * so one disturbed pass on a shared two-core machine does not decide a
 * verdict. Records/s and the ratios come from the medians.
 *
 * Every number printed is measured in this run; the verdict lines are
 * informative and the exit status is 0 whenever the passes could run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
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
#include "core/xml.h"

extern const struct ftl_importer ftl_importer_m365_ual;
extern const struct ftl_importer ftl_importer_windows_event_xml;
extern const struct ftl_importer ftl_importer_aws_cloudtrail;

/* targets from the issue, stated for 500,000 records */
#define TARGET_RECORDS 500000
#define TARGET_XML_RECORDS 1000000   /* issue 4: the Windows XML case */
#define TARGET_FLOOR_RATIO 0.7
#define TARGET_SQL_SPEEDUP 3.0
#define TARGET_RSS_MB 100.0
/* CloudTrail: "many small files must not be much slower per record than one
 * big one"; our reading of "much": at most a quarter slower */
#define TARGET_MANY_SMALL_RATIO 1.25

#define MAX_ROUNDS 20
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

/* Resets VmHWM to the current RSS (Linux 4.0+: "5" into clear_refs), so the
 * peak read after a pass is that pass's own. Returns 0 when it worked. */
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

/* One run of one pass. Plain data: it crosses the worker pipe. */
struct sample {
    int ok;
    double secs, cpu_s;
    long peak_kb;         /* -1 unknown */
    long grow_kb;         /* peak over RSS at the start; -1 for children */
    int process_max;      /* peak_kb is the process's lifetime max */
};

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

static void span_end(const struct span *sp, struct sample *s)
{
    struct rusage ru;

    s->secs = now_s() - sp->t0;
    s->cpu_s = cpu_self_s() - sp->c0;
    s->ok = 1;
    if (sp->hwm_ok) {
        s->peak_kb = status_kb("VmHWM");
        s->process_max = 0;
    } else {
        getrusage(RUSAGE_SELF, &ru);
        s->peak_kb = ru.ru_maxrss;
        s->process_max = 1;
    }
    s->grow_kb = s->peak_kb >= 0 && sp->rss0 >= 0 ? s->peak_kb - sp->rss0 : -1;
}

/* ---------------------------------------------------------------- children */

struct child {
    int exit_code;        /* -1 killed by a signal, -2 not started, 127 not found */
    struct sample s;
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
    c->exit_code = -2;   /* not started */
    c->s.grow_kb = -1;
    fflush(stdout);
    fflush(stderr);
    hwm_reset();   /* the child starts with our peak: keep it our current RSS */
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
    c->s.secs = now_s() - t0;
    if (w < 0) {
        fprintf(stderr, "bench_import: wait4: %s\n", strerror(errno));
        return -1;
    }
    c->s.cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
    c->s.peak_kb = ru.ru_maxrss;
    c->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return 0;
}

/* ---------------------------------------------------------------- files */

struct paths {
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
    struct ftl_buf dir = { 0 };
    long me = (long)getpid();

    memset(p, 0, sizeof *p);
    if (slash)
        ftl_buf_add(&dir, file, (size_t)(slash - file) + 1);
    else
        ftl_buf_addstr(&dir, "./");
    ftl_buf_addf(&p->insert_case, "%sbench-insert-%ld.ftl", dir.data, me);
    ftl_buf_addf(&p->import_case, "%sbench-import-%ld.ftl", dir.data, me);
    ftl_buf_addf(&p->sql_db, "%sbench-sql-%ld.db", dir.data, me);
    ftl_buf_addf(&p->sql_script, "%sbench-sql-%ld.sql", dir.data, me);
    ftl_buf_addf(&p->sql_out, "%sbench-sql-%ld.out", dir.data, me);
    ftl_buf_free(&dir);
}

static void paths_free(struct paths *p)
{
    remove_db(p->insert_case.data);
    remove_db(p->import_case.data);
    remove_db(p->sql_db.data);
    unlink(p->sql_script.data);
    unlink(p->sql_out.data);
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

/* ---------------------------------------------------------------- evidence */

/* What the CloudTrail importer splits on (its wrap_keys) */
static const char *const ct_wrap_keys[] = { "Records", "Events", NULL };

/*
 * What a pass reads: one file, or every regular file under a folder in the
 * order ftl import takes them (intake.c: the names of each folder sorted
 * bytewise, depth first), with the importer that reads them.
 */
struct evset {
    const char *arg;                    /* the path as given: what ftl import gets */
    const struct ftl_importer *importer;
    const char *const *wrap_keys;       /* the importer's, for the splitter */
    int xml;                            /* <Event> elements, not JSON values */
    const char *variant;                /* for the insert pass's evidence row */
    char **files;
    uint64_t *sizes;                    /* bytes on disk */
    size_t n, cap;
    uint64_t bytes;                     /* all files, on disk */
    int64_t dirs;                       /* folders walked */
    double walk_s;                      /* time the walk took */
};

static void evset_free(struct evset *set)
{
    size_t i;

    for (i = 0; i < set->n; i++)
        free(set->files[i]);
    free(set->files);
    free(set->sizes);
    set->files = NULL;
    set->sizes = NULL;
    set->n = set->cap = 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds path, or the files under it; -1 with a message when one cannot be read. */
static int evset_walk(struct evset *set, const char *path, int depth)
{
    struct stat st;
    struct dirent *de;
    struct ftl_buf child = { 0 };
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    DIR *d = NULL;
    int rc = -1;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "bench_import: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISREG(st.st_mode)) {
        if (set->n == set->cap) {
            set->cap = set->cap ? set->cap * 2 : 1024;
            set->files = ftl_xrealloc(set->files, set->cap * sizeof *set->files);
            set->sizes = ftl_xrealloc(set->sizes, set->cap * sizeof *set->sizes);
        }
        set->files[set->n] = ftl_xstrndup(path, strlen(path));
        set->sizes[set->n++] = (uint64_t)st.st_size;
        set->bytes += (uint64_t)st.st_size;
        return 0;
    }
    if (!S_ISDIR(st.st_mode) || depth > 64) {
        fprintf(stderr, "bench_import: %s is not a regular file or folder\n", path);
        return -1;
    }
    d = opendir(path);
    if (!d) {
        fprintf(stderr, "bench_import: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    set->dirs++;
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
    for (i = 0; i < n; i++) {
        ftl_buf_reset(&child);
        ftl_buf_addstr(&child, path);
        if (child.len && child.data[child.len - 1] != '/')
            ftl_buf_addch(&child, '/');
        ftl_buf_addstr(&child, names[i]);
        if (evset_walk(set, child.data, depth + 1) != 0)
            goto out;
    }
    rc = 0;
out:
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    ftl_buf_free(&child);
    return rc;
}

static int evset_init(struct evset *set, const char *path, const struct ftl_importer *importer,
                      const char *const *wrap_keys, const char *variant)
{
    double t0 = now_s();

    memset(set, 0, sizeof *set);
    set->arg = path;
    set->importer = importer;
    set->wrap_keys = wrap_keys;
    set->variant = variant;
    if (evset_walk(set, path, 0) != 0)
        return -1;
    set->walk_s = now_s() - t0;
    if (set->n == 0) {
        fprintf(stderr, "bench_import: no files under %s\n", path);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- read, parse */

struct scan {
    int64_t records, bytes, problems, parse_failures;
};

/* One file of the read or parse floor. */
static int scan_file(const char *file, const char *const *wrap_keys, int xml, int parse,
                     struct scan *sc)
{
    struct ftl_reader *rd = NULL;
    struct ftl_input in;
    struct ftl_record rec;
    struct ftl_error err = { 0 };
    char hex[65];
    int rc = -1;

    ftl_input_init(&in, NULL, file, 0);
    if (ftl_reader_open(file, &rd, &err) != FTL_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    in.r = rd;
    while (xml ? ftl_input_xml(&in, "Event", &rec) : ftl_input_json(&in, wrap_keys, &rec)) {
        sc->records++;
        sc->bytes += (int64_t)rec.len;
        if (rec.problem != FTL_OK) {
            sc->problems++;
            continue;
        }
        if (parse && xml) {
            char xerr[256];
            xmlDoc *doc = ftl_xml_parse(rec.data, rec.len, 0, xerr, sizeof xerr);

            if (!doc)
                sc->parse_failures++;
            xmlFreeDoc(doc);
        } else if (parse) {
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
    rc = 0;
out:
    ftl_input_free(&in);
    ftl_reader_free(rd);
    return rc;
}

/* The read floor (parse = 0) or the parse floor (parse = 1). */
static int pass_scan(const struct evset *set, int parse, struct scan *sc, struct sample *s)
{
    struct span sp;
    size_t f;

    memset(sc, 0, sizeof *sc);
    memset(s, 0, sizeof *s);
    span_begin(&sp);
    for (f = 0; f < set->n; f++)
        if (scan_file(set->files[f], set->wrap_keys, set->xml, parse, sc) != 0)
            return -1;
    span_end(&sp, s);
    return 0;
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
    size_t *file_end;       /* rows of files 0..f end at file_end[f] */
    size_t nfiles;
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
    free(r->file_end);
    arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

/* The real importer into memory: builds the rows for the insert pass. */
/* One file through the real importer into rows. */
static int capture_file(const struct evset *set, const char *file, struct rows *rows)
{
    struct ftl_reader *rd = NULL;
    struct ftl_input in;
    struct ftl_import imp;
    struct ftl_error err = { 0 };
    int rc = -1;

    ftl_input_init(&in, NULL, file, 0);
    if (ftl_reader_open(file, &rd, &err) != FTL_OK) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        goto out;
    }
    in.r = rd;
    memset(&imp, 0, sizeof imp);
    imp.in = &in;
    imp.sink = &rows->sink;
    imp.err = &err;
    if (set->importer->import(&imp) != FTL_OK) {
        fprintf(stderr, "bench_import: importer stopped on %s: %s\n", file, err.msg);
        goto out;
    }
    rc = 0;
out:
    ftl_input_free(&in);
    ftl_reader_free(rd);
    return rc;
}

/* The real importer into memory: builds the rows for the insert pass. */
static int pass_capture(const struct evset *set, struct rows *rows, struct sample *s)
{
    struct span sp;
    size_t f;

    memset(s, 0, sizeof *s);
    memset(rows, 0, sizeof *rows);
    rows->sink.event = rows_event;
    rows->sink.reject = rows_reject;
    rows->sink.note = rows_note;
    rows->file_end = ftl_xmalloc(set->n * sizeof *rows->file_end);
    span_begin(&sp);
    for (f = 0; f < set->n; f++) {
        if (capture_file(set, set->files[f], rows) != 0)
            return -1;
        rows->file_end[f] = rows->n;
    }
    rows->nfiles = set->n;
    span_end(&sp, s);
    return 0;
}

/* ---------------------------------------------------------------- insert */

/* Stores rows [from, to) under ev and counts them into it. */
static ftl_rc insert_rows(struct ftl_store *st, struct ftl_evidence *ev, const struct rows *rows,
                          size_t from, size_t to, struct ftl_error *err)
{
    size_t i;
    int inserted;

    for (i = from; i < to; i++) {
        const struct ftl_event *e = &rows->ev[i];

        if (ftl_store_add_event(st, ev->id, e, &inserted, err) != FTL_OK)
            return err->rc;
        if (!inserted) {
            ev->duplicates++;
            continue;
        }
        ev->events++;
        if (e->ts_us < ev->first_ts_us)
            ev->first_ts_us = e->ts_us;
        if (e->ts_us > ev->last_ts_us)
            ev->last_ts_us = e->ts_us;
    }
    ev->records += (int64_t)(to - from);
    return FTL_OK;
}

/*
 * The floor: what storing these exact rows costs, nothing else. The case
 * file is opened and closed inside the timing, as an import does.
 * per_file = 0: one evidence row for all of them. per_file = 1: the store
 * calls the intake makes for each file of a folder (intake.c import_file):
 * SAVEPOINT, the evidence row, the file's rows, the evidence row's counts
 * and hash, RELEASE; the whole run in one transaction. The difference is
 * what many small files cost the store.
 */
static int pass_insert(const struct evset *set, const char *case_path, const struct rows *rows,
                       int per_file, int64_t *inserted_out, struct sample *s)
{
    struct ftl_store *st = NULL;
    struct ftl_error err = { 0 };
    struct ftl_evidence ev;
    struct span sp;
    char *abs = NULL;
    size_t f, from = 0;
    int64_t total = 0;
    int rc = -1;

    memset(s, 0, sizeof *s);
    remove_db(case_path);
    abs = realpath(set->arg, NULL);
    *inserted_out = 0;
    sync();   /* earlier passes' writes are not this pass's cost */

    span_begin(&sp);
    if (ftl_store_open(case_path, FTL_OPEN_CREATE, &st, &err) != FTL_OK ||
        ftl_store_begin(st, &err) != FTL_OK)
        goto fail;
    for (f = 0; f < (per_file ? rows->nfiles : 1); f++) {
        size_t to = per_file ? rows->file_end[f] : rows->n;

        memset(&ev, 0, sizeof ev);
        ev.path = per_file ? set->files[f] : abs ? abs : set->arg;
        ev.name = per_file ? set->files[f] : set->arg;
        snprintf(ev.sha256, sizeof ev.sha256, "pending");
        ev.size = per_file ? set->sizes[f] : set->bytes;
        ev.compressed = per_file;
        ev.format = set->importer->name;
        ev.variant = set->variant;
        ev.first_ts_us = INT64_MAX;
        ev.last_ts_us = INT64_MIN;
        if ((per_file && ftl_store_savepoint(st, "SAVEPOINT", &err) != FTL_OK) ||
            ftl_store_add_evidence(st, &ev, &err) != FTL_OK ||
            insert_rows(st, &ev, rows, from, to, &err) != FTL_OK)
            goto fail;
        ev.status = "complete";
        if (per_file)   /* evidence.sha256 is UNIQUE: one made-up hash a file */
            snprintf(ev.sha256, sizeof ev.sha256, "%064zx", f);
        if (ftl_store_update_evidence(st, &ev, &err) != FTL_OK ||
            (per_file && ftl_store_savepoint(st, "RELEASE", &err) != FTL_OK))
            goto fail;
        total += ev.events;
        from = to;
    }
    if (ftl_store_commit(st, &err) != FTL_OK)
        goto fail;
    ftl_store_close(st);
    st = NULL;
    span_end(&sp, s);
    *inserted_out = total;
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "bench_import: insert pass: %s\n", err.msg);
out:
    ftl_store_close(st);
    remove_db(case_path);
    free(abs);
    return rc;
}

/* ---------------------------------------------------------------- worker */

/* What the worker sends back for each request. */
struct reply {
    struct sample s;
    int64_t events, rejects;   /* capture: events and rejects; insert: events inserted */
    double rows_mb;            /* capture: memory the prebuilt rows take */
};

struct worker {
    pid_t pid;
    int to, from;              /* pipe ends: requests out, replies in */
};

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n) {
        ssize_t w = write(fd, c, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t n)
{
    char *c = p;

    while (n) {
        ssize_t r = read(fd, c, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* The worker's loop: 'c' captures, 'i' inserts under one evidence row, 'f'
 * inserts with an evidence row per file; anything else (or EOF) ends. */
static void worker_main(int in, int out, const struct evset *set, const char *case_path)
{
    struct rows rows;
    struct reply rep;
    char cmd;

    memset(&rows, 0, sizeof rows);
    while (read_all(in, &cmd, 1) == 0) {
        memset(&rep, 0, sizeof rep);
        if (cmd == 'c') {
            rows_free(&rows);
            if (pass_capture(set, &rows, &rep.s) == 0) {
                rep.events = (int64_t)rows.n;
                rep.rejects = rows.rejects;
                rep.rows_mb = (double)(rows.arena.total + rows.cap * sizeof *rows.ev) / 1048576.0;
            }
        } else if ((cmd == 'i' || cmd == 'f') && rows.ev) {
            pass_insert(set, case_path, &rows, cmd == 'f', &rep.events, &rep.s);
        } else {
            break;
        }
        if (write_all(out, &rep, sizeof rep) != 0)
            break;
    }
    rows_free(&rows);
}

static int worker_start(struct worker *w, const struct evset *set, const char *case_path)
{
    int req[2], rep[2];

    w->pid = -1;
    w->to = w->from = -1;
    if (pipe(req) != 0)
        return -1;
    if (pipe(rep) != 0) {
        close(req[0]);
        close(req[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    w->pid = fork();
    if (w->pid == 0) {
        close(req[1]);
        close(rep[0]);
        worker_main(req[0], rep[1], set, case_path);
        _exit(0);
    }
    close(req[0]);
    close(rep[1]);
    if (w->pid < 0) {
        close(req[1]);
        close(rep[0]);
        return -1;
    }
    w->to = req[1];
    w->from = rep[0];
    return 0;
}

static int worker_ask(struct worker *w, char cmd, struct reply *rep)
{
    memset(rep, 0, sizeof *rep);
    if (w->pid <= 0 || write_all(w->to, &cmd, 1) != 0 || read_all(w->from, rep, sizeof *rep) != 0)
        return -1;
    return rep->s.ok ? 0 : -1;
}

static void worker_stop(struct worker *w)
{
    int status;

    if (w->to >= 0)
        close(w->to);   /* EOF ends its loop */
    if (w->from >= 0)
        close(w->from);
    if (w->pid > 0)
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
    w->pid = -1;
    w->to = w->from = -1;
}

/* ---------------------------------------------------------------- children */

static int pass_import(const char *path, const char *ftl, const char *case_path,
                       struct child *c)
{
    char *argv[6];

    remove_db(case_path);
    sync();
    argv[0] = (char *)ftl;
    argv[1] = "import";
    argv[2] = "-q";
    argv[3] = (char *)case_path;
    argv[4] = (char *)path;
    argv[5] = NULL;
    if (run_child(argv, NULL, NULL, c) != 0)
        return -1;
    /* 0: all imported; 3: done, but records were rejected (cmd/cli.h) */
    c->s.ok = c->exit_code == 0 || c->exit_code == 3;
    return c->s.ok ? 0 : -1;
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
     * separator (octal 037: this shell does not read \x escapes) that JSON
     * text cannot hold unescaped (RFC 8259 section 7) and LF as the row
     * separator makes .import take each line as one field, quotes and
     * commas untouched; the row count and json_valid() are checked after. */
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

static int pass_sql(const char *sqlite3_bin, const struct paths *p, struct child *c)
{
    char *argv[4];

    remove_db(p->sql_db.data);
    sync();
    argv[0] = (char *)sqlite3_bin;
    argv[1] = "-batch";
    argv[2] = (char *)p->sql_db.data;
    argv[3] = NULL;
    if (run_child(argv, p->sql_script.data, p->sql_out.data, c) != 0)
        return -1;
    c->s.ok = c->exit_code == 0;
    return c->s.ok ? 0 : -1;
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

/* All the runs of one pass. */
struct pass {
    const char *name;
    struct sample run[MAX_ROUNDS];
    int nrun;
    const char *note;
    char note_buf[64];      /* for a note made up at run time */
};

/* What a case file written by ftl import holds. */
struct import_check {
    int exit_code;          /* of the last run; -99 before the first */
    int64_t events;         /* -1 until read */
    int64_t raw;            /* bytes of raw text, read after the first round */
    int64_t evidence;       /* evidence rows, read after the first round */
};

#define IMPORT_CHECK_INIT { -99, -1, -1, -1 }

/*
 * Round `round` of p: ftl import of path into a fresh case_path, then what
 * the case file holds (the raw total only after the first round: it reads
 * every row). Notes a failure, rejects, or a count that changed between
 * rounds; removes the case file.
 */
static void import_round(struct pass *p, int round, const char *path, const char *ftl,
                         const char *case_path, struct import_check *ck)
{
    struct child ch;
    int64_t v[3];

    if (pass_import(path, ftl, case_path, &ch) == 0) {
        p->run[p->nrun++] = ch.s;
        if (query_ints(case_path,
                       round == 0 ? "SELECT (SELECT count(*) FROM events),"
                                    " (SELECT total(length(CAST(raw AS BLOB))) FROM events),"
                                    " (SELECT count(*) FROM evidence)"
                                  : "SELECT count(*) FROM events", v, 3) >= 1) {
            if (ck->events >= 0 && v[0] != ck->events)
                p->note = "event count differs between rounds";
            ck->events = v[0];
            if (round == 0) {
                ck->raw = v[1];
                ck->evidence = v[2];
            }
        }
    } else if (!p->note) {
        snprintf(p->note_buf, sizeof p->note_buf, "FAILED (exit %d)", ch.exit_code);
        p->note = p->note_buf;
    }
    if (ch.exit_code == 3)
        p->note = "exit 3: records were rejected";
    ck->exit_code = ch.exit_code;
    remove_db(case_path);
}

/* The time of this round's run of p as text, into buf (16 bytes). */
static const char *last_secs(const struct pass *p, int round, char *buf)
{
    if (p->nrun == round + 1 && p->run[round].ok)
        snprintf(buf, 16, "%.2f s", p->run[round].secs);
    else
        snprintf(buf, 16, "failed");
    return buf;
}

struct summary {
    int ok;                  /* at least one run, and every run succeeded */
    double secs, lo, hi, cpu_s;
    long peak_kb, grow_kb;
    int process_max;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void summarize(const struct pass *p, struct summary *m)
{
    double t[MAX_ROUNDS], c[MAX_ROUNDS];
    int i;

    memset(m, 0, sizeof *m);
    m->peak_kb = m->grow_kb = -1;
    if (p->nrun == 0)
        return;
    for (i = 0; i < p->nrun; i++) {
        const struct sample *s = &p->run[i];

        if (!s->ok)
            return;
        t[i] = s->secs;
        c[i] = s->cpu_s;
        if (s->peak_kb > m->peak_kb)
            m->peak_kb = s->peak_kb;
        if (s->grow_kb > m->grow_kb)
            m->grow_kb = s->grow_kb;
        m->process_max |= s->process_max;
    }
    m->ok = 1;
    m->secs = median(t, p->nrun);
    m->lo = t[0];
    m->hi = t[p->nrun - 1];
    m->cpu_s = median(c, p->nrun);
}

/* v with thousands separators (no locale: the output is the same everywhere) */
static const char *commas(double v, char *buf, size_t n)
{
    char digits[32];
    size_t len, i, o = 0;
    long long x = v < 0 ? 0 : (long long)(v + 0.5);

    snprintf(digits, sizeof digits, "%lld", x);
    len = strlen(digits);
    for (i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static void print_row(const struct pass *p, const struct summary *m, int64_t records,
                      double floor_rate)
{
    char rate[32], peak[32], grow[32], ratio[32], spread[32];

    if (!m->ok) {
        printf("%-34s %8s %13s %11s %7s %8s %7s %6s  %s\n", p->name, "-", "-", "-", "-", "-",
               "-", "-", p->note ? p->note : "did not run");
        return;
    }
    commas((double)records / m->secs, rate, sizeof rate);
    if (p->nrun > 1)
        snprintf(spread, sizeof spread, "%.2f-%.2f", m->lo, m->hi);
    else
        snprintf(spread, sizeof spread, "(1 run)");
    if (floor_rate > 0)
        snprintf(ratio, sizeof ratio, "%.2f", (double)records / m->secs / floor_rate);
    else
        snprintf(ratio, sizeof ratio, "-");
    if (m->peak_kb >= 0)
        snprintf(peak, sizeof peak, "%.1f%s", (double)m->peak_kb / 1024.0,
                 m->process_max ? "*" : "");
    else
        snprintf(peak, sizeof peak, "?");
    if (m->grow_kb >= 0)
        snprintf(grow, sizeof grow, "+%.1f", (double)m->grow_kb / 1024.0);
    else
        snprintf(grow, sizeof grow, "-");
    printf("%-34s %8.2f %13s %11s %7s %8s %7s %6.2f%s%s\n", p->name, m->secs, spread, rate,
           ratio, peak, grow, m->cpu_s, p->note ? "  " : "", p->note ? p->note : "");
}

static void verdict(const char *what, int known, double value, const char *unit, int pass)
{
    char v[64];

    if (!known) {
        printf("  %-42s %-12s n/a (a pass did not run)\n", what, "");
        return;
    }
    snprintf(v, sizeof v, "%.2f %s", value, unit);
    printf("  %-42s %-12s %s\n", what, v, pass ? "PASS" : "MISS");
}

static void usage(void)
{
    fputs("usage: bench_import [-r ROUNDS] [--xml] FILE FTL_BINARY [SQLITE3_BINARY]\n"
          "       bench_import [-r ROUNDS] --cloudtrail [-n RECORDS] [-l LINES] DIR BIG FTL_BINARY\n"
          "  FILE: UAL JSON Lines (see ual_gen), or with --xml Windows event XML\n"
          "  fragments (see win_gen); FTL_BINARY: the ftl program;\n"
          "  SQLITE3_BINARY: the sqlite3 shell (default: sqlite3 from PATH);\n"
          "  --cloudtrail: DIR, a tree of CloudTrail objects, against BIG, the same\n"
          "  records in one file, and LINES, the same as JSON Lines (see ct_gen);\n"
          "  RECORDS: how many records each should hold (checked);\n"
          "  ROUNDS: times each pass runs, the median is shown (default 1, at most 20)\n",
          stderr);
}

struct opts {
    int rounds;
    int cloudtrail;
    int xml;                 /* --xml: FILE is Windows event XML (win_gen) */
    int64_t expect;          /* -n: records the data should hold; -1 not given */
    const char *lines;       /* -l */
    const char *pos[3];
    int npos;
};

static void print_table_head(void)
{
    printf("\n%-34s %8s %13s %11s %7s %8s %7s %6s\n", "pass", "seconds", "range", "records/s",
           "x floor", "peak MB", "grow MB", "cpu s");
}

static void print_memory_note(const char *children)
{
    printf("\npeak MB: child passes (%s) show the child's ru_maxrss from wait4();\n"
           "in-process passes the peak of the process during the pass (VmHWM reset before it;\n"
           "'*': lifetime max, where that reset was refused), and grow MB that peak over the\n"
           "RSS at the start of the pass. The worker that runs capture and insert holds the\n"
           "prebuilt rows, so its peak includes them: its grow MB is what inserting costs.\n",
           children);
}

/* Prebuilds the rows in the worker: the importer -> memory pass. */
static void ask_capture(struct worker *w, struct pass *p_capture, struct pass *p_insert,
                        int64_t *captured, int64_t *rejects, double *rows_mb)
{
    struct reply rep;

    fprintf(stderr, "bench_import: importer -> memory (prebuilding the rows)...\n");
    if (worker_ask(w, 'c', &rep) == 0) {
        p_capture->run[p_capture->nrun++] = rep.s;
        *captured = rep.events;
        *rejects = rep.rejects;
        *rows_mb = rep.rows_mb;
    } else {
        p_capture->note = p_insert->note = "FAILED";
    }
}

/* One insert pass in the worker ('i' or 'f'). */
static void ask_insert(struct worker *w, char cmd, struct pass *p, int64_t *inserted)
{
    struct reply rep;

    if (worker_ask(w, cmd, &rep) == 0) {
        p->run[p->nrun++] = rep.s;
        *inserted = rep.events;
    } else {
        p->note = "FAILED";
    }
}

/* ---------------------------------------------------------------- UAL */

static int run_ual(const struct opts *o)
{
    const char *file = o->pos[0], *ftl = o->pos[1];
    const char *sqlite3_bin = o->npos == 3 ? o->pos[2] : "sqlite3";
    struct evset set;
    struct paths p;
    struct worker w = { -1, -1, -1 };
    struct scan rd_scan, ps_scan;
    struct child ch;
    struct import_check ck = IMPORT_CHECK_INIT;
    struct pass p_read = { .name = o->xml ? "read (reader + XML split)" : "read (reader + JSON split)" };
    struct pass p_parse = { .name = o->xml ? "parse (+ libxml2 parse and free)"
                                           : "parse (+ cJSON parse and free)" };
    struct pass p_capture = { .name = "importer -> memory (no SQLite)" };
    struct pass p_insert = { .name = "insert-only floor (prebuilt rows)" };
    struct pass p_import = { .name = "ftl import (full, child)" };
    struct pass p_sql = { .name = "SQL-only route (sqlite3 shell)" };
    struct summary m_read, m_parse, m_capture, m_insert, m_import, m_sql;
    struct sample warm;
    struct stat st;
    int64_t n = 0, v[4], captured = -1, capture_rejects = 0, floor_inserted = -1;
    int64_t sql_rows = -1, sql_raw = -1, sql_valid = -1;
    int sql_script_ok, round, rc = 1;
    double floor_rate = 0, import_rate = 0, sql_rate = 0, rows_mb = 0;
    char version[64], buf1[32], t[5][16];

    errno = 0;
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "bench_import: cannot read %s: %s\n", file,
                errno ? strerror(errno) : "not a regular file");
        return 1;
    }
    if (evset_init(&set, file, o->xml ? &ftl_importer_windows_event_xml : &ftl_importer_m365_ual,
                   NULL, o->xml ? "wevtutil" : "json_lines") != 0)
        return 1;
    set.xml = o->xml;
    paths_init(&p, file);

    /* the worker first, while this process is small (head comment) */
    if (worker_start(&w, &set, p.insert_case.data) != 0) {
        fprintf(stderr, "bench_import: cannot start the worker: %s\n", strerror(errno));
        goto out;
    }
    /* warm the page cache: every pass then reads the same cached bytes */
    if (pass_scan(&set, 0, &rd_scan, &warm) != 0)
        goto out;
    n = rd_scan.records;
    if (n == 0) {
        fprintf(stderr, "bench_import: %s holds no records\n", file);
        goto out;
    }
    rc = 0;   /* from here on, a pass that fails is reported, not fatal */

    ask_capture(&w, &p_capture, &p_insert, &captured, &capture_rejects, &rows_mb);
    shell_version(sqlite3_bin, &p, version, sizeof version);
    /* the shell has no XML functions: there is no SQL-only route for XML */
    sql_script_ok = !o->xml && write_sql_script(p.sql_script.data, file) == 0;
    if (!sql_script_ok)
        p_sql.note = o->xml ? "none for XML (sqlite3 has no XML functions)" : "skipped";

    for (round = 0; round < o->rounds; round++) {
        if (pass_scan(&set, 0, &rd_scan, &p_read.run[p_read.nrun]) == 0)
            p_read.nrun++;
        if (pass_scan(&set, 1, &ps_scan, &p_parse.run[p_parse.nrun]) == 0)
            p_parse.nrun++;
        if (captured >= 0)
            ask_insert(&w, 'i', &p_insert, &floor_inserted);
        import_round(&p_import, round, file, ftl, p.import_case.data, &ck);

        if (sql_script_ok) {
            if (pass_sql(sqlite3_bin, &p, &ch) == 0) {
                p_sql.run[p_sql.nrun++] = ch.s;
                if (round == 0 &&
                    query_ints(p.sql_db.data,
                               "SELECT count(*), total(length(CAST(raw AS BLOB))),"
                               " total(json_valid(raw)) FROM events", v, 3) == 3) {
                    sql_rows = v[0];
                    sql_raw = v[1];
                    sql_valid = v[2];
                    if (sql_rows != n || sql_valid != n)
                        p_sql.note = "rows differ from the file: .import mangled lines";
                }
            } else {
                snprintf(p_sql.note_buf, sizeof p_sql.note_buf, "FAILED (exit %d)",
                         ch.exit_code);
                p_sql.note = p_sql.note_buf;
            }
            remove_db(p.sql_db.data);
        }
        fprintf(stderr, "bench_import: round %d: read %s, parse %s, insert-only %s, "
                        "ftl import %s, SQL route %s\n", round + 1,
                last_secs(&p_read, round, t[0]), last_secs(&p_parse, round, t[1]),
                last_secs(&p_insert, round, t[2]), last_secs(&p_import, round, t[3]),
                last_secs(&p_sql, round, t[4]));
    }
    worker_stop(&w);

    summarize(&p_read, &m_read);
    summarize(&p_parse, &m_parse);
    summarize(&p_capture, &m_capture);
    summarize(&p_insert, &m_insert);
    summarize(&p_import, &m_import);
    summarize(&p_sql, &m_sql);
    if (m_insert.ok)
        floor_rate = (double)n / m_insert.secs;
    if (m_import.ok)
        import_rate = (double)n / m_import.secs;
    if (m_sql.ok)
        sql_rate = (double)n / m_sql.secs;

    printf("\nftl import benchmark%s\n", o->xml ? ": Windows event XML (wevtutil fragments)" : "");
    printf("  file     %s: %s records, %.1f MB (%.0f bytes/record)\n", file,
           commas((double)n, buf1, sizeof buf1), (double)st.st_size / 1e6,
           (double)st.st_size / (double)n);
    printf("  ftl      %s\n", ftl);
    printf("  sqlite3  %s (shell %s); library %s linked into ftl\n", sqlite3_bin, version,
           sqlite3_libversion());
    printf("  rounds   %d (seconds: median of the rounds, fastest-slowest beside it)\n", o->rounds);
    print_table_head();
    print_row(&p_read, &m_read, n, floor_rate);
    print_row(&p_parse, &m_parse, n, floor_rate);
    print_row(&p_capture, &m_capture, n, floor_rate);
    print_row(&p_insert, &m_insert, n, floor_rate);
    print_row(&p_import, &m_import, n, floor_rate);
    print_row(&p_sql, &m_sql, n, floor_rate);

    printf("\nthe same data in every pass:\n");
    printf("  read: %" PRId64 " records, %" PRId64 " bytes (%" PRId64 " with splitter problems);"
           " parse failures: %" PRId64 "\n",
           n, rd_scan.bytes, rd_scan.problems, ps_scan.parse_failures);
    printf("  importer -> memory: %" PRId64 " events, %" PRId64 " rejects; the rows take %.0f MB\n",
           captured, capture_rejects, rows_mb);
    printf("  insert-only floor: %" PRId64 " events inserted\n", floor_inserted);
    printf("  ftl import: exit %d; the case file holds %" PRId64 " events, raw %" PRId64 " bytes\n",
           ck.exit_code, ck.events, ck.raw);
    if (!o->xml)
        printf("  SQL route: the events table holds %" PRId64 " rows, raw %" PRId64 " bytes, "
           "%" PRId64 " valid JSON\n",
           sql_rows, sql_raw, sql_valid);

    print_memory_note("import, SQL route");

    printf("\ntargets (stated for %d records; informative, never asserted):\n",
           o->xml ? TARGET_XML_RECORDS : TARGET_RECORDS);
    verdict("full import >= 0.7 x insert-only floor", m_import.ok && m_insert.ok,
            floor_rate > 0 ? import_rate / floor_rate : 0, "x",
            floor_rate > 0 && import_rate / floor_rate >= TARGET_FLOOR_RATIO);
    if (!o->xml)
        verdict("full import >= 3 x the SQL-only route", m_import.ok && m_sql.ok,
                sql_rate > 0 ? import_rate / sql_rate : 0, "x",
                sql_rate > 0 && import_rate / sql_rate >= TARGET_SQL_SPEEDUP);
    verdict("full import peak RSS < 100 MB", m_import.ok && m_import.peak_kb >= 0,
            (double)m_import.peak_kb / 1024.0, "MB",
            m_import.peak_kb >= 0 && (double)m_import.peak_kb / 1024.0 < TARGET_RSS_MB);
    if (n != (o->xml ? TARGET_XML_RECORDS : TARGET_RECORDS))
        printf("  (this run has %" PRId64 " records)\n", n);
out:
    worker_stop(&w);
    paths_free(&p);
    evset_free(&set);
    return rc;
}

/* ---------------------------------------------------------------- CloudTrail */

/* One line of the per-record comparison of two passes over the same records;
 * files > 0: also the difference spread over that many files. */
static void per_record_line(const char *what, const struct summary *x,
                            const struct summary *y, int64_t n, size_t files)
{
    double a, b;

    if (!x->ok || !y->ok || n <= 0) {
        printf("  %-24s n/a (a pass did not run)\n", what);
        return;
    }
    a = x->secs / (double)n * 1e6;
    b = y->secs / (double)n * 1e6;
    printf("  %-24s %6.2f us / %6.2f us = %.2f  (%+.2f s in all", what, a, b, a / b,
           x->secs - y->secs);
    if (files)
        printf(", %+.0f us a file", (x->secs - y->secs) / (double)files * 1e6);
    printf(")\n");
}

/* "OK" when an import holds what it should, else what differs. */
static const char *check_word(const struct import_check *ck, int64_t expect, int64_t raw,
                              int64_t evidence)
{
    if (ck->events < 0)
        return "NOT READ";
    if (ck->events != expect)
        return "WRONG EVENT COUNT";
    if (ck->raw != raw)
        return "WRONG RAW BYTES";
    if (ck->evidence != evidence)
        return "WRONG EVIDENCE COUNT";
    return "OK";
}

static int run_cloudtrail(const struct opts *o)
{
    const char *dir = o->pos[0], *big_path = o->pos[1], *ftl = o->pos[2];
    struct evset tree, big, lines;
    struct paths p;
    struct worker w = { -1, -1, -1 };
    struct scan sc_tree, sc_big, sc_lines, sc_parse;
    struct import_check ck_tree = IMPORT_CHECK_INIT, ck_big = IMPORT_CHECK_INIT;
    struct import_check ck_lines = IMPORT_CHECK_INIT;
    struct pass p_read = { .name = "read: many files" };
    struct pass p_read_big = { .name = "read: one big file" };
    struct pass p_parse = { .name = "parse: many files (+ cJSON)" };
    struct pass p_capture = { .name = "importer -> memory: many files" };
    struct pass p_insert = { .name = "insert-only floor (prebuilt rows)" };
    struct pass p_per_file = { .name = "insert, evidence row a file" };
    struct pass p_imp_tree = { .name = "ftl import: many files (child)" };
    struct pass p_imp_big = { .name = "ftl import: one big file (child)" };
    struct pass p_imp_lines = { .name = "ftl import: JSON Lines (child)" };
    struct summary m_read, m_read_big, m_parse, m_capture, m_insert, m_per_file;
    struct summary m_imp_tree, m_imp_big, m_imp_lines;
    struct sample warm;
    int64_t n = 0, expect, captured = -1, capture_rejects = 0;
    int64_t floor_inserted = -1, per_file_inserted = -1;
    int round, rc = 1, have_lines = o->lines != NULL;
    double floor_rate = 0, tree_rate = 0, big_rate = 0, rows_mb = 0;
    char buf1[32], buf2[32], t[8][16];

    memset(&lines, 0, sizeof lines);
    if (evset_init(&tree, dir, &ftl_importer_aws_cloudtrail, ct_wrap_keys, "records_json") != 0)
        return 1;
    if (evset_init(&big, big_path, &ftl_importer_aws_cloudtrail, ct_wrap_keys,
                   "records_json") != 0 ||
        (have_lines && evset_init(&lines, o->lines, &ftl_importer_aws_cloudtrail, ct_wrap_keys,
                                  "json_lines") != 0)) {
        evset_free(&tree);
        evset_free(&big);
        return 1;
    }
    if (big.n != 1 || (have_lines && lines.n != 1)) {
        fprintf(stderr, "bench_import: BIG and LINES must be single files\n");
        goto early;
    }
    /* scratch next to BIG: never inside the tree that is imported */
    paths_init(&p, big_path);

    if (worker_start(&w, &tree, p.insert_case.data) != 0) {
        fprintf(stderr, "bench_import: cannot start the worker: %s\n", strerror(errno));
        goto out;
    }
    /* warm the page cache and count: every shape must hold the same records */
    if (pass_scan(&tree, 0, &sc_tree, &warm) != 0 || pass_scan(&big, 0, &sc_big, &warm) != 0 ||
        (have_lines && pass_scan(&lines, 0, &sc_lines, &warm) != 0))
        goto out;
    n = sc_tree.records;
    expect = o->expect >= 0 ? o->expect : n;
    if (n == 0) {
        fprintf(stderr, "bench_import: %s holds no records\n", dir);
        goto out;
    }
    rc = 0;   /* from here on, a pass that fails is reported, not fatal */

    ask_capture(&w, &p_capture, &p_insert, &captured, &capture_rejects, &rows_mb);
    if (captured < 0)
        p_per_file.note = "FAILED";
    for (round = 0; round < o->rounds; round++) {
        if (pass_scan(&tree, 0, &sc_tree, &p_read.run[p_read.nrun]) == 0)
            p_read.nrun++;
        if (pass_scan(&big, 0, &sc_big, &p_read_big.run[p_read_big.nrun]) == 0)
            p_read_big.nrun++;
        if (pass_scan(&tree, 1, &sc_parse, &p_parse.run[p_parse.nrun]) == 0)
            p_parse.nrun++;
        if (captured >= 0) {
            ask_insert(&w, 'i', &p_insert, &floor_inserted);
            ask_insert(&w, 'f', &p_per_file, &per_file_inserted);
        }
        import_round(&p_imp_tree, round, dir, ftl, p.import_case.data, &ck_tree);
        import_round(&p_imp_big, round, big_path, ftl, p.import_case.data, &ck_big);
        if (have_lines)
            import_round(&p_imp_lines, round, o->lines, ftl, p.import_case.data, &ck_lines);
        fprintf(stderr, "bench_import: round %d: read %s / %s, parse %s, insert-only %s, "
                        "per file %s, import many files %s, one big file %s, JSON Lines %s\n",
                round + 1, last_secs(&p_read, round, t[0]), last_secs(&p_read_big, round, t[1]),
                last_secs(&p_parse, round, t[2]), last_secs(&p_insert, round, t[3]),
                last_secs(&p_per_file, round, t[4]), last_secs(&p_imp_tree, round, t[5]),
                last_secs(&p_imp_big, round, t[6]),
                have_lines ? last_secs(&p_imp_lines, round, t[7]) : "-");
    }
    worker_stop(&w);

    summarize(&p_read, &m_read);
    summarize(&p_read_big, &m_read_big);
    summarize(&p_parse, &m_parse);
    summarize(&p_capture, &m_capture);
    summarize(&p_insert, &m_insert);
    summarize(&p_per_file, &m_per_file);
    summarize(&p_imp_tree, &m_imp_tree);
    summarize(&p_imp_big, &m_imp_big);
    summarize(&p_imp_lines, &m_imp_lines);
    if (m_insert.ok)
        floor_rate = (double)n / m_insert.secs;
    if (m_imp_tree.ok)
        tree_rate = (double)n / m_imp_tree.secs;
    if (m_imp_big.ok)
        big_rate = (double)n / m_imp_big.secs;

    printf("\nftl import benchmark: CloudTrail, many small files against one big file\n");
    printf("  tree     %s: %s files in %" PRId64 " folders, %.1f MB (%.1f KB a file);"
           " walked in %.3f s\n", dir, commas((double)tree.n, buf1, sizeof buf1), tree.dirs,
           (double)tree.bytes / 1e6, (double)tree.bytes / (double)tree.n / 1e3, tree.walk_s);
    printf("  big      %s: %.1f MB\n", big_path, (double)big.bytes / 1e6);
    if (have_lines)
        printf("  lines    %s: %.1f MB\n", o->lines, (double)lines.bytes / 1e6);
    printf("  records  %s in each (%.0f bytes of JSON a record, %s a file)\n",
           commas((double)n, buf1, sizeof buf1), (double)sc_tree.bytes / (double)n,
           commas((double)n / (double)tree.n, buf2, sizeof buf2));
    printf("  ftl      %s; SQLite library %s linked into ftl\n", ftl, sqlite3_libversion());
    printf("  rounds   %d (seconds: median of the rounds, fastest-slowest beside it)\n", o->rounds);
    print_table_head();
    print_row(&p_read, &m_read, n, floor_rate);
    print_row(&p_read_big, &m_read_big, n, floor_rate);
    print_row(&p_parse, &m_parse, n, floor_rate);
    print_row(&p_capture, &m_capture, n, floor_rate);
    print_row(&p_insert, &m_insert, n, floor_rate);
    print_row(&p_per_file, &m_per_file, n, floor_rate);
    print_row(&p_imp_tree, &m_imp_tree, n, floor_rate);
    print_row(&p_imp_big, &m_imp_big, n, floor_rate);
    if (have_lines)
        print_row(&p_imp_lines, &m_imp_lines, n, floor_rate);

    printf("\nmany small files against one big file, per record (medians; \"a file\": the\n"
           "difference spread over the %s files):\n", commas((double)tree.n, buf1, sizeof buf1));
    per_record_line("read: many / big", &m_read, &m_read_big, n, tree.n);
    per_record_line("store: per file / floor", &m_per_file, &m_insert, n, tree.n);
    per_record_line("import: many / big", &m_imp_tree, &m_imp_big, n, tree.n);
    if (have_lines)
        per_record_line("import: lines / big", &m_imp_lines, &m_imp_big, n, 0);

    printf("\nthe same data in every pass (expected %s records):\n",
           commas((double)expect, buf1, sizeof buf1));
    printf("  read, many files: %" PRId64 " records, %" PRId64 " bytes (%" PRId64
           " with splitter problems); parse failures: %" PRId64 "\n",
           sc_tree.records, sc_tree.bytes, sc_tree.problems, sc_parse.parse_failures);
    printf("  read, one big file: %" PRId64 " records, %" PRId64 " bytes (%" PRId64
           " with splitter problems): %s\n", sc_big.records, sc_big.bytes, sc_big.problems,
           sc_big.records == sc_tree.records && sc_big.bytes == sc_tree.bytes ? "the same"
                                                                              : "DIFFERENT");
    if (have_lines)
        printf("  read, JSON Lines: %" PRId64 " records, %" PRId64 " bytes: %s\n",
               sc_lines.records, sc_lines.bytes,
               sc_lines.records == sc_tree.records && sc_lines.bytes == sc_tree.bytes
                   ? "the same" : "DIFFERENT");
    printf("  importer -> memory: %" PRId64 " events, %" PRId64 " rejects; the rows take %.0f MB\n",
           captured, capture_rejects, rows_mb);
    printf("  insert-only floor: %" PRId64 " events inserted; with an evidence row a file: %"
           PRId64 "\n", floor_inserted, per_file_inserted);
    printf("  ftl import, many files: exit %d; %" PRId64 " events, %" PRId64 " evidence rows,"
           " raw %" PRId64 " bytes: %s\n", ck_tree.exit_code, ck_tree.events, ck_tree.evidence,
           ck_tree.raw, check_word(&ck_tree, expect, sc_tree.bytes, (int64_t)tree.n));
    printf("  ftl import, one big file: exit %d; %" PRId64 " events, %" PRId64 " evidence rows,"
           " raw %" PRId64 " bytes: %s\n", ck_big.exit_code, ck_big.events, ck_big.evidence,
           ck_big.raw, check_word(&ck_big, expect, sc_tree.bytes, 1));
    if (have_lines)
        printf("  ftl import, JSON Lines: exit %d; %" PRId64 " events, %" PRId64
               " evidence rows, raw %" PRId64 " bytes: %s\n", ck_lines.exit_code,
               ck_lines.events, ck_lines.evidence, ck_lines.raw,
               check_word(&ck_lines, expect, sc_tree.bytes, 1));

    print_memory_note("ftl import");

    printf("\ntargets (the UAL benchmark's, stated for %d records; informative, never "
           "asserted):\n", TARGET_RECORDS);
    verdict("many files: import >= 0.7 x insert floor", m_imp_tree.ok && m_insert.ok,
            floor_rate > 0 ? tree_rate / floor_rate : 0, "x",
            floor_rate > 0 && tree_rate / floor_rate >= TARGET_FLOOR_RATIO);
    verdict("one big file: import >= 0.7 x insert floor", m_imp_big.ok && m_insert.ok,
            floor_rate > 0 ? big_rate / floor_rate : 0, "x",
            floor_rate > 0 && big_rate / floor_rate >= TARGET_FLOOR_RATIO);
    verdict("many files / one big, per record <= 1.25", m_imp_tree.ok && m_imp_big.ok,
            tree_rate > 0 ? big_rate / tree_rate : 0, "x",
            tree_rate > 0 && big_rate / tree_rate <= TARGET_MANY_SMALL_RATIO);
    verdict("many files: import peak RSS < 100 MB", m_imp_tree.ok && m_imp_tree.peak_kb >= 0,
            (double)m_imp_tree.peak_kb / 1024.0, "MB",
            m_imp_tree.peak_kb >= 0 && (double)m_imp_tree.peak_kb / 1024.0 < TARGET_RSS_MB);
    verdict("one big file: import peak RSS < 100 MB", m_imp_big.ok && m_imp_big.peak_kb >= 0,
            (double)m_imp_big.peak_kb / 1024.0, "MB",
            m_imp_big.peak_kb >= 0 && (double)m_imp_big.peak_kb / 1024.0 < TARGET_RSS_MB);
    printf("  (no SQL-only route: the sqlite3 shell cannot .import gzip)\n");
    if (n != TARGET_RECORDS)
        printf("  (this run has %" PRId64 " records)\n", n);
out:
    worker_stop(&w);
    paths_free(&p);
early:
    evset_free(&tree);
    evset_free(&big);
    evset_free(&lines);
    return rc;
}

/* ---------------------------------------------------------------- main */

static int parse_count(const char *s, long long lo, long long hi, long long *v)
{
    char *end;

    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno || end == s || *end || *v < lo || *v > hi ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    long long v;
    int a;

    memset(&o, 0, sizeof o);
    o.rounds = 1;
    o.expect = -1;
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-r") == 0 && a + 1 < argc) {
            if (parse_count(argv[++a], 1, MAX_ROUNDS, &v) != 0)
                goto usage;
            o.rounds = (int)v;
        } else if (strcmp(argv[a], "-n") == 0 && a + 1 < argc) {
            if (parse_count(argv[++a], 0, INT64_MAX, &v) != 0)
                goto usage;
            o.expect = v;
        } else if (strcmp(argv[a], "-l") == 0 && a + 1 < argc) {
            o.lines = argv[++a];
        } else if (strcmp(argv[a], "--cloudtrail") == 0) {
            o.cloudtrail = 1;
        } else if (strcmp(argv[a], "--xml") == 0) {
            o.xml = 1;
        } else if (argv[a][0] == '-' && argv[a][1] != '\0') {
            goto usage;
        } else if (o.npos < 3) {
            o.pos[o.npos++] = argv[a];
        } else {
            goto usage;
        }
    }
    if (o.cloudtrail ? o.npos != 3 : (o.npos < 2 || o.lines || o.expect >= 0))
        goto usage;
    signal(SIGPIPE, SIG_IGN);
    return o.cloudtrail ? run_cloudtrail(&o) : run_ual(&o);
usage:
    usage();
    return 2;
}
