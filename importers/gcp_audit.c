/*
 * gcp_audit.c - Google Cloud audit logs (FORMATS.md section 3).
 *
 * Shapes:
 *   json_lines  one LogEntry per line, as a Cloud Storage sink writes it
 *   json_array  `gcloud logging read --format=json` and the Logs Explorer
 *               download: a JSON array of LogEntry (also {"entries":[...]}
 *               as the entries.list API returns it)
 *
 * Audit entries (protoPayload, an AuditLog) are fully normalized; entries
 * with jsonPayload or textPayload are kept as `other` events, never
 * rejected. Times carry up to nine fraction digits: they are truncated to
 * microseconds, never rounded. docs/mapping.md documents every column.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/buf.h"
#include "../core/ftltime.h"
#include "../core/importer.h"
#include "../core/json.h"
#include "../core/text.h"

enum key {
    K_INSERTID, K_LOGNAME, K_TIMESTAMP, K_RECEIVE, K_SEVERITY, K_RESOURCE,
    K_PROTO, K_JSON, K_TEXT, K_OPERATION, K_TRACE, K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "insertId", "logName", "timestamp", "receiveTimestamp", "severity", "resource",
    "protoPayload", "jsonPayload", "textPayload", "operation", "trace",
};

static struct ftl_json_keyset keys = FTL_JSON_KEYSET(key_names, K_COUNT);

static const char *const wrap_keys[] = { "entries", NULL };

#define MESSAGE_MAX 256   /* bytes of a non-audit entry's text kept in attrs */

struct gcp {
    struct ftl_import *imp;
    struct ftl_buf scratch, attrs;
};

static const cJSON *obj_in(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItem(obj, key) : NULL;

    return cJSON_IsObject(v) ? v : NULL;
}

/* A scalar member as text (a number where text belongs keeps its text). */
static const char *text_in(const cJSON *obj, const char *key, char *num)
{
    const char *s = cJSON_IsObject(obj) ? ftl_json_scalar(cJSON_GetObjectItem(obj, key), num) : NULL;

    return s && *s ? s : NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * logName is "<parent>/logs/<url-encoded log id>", parent being
 * projects/P, organizations/O, folders/F or billingAccounts/B. Appends the
 * parent and the decoded log id to b; returns 0, or -1 if name has no
 * "/logs/".
 */
static int split_logname(struct ftl_buf *b, const char *name, size_t *parent, size_t *log_id)
{
    const char *p = strstr(name, "/logs/"), *q;
    int hi, lo;

    if (!p)
        return -1;
    *parent = b->len;
    ftl_buf_add(b, name, (size_t)(p - name));
    ftl_buf_addch(b, '\0');
    *log_id = b->len;
    for (q = p + 6; *q; q++) {
        if (*q == '%' && (hi = hexval(q[1])) >= 0 && (lo = hexval(q[2])) >= 0) {
            ftl_buf_addch(b, (char)(hi * 16 + lo));
            q += 2;
        } else {
            ftl_buf_addch(b, *q);
        }
    }
    ftl_buf_addch(b, '\0');
    return 0;
}

/* Appends at most max bytes of s to b, cut at a UTF-8 character boundary. */
static size_t keep_prefix(struct ftl_buf *b, const char *s, size_t max)
{
    size_t off = b->len;

    ftl_buf_add(b, s, ftl_utf8_cut(s, strlen(s), max));
    ftl_buf_addch(b, '\0');
    return off;
}

/* "ADD roles/owner user:x@example.com; REMOVE ..." from a policyDelta. */
static size_t binding_deltas(struct ftl_buf *b, const cJSON *pp)
{
    const cJSON *delta = obj_in(obj_in(pp, "serviceData"), "policyDelta"), *d;
    size_t off = b->len;
    int n = 0;

    if (!delta)
        delta = obj_in(obj_in(pp, "metadata"), "policyDelta");
    if (!delta)
        return FTL_BUF_NONE;
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(delta, "bindingDeltas")) {
        const char *action = ftl_json_str(d, "action"), *role = ftl_json_str(d, "role");
        const char *member = ftl_json_str(d, "member");

        ftl_buf_addf(b, "%s%s %s %s", n++ ? "; " : "", action ? action : "?",
                     role ? role : "?", member ? member : "?");
    }
    if (n == 0)
        return FTL_BUF_NONE;
    ftl_buf_addch(b, '\0');
    return off;
}

/* serviceAccountDelegationInfo: the first-party principals, in order. */
static size_t delegation(struct ftl_buf *b, const cJSON *auth)
{
    const cJSON *list = cJSON_IsObject(auth) ? cJSON_GetObjectItem(auth, "serviceAccountDelegationInfo") : NULL;
    const cJSON *d;
    size_t off = b->len;
    int n = 0;

    cJSON_ArrayForEach(d, list) {
        const char *who = ftl_json_str(obj_in(d, "firstPartyPrincipal"), "principalEmail");

        if (!who)
            who = ftl_json_str(d, "principalSubject");
        if (who)
            ftl_buf_addf(b, "%s%s", n++ ? ", " : "", who);
    }
    if (n == 0)
        return FTL_BUF_NONE;
    ftl_buf_addch(b, '\0');
    return off;
}

static ftl_rc normalize(struct gcp *g, const cJSON *r, const struct ftl_record *rec)
{
    struct ftl_event ev;
    struct ftl_jw w;
    const cJSON *k[K_COUNT], *pp, *auth, *meta, *status, *authz, *z;
    const char *s, *time_source = NULL, *code = NULL, *granted = NULL, *perm = NULL;
    size_t parent = FTL_BUF_NONE, log_id = FTL_BUF_NONE, actor = FTL_BUF_NONE;
    size_t ip = FTL_BUF_NONE, deltas = FTL_BUF_NONE, chain = FTL_BUF_NONE, msg = FTL_BUF_NONE;
    char ipbuf[FTL_IP_MAX], n1[32], n2[32], n3[32], n4[32];

    ftl_event_init(&ev, rec);
    ftl_json_pick(&keys, r, k);
    ftl_buf_reset(&g->scratch);
    ftl_buf_reset(&g->attrs);

    if ((s = ftl_json_sval(k[K_TIMESTAMP])) != NULL) {
        if (ftl_time_parse_iso8601(s, strlen(s), &ev.ts_us) != 0)
            return ftl_import_reject(g->imp, rec, "cannot parse timestamp '%.64s'", s);
    } else if ((s = ftl_json_sval(k[K_RECEIVE])) != NULL) {
        if (ftl_time_parse_iso8601(s, strlen(s), &ev.ts_us) != 0)
            return ftl_import_reject(g->imp, rec, "no timestamp and cannot parse receiveTimestamp '%.64s'", s);
        time_source = "receiveTimestamp";
    } else if (k[K_TIMESTAMP]) {
        return ftl_import_reject(g->imp, rec, "timestamp is not a text timestamp");
    } else {
        return ftl_import_reject(g->imp, rec, "no timestamp or receiveTimestamp in the entry");
    }

    if ((s = ftl_json_sval(k[K_LOGNAME])) != NULL)
        split_logname(&g->scratch, s, &parent, &log_id);

    pp = cJSON_IsObject(k[K_PROTO]) ? k[K_PROTO] : NULL;
    auth = obj_in(pp, "authenticationInfo");
    meta = obj_in(pp, "requestMetadata");
    status = obj_in(pp, "status");
    if (pp) {
        s = ftl_json_str(auth, "principalEmail");
        if (!s)
            s = ftl_json_str(auth, "principalSubject");
        if (s) {
            actor = g->scratch.len;
            ftl_lower_trim(&g->scratch, s);   /* NUL-terminated */
        }
        if ((s = text_in(meta, "callerIp", n1)) != NULL && ftl_ip_normalize(s, ipbuf))
            ip = ftl_buf_keep(&g->scratch, ipbuf);
        code = text_in(status, "code", n2);
        deltas = binding_deltas(&g->scratch, pp);
        chain = delegation(&g->scratch, auth);
        authz = cJSON_GetObjectItem(pp, "authorizationInfo");
        cJSON_ArrayForEach(z, authz) {
            if (!perm)
                perm = ftl_json_str(z, "permission");
            /* one permission refused is what matters */
            if (cJSON_IsFalse(cJSON_GetObjectItem(z, "granted")))
                granted = "false";
            else if (!granted && cJSON_IsTrue(cJSON_GetObjectItem(z, "granted")))
                granted = "true";
        }
    } else {
        s = ftl_json_sval(k[K_TEXT]);
        if (!s)
            s = ftl_json_str(k[K_JSON], "message");
        if (s)
            msg = keep_prefix(&g->scratch, s, MESSAGE_MAX);
    }

    ev.f[FTL_F_SOURCE] = "gcp_audit";
    if (pp) {
        ev.f[FTL_F_CATEGORY] = FTL_CAT_CLOUD;
        ev.f[FTL_F_ACTION] = text_in(pp, "methodName", n3);
        ev.f[FTL_F_OUTCOME] = code && strcmp(code, "0") != 0 ? "failure" : "success";
        ev.f[FTL_F_ACTOR] = ftl_buf_at(&g->scratch, actor);
        ev.f[FTL_F_TARGET] = ftl_json_str(pp, "resourceName");
        ev.f[FTL_F_SRC_IP] = ftl_buf_at(&g->scratch, ip);
        ev.f[FTL_F_USER_AGENT] = ftl_json_str(meta, "callerSuppliedUserAgent");
        ev.f[FTL_F_SESSION_KEY] = ftl_json_str(auth, "serviceAccountKeyName");
    } else {
        ev.f[FTL_F_CATEGORY] = FTL_CAT_OTHER;
        ev.f[FTL_F_ACTION] = ftl_buf_at(&g->scratch, log_id);
        ev.f[FTL_F_OUTCOME] = "unknown";
    }
    ev.f[FTL_F_CORRELATION_ID] = ftl_json_str(k[K_OPERATION], "id");
    ev.f[FTL_F_NATIVE_ID] = text_in(r, "insertId", n4);

    ftl_jw_begin(&w, &g->attrs);
    ftl_jw_str(&w, "service", ftl_json_str(pp, "serviceName"));
    s = ftl_buf_at(&g->scratch, log_id);
    if (s && strncmp(s, "cloudaudit.googleapis.com/", 26) == 0)
        ftl_jw_str(&w, "log_type", s + 26);
    else
        ftl_jw_str(&w, "log_id", s);
    ftl_jw_str(&w, "log_parent", ftl_buf_at(&g->scratch, parent));
    ftl_jw_str(&w, "severity", ftl_json_sval(k[K_SEVERITY]));
    ftl_jw_str(&w, "resource_type", ftl_json_str(k[K_RESOURCE], "type"));
    ftl_jw_str(&w, "project", ftl_json_str(obj_in(k[K_RESOURCE], "labels"), "project_id"));
    ftl_jw_str(&w, "principal_subject", ftl_json_str(auth, "principalSubject"));
    ftl_jw_str(&w, "delegation_chain", ftl_buf_at(&g->scratch, chain));
    ftl_jw_str(&w, "caller_network", ftl_json_str(meta, "callerNetwork"));
    ftl_jw_str(&w, "permission", perm);
    ftl_jw_str(&w, "granted", granted);
    ftl_jw_str(&w, "status_code", code);
    ftl_jw_str(&w, "status_message", ftl_json_str(status, "message"));
    ftl_jw_str(&w, "binding_deltas", ftl_buf_at(&g->scratch, deltas));
    ftl_jw_str(&w, "message", ftl_buf_at(&g->scratch, msg));
    ftl_jw_str(&w, "time_source", time_source);
    ftl_jw_end(&w);
    ev.f[FTL_F_ATTRS] = g->attrs.data;
    return g->imp->sink->event(g->imp->sink, &ev);
}

static ftl_rc record(void *ctx, const cJSON *r, const struct ftl_record *rec)
{
    return normalize(ctx, r, rec);
}

static ftl_rc import(struct ftl_import *imp)
{
    struct gcp g;
    ftl_rc rc;

    memset(&g, 0, sizeof g);
    g.imp = imp;
    rc = ftl_import_json_objects(imp, wrap_keys, record, &g);
    imp->variant = imp->in->json_mode == 1 ? "json_lines" : "json_array";
    ftl_buf_free(&g.scratch);
    ftl_buf_free(&g.attrs);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    char c = ftl_head_first(h);

    if (c != '{' && c != '[')
        return 0;
    if (!ftl_head_has(h, "\"insertid\"") || !ftl_head_has(h, "\"logname\""))
        return 0;
    if (ftl_head_has(h, "\"protopayload\"") || ftl_head_has(h, "cloudaudit.googleapis.com"))
        return FTL_SNIFF_SURE;
    return 70;   /* LogEntry without audit payloads so far: still ours */
}

const struct ftl_importer ftl_importer_gcp_audit = {
    .name = "gcp_audit",
    .source = "gcp_audit",
    .summary = "Google Cloud audit logs (Cloud Logging LogEntry)",
    .variants = "JSON Lines (Cloud Storage sinks); JSON array (gcloud logging read "
                "--format=json, Logs Explorer download, {\"entries\":[...]})",
    .ts_desc = "Cloud Logging timestamp",
    .sniff = sniff,
    .import = import,
};
