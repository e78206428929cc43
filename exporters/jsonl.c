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

/* ---- a strict JSON check (RFC 8259), for the raw record ----
 * cJSON is lenient (it takes 007, 1., a control character inside a string
 * or as white space); a record copied into a JSON Lines file must be JSON by
 * the grammar, or it goes out as raw_text. */

struct jscan {
    const char *p, *end;
    struct ftl_buf *out;   /* where the record goes, white space removed */
    int depth;
};

#define JSCAN_MAX_DEPTH 1000   /* as deep as cJSON parses */

static int jvalue(struct jscan *j);

static void jws(struct jscan *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int jcopy(struct jscan *j, const char *from)
{
    ftl_buf_add(j->out, from, (size_t)(j->p - from));
    return 1;
}

static int jstring(struct jscan *j)
{
    const char *from = j->p++;

    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p++;

        if (c == '"')
            return jcopy(j, from);
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (j->p >= j->end)
                return 0;
            c = (unsigned char)*j->p++;
            if (c == 'u') {
                int k;

                for (k = 0; k < 4; k++, j->p++)
                    if (j->p >= j->end || !((*j->p >= '0' && *j->p <= '9') ||
                                           (*j->p >= 'a' && *j->p <= 'f') ||
                                           (*j->p >= 'A' && *j->p <= 'F')))
                        return 0;
            } else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
                return 0;
            }
        }
    }
    return 0;
}

static int jdigits(struct jscan *j)
{
    const char *from = j->p;

    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > from;
}

static int jnumber(struct jscan *j)
{
    const char *from = j->p;

    if (*j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (!jdigits(j))
        return 0;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!jdigits(j))
            return 0;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (!jdigits(j))
            return 0;
    }
    return jcopy(j, from);
}

static int jword(struct jscan *j, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return 0;
    ftl_buf_add(j->out, w, n);
    j->p += n;
    return 1;
}

/* object or array: open, members separated by ',', close */
static int jcontainer(struct jscan *j, char open, char close)
{
    int first = 1;

    if (++j->depth > JSCAN_MAX_DEPTH)
        return 0;
    j->p++;
    ftl_buf_addch(j->out, open);
    for (;;) {
        jws(j);
        if (j->p >= j->end)
            return 0;
        if (*j->p == close && first) {
            j->p++;
            break;
        }
        if (open == '{') {
            if (*j->p != '"' || !jstring(j))
                return 0;
            jws(j);
            if (j->p >= j->end || *j->p != ':')
                return 0;
            j->p++;
            ftl_buf_addch(j->out, ':');
            jws(j);
        }
        if (!jvalue(j))
            return 0;
        jws(j);
        if (j->p >= j->end)
            return 0;
        if (*j->p == ',') {
            j->p++;
            ftl_buf_addch(j->out, ',');
            first = 0;
            continue;
        }
        if (*j->p != close)
            return 0;
        j->p++;
        break;
    }
    ftl_buf_addch(j->out, close);
    j->depth--;
    return 1;
}

static int jvalue(struct jscan *j)
{
    if (j->p >= j->end)
        return 0;
    switch (*j->p) {
    case '{': return jcontainer(j, '{', '}');
    case '[': return jcontainer(j, '[', ']');
    case '"': return jstring(j);
    case 't': return jword(j, "true");
    case 'f': return jword(j, "false");
    case 'n': return jword(j, "null");
    default:
        if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
            return jnumber(j);
        return 0;
    }
}

/*
 * If s is one JSON object by the strict grammar (and nothing else but white
 * space), appends it to out without the white space between tokens (a
 * pretty-printed CloudTrail record must not break the one-line framing) and
 * returns 1. The tokens are kept as written: numbers are not re-printed, so
 * no precision is lost. Otherwise out is left as it was and 0 returned.
 */
static int json_object_min(const char *s, size_t n, struct ftl_buf *out)
{
    struct jscan j = { s, s + n, out, 0 };
    size_t start = out->len;

    jws(&j);
    if (j.p >= j.end || *j.p != '{' || ftl_utf8_invalid(s, n) >= 0 || !jvalue(&j)) {
        out->len = start;
        return 0;
    }
    jws(&j);
    if (j.p != j.end) {
        out->len = start;
        return 0;
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
