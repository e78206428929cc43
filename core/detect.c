/*
 * detect.c - running the rules (see detect.h, docs/rules.md).
 */
#include "detect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "correlate.h"

/* the columns a rule's rows are read by */
enum { C_TS, C_REASON, C_EVENT_IDS, C_EVENT_ID, C_ACTOR, C_TARGET, C_SESSION, C_SEVERITY, C_N };
static const char *const col_names[C_N] = {
    "ts", "reason", "event_ids", "event_id", "actor", "target", "session_id", "severity",
};

struct prepared {
    sqlite3_stmt *st;
    int col[C_N];   /* result column index, -1 if absent */
};

/* Value of parameter name: the overrides ("a=1,b=2") first, then the rule. */
static const char *param_value(const struct ftl_rule *r, const char *overrides, const char *name,
                               struct ftl_buf *tmp)
{
    size_t n = strlen(name);
    const char *p = overrides;
    int i;

    while (p && *p) {
        const char *comma = strchr(p, ','), *eq = strchr(p, '=');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (eq && eq < p + len && (size_t)(eq - p) == n && strncmp(p, name, n) == 0) {
            ftl_buf_reset(tmp);
            ftl_buf_add(tmp, eq + 1, len - n - 1);
            return tmp->data;
        }
        p = comma ? comma + 1 : NULL;
    }
    for (i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value;
    return NULL;
}

static void bind_value(sqlite3_stmt *st, int i, const char *v)
{
    char *end;
    long long ll = strtoll(v, &end, 10);
    double d;

    if (*v && !*end) {
        sqlite3_bind_int64(st, i, ll);
        return;
    }
    d = strtod(v, &end);
    if (*v && !*end)
        sqlite3_bind_double(st, i, d);
    else
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* Prepares r's SQL wrapped in a stable order; 0, or -1 with why. */
static int prepare_rule(sqlite3 *db, const struct ftl_rule *r, const char *overrides,
                        struct prepared *p, char *why, size_t whylen)
{
    struct ftl_buf sql = { 0 }, tmp = { 0 };
    const char *tail = NULL;
    int i, k, n, rc, ordered;

    memset(p, 0, sizeof *p);
    /* first as it is, for its columns; then in a stable order */
    ftl_buf_addf(&sql, "SELECT * FROM (\n%s\n)", r->sql);
    for (ordered = 0;; ordered = 1) {
        rc = sqlite3_prepare_v2(db, sql.data, -1, &p->st, &tail);
        if (rc != SQLITE_OK || (tail && *tail) || ordered)
            break;
        n = sqlite3_column_count(p->st);
        for (k = 0; k < C_N; k++)
            p->col[k] = -1;
        for (i = 0; i < n; i++)
            for (k = 0; k < C_N; k++)
                if (strcmp(sqlite3_column_name(p->st, i), col_names[k]) == 0)
                    p->col[k] = i;
        if (p->col[C_TS] < 0 || p->col[C_REASON] < 0 ||
            (p->col[C_EVENT_IDS] < 0 && p->col[C_EVENT_ID] < 0)) {
            snprintf(why, whylen, "the SELECT must return columns ts, reason and event_ids "
                                  "(or event_id)");
            goto bad;
        }
        sqlite3_finalize(p->st);
        p->st = NULL;
        ftl_buf_addstr(&sql, " ORDER BY ts, reason");
    }
    if (rc != SQLITE_OK) {
        snprintf(why, whylen, "SQL error: %s", sqlite3_errmsg(db));
        goto bad;
    }
    if (tail && *tail) {
        snprintf(why, whylen, "more than one SQL statement");
        goto bad;
    }
    if (!sqlite3_stmt_readonly(p->st)) {
        snprintf(why, whylen, "the SQL would change the case file; rules may only read");
        goto bad;
    }
    n = sqlite3_bind_parameter_count(p->st);
    for (i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(p->st, i), *v;

        if (!name || (name[0] != ':' && name[0] != '$' && name[0] != '@')) {
            snprintf(why, whylen, "parameters must be named (:name)");
            goto bad;
        }
        v = param_value(r, overrides, name + 1, &tmp);
        if (!v) {
            snprintf(why, whylen, "parameter %s has no value (add '-- param: %s = ...')", name,
                     name + 1);
            goto bad;
        }
        bind_value(p->st, i, v);
    }
    ftl_buf_free(&sql);
    ftl_buf_free(&tmp);
    return 0;
bad:
    sqlite3_finalize(p->st);
    p->st = NULL;
    ftl_buf_free(&sql);
    ftl_buf_free(&tmp);
    return -1;
}

/* Is every `needs` line met? If not, says what is missing. */
static int needs_met(const struct ftl_rule *r, const char *sources, int correlated, char *why,
                     size_t whylen)
{
    int i;

    for (i = 0; i < r->nneeds; i++) {
        const char *p = r->needs[i];
        int met = 0;

        while (*p && !met) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            char name[64];

            snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p);
            if (strcmp(name, "correlation") == 0)
                met = correlated;
            else {
                char key[72];

                snprintf(key, sizeof key, " %s ", name);
                met = strstr(sources, key) != NULL;
            }
            p = bar ? bar + 1 : p + n;
        }
        if (!met) {
            if (strchr(r->needs[i], '|'))
                snprintf(why, whylen, "no evidence from any of %s", r->needs[i]);
            else if (strcmp(r->needs[i], "correlation") == 0)
                snprintf(why, whylen, "needs `ftl correlate` to have run on this case");
            else
                snprintf(why, whylen, "no %s evidence in the case", r->needs[i]);
            return 0;
        }
    }
    return 1;
}

/* Every run of digits in s is an event id. */
static ftl_rc add_event_ids(sqlite3_stmt *ins, int64_t finding, const char *s, int64_t *count)
{
    while (s && *s) {
        int64_t id = 0;
        int digits = 0;

        while (*s && (*s < '0' || *s > '9'))
            s++;
        while (*s >= '0' && *s <= '9') {
            if (digits < 18)
                id = id * 10 + (*s - '0');
            s++;
            digits++;
        }
        if (!digits)
            break;
        if (digits > 18)
            continue;   /* no event has such an id: the whole run is skipped */
        sqlite3_bind_int64(ins, 1, finding);
        sqlite3_bind_int64(ins, 2, id);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            sqlite3_reset(ins);
            return FTL_ESQL;
        }
        *count += sqlite3_changes(sqlite3_db_handle(ins));
        sqlite3_reset(ins);
    }
    return FTL_OK;
}

struct writer {
    sqlite3_stmt *finding, *event, *count, *run;
};

static const char *text_col(sqlite3_stmt *st, int i)
{
    return i >= 0 ? (const char *)sqlite3_column_text(st, i) : NULL;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Steps the rule and writes its findings; 0, or -1 with why. */
static int run_rule(sqlite3 *db, const struct ftl_rule *r, struct prepared *p, struct writer *w,
                    struct ftl_rule_result *res, struct ftl_detect_report *rep, char *why,
                    size_t whylen)
{
    int rc;

    while ((rc = sqlite3_step(p->st)) == SQLITE_ROW) {
        sqlite3_stmt *st = p->st;
        int64_t id, n = 0;
        int sev = r->severity;
        const char *ids, *reason = text_col(st, p->col[C_REASON]);

        if (p->col[C_SEVERITY] >= 0 && ftl_severity_parse(text_col(st, p->col[C_SEVERITY])) >= 0)
            sev = ftl_severity_parse(text_col(st, p->col[C_SEVERITY]));
        if (sqlite3_column_type(st, p->col[C_TS]) != SQLITE_INTEGER) {
            snprintf(why, whylen, "a row's ts is not an integer (microseconds)");
            return -1;
        }
        sqlite3_bind_text(w->finding, 1, r->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->finding, 2, ftl_severity_name(sev), -1, SQLITE_STATIC);
        sqlite3_bind_int64(w->finding, 3, sqlite3_column_int64(st, p->col[C_TS]));
        bind_opt(w->finding, 4, text_col(st, p->col[C_ACTOR]));
        bind_opt(w->finding, 5, text_col(st, p->col[C_TARGET]));
        sqlite3_bind_text(w->finding, 6, reason && *reason ? reason : r->title, -1,
                          SQLITE_TRANSIENT);
        if (p->col[C_SESSION] >= 0 && sqlite3_column_type(st, p->col[C_SESSION]) == SQLITE_INTEGER)
            sqlite3_bind_int64(w->finding, 7, sqlite3_column_int64(st, p->col[C_SESSION]));
        else
            sqlite3_bind_null(w->finding, 7);
        if (sqlite3_step(w->finding) != SQLITE_DONE) {
            snprintf(why, whylen, "writing a finding: %s", sqlite3_errmsg(db));
            sqlite3_reset(w->finding);
            return -1;
        }
        sqlite3_reset(w->finding);
        id = sqlite3_last_insert_rowid(db);
        ids = p->col[C_EVENT_IDS] >= 0 ? text_col(st, p->col[C_EVENT_IDS])
                                       : text_col(st, p->col[C_EVENT_ID]);
        if (add_event_ids(w->event, id, ids, &n) != FTL_OK) {
            snprintf(why, whylen, "writing a finding's events: %s", sqlite3_errmsg(db));
            return -1;
        }
        sqlite3_bind_int64(w->count, 1, n);
        sqlite3_bind_int64(w->count, 2, id);
        if (sqlite3_step(w->count) != SQLITE_DONE) {
            snprintf(why, whylen, "writing a finding's event count: %s", sqlite3_errmsg(db));
            sqlite3_reset(w->count);
            return -1;
        }
        sqlite3_reset(w->count);
        res->findings++;
        rep->findings++;
    }
    if (rc != SQLITE_DONE) {
        snprintf(why, whylen, "SQL error while running: %s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static ftl_rc sql_fail(struct ftl_store *s, struct ftl_error *err, const char *what)
{
    return ftl_error_set(err, FTL_ESQL, "%s: %s: %s", ftl_store_path(s), what,
                         sqlite3_errmsg(ftl_store_db(s)));
}

/* " source1 source2 ... " for the sources the case holds */
static ftl_rc case_sources(struct ftl_store *s, struct ftl_buf *out, struct ftl_error *err)
{
    sqlite3_stmt *st = NULL;

    ftl_buf_addch(out, ' ');
    if (sqlite3_prepare_v2(ftl_store_db(s),
                           "SELECT DISTINCT format FROM evidence WHERE events > 0 ORDER BY 1", -1,
                           &st, NULL) != SQLITE_OK)
        return sql_fail(s, err, "reading evidence");
    while (sqlite3_step(st) == SQLITE_ROW)
        ftl_buf_addf(out, "%s ", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return FTL_OK;
}

/* ftl_km(lat1, lon1, lat2, lon2): great-circle distance in km (haversine),
 * for the rules; NULL when an argument is NULL. */
static void fn_km(sqlite3_context *cx, int argc, sqlite3_value **v)
{
    const double r = 6371.0088, rad = 3.14159265358979323846 / 180.0;
    double lat1, lon1, lat2, lon2, a;
    int i;

    for (i = 0; i < argc; i++)
        if (sqlite3_value_type(v[i]) == SQLITE_NULL) {
            sqlite3_result_null(cx);
            return;
        }
    lat1 = sqlite3_value_double(v[0]) * rad;
    lon1 = sqlite3_value_double(v[1]) * rad;
    lat2 = sqlite3_value_double(v[2]) * rad;
    lon2 = sqlite3_value_double(v[3]) * rad;
    a = sin((lat2 - lat1) / 2) * sin((lat2 - lat1) / 2) +
        cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) * sin((lon2 - lon1) / 2);
    sqlite3_result_double(cx, 2 * r * atan2(sqrt(a), sqrt(1 - a)));
}

static void add_functions(sqlite3 *db)
{
    sqlite3_create_function(db, "ftl_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fn_km,
                            NULL, NULL);
}

static const char indexes_sql[] =
    /* what the rules look events up by; kept, so later runs start at once */
    "CREATE INDEX IF NOT EXISTS events_action ON events(action);"
    "CREATE INDEX IF NOT EXISTS events_category ON events(category, ts);";

ftl_rc ftl_detect(struct ftl_store *s, const struct ftl_ruleset *rs, const char *params,
                  struct ftl_detect_report *r, struct ftl_error *err)
{
    sqlite3 *db = ftl_store_db(s);
    struct ftl_buf sources = { 0 };
    struct writer w = { 0 };
    int64_t since = 0;
    int correlated;
    size_t i;
    ftl_rc rc;

    memset(r, 0, sizeof *r);
    r->results = ftl_xmalloc((rs->n ? rs->n : 1) * sizeof *r->results);
    memset(r->results, 0, (rs->n ? rs->n : 1) * sizeof *r->results);
    r->n = rs->n;
    add_functions(db);
    rc = ftl_store_begin(s, err);
    if (rc == FTL_OK)
        rc = ftl_store_exec(s, "DELETE FROM finding_events; DELETE FROM findings;"
                               " DELETE FROM rule_runs;", err);
    if (rc == FTL_OK)
        rc = ftl_store_exec(s, indexes_sql, err);
    if (rc == FTL_OK)
        rc = case_sources(s, &sources, err);
    if (rc != FTL_OK)
        goto out;
    correlated = ftl_correlate_current(s, &since, err);
    if (correlated < 0) {
        rc = FTL_ESQL;
        goto out;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO findings (rule_id, severity, ts, actor, target,"
                               " reason, session_id, events) VALUES (?,?,?,?,?,?,?,0)",
                           -1, &w.finding, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO finding_events (finding_id, event_id)"
                               " SELECT ?1, id FROM events WHERE id = ?2",
                           -1, &w.event, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE findings SET events = ? WHERE id = ?", -1, &w.count,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO rule_runs (rule_id, title, severity, origin, status,"
                           " message, findings) VALUES (?,?,?,?,?,?,?)", -1, &w.run,
                           NULL) != SQLITE_OK) {
        rc = sql_fail(s, err, "preparing findings");
        goto out;
    }
    for (i = 0; i < rs->n; i++) {
        const struct ftl_rule *rule = &rs->r[i];
        struct ftl_rule_result *res = &r->results[i];
        struct prepared p;
        int64_t t0 = ftl_clock_now_us();
        static const char *const status[] = { "ran", "skipped", "failed" };

        res->rule = rule;
        if (!needs_met(rule, sources.data, correlated != FTL_CORR_NEVER, res->message,
                       sizeof res->message)) {
            res->status = FTL_RULE_SKIPPED;
            r->skipped++;
        } else if ((rc = ftl_store_savepoint(s, "SAVEPOINT", err)) != FTL_OK) {
            goto out;
        } else if (prepare_rule(db, rule, params, &p, res->message, sizeof res->message) != 0 ||
                   run_rule(db, rule, &p, &w, res, r, res->message, sizeof res->message) != 0) {
            sqlite3_finalize(p.st);
            ftl_store_savepoint(s, "ROLLBACK TO", NULL);
            r->findings -= res->findings;
            res->findings = 0;
            res->status = FTL_RULE_FAILED;
            r->failed++;
        } else {
            sqlite3_finalize(p.st);
            if ((rc = ftl_store_savepoint(s, "RELEASE", err)) != FTL_OK)
                goto out;
            res->status = FTL_RULE_RAN;
            r->ran++;
        }
        res->seconds = (double)(ftl_clock_now_us() - t0) / 1e6;
        sqlite3_bind_text(w.run, 1, rule->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(w.run, 2, rule->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(w.run, 3, ftl_severity_name(rule->severity), -1, SQLITE_STATIC);
        sqlite3_bind_text(w.run, 4, rule->origin, -1, SQLITE_STATIC);
        sqlite3_bind_text(w.run, 5, status[res->status], -1, SQLITE_STATIC);
        bind_opt(w.run, 6, res->message);
        sqlite3_bind_int64(w.run, 7, res->findings);
        if (sqlite3_step(w.run) != SQLITE_DONE) {
            sqlite3_reset(w.run);
            rc = sql_fail(s, err, "recording rule runs");
            goto out;
        }
        sqlite3_reset(w.run);
        if (i == rs->n / 2)
            ftl_fault_point("detect.half");   /* half the rules' findings written */
    }
    /* count by severity from the table: a failed rule's rows were rolled back */
    memset(r->severity, 0, sizeof r->severity);
    {
        sqlite3_stmt *st = NULL;

        if (sqlite3_prepare_v2(db, "SELECT severity, count(*) FROM findings GROUP BY severity",
                               -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW) {
                int sev = ftl_severity_parse((const char *)sqlite3_column_text(st, 0));

                if (sev >= 0)
                    r->severity[sev] = sqlite3_column_int64(st, 1);
            }
        sqlite3_finalize(st);
    }
    rc = ftl_store_exec(s, "INSERT OR REPLACE INTO meta VALUES ('detected_max_event_id',"
                           " (SELECT coalesce(max(id), 0) FROM events));", err);
    if (rc == FTL_OK)
        rc = ftl_store_commit(s, err);
out:
    if (rc != FTL_OK)
        ftl_store_rollback(s);
    sqlite3_finalize(w.finding);
    sqlite3_finalize(w.event);
    sqlite3_finalize(w.count);
    sqlite3_finalize(w.run);
    ftl_buf_free(&sources);
    return rc;
}

void ftl_detect_report_free(struct ftl_detect_report *r)
{
    free(r->results);
    memset(r, 0, sizeof *r);
}

size_t ftl_rules_check(const struct ftl_ruleset *rs, ftl_rule_bad_fn bad, void *ctx)
{
    struct ftl_store *s = NULL;
    struct ftl_error err = { 0 };
    size_t i, nbad = 0;

    if (ftl_store_open(":memory:", FTL_OPEN_CREATE, &s, &err) != FTL_OK) {
        if (bad)
            bad(ctx, "(checking rules)", err.msg);
        return rs->n;
    }
    ftl_store_exec(s, indexes_sql, NULL);
    add_functions(ftl_store_db(s));
    for (i = 0; i < rs->n; i++) {
        struct prepared p;
        char why[512];

        if (prepare_rule(ftl_store_db(s), &rs->r[i], NULL, &p, why, sizeof why) != 0) {
            if (bad)
                bad(ctx, rs->r[i].origin, why);
            nbad++;
        }
        sqlite3_finalize(p.st);
    }
    ftl_store_close(s);
    return nbad;
}
