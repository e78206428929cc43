/*
 * test_intake.c - the whole intake over the UAL fixture tree: outcomes per
 * file, totals against the manifest, hashes, dedup across overlapping
 * exports, re-import as a no-op, the single-thread and writer-thread paths
 * giving the same case.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "intake.h"
#include "reader.h"
#include "store.h"
#include "testmain.h"
#include "tmpdir.h"

static int64_t q1(struct ftl_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (sqlite3_prepare_v2(ftl_store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static struct ftl_store *import_tree(const char *casefile, int no_thread,
                                     struct ftl_intake_totals *t)
{
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    struct ftl_intake_opts o = { 0 };
    const char *paths[] = { FTL_FIXTURES "/ual" };

    o.no_thread = no_thread;
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(casefile, FTL_OPEN_CREATE, &s, &err), FTL_OK);
    CU_ASSERT_EQUAL_FATAL(ftl_intake_run(s, paths, 1, &o, NULL, t, &err), FTL_OK);
    return s;
}

static void test_intake_fixture_tree_totals(void)
{
    struct ftl_intake_totals t;
    struct ftl_store *s;
    char path[600];

    snprintf(path, sizeof path, "%s/case.ftl", test_tmpdir("intake"));
    s = import_tree(path, 0, &t);
    /* tests/data/ual_manifest.json "totals" */
    CU_ASSERT_EQUAL(t.files, 15);
    CU_ASSERT_EQUAL(t.imported, 12);
    CU_ASSERT_EQUAL(t.partial, 1);
    CU_ASSERT_EQUAL(t.unrecognised, 2);
    CU_ASSERT_EQUAL(t.failed, 0);
    CU_ASSERT_EQUAL(t.records, 97);
    CU_ASSERT_EQUAL(t.events, 89);
    CU_ASSERT_EQUAL(t.duplicates, 2);
    CU_ASSERT_EQUAL(t.rejected, 6);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM events"), 89);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM rejects"), 6);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM evidence"), 13);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM evidence WHERE status = 'partial'"
                          " AND name LIKE '%truncated.jsonl.gz' AND compressed = 1"), 1);
    CU_ASSERT_EQUAL(q1(s, "SELECT duplicates FROM evidence WHERE name LIKE '%mgmt_api_array.json'"), 1);
    CU_ASSERT_EQUAL(q1(s, "SELECT duplicates FROM evidence WHERE name LIKE '%purview_new.csv'"), 1);
    /* every event traces to its evidence row and record */
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM events e LEFT JOIN evidence v"
                          " ON v.id = e.evidence_id WHERE v.id IS NULL OR e.record_no < 1"
                          " OR e.record_no > v.records"), 0);
    /* the evidence counts add up */
    CU_ASSERT_EQUAL(q1(s, "SELECT sum(records) - sum(events) - sum(duplicates) - sum(rejected)"
                          " FROM evidence"), 0);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM evidence WHERE sha256 NOT GLOB"
                          " '[0-9a-f][0-9a-f][0-9a-f][0-9a-f]*' OR length(sha256) != 64"), 0);
    ftl_store_close(s);
}

static void test_intake_hash_matches_file(void)
{
    struct ftl_intake_totals t;
    struct ftl_store *s;
    sqlite3_stmt *st = NULL;
    char path[600], hex[65];
    int n = 0;

    snprintf(path, sizeof path, "%s/case.ftl", test_tmpdir("intake-hash"));
    s = import_tree(path, 0, &t);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(ftl_store_db(s),
                                             "SELECT path, sha256, size FROM evidence", -1,
                                             &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        uint64_t size = 0;

        CU_ASSERT_EQUAL(ftl_sha256_file((const char *)sqlite3_column_text(st, 0), hex, &size,
                                        NULL), FTL_OK);
        CU_ASSERT_STRING_EQUAL(hex, (const char *)sqlite3_column_text(st, 1));
        CU_ASSERT_EQUAL((int64_t)size, sqlite3_column_int64(st, 2));
        n++;
    }
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL(n, 13);
    ftl_store_close(s);
}

static void test_intake_reimport_is_noop(void)
{
    struct ftl_intake_totals t;
    struct ftl_store *s;
    struct ftl_error err = { 0 };
    const char *paths[] = { FTL_FIXTURES "/ual" };
    char path[600];

    snprintf(path, sizeof path, "%s/case.ftl", test_tmpdir("intake-again"));
    s = import_tree(path, 0, &t);
    CU_ASSERT_EQUAL_FATAL(ftl_intake_run(s, paths, 1, NULL, NULL, &t, &err), FTL_OK);
    CU_ASSERT_EQUAL(t.already, 13);
    CU_ASSERT_EQUAL(t.events, 0);
    CU_ASSERT_EQUAL(t.duplicates, 0);
    CU_ASSERT_EQUAL(t.rejected, 0);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM events"), 89);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM rejects"), 6);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM evidence"), 13);
    ftl_store_close(s);
}

/* A copy of a file under another name is the same evidence. */
static void test_intake_same_bytes_other_name(void)
{
    struct ftl_intake_totals t;
    struct ftl_store *s;
    struct ftl_error err = { 0 };
    const char *dir = test_tmpdir("intake-copy");
    char path[600], copy[600], buf[1 << 16];
    const char *paths[1];
    FILE *in, *out;
    size_t n;

    snprintf(path, sizeof path, "%s/case.ftl", dir);
    snprintf(copy, sizeof copy, "%s/renamed.log", dir);
    in = fopen(FTL_FIXTURES "/ual/mgmt_api.jsonl", "rb");
    out = fopen(copy, "wb");
    CU_ASSERT_FATAL(in && out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    s = import_tree(path, 0, &t);
    paths[0] = copy;
    CU_ASSERT_EQUAL_FATAL(ftl_intake_run(s, paths, 1, NULL, NULL, &t, &err), FTL_OK);
    CU_ASSERT_EQUAL(t.already, 1);
    CU_ASSERT_EQUAL(q1(s, "SELECT count(*) FROM evidence"), 13);
    ftl_store_close(s);
}

/* The threaded writer and the inline writer store exactly the same rows. */
static void test_intake_thread_paths_agree(void)
{
    struct ftl_intake_totals t1, t2;
    struct ftl_store *a, *b;
    const char *dir = test_tmpdir("intake-threads");
    char p1[600], p2[600], sql[1400];

    snprintf(p1, sizeof p1, "%s/a.ftl", dir);
    snprintf(p2, sizeof p2, "%s/b.ftl", dir);
    a = import_tree(p1, 1, &t1);
    ftl_store_close(a);
    b = import_tree(p2, 0, &t2);
    snprintf(sql, sizeof sql, "ATTACH '%s' AS a", p1);
    CU_ASSERT_EQUAL_FATAL(ftl_store_exec(b, sql, NULL), FTL_OK);
    CU_ASSERT_EQUAL(q1(b, "SELECT count(*) FROM (SELECT ts, source, category, action, outcome,"
                          " actor, target, src_ip, user_agent, app_id, client_app_id,"
                          " session_key, token_id, correlation_id, native_id, attrs, record_no,"
                          " raw FROM main.events EXCEPT SELECT ts, source, category, action,"
                          " outcome, actor, target, src_ip, user_agent, app_id, client_app_id,"
                          " session_key, token_id, correlation_id, native_id, attrs, record_no,"
                          " raw FROM a.events)"), 0);
    CU_ASSERT_EQUAL(q1(b, "SELECT count(*) FROM a.events"), 89);
    ftl_store_close(b);
}

static void test_intake_missing_path_reported(void)
{
    struct ftl_intake_totals t;
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    const char *dir = test_tmpdir("intake-missing");
    const char *paths[2];
    char path[600], missing[600];
    int failed = 0;

    snprintf(path, sizeof path, "%s/case.ftl", dir);
    snprintf(missing, sizeof missing, "%s/no-such-file.json", dir);
    paths[0] = missing;
    paths[1] = FTL_FIXTURES "/ual/mgmt_api.jsonl";
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, &err), FTL_OK);
    CU_ASSERT_EQUAL(ftl_intake_run(s, paths, 2, NULL, NULL, &t, &err), FTL_OK);
    failed = (int)t.failed;
    CU_ASSERT_EQUAL(failed, 1);
    CU_ASSERT_EQUAL(t.events, 17);   /* the other file still imports */
    ftl_store_close(s);
}

static const struct ftl_test tests[] = {
    { "fixture_tree_totals", test_intake_fixture_tree_totals },
    { "hash_matches_file", test_intake_hash_matches_file },
    { "reimport_is_noop", test_intake_reimport_is_noop },
    { "same_bytes_other_name", test_intake_same_bytes_other_name },
    { "thread_paths_agree", test_intake_thread_paths_agree },
    { "missing_path_reported", test_intake_missing_path_reported },
    { NULL, NULL },
};

FTL_TEST_MAIN("intake", tests)
