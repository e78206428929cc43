/*
 * report.c - the HTML report (see report.h, docs/report.md).
 *
 * Every string from the case is evidence, and evidence is attacker-
 * controlled: it goes through ftl_html_text/attr into markup, or through
 * ftl_html_json into the data block, which only the page's own script reads
 * (with textContent). The Content-Security-Policy forbids every load and
 * allows only that script and stylesheet, by hash.
 */
#include "report.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "../core/correlate.h"
#include "../core/ftltime.h"
#include "../core/query.h"
#include "../core/rules.h"
#include "html.h"

extern const char ftl_report_css[], ftl_report_js[];   /* report_assets.c */

#define EVENTS_PER_FINDING 20
#define USERS_SHOWN 100
#define STR(x) #x
#define XSTR(x) STR(x)

static const char *const categories[FTL_CHART_SERIES] = {
    "signin", "mailbox", "mail_admin", "directory", "file", "cloud", "host", "other",
};
static const char *const colors[FTL_CHART_SERIES] = {
    "#2e86c1", "#c0392b", "#d68910", "#8e44ad", "#16a085", "#5d6d7e", "#7f8c8d", "#bdc3c7",
};
static const char *const marker_colors[] = { "#95a5a6", "#5d6d7e", "#d68910", "#c0392b", "#7a0916" };

struct rep {
    struct ftl_store *s;
    sqlite3 *db;
    FILE *out;
    struct ftl_buf b;       /* the page is built here and written in 1 MiB pieces */
    int64_t rows;           /* rows written to the current JSON array */
    struct ftl_error *err;
    ftl_rc rc;
    const char *case_name;
    int64_t limit;
};

/* ---- small writers ---- */

static void flush(struct rep *r, size_t above)
{
    if (r->b.len <= above)
        return;
    if (r->rc == FTL_OK && fwrite(r->b.data, 1, r->b.len, r->out) != r->b.len)
        r->rc = ftl_error_set(r->err, FTL_EIO, "cannot write the report");
    ftl_buf_reset(&r->b);
}

static void put(struct rep *r, const char *s)
{
    ftl_buf_addstr(&r->b, s);
    flush(r, 1 << 20);
}

static void text(struct rep *r, const char *s)
{
    ftl_html_text(&r->b, s ? s : "");
}

static void num(struct rep *r, int64_t v)
{
    char tmp[32], out[48];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)(v < 0 ? -v : v)), i, j = 0;

    if (v < 0)
        out[j++] = '-';
    for (i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[j++] = ',';
        out[j++] = tmp[i];
    }
    out[j] = '\0';
    put(r, out);
}

static void when(struct rep *r, int64_t ts)
{
    char t[FTL_TIME_ISO_LEN + 1];

    ftl_time_format(ts, t);
    t[19] = 'Z';
    t[20] = '\0';
    put(r, t);
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* table cells: text (escaped), a number, a time; cls may be NULL */
static void td(struct rep *r, const char *cls, const char *s)
{
    put(r, cls ? "<td class=\"" : "<td>");
    if (cls) {
        put(r, cls);
        put(r, "\">");
    }
    text(r, s);
    put(r, "</td>");
}

static void td_num(struct rep *r, int64_t v)
{
    put(r, "<td class=\"num\">");
    num(r, v);
    put(r, "</td>");
}

static void td_time(struct rep *r, int64_t ts)
{
    put(r, "<td class=\"mono\">");
    when(r, ts);
    put(r, "</td>");
}

static int step(struct rep *r, sqlite3_stmt *st);

/* The current row of st and every row after it, one cell per column as
 * cells says: t text, m monospace text, n number, d time. */
static void rows(struct rep *r, sqlite3_stmt *st, const char *cells)
{
    do {
        int k;

        put(r, "<tr>");
        for (k = 0; cells[k]; k++) {
            const char *v = (const char *)sqlite3_column_text(st, k);

            switch (cells[k]) {
            case 'n': td_num(r, sqlite3_column_int64(st, k)); break;
            case 'd': td_time(r, sqlite3_column_int64(st, k)); break;
            case 'm': td(r, "mono", v); break;
            default: td(r, NULL, v);
            }
        }
        put(r, "</tr>");
    } while (step(r, st));
}

static sqlite3_stmt *prep(struct rep *r, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (r->rc != FTL_OK)
        return NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        r->rc = ftl_error_set(r->err, FTL_ESQL, "%s: report: %s", ftl_store_path(r->s),
                              sqlite3_errmsg(r->db));
        return NULL;
    }
    return st;
}

static int step(struct rep *r, sqlite3_stmt *st)
{
    int rc;

    if (!st)
        return 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc != SQLITE_DONE && r->rc == FTL_OK)
        r->rc = ftl_error_set(r->err, FTL_ESQL, "%s: report: %s", ftl_store_path(r->s),
                              sqlite3_errmsg(r->db));
    return 0;
}

static int64_t one_int(struct rep *r, const char *sql)
{
    sqlite3_stmt *st = prep(r, sql);
    int64_t v = 0;

    if (step(r, st))
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* ---- charts ---- */

void ftl_svg_days(struct ftl_buf *b, const struct ftl_chart_day *d, size_t n,
                  const char *const names[FTL_CHART_SERIES])
{
    const int W = 960, H = 260, left = 56, right = 12, top = 22, bottom = 58;
    int64_t max = 1, first = n ? d[0].day : 0, last = n ? d[n - 1].day : 0, span;
    double bw;
    size_t i;
    int k, ticks;

    for (i = 0; i < n; i++) {
        int64_t t = 0;

        for (k = 0; k < FTL_CHART_SERIES; k++)
            t += d[i].n[k];
        if (t > max)
            max = t;
    }
    span = last - first + 1;
    bw = (double)(W - left - right) / (double)(span > 0 ? span : 1);
    ftl_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                    "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"events per day by "
                    "category\">", W, H, W, H);
    /* axis and grid: four steps */
    for (ticks = 0; ticks <= 4; ticks++) {
        double y = top + (H - top - bottom) * (1.0 - ticks / 4.0);

        ftl_buf_addf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e7ee\"/>"
                        "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
                        "fill=\"#5d6d7e\">%lld</text>",
                     left, y, W - right, y, left - 4, y + 3, (long long)(max * ticks / 4));
    }
    for (i = 0; i < n; i++) {
        double x = left + bw * (double)(d[i].day - first), y = H - bottom;
        int64_t total = 0;
        char date[16];
        int yy, mo, dd, h, mi, s, us;

        for (k = 0; k < FTL_CHART_SERIES; k++) {
            double h2 = (double)(H - top - bottom) * (double)d[i].n[k] / (double)max;

            total += d[i].n[k];
            if (!d[i].n[k])
                continue;
            y -= h2;
            ftl_buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            "fill=\"%s\"><title>", x + 0.5, y, bw > 2 ? bw - 1 : bw, h2,
                         colors[k]);
            ftl_time_to_civil(d[i].day * 86400000000LL, &yy, &mo, &dd, &h, &mi, &s, &us);
            snprintf(date, sizeof date, "%04d-%02d-%02d", yy, mo, dd);
            ftl_buf_addf(b, "%s %s: %lld</title></rect>", date, names[k], (long long)d[i].n[k]);
        }
        if (d[i].marker > 0) {
            double cx = x + bw / 2, cy = top + (H - top - bottom) * (1.0 - (double)total / (double)max) - 6;
            int sev = d[i].marker - 1;

            ftl_buf_addf(b, "<path d=\"M%.1f %.1fl-5 -8h10z\" fill=\"%s\"><title>findings: %s"
                            "</title></path>", cx, cy, marker_colors[sev],
                         ftl_severity_name(sev));
        }
    }
    /* dates: at most 12 labels */
    {
        int64_t stepd = span / 12 + 1, day;

        for (day = first; n && day <= last; day += stepd) {
            int yy, mo, dd, h, mi, s, us;

            ftl_time_to_civil(day * 86400000000LL, &yy, &mo, &dd, &h, &mi, &s, &us);
            ftl_buf_addf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#5d6d7e\">"
                            "%04d-%02d-%02d</text>",
                         left + bw * (double)(day - first), H - bottom + 14, yy, mo, dd);
        }
    }
    for (k = 0; k < FTL_CHART_SERIES; k++)
        ftl_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                        "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#1d2430\">%s</text>",
                     left + k * 105, H - 22, colors[k], left + k * 105 + 14, H - 13, names[k]);
    ftl_buf_addf(b, "<path d=\"M%d %dl-5 -8h10z\" fill=\"#c0392b\"/><text x=\"%d\" y=\"%d\" "
                    "font-size=\"11\">findings</text></svg>",
                 left + 8 * 105 + 5, H - 12, left + 8 * 105 + 14, H - 13);
}

void ftl_svg_bars(struct ftl_buf *b, const struct ftl_chart_bar *bars, size_t n, const char *title)
{
    const int W = 960, row = 20, left = 250, top = 8;
    int64_t max = 1;
    size_t i;

    for (i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    ftl_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                    "height=\"%d\" role=\"img\" aria-label=\"",
                 W, (int)(top * 2 + row * (int)n), W, (int)(top * 2 + row * (int)n));
    ftl_html_attr(b, title);
    ftl_buf_addstr(b, "\">");
    for (i = 0; i < n; i++) {
        double w = 380.0 * (double)bars[i].value / (double)max;
        int y = top + row * (int)i;

        ftl_buf_addf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" "
                        "fill=\"#1d2430\">", left - 6, y + 13);
        ftl_html_text(b, bars[i].label);
        ftl_buf_addf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" "
                        "fill=\"#2e86c1\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                        "fill=\"#1d2430\">%lld",
                     left, y + 2, w, left + w + 6, y + 13, (long long)bars[i].value);
        if (bars[i].note && *bars[i].note) {
            ftl_buf_addstr(b, "  ");
            ftl_html_text(b, bars[i].note);
        }
        ftl_buf_addstr(b, "</text>");
    }
    ftl_buf_addstr(b, "</svg>");
}

/* ---- sections ---- */

static void section_summary(struct rep *r)
{
    sqlite3_stmt *st;
    int64_t since = 0;
    int corr = ftl_correlate_current(r->s, &since, r->err);
    int64_t rules = one_int(r, "SELECT count(*) FROM rule_runs");

    put(r, "<section id=\"summary\"><h2>Summary</h2><table><tbody>");
    put(r, "<tr><th>events</th><td class=\"num\">");
    num(r, one_int(r, "SELECT count(*) FROM events"));
    put(r, "</td></tr><tr><th>time range</th><td>");
    st = prep(r, "SELECT min(ts), max(ts) FROM events");
    if (step(r, st) && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        when(r, sqlite3_column_int64(st, 0));
        put(r, " to ");
        when(r, sqlite3_column_int64(st, 1));
    }
    sqlite3_finalize(st);
    put(r, "</td></tr><tr><th>evidence files</th><td class=\"num\">");
    num(r, one_int(r, "SELECT count(*) FROM evidence"));
    put(r, "</td></tr><tr><th>records rejected</th><td class=\"num\">");
    num(r, one_int(r, "SELECT count(*) FROM rejects"));
    put(r, "</td></tr><tr><th>sessions</th><td>");
    st = prep(r, "SELECT state, count(*) FROM sessions GROUP BY state ORDER BY state");
    while (step(r, st)) {
        text(r, col(st, 0));
        put(r, " ");
        num(r, sqlite3_column_int64(st, 1));
        put(r, "; ");
    }
    sqlite3_finalize(st);
    put(r, "</td></tr><tr><th>findings</th><td>");
    st = prep(r, "SELECT severity, count(*) FROM findings GROUP BY severity ORDER BY CASE severity"
                 " WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3"
                 " ELSE 4 END");
    while (step(r, st)) {
        put(r, "<span class=\"sev sev-");
        ftl_html_attr(&r->b, col(st, 0));
        put(r, "\">");
        text(r, col(st, 0));
        put(r, "</span> ");
        num(r, sqlite3_column_int64(st, 1));
        put(r, " &nbsp; ");
    }
    sqlite3_finalize(st);
    put(r, "</td></tr><tr><th>evidence verified</th><td>");
    st = prep(r, "SELECT (SELECT value FROM meta WHERE key = 'verified_at'),"
                 " (SELECT value FROM meta WHERE key = 'verify_result')");
    if (step(r, st) && col(st, 0)) {
        text(r, col(st, 0));
        put(r, ": ");
        text(r, col(st, 1));
    } else {
        put(r, "never: <code>ftl verify CASE</code> re-hashes every evidence file");
    }
    sqlite3_finalize(st);
    put(r, "</td></tr></tbody></table>");
    if (corr == FTL_CORR_NEVER)
        put(r, "<p class=\"warn\">This case has not been correlated: there are no sessions or "
               "link states (<code>ftl correlate</code>).</p>");
    else if (corr == FTL_CORR_STALE) {
        put(r, "<p class=\"warn\">");
        num(r, since);
        put(r, " events were imported after the last <code>ftl correlate</code>; sessions and "
               "link states leave them out.</p>");
    }
    if (!rules)
        put(r, "<p class=\"warn\">The detection rules have not been run on this case "
               "(<code>ftl detect</code>): no findings is not a clean bill of health.</p>");
    st = prep(r, "SELECT rule_id, title, message FROM rule_runs WHERE status <> 'ran'"
                 " ORDER BY status, rule_id");
    if (step(r, st)) {
        put(r, "<h3>Rules that could not run</h3><p class=\"note\">These rules found nothing "
               "because they could not look: the evidence they need is not in the case. "
               "That is not a clean bill of health.</p><table><thead><tr><th>rule</th><th>"
               "</th><th>why</th></tr></thead><tbody>");
        rows(r, st, "mtt");
        put(r, "</tbody></table>");
    }
    sqlite3_finalize(st);
    put(r, "</section>");
}

static void section_findings(struct rep *r)
{
    sqlite3_stmt *st, *ev;

    put(r, "<section id=\"findings\"><h2>Findings</h2><p class=\"note\">Most severe first, then by "
           "time. Each finding names the rule that raised it and the events behind it. A finding "
           "is a lead for a person to check, not proof; docs/rules.md explains each rule and where "
           "it misleads.</p>");
    st = prep(r, "SELECT f.id, f.rule_id, f.severity, f.ts, f.actor, f.target, f.reason, f.session_id,"
                 " f.events, coalesce(rr.title, '') FROM findings f LEFT JOIN rule_runs rr"
                 " ON rr.rule_id = f.rule_id ORDER BY CASE f.severity WHEN 'critical' THEN 0"
                 " WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, f.ts, f.id");
    ev = prep(r, "SELECT e.ts, e.source, e.action || coalesce(' (' || e.outcome || ')', ''),"
                 " e.actor, e.src_ip, e.target FROM finding_events fe"
                 " JOIN events e ON e.id = fe.event_id WHERE fe.finding_id = ? ORDER BY e.ts, e.id"
                 " LIMIT " XSTR(EVENTS_PER_FINDING));
    if (!step(r, st))
        put(r, "<p>No findings.</p>");
    else
        do {
            const char *sev = col(st, 2);
            int64_t nev = sqlite3_column_int64(st, 8);

            put(r, "<div class=\"finding ");
            ftl_html_attr(&r->b, sev);
            put(r, "\"><p><span class=\"sev sev-");
            ftl_html_attr(&r->b, sev);
            put(r, "\">");
            text(r, sev);
            put(r, "</span> <b>");
            when(r, sqlite3_column_int64(st, 3));
            put(r, "</b> <span class=\"mono\">");
            text(r, col(st, 1));
            put(r, "</span> ");
            text(r, col(st, 9));
            put(r, "</p><p>");
            text(r, col(st, 6));
            put(r, "</p><p class=\"note\">");
            if (col(st, 4)) {
                put(r, "actor ");
                text(r, col(st, 4));
                put(r, " &middot; ");
            }
            if (col(st, 5)) {
                put(r, "target ");
                text(r, col(st, 5));
                put(r, " &middot; ");
            }
            if (sqlite3_column_type(st, 7) == SQLITE_INTEGER) {
                put(r, "session ");
                num(r, sqlite3_column_int64(st, 7));
                put(r, " &middot; ");
            }
            num(r, nev);
            put(r, nev == 1 ? " event" : " events");
            if (strcmp(col(st, 1), "mailbox.no_issuance_record") == 0)
                put(r, " &middot; a token no imported sign-in issued is the forged-token pattern, "
                       "or a sign-in log that was not exported: check the exports before "
                       "concluding");
            put(r, "</p><table><tbody>");
            sqlite3_reset(ev);
            sqlite3_bind_int64(ev, 1, sqlite3_column_int64(st, 0));
            if (step(r, ev))
                rows(r, ev, "dttttt");
            put(r, "</tbody></table>");
            if (nev > EVENTS_PER_FINDING) {
                put(r, "<p class=\"note\">");
                num(r, nev - EVENTS_PER_FINDING);
                put(r, " more: <code>ftl export CASE --finding ");
                text(r, col(st, 1));
                put(r, "</code></p>");
            }
            put(r, "</div>");
        } while (step(r, st));
    sqlite3_finalize(st);
    sqlite3_finalize(ev);
    put(r, "</section>");
}

static void section_users(struct rep *r)
{
    sqlite3_stmt *st;

    put(r, "<section id=\"users\"><h2>People</h2><p class=\"note\">Accounts that look like people "
           "or mailboxes (an @ in the name): those with findings first, then the most active, at "
           "most " XSTR(USERS_SHOWN) ".</p><table><thead><tr><th>account</th>"
           "<th class=\"num\">findings</th><th class=\"num\">sign-ins</th>"
           "<th class=\"num\">failed</th><th class=\"num\">mail events</th>"
           "<th class=\"num\">mailboxes</th><th class=\"num\">addresses</th><th>countries</th>"
           "<th class=\"num\">apps</th></tr></thead><tbody>");
    st = prep(r,
              "WITH u AS (SELECT actor,"
              "  sum(category = 'signin' AND outcome = 'success') AS ok,"
              "  sum(category = 'signin' AND outcome = 'failure') AS bad,"
              "  sum(category = 'mailbox') AS mail,"
              "  count(DISTINCT CASE WHEN category = 'mailbox' THEN target END) AS boxes,"
              "  count(DISTINCT src_ip) AS ips,"
              "  group_concat(DISTINCT CASE WHEN source = 'entra_signin'"
              "    THEN json_extract(attrs, '$.country') END) AS countries,"
              "  count(DISTINCT app_id) AS apps, count(*) AS n"
              "  FROM events WHERE actor LIKE '%@%' GROUP BY actor),"
              " f AS (SELECT actor, count(*) AS n FROM findings WHERE actor IS NOT NULL GROUP BY actor)"
              " SELECT u.actor, coalesce(f.n, 0), u.ok, u.bad, u.mail, u.boxes, u.ips, u.countries,"
              " u.apps FROM u LEFT JOIN f ON f.actor = u.actor"
              " ORDER BY coalesce(f.n, 0) > 0 DESC, coalesce(f.n, 0) DESC, u.n DESC, u.actor"
              " LIMIT " XSTR(USERS_SHOWN));
    if (step(r, st))
        rows(r, st, "tnnnnnntn");   /* countries are text */
    sqlite3_finalize(st);
    put(r, "</tbody></table></section>");
}

static void section_charts(struct rep *r)
{
    struct ftl_chart_day *days = NULL;
    struct ftl_chart_bar bars[15];
    char *labels[15] = { 0 }, *notes[15] = { 0 };
    size_t n = 0, cap = 0, nb = 0, i;
    sqlite3_stmt *st;

    put(r, "<section id=\"charts\"><h2>Activity</h2><h3>Events per day, by category</h3>"
           "<p class=\"note\">Triangles mark days with findings, coloured by the most severe.</p>");
    st = prep(r, "SELECT d, category, n, (SELECT max(CASE severity WHEN 'critical' THEN 5"
                 " WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 ELSE 1 END)"
                 " FROM findings WHERE ts / 86400000000 = d) FROM (SELECT ts / 86400000000 AS d,"
                 " category, count(*) AS n FROM events GROUP BY d, category) ORDER BY d, category");
    while (step(r, st)) {
        int64_t d = sqlite3_column_int64(st, 0);
        const char *cat = col(st, 1);
        int k;

        if (!n || days[n - 1].day != d) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                days = ftl_xrealloc(days, cap * sizeof *days);
            }
            memset(&days[n], 0, sizeof days[n]);
            days[n].day = d;
            days[n].marker = sqlite3_column_int(st, 3);
            n++;
        }
        for (k = 0; k < FTL_CHART_SERIES - 1 && strcmp(cat, categories[k]) != 0; k++)
            ;
        days[n - 1].n[k] += sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    ftl_svg_days(&r->b, days, n, categories);
    free(days);

    put(r, "<h3>Sign-in addresses per account</h3><p class=\"note\">The 15 accounts with the most "
           "distinct addresses in successful Entra sign-ins, with their countries.</p>");
    st = prep(r, "SELECT actor, count(DISTINCT src_ip) AS n,"
                 " group_concat(DISTINCT json_extract(attrs, '$.country'))"
                 " FROM events WHERE category = 'signin' AND source = 'entra_signin'"
                 " AND outcome = 'success' AND actor IS NOT NULL"
                 " GROUP BY actor ORDER BY n DESC, actor LIMIT 15");
    while (step(r, st) && nb < 15) {
        labels[nb] = ftl_xstrndup(col(st, 0), strlen(col(st, 0)));
        notes[nb] = col(st, 2) ? ftl_xstrndup(col(st, 2), strlen(col(st, 2))) : NULL;
        bars[nb].label = labels[nb];
        bars[nb].value = sqlite3_column_int64(st, 1);
        bars[nb].note = notes[nb];
        nb++;
    }
    sqlite3_finalize(st);
    if (nb)
        ftl_svg_bars(&r->b, bars, nb, "distinct sign-in addresses per account");
    else
        put(r, "<p>No Entra ID sign-ins in this case.</p>");
    for (i = 0; i < nb; i++) {
        free(labels[i]);
        free(notes[i]);
    }
    put(r, "</section>");
}

static void section_evidence(struct rep *r)
{
    sqlite3_stmt *st;

    put(r, "<section id=\"evidence\"><h2>Evidence</h2><p class=\"note\">Every file imported, with "
           "its SHA-256 as handed over (gzip files: the compressed bytes).</p><table><thead><tr>"
           "<th>#</th><th>file</th><th>format</th><th class=\"num\">bytes</th><th>SHA-256</th>"
           "<th class=\"num\">records</th><th class=\"num\">events</th><th class=\"num\">"
           "duplicates</th><th class=\"num\">rejected</th><th>status</th><th>events from</th>"
           "<th>to</th></tr></thead><tbody>");
    st = prep(r, "SELECT id, name, format, variant, size, sha256, records, events, duplicates,"
                 " rejected, status, first_ts, last_ts, message FROM evidence ORDER BY id");
    while (step(r, st)) {
        int k;

        put(r, "<tr>");
        td_num(r, sqlite3_column_int64(st, 0));
        td(r, NULL, col(st, 1));
        put(r, "<td>");
        text(r, col(st, 2));
        if (col(st, 3)) {
            put(r, "/");
            text(r, col(st, 3));
        }
        put(r, "</td>");
        td_num(r, sqlite3_column_int64(st, 4));
        td(r, "hash", col(st, 5));
        for (k = 6; k <= 9; k++)
            td_num(r, sqlite3_column_int64(st, k));
        put(r, "<td>");
        text(r, col(st, 10));
        if (col(st, 13)) {
            put(r, ": ");
            text(r, col(st, 13));
        }
        put(r, "</td>");
        for (k = 11; k <= 12; k++) {
            if (sqlite3_column_type(st, k) == SQLITE_INTEGER)
                td_time(r, sqlite3_column_int64(st, k));
            else
                put(r, "<td></td>");
        }
        put(r, "</tr>");
    }
    sqlite3_finalize(st);
    put(r, "</tbody></table><h3>Time covered, per source</h3><table><thead><tr><th>source</th>"
           "<th class=\"num\">events</th><th>from</th><th>to</th></tr></thead><tbody>");
    st = prep(r, "SELECT format, sum(events), min(first_ts), max(last_ts) FROM evidence"
                 " WHERE events > 0 GROUP BY format ORDER BY format");
    if (step(r, st))
        rows(r, st, "tndd");
    sqlite3_finalize(st);
    put(r, "</tbody></table>");
    st = prep(r, "SELECT tenant, kind, first_ts, last_ts, events FROM signin_coverage"
                 " ORDER BY tenant, kind, first_ts");
    if (step(r, st)) {
        put(r, "<h3>Sign-in log coverage</h3><p class=\"note\">The periods the Entra sign-in logs "
               "cover: an access outside them cannot be judged for an issuance record.</p><table>"
               "<thead><tr><th>tenant</th><th>kind</th><th>from</th><th>to</th><th class=\"num\">"
               "sign-ins</th></tr></thead><tbody>");
        rows(r, st, "mtddn");
        put(r, "</tbody></table>");
    }
    sqlite3_finalize(st);
    st = prep(r, "SELECT v.name, r.record_no, r.reason FROM rejects r JOIN evidence v"
                 " ON v.id = r.evidence_id ORDER BY r.evidence_id, r.record_no LIMIT 20");
    if (step(r, st)) {
        put(r, "<h3>Rejected records</h3><p class=\"note\">Records that could not be read are kept "
               "in the case file with their bytes (<code>ftl info --rejects</code>). ");
        num(r, one_int(r, "SELECT count(*) FROM rejects"));
        put(r, " in all.</p><table><tbody>");
        rows(r, st, "tnt");
        put(r, "</tbody></table>");
    }
    sqlite3_finalize(st);
    put(r, "</section>");
}

/* The timeline's events: those behind findings first, then the earliest,
 * up to the limit, into temp.report_events. Returns how many were left out. */
static int64_t choose_events(struct rep *r, int64_t total)
{
    char sql[512];

    ftl_store_exec(r->s, "DROP TABLE IF EXISTS temp.report_events", NULL);
    if (ftl_store_exec(r->s, "CREATE TEMP TABLE report_events (id INTEGER PRIMARY KEY)", r->err) != FTL_OK) {
        r->rc = FTL_ESQL;
        return 0;
    }
    snprintf(sql, sizeof sql,
             "INSERT OR IGNORE INTO temp.report_events SELECT id FROM (SELECT fe.event_id AS id,"
             " min(e.ts) AS ts FROM finding_events fe JOIN events e ON e.id = fe.event_id"
             " GROUP BY fe.event_id ORDER BY ts, id LIMIT %lld)", (long long)r->limit);
    if (r->rc == FTL_OK && ftl_store_exec(r->s, sql, r->err) != FTL_OK)
        r->rc = FTL_ESQL;
    snprintf(sql, sizeof sql,
             "INSERT INTO temp.report_events SELECT id FROM events"
             " WHERE id NOT IN (SELECT id FROM temp.report_events)"
             " ORDER BY ts, id LIMIT max(0, %lld - (SELECT count(*) FROM temp.report_events))",
             (long long)r->limit);
    if (r->rc == FTL_OK && total > 0 && ftl_store_exec(r->s, sql, r->err) != FTL_OK)
        r->rc = FTL_ESQL;
    return total - one_int(r, "SELECT count(*) FROM temp.report_events");
}

static ftl_rc data_row(void *ctx, const struct ftl_event_row *row)
{
    struct rep *r = ctx;
    struct ftl_buf msg = { 0 };
    char t[FTL_TIME_ISO_LEN + 1];
    static const int fields[] = { FTL_F_CATEGORY, FTL_F_SOURCE, FTL_F_ACTION, FTL_F_OUTCOME,
                                  FTL_F_ACTOR, FTL_F_TARGET, FTL_F_SRC_IP, FTL_F_USER_AGENT };
    size_t k;

    ftl_time_format(row->ts_us, t);
    t[19] = 'Z';
    t[20] = '\0';
    ftl_buf_addf(&r->b, "%s[%lld,\"%s\"", r->rows++ ? ",\n" : "", (long long)row->id, t);
    for (k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        const char *v = row->f[fields[k]];

        ftl_buf_addch(&r->b, ',');
        if (v)
            ftl_html_json(&r->b, v, strlen(v));
        else
            ftl_buf_addstr(&r->b, "null");
    }
    ftl_event_message(row, &msg);
    ftl_buf_addch(&r->b, ',');
    ftl_html_json(&r->b, msg.data, msg.len);
    if (row->session_id > 0)
        ftl_buf_addf(&r->b, ",%lld,", (long long)row->session_id);
    else
        ftl_buf_addstr(&r->b, ",null,");
    if (row->link_state)
        ftl_html_json(&r->b, row->link_state, strlen(row->link_state));
    else
        ftl_buf_addstr(&r->b, "null");
    ftl_buf_addch(&r->b, ',');
    if (row->findings)
        ftl_html_json(&r->b, row->findings, strlen(row->findings));
    else
        ftl_buf_addstr(&r->b, "null");
    ftl_buf_addch(&r->b, ']');
    ftl_buf_free(&msg);
    flush(r, 1 << 20);
    return r->rc;
}

static void data_block(struct rep *r, int64_t *left_out, int64_t *total)
{
    struct ftl_filter f;
    sqlite3_stmt *st;
    ftl_rc rc;

    *total = one_int(r, "SELECT count(*) FROM events");
    *left_out = choose_events(r, *total);
    put(r, "<script type=\"application/json\" id=\"ftl-data\">{\"cols\":[\"id\",\"time\","
           "\"category\",\"source\",\"action\",\"outcome\",\"actor\",\"target\",\"ip\",\"client\","
           "\"message\",\"session\",\"link\",\"findings\"],\n\"events\":[");
    memset(&f, 0, sizeof f);
    f.ids_table = "temp.report_events";
    r->rows = 0;
    if (r->rc == FTL_OK) {
        rc = ftl_query_events(r->s, &f, 0, data_row, r, r->err);
        if (rc != FTL_OK)
            r->rc = rc;
    }
    /* sessions, compact: there can be hundreds of thousands. Times are
     * seconds since 1970 and actors indexes into "actors". */
    ftl_store_exec(r->s, "DROP TABLE IF EXISTS temp.report_actors", NULL);
    if (r->rc == FTL_OK &&
        ftl_store_exec(r->s, "CREATE TEMP TABLE report_actors AS SELECT row_number() OVER"
                             " (ORDER BY actor) - 1 AS i, actor FROM (SELECT DISTINCT actor FROM"
                             " sessions WHERE actor IS NOT NULL)", r->err) != FTL_OK)
        r->rc = FTL_ESQL;
    put(r, "],\n\"actors\":[");
    r->rows = 0;
    st = prep(r, "SELECT actor FROM temp.report_actors ORDER BY i");
    while (step(r, st)) {
        if (r->rows++)
            ftl_buf_addch(&r->b, ',');
        ftl_html_json(&r->b, col(st, 0), strlen(col(st, 0)));
        flush(r, 1 << 20);
    }
    sqlite3_finalize(st);
    put(r, "],\n\"scols\":[\"id\",\"state\",\"method\",\"actor\",\"first\",\"last\","
           "\"events\",\"ips\",\"apps\",\"credential\"],\n\"sessions\":[");
    r->rows = 0;
    /* sessions that need a look first */
    st = prep(r, "SELECT s.id, s.state, s.link_method, a.i, s.first_ts / 1000000,"
                 " s.last_ts / 1000000, s.events, s.ips, s.apps, s.credential FROM sessions s"
                 " LEFT JOIN temp.report_actors a ON a.actor = s.actor ORDER BY CASE s.state"
                 " WHEN 'no_issuance_record' THEN 0 WHEN 'unlinkable' THEN 1 ELSE 2 END, s.id");
    while (step(r, st)) {
        /* a case file can come from anyone: even its own columns are escaped */
        ftl_buf_addf(&r->b, "%s[%lld,", r->rows++ ? ",\n" : "",
                     (long long)sqlite3_column_int64(st, 0));
        ftl_html_json(&r->b, col(st, 1) ? col(st, 1) : "", col(st, 1) ? strlen(col(st, 1)) : 0);
        ftl_buf_addch(&r->b, ',');
        ftl_html_json(&r->b, col(st, 2) ? col(st, 2) : "", col(st, 2) ? strlen(col(st, 2)) : 0);
        ftl_buf_addch(&r->b, ',');
        if (sqlite3_column_type(st, 3) == SQLITE_NULL)
            ftl_buf_addstr(&r->b, "null");
        else
            ftl_buf_addf(&r->b, "%lld", (long long)sqlite3_column_int64(st, 3));
        ftl_buf_addf(&r->b, ",%lld,%lld,%lld,%lld,%lld,", (long long)sqlite3_column_int64(st, 4),
                     (long long)sqlite3_column_int64(st, 5), (long long)sqlite3_column_int64(st, 6),
                     (long long)sqlite3_column_int64(st, 7), (long long)sqlite3_column_int64(st, 8));
        if (col(st, 9))
            ftl_html_json(&r->b, col(st, 9), strlen(col(st, 9)));
        else
            ftl_buf_addstr(&r->b, "null");
        ftl_buf_addch(&r->b, ']');
        flush(r, 1 << 20);
    }
    sqlite3_finalize(st);
    ftl_store_exec(r->s, "DROP TABLE IF EXISTS temp.report_actors", NULL);
    put(r, "]}</script>");
}

static void section_sessions(struct rep *r)
{
    put(r, "<section id=\"sessions\"><h2>Sessions</h2><p class=\"note\">A session is the activity "
           "one credential produced (docs/correlation.md). <b>no_issuance_record</b>: its tokens "
           "match no imported sign-in although the sign-in logs cover the time (the forged-token "
           "pattern: a lead, not proof). Click a session to show its events.</p>"
           "<div class=\"filters\"><label>state <select id=\"s-state\"><option value=\"\">any"
           "</option><option>no_issuance_record</option><option>unlinkable</option><option>linked"
           "</option></select></label><label>actor <input id=\"s-actor\" size=\"28\"></label>"
           "<span id=\"sessions-count\" class=\"note\"></span></div><table><thead><tr><th>id</th>"
           "<th>state</th><th>link</th><th>actor</th><th>first</th><th>last</th>"
           "<th>events</th><th>addresses</th><th>apps</th><th>credential</th></tr></thead>"
           "<tbody id=\"sessions-body\"></tbody></table><button id=\"sessions-more\" "
           "type=\"button\">show more</button></section>");
}

static void section_timeline(struct rep *r, int64_t left_out, int64_t total)
{
    int k;

    put(r, "<section id=\"timeline\"><h2>Timeline</h2>");
    if (left_out > 0) {
        put(r, "<p class=\"warn\">This report holds ");
        num(r, total - left_out);
        put(r, " of the case's ");
        num(r, total);
        put(r, " events (the limit is ");
        num(r, r->limit);
        put(r, ": <code>ftl report --timeline-limit N</code>). The events behind findings come "
               "first, then the earliest. ");
        num(r, left_out);
        put(r, " events are left out; the whole timeline is in <code>ftl export CASE --format "
               "csv</code> or <code>--format jsonl</code>, with the same filters.</p>");
    }
    put(r, "<div class=\"filters\"><input id=\"f-text\" placeholder=\"text, address, rule...\" "
           "size=\"30\"><select id=\"f-category\"><option value=\"\">any category</option>");
    for (k = 0; k < FTL_CHART_SERIES; k++) {
        put(r, "<option>");
        put(r, categories[k]);
        put(r, "</option>");
    }
    put(r, "</select><input id=\"f-actor\" placeholder=\"actor\" size=\"24\"><input id=\"f-from\" "
           "placeholder=\"from 2023-06-18T00:00\" size=\"19\"><input id=\"f-to\" placeholder=\"to\" "
           "size=\"19\"><input id=\"f-session\" placeholder=\"session\" size=\"8\"><button "
           "id=\"f-clear\" type=\"button\">clear</button><span id=\"timeline-count\" "
           "class=\"note\"></span></div><table><thead><tr><th>time (UTC)</th><th>category</th>"
           "<th>source</th><th>action</th><th>actor</th><th>target</th><th>address</th>"
           "<th>link</th><th>session</th><th>findings</th><th>client</th><th>message</th></tr></thead>"
           "<tbody id=\"timeline-body\"></tbody></table><button id=\"timeline-more\" "
           "type=\"button\">show more</button></section>");
}

/* base64 of the SHA-256 of s, for the CSP */
static void csp_hash(const char *s, char out[64])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
    EVP_EncodeBlock((unsigned char *)out, md, (int)n);
}

ftl_rc ftl_report_write(struct ftl_store *s, const struct ftl_report_opts *o, FILE *out,
                        struct ftl_error *err)
{
    struct rep r;
    char js_hash[64], css_hash[64];
    int64_t left_out = 0, total = 0;
    const char *name = o && o->case_name ? o->case_name : ftl_store_path(s);

    memset(&r, 0, sizeof r);
    r.s = s;
    r.db = ftl_store_db(s);
    r.out = out;
    r.err = err;
    r.limit = o && o->timeline_limit > 0 ? o->timeline_limit : FTL_REPORT_TIMELINE_LIMIT;
    csp_hash(ftl_report_js, js_hash);
    csp_hash(ftl_report_css, css_hash);
    put(&r, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src 'sha256-");
    put(&r, js_hash);
    put(&r, "'; style-src 'sha256-");
    put(&r, css_hash);
    put(&r, "'; img-src data:; base-uri 'none'; form-action 'none'\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>ftl report: ");
    text(&r, name);
    put(&r, "</title><style>");
    put(&r, ftl_report_css);
    put(&r, "</style></head><body><header><h1>Forensic timeline report</h1><p>Case file ");
    text(&r, name);
    put(&r, " &middot; made by ftl from the case alone: the same case gives the same report</p>"
            "</header><main><nav><a href=\"#summary\">summary</a><a href=\"#findings\">findings</a>"
            "<a href=\"#sessions\">sessions</a><a href=\"#users\">people</a><a href=\"#charts\">"
            "activity</a><a href=\"#timeline\">timeline</a><a href=\"#evidence\">evidence</a></nav>");
    section_summary(&r);
    section_findings(&r);
    section_sessions(&r);
    section_users(&r);
    section_charts(&r);
    data_block(&r, &left_out, &total);
    section_timeline(&r, left_out, total);
    section_evidence(&r);
    put(&r, "</main><script id=\"ftl-app\">");
    put(&r, ftl_report_js);
    put(&r, "</script></body></html>\n");
    flush(&r, 0);
    ftl_store_exec(s, "DROP TABLE IF EXISTS temp.report_events", NULL);
    ftl_buf_free(&r.b);
    return r.rc;
}
