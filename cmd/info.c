/*
 * info.c - `ftl info CASE`: what the case file holds.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/correlate.h"
#include "../core/ftltime.h"
#include "../core/store.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "json", 0, NULL, "print one JSON document (for scripts and pipelines)" },
    { "rejects", 0, NULL, "also list every rejected record with its reason" },
    { 0 }
};

static void add_time(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
    char buf[FTL_TIME_ISO_LEN + 1];

    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    ftl_time_format(sqlite3_column_int64(st, col), buf);
    cJSON_AddStringToObject(o, key, buf);
}

static void add_text(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);

    if (s)
        cJSON_AddStringToObject(o, key, s);
    else
        cJSON_AddNullToObject(o, key);
}

/* parent[key] = { first column: second column } from a GROUP BY query. */
static void add_counts(sqlite3 *db, cJSON *parent, const char *key, const char *sql)
{
    cJSON *counts = cJSON_AddObjectToObject(parent, key);
    sqlite3_stmt *st = NULL;

    sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddNumberToObject(counts, (const char *)sqlite3_column_text(st, 0),
                                (double)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
}

/* Builds the whole report as a cJSON tree; both outputs print from it. */
static cJSON *collect(struct ftl_store *store, int with_rejects, const char *path)
{
    sqlite3 *db = ftl_store_db(store);
    cJSON *root = cJSON_CreateObject(), *arr, *o;
    sqlite3_stmt *st = NULL;

    cJSON_AddStringToObject(root, "case", path);
    cJSON_AddNumberToObject(root, "schema_version", FTL_SCHEMA_VERSION);
    arr = cJSON_AddArrayToObject(root, "evidence");
    sqlite3_prepare_v2(db,
                       "SELECT id, name, path, sha256, size, compressed, format, variant,"
                       " imported_at, records, events, duplicates, rejected, status, message,"
                       " first_ts, last_ts FROM evidence ORDER BY id", -1, &st, NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0));
        add_text(o, "name", st, 1);
        add_text(o, "path", st, 2);
        add_text(o, "sha256", st, 3);
        cJSON_AddNumberToObject(o, "size", (double)sqlite3_column_int64(st, 4));
        cJSON_AddBoolToObject(o, "compressed", sqlite3_column_int(st, 5));
        add_text(o, "format", st, 6);
        add_text(o, "variant", st, 7);
        add_text(o, "imported_at", st, 8);
        cJSON_AddNumberToObject(o, "records", (double)sqlite3_column_int64(st, 9));
        cJSON_AddNumberToObject(o, "events", (double)sqlite3_column_int64(st, 10));
        cJSON_AddNumberToObject(o, "duplicates", (double)sqlite3_column_int64(st, 11));
        cJSON_AddNumberToObject(o, "rejected", (double)sqlite3_column_int64(st, 12));
        add_text(o, "status", st, 13);
        add_text(o, "message", st, 14);
        add_time(o, "first_event", st, 15);
        add_time(o, "last_event", st, 16);
        cJSON_AddItemToArray(arr, o);
    }
    sqlite3_finalize(st);

    sqlite3_prepare_v2(db, "SELECT count(*), min(ts), max(ts) FROM events", -1, &st, NULL);
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        cJSON_AddNumberToObject(root, "events", (double)sqlite3_column_int64(st, 0));
        add_time(root, "first_event", st, 1);
        add_time(root, "last_event", st, 2);
    }
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db, "SELECT count(*) FROM rejects", -1, &st, NULL);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddNumberToObject(root, "rejected", (double)sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);

    add_counts(db, root, "by_source",
               "SELECT source, count(*) FROM events GROUP BY source ORDER BY source");
    add_counts(db, root, "by_category",
               "SELECT category, count(*) FROM events GROUP BY category ORDER BY category");

    o = cJSON_AddObjectToObject(root, "correlation");
    {
        static const char *const states[] = { "never", "current", "stale" };
        int64_t since = 0;
        int state = ftl_correlate_current(store, &since, NULL);

        cJSON_AddStringToObject(o, "state", state < 0 ? "unknown" : states[state]);
        cJSON_AddNumberToObject(o, "events_since", (double)since);
    }
    add_counts(db, o, "sessions",
               "SELECT state, count(*) FROM sessions GROUP BY state ORDER BY state");
    add_counts(db, o, "link_states",
               "SELECT state, count(*) FROM event_links GROUP BY state ORDER BY state");

    o = cJSON_AddObjectToObject(root, "verification");
    sqlite3_prepare_v2(db, "SELECT (SELECT value FROM meta WHERE key = 'verified_at'),"
                           " (SELECT value FROM meta WHERE key = 'verify_result')", -1, &st, NULL);
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        add_text(o, "at", st, 0);
        add_text(o, "result", st, 1);
    }
    sqlite3_finalize(st);
    o = cJSON_AddObjectToObject(root, "findings");
    add_counts(db, o, "by_severity",
               "SELECT severity, count(*) FROM findings GROUP BY severity ORDER BY severity");
    add_counts(db, o, "rules", "SELECT status, count(*) FROM rule_runs GROUP BY status ORDER BY status");

    if (with_rejects) {
        arr = cJSON_AddArrayToObject(root, "rejects");
        sqlite3_prepare_v2(db, "SELECT v.name, r.record_no, r.line, r.offset, r.reason,"
                               " length(r.raw) FROM rejects r JOIN evidence v"
                               " ON v.id = r.evidence_id ORDER BY r.evidence_id, r.record_no",
                           -1, &st, NULL);
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            o = cJSON_CreateObject();
            add_text(o, "evidence", st, 0);
            cJSON_AddNumberToObject(o, "record", (double)sqlite3_column_int64(st, 1));
            cJSON_AddNumberToObject(o, "line", (double)sqlite3_column_int64(st, 2));
            cJSON_AddNumberToObject(o, "offset", (double)sqlite3_column_int64(st, 3));
            add_text(o, "reason", st, 4);
            cJSON_AddNumberToObject(o, "raw_bytes", (double)sqlite3_column_int64(st, 5));
            cJSON_AddItemToArray(arr, o);
        }
        sqlite3_finalize(st);
    }
    return root;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsString(v) ? v->valuestring : "-";
}

static long long num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

/* one line: label, then " key=count" for each member of obj */
static void print_counts(const char *label, const cJSON *obj)
{
    const cJSON *x;

    printf("%-12s", label);
    cJSON_ArrayForEach(x, obj)
        printf(" %s=%lld", x->string, (long long)x->valuedouble);
    putchar('\n');
}

static void print_text(const cJSON *r)
{
    const cJSON *e, *arr;

    printf("case file    %s (schema %lld)\n", str(r, "case"), num(r, "schema_version"));
    printf("events       %lld, from %s to %s\n", num(r, "events"), str(r, "first_event"),
           str(r, "last_event"));
    printf("rejected     %lld records\n", num(r, "rejected"));
    print_counts("by source", cJSON_GetObjectItemCaseSensitive(r, "by_source"));
    print_counts("by category", cJSON_GetObjectItemCaseSensitive(r, "by_category"));
    e = cJSON_GetObjectItemCaseSensitive(r, "correlation");
    if (strcmp(str(e, "state"), "never") == 0) {
        printf("sessions     not correlated yet (ftl correlate)\n");
    } else {
        print_counts("sessions", cJSON_GetObjectItemCaseSensitive(e, "sessions"));
        print_counts("link states", cJSON_GetObjectItemCaseSensitive(e, "link_states"));
        if (strcmp(str(e, "state"), "stale") == 0)
            printf("             out of date: %lld events imported since; run ftl correlate\n",
                   num(e, "events_since"));
    }
    e = cJSON_GetObjectItemCaseSensitive(r, "findings");
    if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "rules"))) {
        printf("findings     rules not run yet (ftl detect)\n");
    } else {
        print_counts("findings", cJSON_GetObjectItemCaseSensitive(e, "by_severity"));
        print_counts("rules", cJSON_GetObjectItemCaseSensitive(e, "rules"));
    }
    e = cJSON_GetObjectItemCaseSensitive(r, "verification");
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "at")))
        printf("verified     %s: %s\n", str(e, "at"), str(e, "result"));
    else
        printf("verified     never (ftl verify)\n");
    printf("\nevidence\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "evidence")) {
        printf("  #%lld %s\n", num(e, "id"), str(e, "name"));
        printf("      sha256 %s  %lld bytes%s\n", str(e, "sha256"), num(e, "size"),
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "compressed")) ? " (gzip)" : "");
        printf("      %s/%s, %s: %lld records, %lld events, %lld duplicates, %lld rejected\n",
               str(e, "format"), str(e, "variant"), str(e, "status"), num(e, "records"),
               num(e, "events"), num(e, "duplicates"), num(e, "rejected"));
        printf("      events %s .. %s; imported %s\n", str(e, "first_event"),
               str(e, "last_event"), str(e, "imported_at"));
        if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))
            printf("      note: %s\n", str(e, "message"));
    }
    arr = cJSON_GetObjectItemCaseSensitive(r, "rejects");
    if (arr) {
        printf("\nrejected records\n");
        cJSON_ArrayForEach(e, arr)
            printf("  %s record %lld (line %lld): %s\n", str(e, "evidence"), num(e, "record"),
                   num(e, "line"), str(e, "reason"));
    }
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_info;
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    cJSON *r;
    char *text;

    if (ftl_store_open(a->pos[0], FTL_OPEN_READ, &store, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        return EXIT_FAIL;
    }
    r = collect(store, ftl_arg(me, a, "rejects") != NULL, a->pos[0]);
    ftl_store_close(store);
    if (!r) {
        ftl_say("out of memory");
        return EXIT_FAIL;
    }
    if (ftl_arg(me, a, "json")) {
        text = cJSON_Print(r);
        if (text)
            puts(text);
        free(text);
    } else {
        print_text(r);
    }
    cJSON_Delete(r);
    return EXIT_OK;
}

const struct ftl_cmd ftl_cmd_info = {
    .name = "info",
    .synopsis = "CASE",
    .summary = "show the evidence in CASE with hashes and counts, the time range, and rejects",
    .details = NULL,
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
