/*
 * findings.c - `ftl findings CASE`: what `ftl detect` found.
 */
#include <stdio.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/ftltime.h"
#include "../core/json.h"
#include "../core/rules.h"
#include "../core/store.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "severity", 0, "LEVEL", "only findings of LEVEL or above: info, low, medium, high, critical" },
    { "rule", 0, "ID", "only findings of rule ID" },
    { "json", 0, NULL, "one JSON object per finding, with its event ids (JSON Lines)" },
    { 0 }
};

static const char *text(sqlite3_stmt *st, int i)
{
    const char *v = (const char *)sqlite3_column_text(st, i);

    return v ? v : "";
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_findings;
    const char *sev_arg = ftl_arg(me, a, "severity"), *rule = ftl_arg(me, a, "rule");
    int json = ftl_arg(me, a, "json") != NULL, min_sev = 0, n = 0, rc;
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    struct ftl_buf line = { 0 };
    sqlite3_stmt *st = NULL;
    sqlite3 *db;

    if (sev_arg && (min_sev = ftl_severity_parse(sev_arg)) < 0) {
        ftl_say("--severity: '%s' is not one of info, low, medium, high, critical", sev_arg);
        return EXIT_USAGE;
    }
    if (ftl_store_open(a->pos[0], FTL_OPEN_READ, &store, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        return EXIT_FAIL;
    }
    db = ftl_store_db(store);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM rule_runs", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0) {
        ftl_say("%s has no findings yet: run `ftl detect %s`", a->pos[0], a->pos[0]);
        sqlite3_finalize(st);
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* highest severity first, then time */
    if (sqlite3_prepare_v2(db,
                           "SELECT f.id, f.severity, f.ts, f.rule_id, f.actor, f.target, f.reason,"
                           " f.session_id, f.events,"
                           " (SELECT json_group_array(event_id) FROM finding_events"
                           "  WHERE finding_id = f.id),"
                           " CASE f.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3"
                           "  WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END AS level"
                           " FROM findings f WHERE level >= ?1 AND (?2 IS NULL OR f.rule_id = ?2)"
                           " ORDER BY level DESC, f.ts, f.id", -1, &st, NULL) != SQLITE_OK) {
        ftl_say("%s: %s", a->pos[0], sqlite3_errmsg(db));
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    sqlite3_bind_int(st, 1, min_sev);
    if (rule)
        sqlite3_bind_text(st, 2, rule, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char t[FTL_TIME_ISO_LEN + 1];

        ftl_time_format(sqlite3_column_int64(st, 2), t);
        if (json) {
            struct ftl_jw w;

            ftl_buf_reset(&line);
            ftl_jw_begin(&w, &line);
            ftl_jw_int(&w, "id", sqlite3_column_int64(st, 0));
            ftl_jw_str(&w, "severity", text(st, 1));
            ftl_jw_str(&w, "time", t);
            ftl_jw_str(&w, "rule", text(st, 3));
            ftl_jw_str(&w, "actor", (const char *)sqlite3_column_text(st, 4));
            ftl_jw_str(&w, "target", (const char *)sqlite3_column_text(st, 5));
            ftl_jw_str(&w, "reason", text(st, 6));
            if (sqlite3_column_type(st, 7) == SQLITE_INTEGER)
                ftl_jw_int(&w, "session", sqlite3_column_int64(st, 7));
            ftl_jw_raw(&w, "events", text(st, 9), strlen(text(st, 9)));
            ftl_jw_end(&w);
            puts(line.data);
        } else {
            t[19] = '\0';
            printf("%-8s  %s  %-32s  %s", text(st, 1), t, text(st, 3), text(st, 6));
            if (sqlite3_column_type(st, 7) == SQLITE_INTEGER)
                printf("  [session %lld]", (long long)sqlite3_column_int64(st, 7));
            printf("  (%lld event%s)\n", (long long)sqlite3_column_int64(st, 8),
                   sqlite3_column_int64(st, 8) == 1 ? "" : "s");
        }
        n++;
    }
    rc = rc == SQLITE_DONE ? EXIT_OK : EXIT_FAIL;
    if (rc != EXIT_OK)
        ftl_say("%s: %s", a->pos[0], sqlite3_errmsg(db));
    if (!json && rc == EXIT_OK)
        printf("%d finding%s\n", n, n == 1 ? "" : "s");
    sqlite3_finalize(st);
    ftl_buf_free(&line);
    ftl_store_close(store);
    return rc;
}

const struct ftl_cmd ftl_cmd_findings = {
    .name = "findings",
    .synopsis = "CASE",
    .summary = "list what `ftl detect` found in CASE, most severe first",
    .details =
        "Each finding: severity, time, rule, a reason in words, its session if any, and how\n"
        "many events support it. `ftl export CASE --finding RULE` writes those events;\n"
        "--json gives their ids.",
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
