/*
 * csv.c - the timeline as RFC 4180 CSV that Timesketch imports unchanged:
 * `datetime` (ISO 8601 UTC), `timestamp` (microseconds), `timestamp_desc`,
 * `message`, then the normalized columns. CRLF line ends, UTF-8.
 *
 * Evidence strings are attacker-controlled: a cell that a spreadsheet would
 * run as a formula (starting with = + - @ tab or CR) gets a leading
 * apostrophe (OWASP "CSV injection"); whole integers are left alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/ftltime.h"
#include "exporter.h"

struct csv_out {
    FILE *out;
    struct ftl_buf line, msg;
};

static int is_integer(const char *s)
{
    if (*s == '-')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Appends one cell, quoted where RFC 4180 requires, formula-neutralized. */
static void cell(struct ftl_buf *b, const char *s, int first)
{
    const char *p;
    int quote = 0, neutralize;

    if (!first)
        ftl_buf_addch(b, ',');
    if (!s || !*s)
        return;
    neutralize = strchr("=+-@\t\r", *s) != NULL && !is_integer(s);
    for (p = s; *p; p++)
        if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r') {
            quote = 1;
            break;
        }
    if (quote || neutralize || *s == ' ' || s[strlen(s) - 1] == ' ')
        quote = 1;
    if (quote)
        ftl_buf_addch(b, '"');
    if (neutralize)
        ftl_buf_addch(b, '\'');
    for (p = s; *p; p++) {
        if (*p == '"')
            ftl_buf_addch(b, '"');
        ftl_buf_addch(b, *p);
    }
    if (quote)
        ftl_buf_addch(b, '"');
}

static ftl_rc row_fn(void *vctx, const struct ftl_event_row *r)
{
    struct csv_out *c = vctx;
    char ts[FTL_TIME_ISO_LEN + 1], num[32];
    int k;

    ftl_buf_reset(&c->line);
    ftl_buf_reset(&c->msg);
    ftl_time_format(r->ts_us, ts);
    cell(&c->line, ts, 1);
    snprintf(num, sizeof num, "%lld", (long long)r->ts_us);
    cell(&c->line, num, 0);
    cell(&c->line, ftl_event_ts_desc(r), 0);
    ftl_event_message(r, &c->msg);
    cell(&c->line, c->msg.data, 0);
    for (k = 0; k < FTL_F_COUNT; k++)
        if (k != FTL_F_ATTRS)
            cell(&c->line, r->f[k], 0);
    if (r->session_id > 0) {
        snprintf(num, sizeof num, "%lld", (long long)r->session_id);
        cell(&c->line, num, 0);
    } else
        cell(&c->line, NULL, 0);
    cell(&c->line, r->link_state, 0);
    cell(&c->line, r->link_method, 0);
    cell(&c->line, r->findings, 0);
    cell(&c->line, r->evidence, 0);
    snprintf(num, sizeof num, "%lld", (long long)r->record_no);
    cell(&c->line, num, 0);
    cell(&c->line, r->f[FTL_F_ATTRS], 0);
    ftl_buf_add(&c->line, "\r\n", 2);
    if (fwrite(c->line.data, 1, c->line.len, c->out) != c->line.len)
        return FTL_EIO;
    return FTL_OK;
}

static ftl_rc write_csv(struct ftl_store *s, const struct ftl_filter *f, FILE *out,
                        struct ftl_error *err)
{
    struct csv_out c = { out, { 0 }, { 0 } };
    int k;
    ftl_rc rc;

    ftl_buf_addstr(&c.line, "datetime,timestamp,timestamp_desc,message");
    for (k = 0; k < FTL_F_COUNT; k++)
        if (k != FTL_F_ATTRS)
            ftl_buf_addf(&c.line, ",%s", ftl_field_names[k]);
    ftl_buf_addstr(&c.line, ",session_id,link_state,link_method,findings,evidence,record_no,attrs\r\n");
    if (fwrite(c.line.data, 1, c.line.len, out) != c.line.len)
        rc = FTL_EIO;
    else
        rc = ftl_query_events(s, f, 0, row_fn, &c, err);
    if (rc == FTL_EIO)
        ftl_error_set(err, FTL_EIO, "cannot write the CSV: %s", strerror(errno));
    ftl_buf_free(&c.line);
    ftl_buf_free(&c.msg);
    return rc;
}

const struct ftl_exporter ftl_exporter_csv = {
    .name = "csv",
    .summary = "RFC 4180 CSV timeline, Timesketch-ready (datetime, timestamp_desc, message)",
    .write = write_csv,
};
