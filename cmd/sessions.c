/*
 * sessions.c - `ftl sessions CASE`: the sessions correlate found.
 */
#include <stdio.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/correlate.h"
#include "../core/ftltime.h"
#include "../core/json.h"
#include "../core/store.h"
#include "../core/text.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "actor", 0, "USER", "only sessions of USER (case-insensitive)" },
    { "state", 0, "STATE", "only sessions in STATE: linked, no_issuance_record, unlinkable" },
    { "json", 0, NULL, "one JSON object per session (JSON Lines)" },
    { 0 }
};

static const char *text(sqlite3_stmt *st, int i)
{
    const char *v = (const char *)sqlite3_column_text(st, i);

    return v ? v : "";
}

static void print_json(sqlite3_stmt *st, struct ftl_buf *b)
{
    static const char *const names[] = {
        "id", "state", "link_method", "credential", "actor", "first", "last",
        "anchor_event_id", "events", "ips", "apps", "user_agents",
    };
    char t[FTL_TIME_ISO_LEN + 1];
    struct ftl_jw w;
    int i;

    ftl_buf_reset(b);
    ftl_jw_begin(&w, b);
    for (i = 0; i < 12; i++) {
        if (sqlite3_column_type(st, i) == SQLITE_NULL)
            ftl_jw_raw(&w, names[i], "null", 4);
        else if (i == 5 || i == 6) {
            ftl_time_format(sqlite3_column_int64(st, i), t);
            ftl_jw_str(&w, names[i], t);
        } else if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
            ftl_jw_int(&w, names[i], sqlite3_column_int64(st, i));
        else
            ftl_jw_str(&w, names[i], text(st, i));
    }
    ftl_jw_raw(&w, "ip_list", text(st, 12), strlen(text(st, 12)));
    ftl_jw_raw(&w, "app_list", text(st, 13), strlen(text(st, 13)));
    ftl_jw_raw(&w, "user_agent_list", text(st, 14), strlen(text(st, 14)));
    ftl_jw_end(&w);
    puts(b->data);
}

static void print_row(sqlite3_stmt *st)
{
    char first[FTL_TIME_ISO_LEN + 1], last[FTL_TIME_ISO_LEN + 1];

    ftl_time_format(sqlite3_column_int64(st, 5), first);
    ftl_time_format(sqlite3_column_int64(st, 6), last);
    first[19] = last[19] = '\0';   /* seconds are enough in a table */
    printf("%6lld  %-18s  %-13s  %s  %s  %6lld  %3lld  %3lld  %-32s  %s\n",
           (long long)sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), first, last,
           (long long)sqlite3_column_int64(st, 8), (long long)sqlite3_column_int64(st, 9),
           (long long)sqlite3_column_int64(st, 10), text(st, 4), text(st, 3));
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_sessions;
    const char *actor = ftl_arg(me, a, "actor"), *state = ftl_arg(me, a, "state");
    int json = ftl_arg(me, a, "json") != NULL, current, rc, n = 0;
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    struct ftl_buf sql = { 0 }, lower = { 0 }, line = { 0 };
    sqlite3_stmt *st = NULL;
    int64_t since = 0;

    if (state && strcmp(state, "linked") != 0 && strcmp(state, "no_issuance_record") != 0 &&
        strcmp(state, "unlinkable") != 0) {
        ftl_say("--state: '%s' is not one of linked, no_issuance_record, unlinkable", state);
        return EXIT_USAGE;
    }
    if (ftl_store_open(a->pos[0], FTL_OPEN_READ, &store, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        return EXIT_FAIL;
    }
    current = ftl_correlate_current(store, &since, &err);
    if (current < 0) {
        ftl_say("%s", err.msg);
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    if (current == FTL_CORR_NEVER) {
        ftl_say("%s has no sessions yet: run `ftl correlate %s`", a->pos[0], a->pos[0]);
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    if (current == FTL_CORR_STALE)
        ftl_say("warning: %lld events were imported after the last `ftl correlate`; "
                "these sessions leave them out", (long long)since);
    ftl_buf_addstr(&sql, "SELECT id, state, link_method, credential, actor, first_ts, last_ts,"
                         " anchor_event_id, events, ips, apps, user_agents, ip_list, app_list,"
                         " user_agent_list FROM sessions WHERE 1");
    if (actor)
        ftl_buf_addstr(&sql, " AND actor = ?1");
    if (state)
        ftl_buf_addstr(&sql, " AND state = ?2");
    ftl_buf_addstr(&sql, " ORDER BY id");
    if (sqlite3_prepare_v2(ftl_store_db(store), sql.data, -1, &st, NULL) != SQLITE_OK) {
        ftl_say("%s: %s", a->pos[0], sqlite3_errmsg(ftl_store_db(store)));
        rc = EXIT_FAIL;
        goto done;
    }
    if (actor)
        sqlite3_bind_text(st, 1, ftl_lower_trim(&lower, actor), -1, SQLITE_STATIC);
    if (state)
        sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    if (!json)
        printf("%6s  %-18s  %-13s  %-19s  %-19s  %6s  %3s  %3s  %-32s  %s\n", "id", "state",
               "method", "first (UTC)", "last (UTC)", "events", "ips", "app", "actor",
               "credential");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json)
            print_json(st, &line);
        else
            print_row(st);
        n++;
    }
    if (rc != SQLITE_DONE) {
        ftl_say("%s: %s", a->pos[0], sqlite3_errmsg(ftl_store_db(store)));
        rc = EXIT_FAIL;
    } else
        rc = EXIT_OK;
    if (!json && rc == EXIT_OK)
        printf("%d session%s\n", n, n == 1 ? "" : "s");
done:
    sqlite3_finalize(st);
    ftl_buf_free(&sql);
    ftl_buf_free(&lower);
    ftl_buf_free(&line);
    ftl_store_close(store);
    return rc;
}

const struct ftl_cmd ftl_cmd_sessions = {
    .name = "sessions",
    .synopsis = "CASE",
    .summary = "list the sessions `ftl correlate` found in CASE",
    .details =
        "A session is the activity one credential produced: events linked by token, Entra\n"
        "session, a native session id or the heuristic. state is linked (tied to a sign-in\n"
        "or a native credential), no_issuance_record (tokens no imported sign-in issued,\n"
        "though the sign-in logs cover the time) or unlinkable (sign-in logs missing for\n"
        "that time). `ftl export --session ID` writes one session's events.",
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
