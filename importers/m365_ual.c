/*
 * m365_ual.c - Microsoft 365 Unified Audit Log (FORMATS.md section 1).
 *
 * One importer for every shape the UAL reaches investigators in:
 *   json_lines / json_array   Management Activity API or Extractor-style
 *                             AuditData objects (also objects that wrap
 *                             the record in an "AuditData" member)
 *   sentinel                  Sentinel OfficeActivity rows (TimeGenerated,
 *                             OfficeId, nested arrays as JSON strings)
 *   purview_csv               RecordId,CreationDate,...,AuditData,...
 *   purview_classic_csv       CreationDate,UserIds,Operations,AuditData
 *   export_csv                Search-UnifiedAuditLog | Export-Csv
 * CSV columns are found by normalized name, never by position.
 *
 * The mapping to normalized columns is documented in docs/mapping.md; keep
 * the two in step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/buf.h"
#include "../core/ftltime.h"
#include "../core/importer.h"
#include "../core/json.h"
#include "../core/text.h"

/* AuditLogRecordType: the numbers and the enum names Export-Csv writes. */
static const struct {
    int no;
    const char *name;
} record_types[] = {
    { 1, "ExchangeAdmin" },
    { 2, "ExchangeItem" },
    { 3, "ExchangeItemGroup" },
    { 4, "SharePoint" },
    { 6, "SharePointFileOperation" },
    { 7, "OneDrive" },
    { 8, "AzureActiveDirectory" },
    { 9, "AzureActiveDirectoryAccountLogon" },
    { 10, "DataCenterSecurityCmdlet" },
    { 11, "ComplianceDLPSharePoint" },
    { 13, "ComplianceDLPExchange" },
    { 14, "SharePointSharingOperation" },
    { 15, "AzureActiveDirectoryStsLogon" },
    { 18, "SecurityComplianceCenterEOPCmdlet" },
    { 20, "PowerBIAudit" },
    { 25, "MicrosoftTeams" },
    { 36, "SharePointListOperation" },
    { 40, "SecurityComplianceAlerts" },
    { 50, "ExchangeItemAggregated" },
    { 54, "SharePointListItemOperation" },
};

static int record_type_no(const cJSON *v)
{
    size_t i;

    if (cJSON_IsNumber(v))
        return v->valueint;
    if (cJSON_IsString(v) && v->valuestring) {
        char *end;
        long n = strtol(v->valuestring, &end, 10);

        if (end != v->valuestring && *end == '\0' && n >= 0 && n < 100000)
            return (int)n;
        for (i = 0; i < sizeof record_types / sizeof record_types[0]; i++)
            if (strcasecmp(v->valuestring, record_types[i].name) == 0)
                return record_types[i].no;
    }
    return -1;
}

static const char *record_type_name(int no)
{
    size_t i;

    for (i = 0; i < sizeof record_types / sizeof record_types[0]; i++)
        if (record_types[i].no == no)
            return record_types[i].name;
    return NULL;
}

static int in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcasecmp(s, *list) == 0)
            return 1;
    return 0;
}

/* Exchange item operations that change rules, permissions or delegation:
 * mailbox administration even though they arrive as ExchangeItem records. */
static const char *const mail_admin_ops[] = {
    "UpdateInboxRules", "UpdateCalendarDelegation", "AddFolderPermissions",
    "ModifyFolderPermissions", "RemoveFolderPermissions", "UpdateFolderPermissions",
    "Set-MailboxAuditBypassAssociation", NULL,
};

static const char *const signin_ops[] = {
    "UserLoggedIn", "UserLoginFailed", "SignInEvent", NULL,
};

/* "Verb-Noun": the shape of an Exchange cmdlet name */
static int is_cmdlet(const char *op)
{
    const char *dash = op ? strchr(op, '-') : NULL;

    return dash && dash != op && dash[1] && !strchr(op, ' ');
}

static const char *category(int rt, const char *op, const char *workload)
{
    if (in_list(op, signin_ops) || rt == 9 || rt == 15)
        return FTL_CAT_SIGNIN;
    if (in_list(op, mail_admin_ops) || rt == 1)
        return FTL_CAT_MAIL_ADMIN;
    if (rt == 2 || rt == 3 || rt == 50 || (op && strcasecmp(op, "MailItemsAccessed") == 0))
        return FTL_CAT_MAILBOX;
    if (rt == 8)
        return FTL_CAT_DIRECTORY;
    if (rt == 4 || rt == 6 || rt == 7 || rt == 14 || rt == 36 || rt == 54)
        return FTL_CAT_FILE;
    if (workload) {
        if (strcasecmp(workload, "Exchange") == 0)
            return is_cmdlet(op) ? FTL_CAT_MAIL_ADMIN : FTL_CAT_MAILBOX;
        if (strcasecmp(workload, "AzureActiveDirectory") == 0)
            return FTL_CAT_DIRECTORY;
        if (strcasecmp(workload, "SharePoint") == 0 || strcasecmp(workload, "OneDrive") == 0)
            return FTL_CAT_FILE;
    }
    return FTL_CAT_OTHER;
}

/* ---------------------------------------------------------------- state */

enum variant { V_JSON, V_SENTINEL, V_PURVIEW, V_PURVIEW_CLASSIC, V_EXPORT };

static const char *const variant_names[] = {
    [V_JSON] = "json", [V_SENTINEL] = "sentinel_officeactivity",
    [V_PURVIEW] = "purview_csv", [V_PURVIEW_CLASSIC] = "purview_classic_csv",
    [V_EXPORT] = "export_csv",
};

/* CSV-level values for one row; NULL when the column is absent */
struct csv_row {
    const char *creation_date, *record_id, *identity, *operations, *user_ids,
        *record_type;
};

struct ual {
    struct ftl_import *imp;
    struct ftl_buf scratch;   /* derived strings, by offset */
    struct ftl_buf attrs;
    cJSON *extra[8];          /* trees parsed from JSON strings (Sentinel) */
    int nextra;
};

/* An array or object member that Sentinel may deliver as a JSON string. */
static const cJSON *get_array(struct ual *u, const cJSON *v)
{
    cJSON *t;

    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        return v;
    if (cJSON_IsString(v) && v->valuestring &&
        (v->valuestring[0] == '[' || v->valuestring[0] == '{') &&
        u->nextra < (int)(sizeof u->extra / sizeof u->extra[0])) {
        t = cJSON_Parse(v->valuestring);
        if (t) {
            u->extra[u->nextra++] = t;
            return t;
        }
    }
    return NULL;
}

static size_t keep(struct ual *u, const char *s)
{
    size_t off = u->scratch.len;

    ftl_buf_addstr(&u->scratch, s);
    ftl_buf_addch(&u->scratch, '\0');
    return off;
}

/* String value of a Name/Value array entry, or NULL */
static const char *nv_str(const cJSON *arr, const char *name, char *numbuf)
{
    const cJSON *v = ftl_json_namevalue(arr, name);
    const char *s = v ? ftl_json_scalar(v, numbuf) : NULL;

    return s && *s ? s : NULL;
}

/* Name/Value array as a JSON object text into attrs, under key */
static void nv_object(struct ftl_jw *w, const char *key, const cJSON *arr)
{
    struct ftl_buf b = { 0 };
    struct ftl_jw o;
    const cJSON *el;
    char num[32];

    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return;
    ftl_jw_begin(&o, &b);
    cJSON_ArrayForEach(el, arr) {
        const char *n = ftl_json_str(el, "Name");
        const cJSON *v = cJSON_GetObjectItem(el, "Value");
        const char *s = v ? ftl_json_scalar(v, num) : NULL;

        if (n)
            ftl_jw_str(&o, n, s ? s : "");
    }
    ftl_jw_end(&o);
    ftl_jw_raw(w, key, b.data, b.len);
    ftl_buf_free(&b);
}

static int is_true(const char *s)
{
    return s && (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

static const char *outcome(const char *op, const char *result, const char *logon_error)
{
    if (op && strcasecmp(op, "UserLoginFailed") == 0)
        return "failure";
    /* "Succeeded" on a sign-in only means the HTTP call worked (FORMATS.md) */
    if (logon_error)
        return "failure";
    if (!result)
        return "unknown";
    if (strcasecmp(result, "Succeeded") == 0 || strcasecmp(result, "Success") == 0 ||
        strcasecmp(result, "True") == 0 || strcasecmp(result, "PartiallySucceeded") == 0)
        return "success";
    if (strcasecmp(result, "Failed") == 0 || strcasecmp(result, "Failure") == 0 ||
        strcasecmp(result, "False") == 0)
        return "failure";
    return "unknown";
}

/* The AuditData members normalize() reads, picked in one pass. */
enum key {
    K_CREATIONTIME, K_TIMEGENERATED, K_OPERATION, K_WORKLOAD, K_OFFICEWORKLOAD,
    K_RECORDTYPE, K_APPACCESSCONTEXT, K_EXTENDEDPROPERTIES, K_PARAMETERS,
    K_OPERATIONPROPERTIES, K_DEVICEPROPERTIES, K_FOLDERS, K_USERID,
    K_CLIENTIPADDRESS, K_CLIENT_IPADDRESS, K_CLIENTIP, K_ACTORIPADDRESS, K_LOGONERROR,
    K_CLIENTINFOSTRING, K_USERAGENT, K_RESULTSTATUS, K_MAILBOXOWNERUPN, K_OBJECTID,
    K_OFFICEOBJECTID, K_APPID, K_APPLICATIONID, K_CLIENTAPPID, K_SESSIONID,
    K_CORRELATIONID, K_INTERSYSTEMSID, K_ID, K_OFFICEID, K_USERTYPE, K_ORGANIZATIONID,
    K_LOGONTYPE, K_LOGON_TYPE, K_MAILBOXGUID, K_EXTERNALACCESS, K_TOKENOBJECTID,
    K_TOKENTENANTID, K_OPERATIONCOUNT, K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "CreationTime", "TimeGenerated", "Operation", "Workload", "OfficeWorkload",
    "RecordType", "AppAccessContext", "ExtendedProperties", "Parameters",
    "OperationProperties", "DeviceProperties", "Folders", "UserId",
    "ClientIPAddress", "Client_IPAddress", "ClientIP", "ActorIpAddress", "LogonError",
    "ClientInfoString", "UserAgent", "ResultStatus", "MailboxOwnerUPN", "ObjectId",
    "OfficeObjectId", "AppId", "ApplicationId", "ClientAppId", "SessionId",
    "CorrelationId", "InterSystemsId", "Id", "OfficeId", "UserType", "OrganizationId",
    "LogonType", "Logon_Type", "MailboxGuid", "ExternalAccess", "TokenObjectId",
    "TokenTenantId", "OperationCount",
};

static struct ftl_json_keyset keys = FTL_JSON_KEYSET(key_names, K_COUNT);

/* the first of two members holding a non-empty string */
static const char *either(const cJSON *a, const cJSON *b)
{
    const char *s = ftl_json_sval(a);

    return s ? s : ftl_json_sval(b);
}

/*
 * Normalizes one audit record (the AuditData object, or a Sentinel row) and
 * hands it to the sink. row carries CSV-level columns, or NULL.
 */
static ftl_rc normalize(struct ual *u, const cJSON *a, enum variant v,
                        const struct csv_row *row, const struct ftl_record *rec)
{
    struct ftl_event ev;
    struct ftl_jw w;
    const cJSON *k[K_COUNT], *ctx, *ext, *params, *opprops, *folders, *devprops;
    const char *op, *workload, *cat, *tstext, *time_source = NULL, *ip, *logon_error;
    const char *ua, *sess, *s;
    size_t actor_off = (size_t)-1, ip_off = (size_t)-1, op_off = (size_t)-1;
    size_t le_off = (size_t)-1, ua_off = (size_t)-1;
    char num[32], num2[32], opnum[32], ipbuf[FTL_IP_MAX];
    int rt, i;
    ftl_rc rc = FTL_OK;

    ftl_event_init(&ev, rec);
    ftl_json_pick(&keys, a, k);
    ftl_buf_reset(&u->scratch);
    ftl_buf_reset(&u->attrs);

    /* Time: AuditData.CreationTime is the UTC truth; CSV CreationDate is
     * locale display text, used only when CreationTime is missing. */
    tstext = ftl_json_sval(k[K_CREATIONTIME]);
    if (tstext) {
        if (ftl_time_parse_iso8601(tstext, strlen(tstext), &ev.ts_us) != 0)
            return ftl_import_reject(u->imp, rec, "cannot parse CreationTime '%.64s'", tstext);
    } else if (v == V_SENTINEL && (tstext = ftl_json_sval(k[K_TIMEGENERATED])) != NULL) {
        if (ftl_time_parse_iso8601(tstext, strlen(tstext), &ev.ts_us) != 0)
            return ftl_import_reject(u->imp, rec, "cannot parse TimeGenerated '%.64s'", tstext);
        time_source = "TimeGenerated";
    } else if (row && row->creation_date && *row->creation_date) {
        if (ftl_time_parse_any(row->creation_date, strlen(row->creation_date), &ev.ts_us) != 0)
            return ftl_import_reject(u->imp, rec, "no CreationTime in AuditData and cannot parse CreationDate '%.64s'",
                          row->creation_date);
        time_source = "CreationDate";
    } else {
        if (k[K_CREATIONTIME])
            return ftl_import_reject(u->imp, rec, "CreationTime is not a text timestamp");
        return ftl_import_reject(u->imp, rec, "no CreationTime in the record");
    }

    op = ftl_json_sval(k[K_OPERATION]);
    if (!op && (s = ftl_json_scalar(k[K_OPERATION], opnum)) && *s)
        op = s;   /* a number where text belongs: keep its text */
    if (!op && row)
        op = row->operations;
    if (op)
        op_off = keep(u, op);
    workload = either(k[K_WORKLOAD], k[K_OFFICEWORKLOAD]);
    rt = record_type_no(k[K_RECORDTYPE]);
    if (rt < 0 && row && row->record_type) {
        cJSON tmp;

        memset(&tmp, 0, sizeof tmp);
        tmp.type = cJSON_String;
        tmp.valuestring = (char *)row->record_type;
        rt = record_type_no(&tmp);
    }
    cat = category(rt, op, workload);

    ctx = get_array(u, k[K_APPACCESSCONTEXT]);
    ext = get_array(u, k[K_EXTENDEDPROPERTIES]);
    params = get_array(u, k[K_PARAMETERS]);
    opprops = get_array(u, k[K_OPERATIONPROPERTIES]);
    devprops = get_array(u, k[K_DEVICEPROPERTIES]);
    folders = get_array(u, k[K_FOLDERS]);

    /* Actor: who did it, lower-cased (FORMATS.md: the same user comes in
     * different letter cases). */
    s = ftl_json_sval(k[K_USERID]);
    if (!s && row)
        s = row->user_ids;
    if (s) {
        actor_off = u->scratch.len;
        ftl_lower_trim(&u->scratch, s);
    }

    ip = either(k[K_CLIENTIPADDRESS], k[K_CLIENT_IPADDRESS]);
    if (!ip)
        ip = either(k[K_CLIENTIP], k[K_ACTORIPADDRESS]);
    if (ip && ftl_ip_normalize(ip, ipbuf))
        ip_off = keep(u, ipbuf);

    /* LogonError sits at the top level in the schema; some exports put it
     * in ExtendedProperties. Values from Name/Value arrays live in num, so
     * they are copied to scratch (by offset: scratch may still move). */
    logon_error = ftl_json_sval(k[K_LOGONERROR]);
    if (!logon_error && (s = nv_str(ext, "LogonError", num)) != NULL)
        le_off = keep(u, s);

    ua = either(k[K_CLIENTINFOSTRING], k[K_USERAGENT]);
    if (!ua && (s = nv_str(ext, "UserAgent", num)) != NULL)
        ua_off = keep(u, s);

    /* the scratch buffer is final from here on: resolve offsets */
    if (le_off != (size_t)-1)
        logon_error = u->scratch.data + le_off;
    if (ua_off != (size_t)-1)
        ua = u->scratch.data + ua_off;
    ev.f[FTL_F_SOURCE] = "m365_ual";
    ev.f[FTL_F_CATEGORY] = cat;
    ev.f[FTL_F_ACTION] = op_off != (size_t)-1 ? u->scratch.data + op_off : NULL;
    ev.f[FTL_F_ACTOR] = actor_off != (size_t)-1 ? u->scratch.data + actor_off : NULL;
    ev.f[FTL_F_SRC_IP] = ip_off != (size_t)-1 ? u->scratch.data + ip_off : NULL;
    ev.f[FTL_F_OUTCOME] = outcome(op, ftl_json_sval(k[K_RESULTSTATUS]),
                                  strcmp(cat, FTL_CAT_SIGNIN) == 0 ? logon_error : NULL);
    if (strcmp(cat, FTL_CAT_MAILBOX) == 0)
        ev.f[FTL_F_TARGET] = ftl_json_sval(k[K_MAILBOXOWNERUPN]);
    if (!ev.f[FTL_F_TARGET])
        ev.f[FTL_F_TARGET] = either(k[K_OBJECTID], k[K_OFFICEOBJECTID]);
    if (!ev.f[FTL_F_TARGET] && params)
        ev.f[FTL_F_TARGET] = nv_str(params, "Identity", num2);
    if (!ev.f[FTL_F_TARGET])
        ev.f[FTL_F_TARGET] = ftl_json_sval(k[K_MAILBOXOWNERUPN]);
    ev.f[FTL_F_USER_AGENT] = ua;
    ev.f[FTL_F_APP_ID] = either(k[K_APPID], k[K_APPLICATIONID]);
    ev.f[FTL_F_CLIENT_APP_ID] = ftl_json_sval(k[K_CLIENTAPPID]);
    if (!ev.f[FTL_F_CLIENT_APP_ID] && ctx)
        ev.f[FTL_F_CLIENT_APP_ID] = ftl_json_str(ctx, "ClientAppId");
    sess = ftl_json_sval(k[K_SESSIONID]);
    ev.f[FTL_F_SESSION_KEY] = sess;
    ev.f[FTL_F_TOKEN_ID] = ctx ? ftl_json_str(ctx, "UniqueTokenId") : NULL;
    ev.f[FTL_F_CORRELATION_ID] = ctx ? ftl_json_str(ctx, "CorrelationId") : NULL;
    if (!ev.f[FTL_F_CORRELATION_ID])
        ev.f[FTL_F_CORRELATION_ID] = either(k[K_CORRELATIONID], k[K_INTERSYSTEMSID]);
    ev.f[FTL_F_NATIVE_ID] = either(k[K_ID], k[K_OFFICEID]);
    if (!ev.f[FTL_F_NATIVE_ID] && row)
        ev.f[FTL_F_NATIVE_ID] = row->identity ? row->identity : row->record_id;

    /* attrs: what rules need beyond the columns (docs/mapping.md) */
    ftl_jw_begin(&w, &u->attrs);
    if (rt >= 0) {
        ftl_jw_int(&w, "record_type", rt);
        ftl_jw_str(&w, "record_type_name", record_type_name(rt));
    }
    ftl_jw_str(&w, "workload", workload);
    ftl_jw_str(&w, "result_status", ftl_json_sval(k[K_RESULTSTATUS]));
    ftl_jw_str(&w, "user_type", ftl_json_scalar(k[K_USERTYPE], num));
    ftl_jw_str(&w, "organization_id", ftl_json_sval(k[K_ORGANIZATIONID]));
    ftl_jw_str(&w, "time_source", time_source);
    ftl_jw_str(&w, "logon_error", logon_error);
    ftl_jw_str(&w, "request_type", nv_str(ext, "RequestType", num));
    if (strcmp(cat, FTL_CAT_MAILBOX) == 0 || k[K_LOGONTYPE] || k[K_LOGON_TYPE]) {
        const cJSON *lt = k[K_LOGONTYPE] ? k[K_LOGONTYPE] : k[K_LOGON_TYPE];

        ftl_jw_str(&w, "logon_type", ftl_json_scalar(lt, num));
        ftl_jw_str(&w, "client_info_string", ftl_json_sval(k[K_CLIENTINFOSTRING]));
        ftl_jw_str(&w, "mailbox_guid", ftl_json_sval(k[K_MAILBOXGUID]));
        ftl_jw_str(&w, "external_access", ftl_json_scalar(k[K_EXTERNALACCESS], num));
        ftl_jw_str(&w, "token_object_id", ftl_json_sval(k[K_TOKENOBJECTID]));
        ftl_jw_str(&w, "token_tenant_id", ftl_json_sval(k[K_TOKENTENANTID]));
    }
    if (op && strcasecmp(op, "MailItemsAccessed") == 0) {
        const cJSON *f;
        int64_t items = 0, nfolders = 0;
        const char *throttled = nv_str(opprops, "IsThrottled", num);
        struct ftl_buf paths = { 0 };

        ftl_jw_str(&w, "mail_access_type", nv_str(opprops, "MailAccessType", num2));
        ftl_jw_bool(&w, "throttled", is_true(throttled));
        ftl_buf_addch(&paths, '[');
        if (cJSON_IsArray(folders)) {
            cJSON_ArrayForEach(f, folders) {
                const cJSON *fi = cJSON_GetObjectItem(f, "FolderItems");
                const char *path = ftl_json_str(f, "Path");

                nfolders++;
                if (cJSON_IsArray(fi))
                    items += cJSON_GetArraySize(fi);
                if (path) {
                    if (paths.len > 1)
                        ftl_buf_addch(&paths, ',');
                    ftl_json_escape(&paths, path, strlen(path));
                }
            }
        }
        ftl_buf_addch(&paths, ']');
        ftl_jw_int(&w, "items", items);
        ftl_jw_int(&w, "folders", nfolders);
        ftl_jw_raw(&w, "folder_paths", paths.data, paths.len);
        ftl_buf_free(&paths);
        ftl_jw_str(&w, "operation_count",
                   ftl_json_scalar(k[K_OPERATIONCOUNT], num));
    }
    if (ctx) {
        ftl_jw_str(&w, "aad_session_id", ftl_json_str(ctx, "AADSessionId"));
        ftl_jw_str(&w, "token_issued_at", ftl_json_str(ctx, "IssuedAtTime"));
        ftl_jw_str(&w, "client_app_name", ftl_json_str(ctx, "ClientAppName"));
        ftl_jw_str(&w, "api_id", ftl_json_str(ctx, "APIId"));
    } else if (devprops) {
        /* UserLoggedIn carries the Entra session in DeviceProperties */
        ftl_jw_str(&w, "aad_session_id", nv_str(devprops, "SessionId", num));
    }
    if (devprops) {
        ftl_jw_str(&w, "device_os", nv_str(devprops, "OS", num));
        ftl_jw_str(&w, "device_browser", nv_str(devprops, "BrowserType", num2));
    }
    nv_object(&w, "parameters", params);
    ftl_jw_end(&w);
    ev.f[FTL_F_ATTRS] = u->attrs.data;

    rc = u->imp->sink->event(u->imp->sink, &ev);
    for (i = 0; i < u->nextra; i++)
        ftl_json_delete(u->extra[i]);
    u->nextra = 0;
    return rc;
}

/* ---------------------------------------------------------------- JSON */

static ftl_rc json_record(struct ual *u, const struct ftl_record *rec, enum variant *seen)
{
    cJSON *root = NULL, *inner = NULL;
    const cJSON *a, *ad;
    size_t bad = 0;
    enum variant v = V_JSON;
    ftl_rc rc = FTL_OK;

    ftl_json_arena_reset();   /* the previous record's trees */
    if (ftl_import_check(u->imp, rec, &rc))
        return rc;
    root = ftl_json_parse(rec->data, rec->len, &bad);
    if (!root)
        return ftl_import_reject(u->imp, rec, "not valid JSON (error near byte %zu)", bad);
    if (!cJSON_IsObject(root)) {
        rc = ftl_import_reject(u->imp, rec, "record is not a JSON object");
        goto out;
    }
    a = root;
    ad = cJSON_GetObjectItem(root, "AuditData");
    if (cJSON_IsObject(ad)) {
        a = ad;
    } else if (cJSON_IsString(ad) && ad->valuestring) {
        inner = cJSON_Parse(ad->valuestring);
        if (!cJSON_IsObject(inner)) {
            rc = ftl_import_reject(u->imp, rec, "AuditData is not a JSON object");
            goto out;
        }
        a = inner;
    } else if (cJSON_GetObjectItem(root, "OfficeWorkload") ||
               (cJSON_GetObjectItem(root, "TimeGenerated") && cJSON_GetObjectItem(root, "OfficeId"))) {
        v = V_SENTINEL;
    }
    *seen = v;
    if (a != root) {
        /* wrapper rows keep their own CreationDate etc. as CSV-like fallbacks */
        struct csv_row row = { 0 };

        row.creation_date = ftl_json_str(root, "CreationDate");
        row.record_id = ftl_json_str_any(root, (const char *const[]){ "RecordId", "Identity", NULL });
        row.operations = ftl_json_str_any(root, (const char *const[]){ "Operations", "Operation", NULL });
        row.user_ids = ftl_json_str_any(root, (const char *const[]){ "UserIds", "UserId", NULL });
        rc = normalize(u, a, v, &row, rec);
    } else {
        rc = normalize(u, a, v, NULL, rec);
    }
out:
    ftl_json_delete(inner);
    ftl_json_delete(root);
    return rc;
}

static ftl_rc import_json(struct ual *u)
{
    struct ftl_record rec;
    enum variant v = V_JSON, first = V_JSON;
    int any = 0;
    ftl_rc rc = FTL_OK;

    while (rc == FTL_OK && ftl_input_json(u->imp->in, NULL, &rec)) {
        rc = json_record(u, &rec, &v);
        if (!any) {
            first = v;
            any = 1;
        }
    }
    if (first == V_SENTINEL)
        u->imp->variant = variant_names[V_SENTINEL];
    else
        u->imp->variant = u->imp->in->json_mode == 1 ? "json_lines" : "json_array";
    return rc;
}

/* ---------------------------------------------------------------- CSV */

enum col {
    C_AUDITDATA, C_CREATIONDATE, C_RECORDID, C_IDENTITY, C_OPERATION, C_OPERATIONS,
    C_USERID, C_USERIDS, C_RECORDTYPE, C_COUNT
};

static const char *const col_names[C_COUNT] = {
    [C_AUDITDATA] = "auditdata", [C_CREATIONDATE] = "creationdate",
    [C_RECORDID] = "recordid", [C_IDENTITY] = "identity",
    [C_OPERATION] = "operation", [C_OPERATIONS] = "operations",
    [C_USERID] = "userid", [C_USERIDS] = "userids", [C_RECORDTYPE] = "recordtype",
};

static ftl_rc import_csv(struct ual *u)
{
    struct ftl_input *in = u->imp->in;
    struct ftl_record rec;
    const struct ftl_cell *cells;
    size_t ncells, nheader = 0, i;
    int col[C_COUNT];
    char name[64];
    enum variant v;
    ftl_rc rc = FTL_OK;

    /* header, after an optional "#TYPE ..." line from Export-Csv */
    for (;;) {
        if (!ftl_input_csv(in, &rec, &cells, &ncells))
            return FTL_OK;   /* empty */
        if (ncells >= 1 && strncmp(cells[0].p, "#TYPE", 5) == 0) {
            in->records--;
            continue;
        }
        break;
    }
    in->records--;   /* the header is not a record */
    if (ncells > FTL_CSV_MAX_COLUMNS)
        return ftl_error_set(u->imp->err, FTL_EPARSE,
                             "%s: CSV header has %zu columns, more than %d: not an audit export",
                             in->name, ncells, FTL_CSV_MAX_COLUMNS);
    for (i = 0; i < C_COUNT; i++)
        col[i] = -1;
    nheader = ncells;
    for (i = 0; i < ncells; i++) {
        int k;

        ftl_header_norm(cells[i].p, cells[i].len, name, sizeof name);
        for (k = 0; k < C_COUNT; k++)
            if (col[k] < 0 && strcmp(name, col_names[k]) == 0)
                col[k] = (int)i;
    }
    if (col[C_AUDITDATA] < 0) {
        ftl_error_set(u->imp->err, FTL_EPARSE,
                      "%s: CSV header has no AuditData column", in->name);
        return FTL_EPARSE;
    }
    if (col[C_RECORDID] >= 0)
        v = V_PURVIEW;
    else if (col[C_IDENTITY] >= 0 || col[C_RECORDTYPE] >= 0)
        v = V_EXPORT;
    else
        v = V_PURVIEW_CLASSIC;
    u->imp->variant = variant_names[v];

    while (rc == FTL_OK && ftl_input_csv(in, &rec, &cells, &ncells)) {
        struct csv_row row;
        cJSON *a;
        size_t bad = 0;
        const struct ftl_cell *ad;

        if (ncells == 1 && cells[0].len == 0 && rec.problem == FTL_OK) {
            in->records--;   /* blank line */
            continue;
        }
        if (ftl_import_check(u->imp, &rec, &rc))
            continue;
        if (ncells != nheader) {
            rc = ftl_import_reject(u->imp, &rec, "row has %zu fields, the header has %zu", ncells, nheader);
            continue;
        }
#define CELL(c) (col[c] >= 0 && cells[col[c]].len ? cells[col[c]].p : NULL)
        row.creation_date = CELL(C_CREATIONDATE);
        row.record_id = CELL(C_RECORDID);
        row.identity = CELL(C_IDENTITY);
        row.operations = CELL(C_OPERATION) ? CELL(C_OPERATION) : CELL(C_OPERATIONS);
        row.user_ids = CELL(C_USERID) ? CELL(C_USERID) : CELL(C_USERIDS);
        row.record_type = CELL(C_RECORDTYPE);
#undef CELL
        ad = &cells[col[C_AUDITDATA]];
        ftl_json_arena_reset();   /* the previous record's trees */
        a = ftl_json_parse(ad->p, ad->len, &bad);
        if (!a) {
            rc = ftl_import_reject(u->imp, &rec, "AuditData is not valid JSON (error near byte %zu)", bad);
            continue;
        }
        if (!cJSON_IsObject(a))
            rc = ftl_import_reject(u->imp, &rec, "AuditData is not a JSON object");
        else
            rc = normalize(u, a, v, &row, &rec);
        ftl_json_delete(a);
    }
    return rc;
}

/* ---------------------------------------------------------------- entry */

static ftl_rc import(struct ftl_import *imp)
{
    struct ual u;
    const char *head;
    size_t len, i = 0;
    ftl_rc rc;

    memset(&u, 0, sizeof u);
    u.imp = imp;
    ftl_json_arena_begin();
    ftl_input_peek(imp->in, 4096, &head, &len);
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i < len && (head[i] == '{' || head[i] == '['))
        rc = import_json(&u);
    else
        rc = import_csv(&u);
    ftl_json_arena_end();
    ftl_buf_free(&u.scratch);
    ftl_buf_free(&u.attrs);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    char c = ftl_head_first(h);
    size_t i = h->start;
    const char *nl;

    if (c == 0)
        return 0;
    if (c == '{' || c == '[') {
        if (ftl_head_has(h, "\"auditdata\"") && ftl_head_has(h, "creationtime"))
            return FTL_SNIFF_SURE;
        if (ftl_head_has(h, "\"creationtime\"") && ftl_head_has(h, "\"operation\"") &&
            (ftl_head_has(h, "\"recordtype\"") || ftl_head_has(h, "\"workload\"")))
            return FTL_SNIFF_SURE;
        if (ftl_head_has(h, "\"officeworkload\"") && ftl_head_has(h, "\"operation\""))
            return FTL_SNIFF_SURE;
        return 0;
    }
    /* CSV: the header line (after an Export-Csv #TYPE line) names AuditData */
    if (h->len - i >= 5 && memcmp(h->data + i, "#TYPE", 5) == 0) {
        nl = memchr(h->data + i, '\n', h->len - i);
        if (!nl)
            return 0;
        i = (size_t)(nl - h->data) + 1;
    }
    nl = memchr(h->data + i, '\n', h->len - i);
    return ftl_head_has_in(h, i, nl ? (size_t)(nl - h->data) : h->len, "auditdata") ? FTL_SNIFF_SURE : 0;
}

const struct ftl_importer ftl_importer_m365_ual = {
    .name = "m365_ual",
    .source = "m365_ual",
    .summary = "Microsoft 365 Unified Audit Log",
    .variants = "Management Activity API JSON (lines or array); Purview CSV (2023+ and classic); "
                "Search-UnifiedAuditLog | Export-Csv; Sentinel OfficeActivity JSON",
    .ts_desc = "Audit record created",
    .sniff = sniff,
    .import = import,
};
