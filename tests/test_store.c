/*
 * test_store.c - the case file: creation, refusal of foreign or other-version
 * files (left untouched), dedup on (source, native_id), evidence lookups.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"
#include "store.h"
#include "testmain.h"
#include "tmpdir.h"

static char dir[512];

static void case_path(const char *name, char *out, size_t n)
{
    if (!dir[0])
        snprintf(dir, sizeof dir, "%s", test_tmpdir("store"));
    snprintf(out, n, "%s/%s", dir, name);
}

static void test_store_create_and_reopen(void)
{
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    char path[600];
    sqlite3_stmt *st;
    int64_t n = -1;

    case_path("new.ftl", path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, &err), FTL_OK);
    ftl_store_close(s);
    s = NULL;
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_READ, &s, &err), FTL_OK);
    CU_ASSERT_EQUAL(sqlite3_prepare_v2(ftl_store_db(s),
                                       "SELECT count(*) FROM timeline", -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL(n, 0);
    ftl_store_close(s);
}

static void test_store_missing_file_not_created_by_read(void)
{
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    char path[600];

    case_path("absent.ftl", path, sizeof path);
    CU_ASSERT_EQUAL(ftl_store_open(path, FTL_OPEN_READ, &s, &err), FTL_EIO);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "absent.ftl"));
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
}

/* Sha-256 before and after proves a refused file is never modified. */
static void refused_untouched(const char *name, const char *why)
{
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    char path[600], before[65], after[65];

    case_path(name, path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(ftl_sha256_file(path, before, NULL, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, &err), FTL_ESCHEMA);
    CU_ASSERT_PTR_NULL(s);
    if (!strstr(err.msg, why))
        fprintf(stderr, "message: %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, why));
    CU_ASSERT_EQUAL_FATAL(ftl_sha256_file(path, after, NULL, NULL), FTL_OK);
    CU_ASSERT_STRING_EQUAL(before, after);
}

static void test_store_refuses_foreign_sqlite(void)
{
    sqlite3 *db;
    char path[600];

    case_path("other.db", path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", NULL, NULL, NULL);
    sqlite3_close(db);
    refused_untouched("other.db", "not an ftl case file");
}

static void test_store_refuses_other_version(void)
{
    struct ftl_store *s = NULL;
    char path[600];

    case_path("v9.ftl", path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, NULL), FTL_OK);
    ftl_store_exec(s, "PRAGMA user_version = 9", NULL);
    ftl_store_close(s);
    refused_untouched("v9.ftl", "schema version 9");
}

/* A version 1 file (before correlation and findings) is refused read-only,
 * untouched, and upgraded in place when opened for writing. */
static void test_store_upgrades_version_1(void)
{
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    char path[600], before[65], after[65];
    sqlite3_stmt *st;
    int64_t version = 0, tables = 0;

    case_path("v1.ftl", path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ftl_store_exec(s, "DROP VIEW session_events; DROP TABLE event_links;"
                                      " DROP TABLE sessions; DROP TABLE signin_coverage;"
                                      " DROP TABLE findings; DROP TABLE finding_events;"
                                      " DROP TABLE rule_runs; PRAGMA user_version = 1", NULL),
                    FTL_OK);
    ftl_store_close(s);
    s = NULL;
    CU_ASSERT_EQUAL_FATAL(ftl_sha256_file(path, before, NULL, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ftl_store_open(path, FTL_OPEN_READ, &s, &err), FTL_ESCHEMA);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "ftl correlate"));
    CU_ASSERT_EQUAL_FATAL(ftl_sha256_file(path, after, NULL, NULL), FTL_OK);
    CU_ASSERT_STRING_EQUAL(before, after);
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_WRITE, &s, &err), FTL_OK);
    CU_ASSERT_EQUAL(sqlite3_prepare_v2(ftl_store_db(s),
                                       "SELECT (SELECT user_version FROM pragma_user_version),"
                                       " (SELECT count(*) FROM sqlite_schema WHERE name IN"
                                       " ('sessions', 'event_links', 'session_events',"
                                       "  'signin_coverage', 'findings', 'finding_events',"
                                       "  'rule_runs'))", -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) {
        version = sqlite3_column_int64(st, 0);
        tables = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL(version, FTL_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(tables, 7);
    CU_ASSERT_EQUAL(ftl_store_exec(s, "SELECT link_state FROM timeline", NULL), FTL_OK);
    ftl_store_close(s);
}

static void test_store_refuses_non_sqlite(void)
{
    char path[600];
    static const char text[] = "CreationTime,Operation\nthis is not a database\n";

    case_path("text.ftl", path, sizeof path);
    test_write_file(path, text, sizeof text - 1);
    refused_untouched("text.ftl", "not an ftl case file");
}

/* A fresh case file in a transaction with one evidence row; *ev is filled. */
static struct ftl_store *open_with_evidence(const char *name, struct ftl_evidence *ev)
{
    struct ftl_store *s = NULL;
    char path[600];

    case_path(name, path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, NULL), FTL_OK);
    CU_ASSERT_EQUAL_FATAL(ftl_store_begin(s, NULL), FTL_OK);
    memset(ev, 0, sizeof *ev);
    ev->path = ev->name = name;
    snprintf(ev->sha256, sizeof ev->sha256, "%s", name);
    ev->format = "m365_ual";
    CU_ASSERT_EQUAL_FATAL(ftl_store_add_evidence(s, ev, NULL), FTL_OK);
    return s;
}

static void test_store_dedup_native_id(void)
{
    struct ftl_evidence ev;
    struct ftl_store *s = open_with_evidence("dedup.ftl", &ev);
    struct ftl_event e;
    int ins = -1;

    memset(&e, 0, sizeof e);
    e.f[FTL_F_SOURCE] = "m365_ual";
    e.f[FTL_F_CATEGORY] = "mailbox";
    e.f[FTL_F_NATIVE_ID] = "id-1";
    e.raw = "{}";
    e.raw_len = 2;
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 1);
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 0);
    /* same id from another source is another event */
    e.f[FTL_F_SOURCE] = "aws_cloudtrail";
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 1);
    /* records without an id are never merged */
    e.f[FTL_F_NATIVE_ID] = NULL;
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 1);
    CU_ASSERT_EQUAL(ftl_store_commit(s, NULL), FTL_OK);
    ftl_store_close(s);
}

/* Two ids whose keys collide must both be kept, and each still dedups. The
 * collision is forged by pointing B's key at A's event. */
static void test_store_dedup_key_collision_is_exact(void)
{
    struct ftl_evidence ev;
    struct ftl_store *s = open_with_evidence("collide.ftl", &ev);
    struct ftl_event e;
    char sql[200];
    int ins = -1;

    memset(&e, 0, sizeof e);
    e.f[FTL_F_SOURCE] = "m365_ual";
    e.f[FTL_F_CATEGORY] = "mailbox";
    e.f[FTL_F_NATIVE_ID] = "id-A";
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 1);
    /* forge: B's key is taken, and names A's event */
    snprintf(sql, sizeof sql, "INSERT INTO dedup VALUES (%lld, 1)",
             (long long)ftl_store_dedup_key("m365_ual", "id-B"));
    CU_ASSERT_EQUAL_FATAL(ftl_store_exec(s, sql, NULL), FTL_OK);
    e.f[FTL_F_NATIVE_ID] = "id-B";
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 1);   /* a different record: kept */
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 0);   /* and its repeat is still found */
    e.f[FTL_F_NATIVE_ID] = "id-A";
    CU_ASSERT_EQUAL(ftl_store_add_event(s, ev.id, &e, &ins, NULL), FTL_OK);
    CU_ASSERT_EQUAL(ins, 0);
    CU_ASSERT_EQUAL(ftl_store_commit(s, NULL), FTL_OK);
    ftl_store_close(s);
}

static int seen_n;
static uint64_t seen_size;
static char seen_sha[65];

static void seen_fn(void *ctx, uint64_t size, const char *sha256)
{
    (void)ctx;
    seen_n++;
    seen_size = size;
    snprintf(seen_sha, sizeof seen_sha, "%s", sha256);
}

static void test_store_evidence_lookup(void)
{
    struct ftl_store *s = NULL;
    struct ftl_evidence ev;
    char path[600], status[16];
    int64_t id = 0;

    case_path("ev.ftl", path, sizeof path);
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, NULL), FTL_OK);
    memset(&ev, 0, sizeof ev);
    ev.path = ev.name = "a.json";
    snprintf(ev.sha256, sizeof ev.sha256, "abc");
    ev.size = 1234;
    ev.format = "m365_ual";
    ev.status = "complete";
    CU_ASSERT_EQUAL_FATAL(ftl_store_add_evidence(s, &ev, NULL), FTL_OK);
    seen_n = 0;
    CU_ASSERT_EQUAL(ftl_store_each_evidence(s, seen_fn, NULL, NULL), FTL_OK);
    CU_ASSERT_EQUAL(seen_n, 1);
    CU_ASSERT_EQUAL(seen_size, 1234);
    CU_ASSERT_STRING_EQUAL(seen_sha, "abc");
    CU_ASSERT_EQUAL(ftl_store_find_evidence(s, "abc", &id, status, sizeof status, NULL), 1);
    CU_ASSERT_EQUAL(id, ev.id);
    CU_ASSERT_STRING_EQUAL(status, "complete");
    CU_ASSERT_EQUAL(ftl_store_find_evidence(s, "abd", &id, NULL, 0, NULL), 0);
    ftl_store_close(s);
}

static const struct ftl_test tests[] = {
    { "create_and_reopen", test_store_create_and_reopen },
    { "missing_file_not_created_by_read", test_store_missing_file_not_created_by_read },
    { "refuses_foreign_sqlite", test_store_refuses_foreign_sqlite },
    { "refuses_other_version", test_store_refuses_other_version },
    { "upgrades_version_1", test_store_upgrades_version_1 },
    { "refuses_non_sqlite", test_store_refuses_non_sqlite },
    { "dedup_native_id", test_store_dedup_native_id },
    { "dedup_key_collision_is_exact", test_store_dedup_key_collision_is_exact },
    { "evidence_lookup", test_store_evidence_lookup },
    { NULL, NULL },
};

FTL_TEST_MAIN("store", tests)
