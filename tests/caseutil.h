/*
 * caseutil.h - building small case files for tests: evidence files of
 * normalized events, as the importers would store them (docs/mapping.md).
 */
#ifndef FTL_TEST_CASEUTIL_H
#define FTL_TEST_CASEUTIL_H

#include <CUnit/Basic.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ftltime.h"
#include "store.h"
#include "tmpdir.h"

#define TENANT "6feaf84e-429b-402e-8efc-98c4b3e6bce6"

static char dir[512];   /* one scratch folder per test program */
static int ncase;

/* one evidence file's events */
struct tev {
    const char *time, *source, *category, *action, *outcome, *actor, *ip;
    const char *session_key, *token, *attrs, *native;
};

static inline struct ftl_store *new_case(const char *name)
{
    struct ftl_store *s = NULL;
    char path[600];

    if (!dir[0])
        snprintf(dir, sizeof dir, "%s", test_tmpdir(name));
    snprintf(path, sizeof path, "%s/case%d.ftl", dir, ++ncase);
    CU_ASSERT_EQUAL_FATAL(ftl_store_open(path, FTL_OPEN_CREATE, &s, NULL), FTL_OK);
    return s;
}

static inline int64_t ts_of(const char *iso)
{
    int64_t t = 0;

    CU_ASSERT_EQUAL_FATAL(ftl_time_parse_iso8601(iso, strlen(iso), &t), 0);
    return t;
}

/* Adds one evidence file holding the events (NULL-terminated by time). */
static inline void add_file(struct ftl_store *s, const char *name, const struct tev *t)
{
    struct ftl_evidence ev;
    struct ftl_event e;
    int inserted;
    int64_t n = 0;

    CU_ASSERT_EQUAL_FATAL(ftl_store_begin(s, NULL), FTL_OK);
    memset(&ev, 0, sizeof ev);
    ev.path = ev.name = name;
    snprintf(ev.sha256, sizeof ev.sha256, "%s", name);
    ev.format = t->source;
    ev.status = "complete";
    CU_ASSERT_EQUAL_FATAL(ftl_store_add_evidence(s, &ev, NULL), FTL_OK);
    for (; t->time; t++) {
        memset(&e, 0, sizeof e);
        e.ts_us = ts_of(t->time);
        e.f[FTL_F_SOURCE] = t->source;
        e.f[FTL_F_CATEGORY] = t->category;
        e.f[FTL_F_ACTION] = t->action;
        e.f[FTL_F_OUTCOME] = t->outcome;
        e.f[FTL_F_ACTOR] = t->actor;
        e.f[FTL_F_SRC_IP] = t->ip;
        e.f[FTL_F_SESSION_KEY] = t->session_key;
        e.f[FTL_F_TOKEN_ID] = t->token;
        e.f[FTL_F_ATTRS] = t->attrs;
        e.f[FTL_F_NATIVE_ID] = t->native;
        e.raw = "{}";
        e.raw_len = 2;
        e.record_no = 1;
        CU_ASSERT_EQUAL_FATAL(ftl_store_add_event(s, ev.id, &e, &inserted, NULL), FTL_OK);
        n += inserted;
    }
    /* the counts the intake would keep: rules look at which sources have events */
    ev.records = ev.events = n;
    ev.status = "complete";
    ev.first_ts_us = INT64_MAX;
    ev.last_ts_us = INT64_MIN;
    CU_ASSERT_EQUAL_FATAL(ftl_store_update_evidence(s, &ev, NULL), FTL_OK);
    CU_ASSERT_EQUAL_FATAL(ftl_store_commit(s, NULL), FTL_OK);
}

static inline int64_t sql_int(struct ftl_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(ftl_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

#endif
