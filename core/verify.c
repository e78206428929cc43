/*
 * verify.c - re-hashing the evidence (see verify.h).
 */
#include "verify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "clock.h"
#include "ftltime.h"
#include "json.h"
#include "reader.h"

ftl_rc ftl_verify(struct ftl_store *s, void (*fn)(void *ctx, const struct ftl_verify_file *f),
                  void *ctx, struct ftl_verify_report *r, struct ftl_error *err)
{
    sqlite3_stmt *st = NULL, *meta = NULL;
    sqlite3 *db = ftl_store_db(s);
    struct ftl_buf problems = { 0 }, result = { 0 };
    struct ftl_jw w;
    char at[FTL_TIME_ISO_LEN + 1];
    ftl_rc rc = FTL_OK;
    int n = 0, step;

    memset(r, 0, sizeof *r);
    if (sqlite3_prepare_v2(db, "SELECT id, name, path, sha256 FROM evidence ORDER BY id", -1, &st,
                           NULL) != SQLITE_OK)
        return ftl_error_set(err, FTL_ESQL, "%s: %s", ftl_store_path(s), sqlite3_errmsg(db));
    ftl_buf_addch(&problems, '[');
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct ftl_verify_file f;
        struct ftl_error e = { 0 };
        struct stat sb;

        memset(&f, 0, sizeof f);
        f.id = sqlite3_column_int64(st, 0);
        f.name = (const char *)sqlite3_column_text(st, 1);
        f.path = (const char *)sqlite3_column_text(st, 2);
        f.sha256 = (const char *)sqlite3_column_text(st, 3);
        r->files++;
        if (stat(f.path, &sb) != 0 && errno == ENOENT) {
            f.status = FTL_VERIFY_MISSING;
            f.message = "no longer there";
            r->missing++;
        } else if (ftl_sha256_file(f.path, f.now, NULL, &e) != FTL_OK) {
            f.status = FTL_VERIFY_UNREADABLE;
            f.message = e.msg;
            r->unreadable++;
        } else if (strcmp(f.now, f.sha256) != 0) {
            f.status = FTL_VERIFY_CHANGED;
            r->changed++;
        } else {
            r->ok++;
        }
        if (f.status != FTL_VERIFY_OK) {
            static const char *const word[] = { "ok", "missing", "changed", "unreadable" };

            if (n++)
                ftl_buf_addch(&problems, ',');
            ftl_jw_begin(&w, &problems);
            ftl_jw_int(&w, "evidence", f.id);
            ftl_jw_str(&w, "name", f.name);
            ftl_jw_str(&w, "status", word[f.status]);
            ftl_jw_str(&w, "sha256_at_import", f.sha256);
            if (f.status == FTL_VERIFY_CHANGED)
                ftl_jw_str(&w, "sha256_now", f.now);
            ftl_jw_end(&w);
        }
        if (fn)
            fn(ctx, &f);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        /* a partial list must not be recorded as a verification */
        ftl_buf_free(&problems);
        return ftl_error_set(err, FTL_ESQL, "%s: reading the evidence list: %s",
                             ftl_store_path(s), sqlite3_errmsg(db));
    }
    ftl_buf_addch(&problems, ']');
    ftl_time_format(ftl_clock_now_us(), at);
    if (r->missing || r->changed || r->unreadable)
        ftl_buf_addf(&result, "%lld of %lld files differ: %lld changed, %lld missing, %lld unreadable",
                     (long long)(r->missing + r->changed + r->unreadable), (long long)r->files,
                     (long long)r->changed, (long long)r->missing, (long long)r->unreadable);
    else
        ftl_buf_addf(&result, "all %lld files unchanged", (long long)r->files);
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES (?, ?)", -1, &meta, NULL) != SQLITE_OK)
        rc = ftl_error_set(err, FTL_ESQL, "%s: %s", ftl_store_path(s), sqlite3_errmsg(db));
    if (rc == FTL_OK)
        rc = ftl_store_begin(s, err);
    if (rc == FTL_OK) {
        const char *keys[3] = { "verified_at", "verify_result", "verify_problems" };
        const char *vals[3] = { at, result.data, problems.data };
        int i;

        for (i = 0; i < 3 && rc == FTL_OK; i++) {
            sqlite3_bind_text(meta, 1, keys[i], -1, SQLITE_STATIC);
            sqlite3_bind_text(meta, 2, vals[i], -1, SQLITE_STATIC);
            if (sqlite3_step(meta) != SQLITE_DONE)
                rc = ftl_error_set(err, FTL_EIO, "cannot record the verification in %s: %s",
                                   ftl_store_path(s), sqlite3_errmsg(db));
            sqlite3_reset(meta);
        }
        if (rc == FTL_OK)
            rc = ftl_store_commit(s, err);
        else
            ftl_store_rollback(s);
    }
    sqlite3_finalize(meta);
    ftl_buf_free(&problems);
    ftl_buf_free(&result);
    return rc;
}
