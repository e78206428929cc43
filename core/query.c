/*
 * query.c - filtered, ordered reads of events (see query.h).
 */
#include "query.h"

#include <stdio.h>
#include <string.h>

#include "correlate.h"
#include "importer.h"
#include "json.h"
#include "text.h"

static const char *const categories[] = {
    FTL_CAT_SIGNIN, FTL_CAT_MAILBOX, FTL_CAT_MAIL_ADMIN, FTL_CAT_DIRECTORY,
    FTL_CAT_FILE, FTL_CAT_CLOUD, FTL_CAT_HOST, FTL_CAT_OTHER, NULL,
};

int ftl_category_valid(const char *c)
{
    size_t i;

    for (i = 0; categories[i]; i++)
        if (strcmp(c, categories[i]) == 0)
            return 1;
    return 0;
}

int ftl_link_state_valid(const char *s)
{
    int i;

    for (i = 0; i < FTL_LS_COUNT; i++)
        if (strcmp(s, ftl_link_state_name(i)) == 0)
            return 1;
    return 0;
}

ftl_rc ftl_query_events(struct ftl_store *s, const struct ftl_filter *f,
                        int with_raw, ftl_row_fn fn, void *ctx,
                        struct ftl_error *err)
{
    struct ftl_buf sql = { 0 }, lower = { 0 };
    sqlite3_stmt *st = NULL;
    sqlite3 *db = ftl_store_db(s);
    struct ftl_event_row row;
    char ipbuf[FTL_IP_MAX];
    const char *actor = NULL, *ip = NULL;
    int i, k, rc;
    ftl_rc out = FTL_OK;

    ftl_buf_addstr(&sql, "SELECT e.id, e.ts");
    for (i = 0; i < FTL_F_COUNT; i++)
        ftl_buf_addf(&sql, ", e.%s", ftl_field_names[i]);
    ftl_buf_addf(&sql, ", v.name, e.evidence_id, e.record_no, %s, l.session_id, l.state,"
                       " l.method, (SELECT group_concat(rule_id, ' ') FROM (SELECT DISTINCT"
                       " f.rule_id FROM finding_events fe JOIN findings f ON f.id = fe.finding_id"
                       " WHERE fe.event_id = e.id ORDER BY 1))"
                       " FROM events e JOIN evidence v ON v.id = e.evidence_id"
                       " LEFT JOIN event_links l ON l.event_id = e.id WHERE 1",
                 with_raw ? "e.raw" : "NULL");
    if (f && f->has_from)
        ftl_buf_addstr(&sql, " AND e.ts >= :from");
    if (f && f->has_to)
        ftl_buf_addstr(&sql, " AND e.ts < :to");
    if (f && f->actor)
        ftl_buf_addstr(&sql, " AND e.actor = :actor");
    if (f && f->ip)
        ftl_buf_addstr(&sql, " AND e.src_ip = :ip");
    if (f && f->category)
        ftl_buf_addstr(&sql, " AND e.category = :category");
    if (f && f->session > 0)
        ftl_buf_addstr(&sql, " AND l.session_id = :session");
    if (f && f->link_state)
        ftl_buf_addstr(&sql, " AND l.state = :link_state");
    if (f && f->finding)
        ftl_buf_addstr(&sql, " AND e.id IN (SELECT fe.event_id FROM finding_events fe JOIN"
                             " findings f ON f.id = fe.finding_id WHERE f.rule_id = :finding)");
    if (f && f->ids_table)
        ftl_buf_addf(&sql, " AND e.id IN (SELECT id FROM %s)", f->ids_table);
    ftl_buf_addstr(&sql, " ORDER BY e.ts, e.id");
    if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK) {
        out = ftl_error_set(err, FTL_ESQL, "%s: %s", ftl_store_path(s), sqlite3_errmsg(db));
        goto done;
    }
    if (f) {
        if (f->has_from)
            sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":from"), f->from_us);
        if (f->has_to)
            sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":to"), f->to_us);
        if (f->actor) {
            actor = ftl_lower_trim(&lower, f->actor);
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":actor"), actor, -1,
                              SQLITE_STATIC);
        }
        if (f->ip) {
            ip = ftl_ip_normalize(f->ip, ipbuf);
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":ip"), ip ? ip : "", -1,
                              SQLITE_STATIC);
        }
        if (f->category)
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":category"),
                              f->category, -1, SQLITE_STATIC);
        if (f->session > 0)
            sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":session"), f->session);
        if (f->link_state)
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":link_state"),
                              f->link_state, -1, SQLITE_STATIC);
        if (f->finding)
            sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":finding"), f->finding, -1,
                              SQLITE_STATIC);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&row, 0, sizeof row);
        row.id = sqlite3_column_int64(st, 0);
        row.ts_us = sqlite3_column_int64(st, 1);
        for (k = 0; k < FTL_F_COUNT; k++)
            row.f[k] = (const char *)sqlite3_column_text(st, 2 + k);
        row.evidence = (const char *)sqlite3_column_text(st, 2 + FTL_F_COUNT);
        row.evidence_id = sqlite3_column_int64(st, 3 + FTL_F_COUNT);
        row.record_no = sqlite3_column_int64(st, 4 + FTL_F_COUNT);
        if (with_raw) {
            row.raw = (const char *)sqlite3_column_text(st, 5 + FTL_F_COUNT);
            row.raw_len = sqlite3_column_bytes(st, 5 + FTL_F_COUNT);
        }
        row.session_id = sqlite3_column_int64(st, 6 + FTL_F_COUNT);
        row.link_state = (const char *)sqlite3_column_text(st, 7 + FTL_F_COUNT);
        row.link_method = (const char *)sqlite3_column_text(st, 8 + FTL_F_COUNT);
        row.findings = (const char *)sqlite3_column_text(st, 9 + FTL_F_COUNT);
        out = fn(ctx, &row);
        if (out != FTL_OK)
            goto done;
    }
    if (rc != SQLITE_DONE)
        out = ftl_error_set(err, FTL_ESQL, "%s: %s", ftl_store_path(s), sqlite3_errmsg(db));
done:
    sqlite3_finalize(st);
    ftl_buf_free(&sql);
    ftl_buf_free(&lower);
    return out;
}

const char *ftl_event_ts_desc(const struct ftl_event_row *row)
{
    static const struct {
        const char *source, *desc;
    } fallbacks[] = {
        { "CreationDate", "CreationDate (CSV display text, CreationTime missing)" },
        { "TimeGenerated", "TimeGenerated (Sentinel)" },
        { "@timestamp", "@timestamp (SIEM export, eventTime missing)" },
        { "EventTime", "EventTime (lookup-events, eventTime missing)" },
        { "receiveTimestamp", "receiveTimestamp (Cloud Logging, timestamp missing)" },
    };
    const struct ftl_importer *imp;
    const char *attrs = row->f[FTL_F_ATTRS], *ts;
    size_t i, n;

    /* a fallback time source is named in attrs and must show */
    ts = attrs ? strstr(attrs, "\"time_source\":\"") : NULL;
    if (ts) {
        ts += strlen("\"time_source\":\"");
        for (i = 0; i < sizeof fallbacks / sizeof fallbacks[0]; i++) {
            n = strlen(fallbacks[i].source);
            if (strncmp(ts, fallbacks[i].source, n) == 0 && ts[n] == '"')
                return fallbacks[i].desc;
        }
        return "fallback time (see attrs.time_source)";
    }
    imp = row->f[FTL_F_SOURCE] ? ftl_importer_by_source(row->f[FTL_F_SOURCE]) : NULL;
    return imp && imp->ts_desc ? imp->ts_desc : "Event time";
}

void ftl_event_message(const struct ftl_event_row *row, struct ftl_buf *out)
{
    const char *actor = row->f[FTL_F_ACTOR], *action = row->f[FTL_F_ACTION];
    const char *target = row->f[FTL_F_TARGET], *ip = row->f[FTL_F_SRC_IP];
    const char *outcome = row->f[FTL_F_OUTCOME];
    cJSON *attrs = NULL;

    ftl_buf_addstr(out, actor ? actor : "(unknown actor)");
    ftl_buf_addch(out, ' ');
    ftl_buf_addstr(out, action ? action : "(no action)");
    if (target && (!actor || strcmp(target, actor) != 0)) {
        ftl_buf_addstr(out, " on ");
        ftl_buf_addstr(out, target);
    }
    if (ip) {
        ftl_buf_addstr(out, " from ");
        ftl_buf_addstr(out, ip);
    }
    if (row->f[FTL_F_ATTRS] && strstr(row->f[FTL_F_ATTRS], "\"mail_access_type\"")) {
        attrs = cJSON_Parse(row->f[FTL_F_ATTRS]);
        if (attrs) {
            const char *type = ftl_json_str(attrs, "mail_access_type");
            const cJSON *items = cJSON_GetObjectItem(attrs, "items");

            ftl_buf_addf(out, " (%s", type ? type : "?");
            if (cJSON_IsNumber(items) && items->valuedouble > 0)
                ftl_buf_addf(out, ", %d item%s", items->valueint,
                             items->valueint == 1 ? "" : "s");
            if (cJSON_IsTrue(cJSON_GetObjectItem(attrs, "throttled")))
                ftl_buf_addstr(out, ", THROTTLED");
            ftl_buf_addch(out, ')');
        }
        cJSON_Delete(attrs);
    }
    if (outcome && strcmp(outcome, "failure") == 0)
        ftl_buf_addstr(out, " [failed]");
}
