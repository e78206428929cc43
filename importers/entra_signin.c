/*
 * entra_signin.c - Entra ID (Azure AD) sign-in logs (FORMATS.md section 2).
 *
 * Shapes:
 *   graph_json     Microsoft Graph signIns: {"value":[...]} pages, bare
 *                  arrays (the portal's JSON download), JSON Lines; Graph
 *                  PowerShell output is the same in PascalCase (member names
 *                  are matched case-insensitively)
 *   azure_monitor  diagnostic records (time, category, properties{...}) of
 *                  every sign-in category, wrapped in {"records":[...]} or
 *                  one per line (storage PT1H.json)
 *   portal_csv     the portal's CSV download, columns found by normalized name
 *
 * The sign-in's uniqueTokenIdentifier and session id are what correlation
 * matches mailbox access against (DESIGN.md); docs/mapping.md documents
 * every column.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/buf.h"
#include "../core/ftltime.h"
#include "../core/importer.h"
#include "../core/json.h"
#include "../core/text.h"

enum key {
    K_ID, K_CREATED, K_UPN, K_USERID, K_APPID, K_APPNAME, K_IP, K_CLIENTAPP,
    K_CORRELATION, K_INTERACTIVE, K_STATUS, K_LOCATION, K_DEVICE, K_USERAGENT,
    K_TOKEN, K_SESSION, K_PROTOCOL, K_CASTATUS, K_RISKLEVEL, K_RISKTYPES, K_ASN,
    K_RESOURCE, K_RESOURCEID, K_HOMETENANT, K_RESOURCETENANT, K_SPID, K_SPNAME,
    K_EVENTTYPES, K_TENANT, K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "id", "createdDateTime", "userPrincipalName", "userId", "appId", "appDisplayName",
    "ipAddress", "clientAppUsed", "correlationId", "isInteractive", "status", "location",
    "deviceDetail", "userAgent", "uniqueTokenIdentifier", "sessionId",
    "authenticationProtocol", "conditionalAccessStatus", "riskLevelDuringSignIn",
    "riskEventTypes_v2", "autonomousSystemNumber", "resourceDisplayName", "resourceId",
    "homeTenantId", "resourceTenantId", "servicePrincipalId", "servicePrincipalName",
    "signInEventTypes", "tenantId",
};

static struct ftl_json_keyset keys = FTL_JSON_KEYSET(key_names, K_COUNT);

static const char *const wrap_keys[] = { "value", "records", NULL };

/* Azure Monitor categories and the action each sign-in gets */
static const struct {
    const char *category, *action;
} categories[] = {
    { "SignInLogs", "UserSignIn" },
    { "NonInteractiveUserSignInLogs", "NonInteractiveUserSignIn" },
    { "ServicePrincipalSignInLogs", "ServicePrincipalSignIn" },
    { "ManagedIdentitySignInLogs", "ManagedIdentitySignIn" },
    { "ADFSSignInLogs", "ADFSSignIn" },
};

struct entra {
    struct ftl_import *imp;
    struct ftl_buf scratch, attrs;
    int monitor;
};

#define NO_OFF ((size_t)-1)

static size_t keep(struct entra *e, const char *s)
{
    size_t off = e->scratch.len;

    ftl_buf_addstr(&e->scratch, s);
    ftl_buf_addch(&e->scratch, '\0');
    return off;
}

static const char *at(const struct entra *e, size_t off)
{
    return off == NO_OFF ? NULL : e->scratch.data + off;
}

/*
 * A time as Graph (ISO 8601) or Windows PowerShell 5.1's ConvertTo-Json
 * ("/Date(1687162200000)/", milliseconds since the epoch) writes it.
 */
static int parse_time(const char *s, int64_t *ts)
{
    const char *p;
    char *end;
    long long ms;

    if (ftl_time_parse_iso8601(s, strlen(s), ts) == 0)
        return 0;
    if ((p = strchr(s, ',')) != NULL && p - s < 12) {
        /* the portal's US display text: "6/19/2023, 11:02:18 AM" */
        char buf[64];
        size_t n = strlen(s);

        if (n < sizeof buf) {
            memcpy(buf, s, (size_t)(p - s));
            memcpy(buf + (p - s), p + 1, n - (size_t)(p - s));
            if (ftl_time_parse_us(buf, strlen(buf), ts) == 0)
                return 0;
        }
    }
    p = strstr(s, "Date(");
    if (!p)
        return -1;
    ms = strtoll(p + 5, &end, 10);
    if (end == p + 5 || (*end != ')' && *end != '+' && *end != '-'))
        return -1;
    if (ms < -62135596800000LL || ms > 253402300799999LL)
        return -1;
    *ts = (int64_t)ms * 1000;
    return 0;
}

static int is_false(const cJSON *v)
{
    return cJSON_IsFalse(v) ||
           (cJSON_IsString(v) && v->valuestring && strcasecmp(v->valuestring, "false") == 0);
}

/*
 * Normalizes one sign-in object s. category is the Azure Monitor category
 * (or NULL), fallback_time the diagnostic record's time.
 */
static ftl_rc normalize(struct entra *e, const cJSON *s, const struct ftl_record *rec,
                        const char *category, const char *fallback_time,
                        const char *fallback_ip)
{
    struct ftl_event ev;
    struct ftl_jw w;
    const cJSON *k[K_COUNT], *status, *loc, *geo, *dev, *code;
    const char *t, *action = NULL, *time_source = NULL, *ip;
    size_t actor_off = NO_OFF, ip_off = NO_OFF;
    char ipbuf[FTL_IP_MAX], num[32], num2[32];
    int failed;
    size_t i;

    ftl_event_init(&ev, rec);
    ftl_json_pick(&keys, s, k);
    ftl_buf_reset(&e->scratch);
    ftl_buf_reset(&e->attrs);

    if ((t = ftl_json_sval(k[K_CREATED])) != NULL) {
        if (parse_time(t, &ev.ts_us) != 0)
            return ftl_import_reject(e->imp, rec, "cannot parse createdDateTime '%.64s'", t);
    } else if (fallback_time) {
        if (parse_time(fallback_time, &ev.ts_us) != 0)
            return ftl_import_reject(e->imp, rec, "cannot parse time '%.64s'", fallback_time);
        time_source = "time";
    } else if (k[K_CREATED]) {
        return ftl_import_reject(e->imp, rec, "createdDateTime is not a text timestamp");
    } else {
        return ftl_import_reject(e->imp, rec, "no createdDateTime in the sign-in");
    }

    for (i = 0; category && i < sizeof categories / sizeof categories[0]; i++)
        if (strcasecmp(category, categories[i].category) == 0)
            action = categories[i].action;
    if (!action) {
        if (ftl_json_sval(k[K_SPID]) && !ftl_json_sval(k[K_UPN]))
            action = "ServicePrincipalSignIn";
        else if (is_false(k[K_INTERACTIVE]))
            action = "NonInteractiveUserSignIn";
        else
            action = "UserSignIn";
    }

    t = ftl_json_sval(k[K_UPN]);
    if (!t)
        t = ftl_json_sval(k[K_SPNAME]);
    if (!t)
        t = ftl_json_sval(k[K_SPID]);
    if (t) {
        actor_off = e->scratch.len;
        ftl_lower_trim(&e->scratch, t);
    }
    ip = ftl_json_sval(k[K_IP]);
    if (!ip)
        ip = fallback_ip;
    if (ip && ftl_ip_normalize(ip, ipbuf))
        ip_off = keep(e, ipbuf);

    status = cJSON_IsObject(k[K_STATUS]) ? k[K_STATUS] : NULL;
    code = status ? cJSON_GetObjectItem(status, "errorCode") : NULL;
    /* errorCode 0 is success; a number written as text counts the same */
    failed = code && !(cJSON_IsNumber(code) && code->valuedouble == 0) &&
             !(cJSON_IsString(code) && code->valuestring && strcmp(code->valuestring, "0") == 0);

    ev.f[FTL_F_SOURCE] = "entra_signin";
    ev.f[FTL_F_CATEGORY] = FTL_CAT_SIGNIN;
    ev.f[FTL_F_ACTION] = action;
    ev.f[FTL_F_OUTCOME] = code ? (failed ? "failure" : "success") : "unknown";
    ev.f[FTL_F_ACTOR] = at(e, actor_off);
    ev.f[FTL_F_TARGET] = ftl_json_sval(k[K_RESOURCE]);
    if (!ev.f[FTL_F_TARGET])
        ev.f[FTL_F_TARGET] = ftl_json_sval(k[K_RESOURCEID]);
    ev.f[FTL_F_SRC_IP] = at(e, ip_off);
    ev.f[FTL_F_USER_AGENT] = ftl_json_sval(k[K_USERAGENT]);
    ev.f[FTL_F_APP_ID] = ftl_json_sval(k[K_APPID]);
    ev.f[FTL_F_SESSION_KEY] = ftl_json_sval(k[K_SESSION]);
    ev.f[FTL_F_TOKEN_ID] = ftl_json_sval(k[K_TOKEN]);
    ev.f[FTL_F_CORRELATION_ID] = ftl_json_sval(k[K_CORRELATION]);
    ev.f[FTL_F_NATIVE_ID] = ftl_json_sval(k[K_ID]);

    loc = cJSON_IsObject(k[K_LOCATION]) ? k[K_LOCATION] : NULL;
    geo = loc ? cJSON_GetObjectItem(loc, "geoCoordinates") : NULL;
    dev = cJSON_IsObject(k[K_DEVICE]) ? k[K_DEVICE] : NULL;
    ftl_jw_begin(&w, &e->attrs);
    ftl_jw_str(&w, "signin_category", category);
    if (k[K_INTERACTIVE])
        ftl_jw_bool(&w, "interactive", !is_false(k[K_INTERACTIVE]));
    ftl_jw_str(&w, "client_app_used", ftl_json_sval(k[K_CLIENTAPP]));
    ftl_jw_str(&w, "authentication_protocol", ftl_json_sval(k[K_PROTOCOL]));
    ftl_jw_str(&w, "conditional_access_status", ftl_json_sval(k[K_CASTATUS]));
    ftl_jw_str(&w, "risk_level", ftl_json_sval(k[K_RISKLEVEL]));
    if (cJSON_IsArray(k[K_RISKTYPES]) && cJSON_GetArraySize(k[K_RISKTYPES]) > 0) {
        char *arr = cJSON_PrintUnformatted(k[K_RISKTYPES]);

        if (arr)
            ftl_jw_raw(&w, "risk_event_types", arr, strlen(arr));
        cJSON_free(arr);   /* arena memory: goes with the next reset */
    }
    ftl_jw_str(&w, "error_code", code ? ftl_json_scalar(code, num) : NULL);
    ftl_jw_str(&w, "failure_reason", status ? ftl_json_str(status, "failureReason") : NULL);
    if (loc) {
        ftl_jw_str(&w, "city", ftl_json_str(loc, "city"));
        ftl_jw_str(&w, "state", ftl_json_str(loc, "state"));
        ftl_jw_str(&w, "country", ftl_json_str(loc, "countryOrRegion"));
    }
    if (cJSON_IsObject(geo)) {
        const cJSON *lat = cJSON_GetObjectItem(geo, "latitude");
        const cJSON *lon = cJSON_GetObjectItem(geo, "longitude");

        /* written as JSON numbers: only finite ones (1e999 parses as inf) */
        if (cJSON_IsNumber(lat) && cJSON_IsNumber(lon) && isfinite(lat->valuedouble) &&
            isfinite(lon->valuedouble)) {
            const char *la = ftl_json_scalar(lat, num), *lo = ftl_json_scalar(lon, num2);

            ftl_jw_raw(&w, "latitude", la, strlen(la));
            ftl_jw_raw(&w, "longitude", lo, strlen(lo));
        }
    }
    ftl_jw_str(&w, "asn", ftl_json_scalar(k[K_ASN], num));
    ftl_jw_str(&w, "app_display_name", ftl_json_sval(k[K_APPNAME]));
    ftl_jw_str(&w, "resource_id", ftl_json_sval(k[K_RESOURCEID]));
    ftl_jw_str(&w, "user_id", ftl_json_sval(k[K_USERID]));
    ftl_jw_str(&w, "service_principal_id", ftl_json_sval(k[K_SPID]));
    ftl_jw_str(&w, "home_tenant_id", ftl_json_sval(k[K_HOMETENANT]));
    ftl_jw_str(&w, "resource_tenant_id", ftl_json_sval(k[K_RESOURCETENANT]));
    ftl_jw_str(&w, "tenant_id", ftl_json_sval(k[K_TENANT]));
    if (dev) {
        ftl_jw_str(&w, "device_id", ftl_json_str(dev, "deviceId"));
        ftl_jw_str(&w, "device_os", ftl_json_str(dev, "operatingSystem"));
        ftl_jw_str(&w, "device_browser", ftl_json_str(dev, "browser"));
        ftl_jw_str(&w, "device_trust", ftl_json_str(dev, "trustType"));
    }
    ftl_jw_str(&w, "time_source", time_source);
    ftl_jw_end(&w);
    ev.f[FTL_F_ATTRS] = e->attrs.data;
    return e->imp->sink->event(e->imp->sink, &ev);
}

static ftl_rc json_record(void *ctx, const cJSON *root, const struct ftl_record *rec)
{
    struct entra *e = ctx;
    const cJSON *props = cJSON_GetObjectItem(root, "properties");

    if (cJSON_IsObject(props) && ftl_json_str(root, "category")) {
        /* Azure Monitor: the sign-in is inside properties */
        e->monitor = 1;
        return normalize(e, props, rec, ftl_json_str(root, "category"),
                         ftl_json_str(root, "time"), ftl_json_str(root, "callerIpAddress"));
    }
    return normalize(e, root, rec, NULL, NULL, NULL);
}

static ftl_rc import_json(struct entra *e)
{
    ftl_rc rc = ftl_import_json_objects(e->imp, wrap_keys, json_record, e);

    e->imp->variant = e->monitor ? "azure_monitor" : "graph_json";
    return rc;
}

/* ---------------------------------------------------------------- CSV */

/*
 * Portal CSV columns (normalized: trimmed, single spaces, lower case, so
 * "Application ID " and "Autonomous system  number" match) and the Graph
 * member each one becomes. The row is rebuilt as a Graph sign-in object and
 * normalized like one. A repeated column name ("Incoming token type") keeps
 * its first cell.
 */
static const struct {
    const char *column, *member;
} csv_columns[] = {
    { "date (utc)", "createdDateTime" },
    { "request id", "id" },
    { "user agent", "userAgent" },
    { "correlation id", "correlationId" },
    { "user id", "userId" },
    { "username", "userPrincipalName" },
    { "unique token identifier", "uniqueTokenIdentifier" },
    { "application", "appDisplayName" },
    { "application id", "appId" },
    { "resource", "resourceDisplayName" },
    { "resource id", "resourceId" },
    { "resource tenant id", "resourceTenantId" },
    { "home tenant id", "homeTenantId" },
    { "ip address", "ipAddress" },
    { "client app", "clientAppUsed" },
    { "authentication protocol", "authenticationProtocol" },
    { "session id", "sessionId" },
    { "autonomous system number", "autonomousSystemNumber" },
    { "conditional access", "conditionalAccessStatus" },
    { "service principal id", "servicePrincipalId" },
    { "service principal name", "servicePrincipalName" },
};

enum { C_LOCATION = 0, C_STATUS, C_ERRORCODE, C_FAILURE, C_DEVICEID, C_BROWSER, C_OS, C_XCOUNT };

static const char *const csv_extra[C_XCOUNT] = {
    "location", "status", "sign-in error code", "failure reason", "device id", "browser",
    "operating system",
};

#define NCOL (sizeof csv_columns / sizeof csv_columns[0])

/* "Seattle, Washington, US": city, state, country (the portal's order) */
static void add_location(cJSON *o, const char *text)
{
    cJSON *loc = cJSON_AddObjectToObject(o, "location");
    const char *names[3] = { "city", "state", "countryOrRegion" };
    const char *p = text, *comma;
    char part[256];
    int i;

    for (i = 0; i < 3 && p && *p; i++) {
        size_t n;

        comma = strchr(p, ',');
        n = comma ? (size_t)(comma - p) : strlen(p);
        if (n >= sizeof part)
            n = sizeof part - 1;
        memcpy(part, p, n);
        part[n] = '\0';
        cJSON_AddStringToObject(loc, names[i], part);
        p = comma ? comma + 1 : NULL;
        while (p && *p == ' ')
            p++;
    }
}

static ftl_rc import_csv(struct entra *e)
{
    struct ftl_input *in = e->imp->in;
    struct ftl_record rec;
    const struct ftl_cell *cells;
    size_t ncells, nheader, i, k;
    int col[NCOL], xcol[C_XCOUNT];
    char name[96];
    ftl_rc rc = FTL_OK;

    if (!ftl_input_csv(in, &rec, &cells, &ncells))
        return FTL_OK;
    in->records--;   /* the header is not a record */
    if (ncells > FTL_CSV_MAX_COLUMNS)
        return ftl_error_set(e->imp->err, FTL_EPARSE,
                             "%s: CSV header has %zu columns, more than %d: not a sign-in export",
                             in->name, ncells, FTL_CSV_MAX_COLUMNS);
    nheader = ncells;
    for (k = 0; k < NCOL; k++)
        col[k] = -1;
    for (k = 0; k < C_XCOUNT; k++)
        xcol[k] = -1;
    for (i = 0; i < ncells; i++) {
        ftl_header_norm(cells[i].p, cells[i].len, name, sizeof name);
        for (k = 0; k < NCOL; k++)
            if (col[k] < 0 && strcmp(name, csv_columns[k].column) == 0)
                col[k] = (int)i;
        for (k = 0; k < C_XCOUNT; k++)
            if (xcol[k] < 0 && strcmp(name, csv_extra[k]) == 0)
                xcol[k] = (int)i;
    }
    if (col[0] < 0 || col[1] < 0)
        return ftl_error_set(e->imp->err, FTL_EPARSE,
                             "%s: CSV header has no 'Date (UTC)' or 'Request ID' column", in->name);
    e->imp->variant = "portal_csv";

    while (rc == FTL_OK && ftl_input_csv(in, &rec, &cells, &ncells)) {
        cJSON *o, *st;
        const char *v;

        if (ncells == 1 && cells[0].len == 0 && rec.problem == FTL_OK) {
            in->records--;   /* blank line */
            continue;
        }
        ftl_json_arena_reset();
        if (ftl_import_check(e->imp, &rec, &rc))
            continue;
        if (ncells != nheader) {
            rc = ftl_import_reject(e->imp, &rec, "row has %zu fields, the header has %zu",
                                   ncells, nheader);
            continue;
        }
#define XCELL(x) (xcol[x] >= 0 && cells[xcol[x]].len ? cells[xcol[x]].p : NULL)
        o = cJSON_CreateObject();
        for (k = 0; k < NCOL; k++)
            if (col[k] >= 0 && cells[col[k]].len)
                cJSON_AddStringToObject(o, csv_columns[k].member, cells[col[k]].p);
        if ((v = XCELL(C_LOCATION)) != NULL)
            add_location(o, v);
        st = cJSON_AddObjectToObject(o, "status");
        v = XCELL(C_ERRORCODE);
        if (!v) {
            /* no code: the Status text (Success, Failure, Interrupted) decides */
            const char *status = XCELL(C_STATUS);

            if (status)
                v = strcasecmp(status, "Success") == 0 ? "0" : status;
        }
        if (v)
            cJSON_AddStringToObject(st, "errorCode", v);
        if ((v = XCELL(C_FAILURE)) != NULL)
            cJSON_AddStringToObject(st, "failureReason", v);
        if (XCELL(C_DEVICEID) || XCELL(C_BROWSER) || XCELL(C_OS)) {
            cJSON *d = cJSON_AddObjectToObject(o, "deviceDetail");

            if ((v = XCELL(C_DEVICEID)) != NULL)
                cJSON_AddStringToObject(d, "deviceId", v);
            if ((v = XCELL(C_BROWSER)) != NULL)
                cJSON_AddStringToObject(d, "browser", v);
            if ((v = XCELL(C_OS)) != NULL)
                cJSON_AddStringToObject(d, "operatingSystem", v);
        }
#undef XCELL
        rc = normalize(e, o, &rec, NULL, NULL, NULL);
        ftl_json_delete(o);
    }
    return rc;
}

static ftl_rc import(struct ftl_import *imp)
{
    struct entra e;
    const char *head;
    size_t len, i = 0;
    ftl_rc rc;

    memset(&e, 0, sizeof e);
    e.imp = imp;
    ftl_input_peek(imp->in, 4096, &head, &len);
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i < len && (head[i] == '{' || head[i] == '[')) {
        rc = import_json(&e);   /* in the JSON loop's own arena */
    } else {
        ftl_json_arena_begin();
        rc = import_csv(&e);
        ftl_json_arena_end();
    }
    ftl_buf_free(&e.scratch);
    ftl_buf_free(&e.attrs);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    char c = ftl_head_first(h);

    if (c == '"' || c == 'D') {
        /* the portal CSV's header starts with Date (UTC) and names Request ID */
        const char *nl = memchr(h->data + h->start, '\n', h->len - h->start);
        size_t eol = nl ? (size_t)(nl - h->data) : h->len;

        return ftl_head_has_in(h, h->start, eol, "date (utc)") &&
                       ftl_head_has_in(h, h->start, eol, "request id") &&
                       ftl_head_has_in(h, h->start, eol, "unique token identifier")
                   ? 85
                   : 0;
    }
    if (c != '{' && c != '[')
        return 0;
    if (ftl_head_has(h, "\"createddatetime\"") &&
        (ftl_head_has(h, "\"userprincipalname\"") || ftl_head_has(h, "\"serviceprincipalid\"")) &&
        (ftl_head_has(h, "\"appid\"") || ftl_head_has(h, "\"ipaddress\"")))
        return 85;
    if (ftl_head_has(h, "signinlogs\"") && ftl_head_has(h, "\"properties\""))
        return 85;
    return 0;
}

const struct ftl_importer ftl_importer_entra_signin = {
    .name = "entra_signin",
    .source = "entra_signin",
    .summary = "Entra ID (Azure AD) sign-in logs",
    .variants = "Microsoft Graph signIns JSON (value pages, arrays, JSON Lines, PowerShell "
                "PascalCase and /Date()/); Azure Monitor diagnostic records of every sign-in "
                "category; Azure portal CSV download",
    .ts_desc = "Sign-in time (createdDateTime)",
    .sniff = sniff,
    .import = import,
};
