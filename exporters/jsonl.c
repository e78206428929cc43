/*
 * jsonl.c - the timeline as JSON Lines: one object per event, for
 * Timesketch's JSONL import and OpenSearch bulk loading (docs/export.md).
 *
 * Timesketch needs `message`, `datetime` and `timestamp_desc`; the rest is
 * the normalized columns, the session and link state, the rule ids of the
 * findings the event supports, `attrs` as a nested object, and the raw
 * record: nested as `raw` when it is a JSON object, else as text in
 * `raw_text`. Absent values are left out rather than written as null, so
 * a field's type never changes between documents. Evidence text is
 * attacker-controlled: bytes that are not UTF-8 are written as U+FFFD, so
 * every line is valid JSON.
 */
#include <errno.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../core/buf.h"
#include "../core/ftltime.h"
#include "../core/json.h"
#include "../core/reader.h"
#include "exporter.h"

struct jsonl_out {
    FILE *out;
    struct ftl_buf line, msg, clean;
};

/* s as UTF-8: each byte that does not belong to a valid sequence becomes
 * U+FFFD. Returns s itself when it is valid. */
static const char *utf8_clean(const char *s, size_t len, struct ftl_buf *b, size_t *outlen)
{
    long bad = ftl_utf8_invalid(s, len);

    if (bad < 0) {
        *outlen = len;
        return s;
    }
    ftl_buf_reset(b);
    while (len) {
        ftl_buf_add(b, s, (size_t)bad);
        ftl_buf_addstr(b, "\xef\xbf\xbd");
        s += bad + 1;
        len -= (size_t)bad + 1;
        bad = ftl_utf8_invalid(s, len);
        if (bad < 0) {
            ftl_buf_add(b, s, len);
            break;
        }
    }
    *outlen = b->len;
    return ftl_buf_str(b);
}

static void str_field(struct jsonl_out *c, struct ftl_jw *w, const char *key, const char *v)
{
    size_t n;

    if (!v)
        return;
    v = utf8_clean(v, strlen(v), &c->clean, &n);
    ftl_jw_key(w, key);
    ftl_json_escape(w->b, v, n);
}

/*
 * If s is one JSON object (and nothing else but white space), appends it to
 * out without the white space between tokens (a pretty-printed CloudTrail
 * record must not break the one-line framing) and returns 1. The text is
 * kept as written otherwise: numbers are not re-printed, so no precision is
 * lost. A control character inside a string (which cJSON accepts but JSON
 * does not) makes it not JSON: it goes out as raw_text.
 */
static int json_object_min(const char *s, size_t n, struct ftl_buf *out)
{
    const char *end = NULL;
    size_t i, start = out->len;
    cJSON *t;
    int ok, in_string = 0;

    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        n--;
    }
    if (!n || *s != '{' || ftl_utf8_invalid(s, n) >= 0 || memchr(s, '\0', n))
        return 0;
    t = cJSON_ParseWithLengthOpts(s, n, &end, 0);
    ok = cJSON_IsObject(t);
    cJSON_Delete(t);
    if (!ok)
        return 0;
    for (; end && end < s + n; end++)
        if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n')
            return 0;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (in_string) {
            if (ch < 0x20) {
                out->len = start;
                return 0;
            }
            ftl_buf_addch(out, (char)ch);
            if (ch == '\\' && i + 1 < n)
                ftl_buf_addch(out, s[++i]);
            else if (ch == '"')
                in_string = 0;
        } else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
            ftl_buf_addch(out, (char)ch);
            in_string = ch == '"';
        }
    }
    return 1;
}

static ftl_rc row_fn(void *vctx, const struct ftl_event_row *r)
{
    struct jsonl_out *c = vctx;
    char ts[FTL_TIME_ISO_LEN + 1];
    struct ftl_jw w;
    int k;

    ftl_buf_reset(&c->line);
    ftl_buf_reset(&c->msg);
    ftl_time_format(r->ts_us, ts);
    ftl_event_message(r, &c->msg);
    ftl_jw_begin(&w, &c->line);
    ftl_jw_str(&w, "datetime", ts);
    ftl_jw_int(&w, "timestamp", r->ts_us);
    ftl_jw_str(&w, "timestamp_desc", ftl_event_ts_desc(r));
    str_field(c, &w, "message", c->msg.data);
    for (k = 0; k < FTL_F_COUNT; k++)
        if (k != FTL_F_ATTRS)
            str_field(c, &w, ftl_field_names[k], r->f[k]);
    if (r->session_id > 0)
        ftl_jw_int(&w, "session_id", r->session_id);
    ftl_jw_str(&w, "link_state", r->link_state);
    ftl_jw_str(&w, "link_method", r->link_method);
    if (r->findings) {
        const char *p = r->findings;

        ftl_jw_key(&w, "findings");
        ftl_buf_addch(&c->line, '[');
        while (*p) {
            size_t n = strcspn(p, " ");

            if (p != r->findings)
                ftl_buf_addch(&c->line, ',');
            ftl_json_escape(&c->line, p, n);
            p += n;
            p += *p == ' ';
        }
        ftl_buf_addch(&c->line, ']');
    }
    str_field(c, &w, "evidence", r->evidence);
    ftl_jw_int(&w, "record_no", r->record_no);
    ftl_jw_int(&w, "event_id", r->id);
    /* attrs is ftl's own JSON object */
    if (r->f[FTL_F_ATTRS] && r->f[FTL_F_ATTRS][0] == '{')
        ftl_jw_raw(&w, "attrs", r->f[FTL_F_ATTRS], strlen(r->f[FTL_F_ATTRS]));
    if (r->raw && r->raw_len > 0) {
        size_t mark = c->line.len;
        int fields = w.n;

        ftl_jw_key(&w, "raw");
        if (!json_object_min(r->raw, (size_t)r->raw_len, &c->line)) {
            size_t n;
            const char *v = utf8_clean(r->raw, (size_t)r->raw_len, &c->clean, &n);

            /* not a JSON object: take the key back, write raw_text */
            c->line.len = mark;
            w.n = fields;
            ftl_jw_key(&w, "raw_text");
            ftl_json_escape(&c->line, v, n);
        }
    }
    ftl_jw_end(&w);
    ftl_buf_addch(&c->line, '\n');
    if (fwrite(c->line.data, 1, c->line.len, c->out) != c->line.len)
        return FTL_EIO;
    return FTL_OK;
}

static ftl_rc write_jsonl(struct ftl_store *s, const struct ftl_filter *f, FILE *out,
                          struct ftl_error *err)
{
    struct jsonl_out c = { out, { 0 }, { 0 }, { 0 } };
    ftl_rc rc;

    rc = ftl_query_events(s, f, 1, row_fn, &c, err);
    if (rc == FTL_EIO)
        ftl_error_set(err, FTL_EIO, "cannot write the JSON Lines: %s", strerror(errno));
    ftl_buf_free(&c.line);
    ftl_buf_free(&c.msg);
    ftl_buf_free(&c.clean);
    return rc;
}

const struct ftl_exporter ftl_exporter_jsonl = {
    .name = "jsonl",
    .summary = "JSON Lines: one object per event with the raw record nested (Timesketch, OpenSearch)",
    .write = write_jsonl,
};
