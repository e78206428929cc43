/*
 * azure_activity.c - the Azure Activity log (FORMATS.md section 3).
 *
 * Shapes:
 *   export            diagnostic-settings export to storage or Event Hub:
 *                     {"records":[...]} or one record per line (PT1H.json);
 *                     time, operationName, resultType, callerIpAddress,
 *                     identity{authorization, claims}. Other Azure resource
 *                     logs share this top-level schema and read the same way.
 *   event_data        the REST API's EventData: `az monitor activity-log
 *                     list` arrays, {"value":[...]} pages, Get-AzActivityLog
 *                     output (PascalCase; members match case-insensitively)
 *   event_data_snake  the same from the Python SDK (as_dict(): snake_case)
 *   log_analytics     rows of the AzureActivity table (TimeGenerated,
 *                     OperationNameValue, ActivityStatusValue, Claims_d...)
 *
 * The token's claims carry what correlation needs: appid (app id) and uti
 * (the token's unique id, which Entra sign-ins record as
 * uniqueTokenIdentifier). The export shape has no event id; its native id is
 * made from correlation id, operation, result, time and resource id
 * (docs/mapping.md).
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
    K_TIME, K_EVENTTIMESTAMP, K_EVENT_TIMESTAMP, K_TIMEGENERATED,
    K_OPNAME, K_OPERATION_NAME, K_OPNAMEVALUE,
    K_RESULTTYPE, K_STATUS, K_ACTSTATUS,
    K_RESULTSIG, K_SUBSTATUS, K_SUB_STATUS, K_ACTSUBSTATUS,
    K_CALLER, K_CALLERIP, K_HTTPREQUEST, K_HTTP_REQUEST,
    K_CORRELATION, K_CORRELATION_, K_EVENTDATAID, K_EVENT_DATA_ID,
    K_RESOURCEID, K_RESOURCE_ID, K_RESOURCEID_LA,
    K_RG, K_RG_, K_RG_LA, K_SUB, K_SUB_, K_TENANT, K_TENANT_,
    K_IDENTITY, K_CLAIMS, K_CLAIMS_D, K_AUTHZ, K_AUTHZ_D,
    K_CATEGORY, K_CATEGORYVALUE, K_LEVEL, K_EVENTNAME, K_EVENT_NAME,
    K_LOCATION, K_OPID, K_OPID_, K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "time", "eventTimestamp", "event_timestamp", "TimeGenerated",
    "operationName", "operation_name", "OperationNameValue",
    "resultType", "status", "ActivityStatusValue",
    "resultSignature", "subStatus", "sub_status", "ActivitySubstatusValue",
    "caller", "callerIpAddress", "httpRequest", "http_request",
    "correlationId", "correlation_id", "eventDataId", "event_data_id",
    "resourceId", "resource_id", "_ResourceId",
    "resourceGroupName", "resource_group_name", "ResourceGroup",
    "subscriptionId", "subscription_id", "tenantId", "tenant_id",
    "identity", "claims", "Claims_d", "authorization", "Authorization_d",
    "category", "CategoryValue", "level", "eventName", "event_name",
    "location", "operationId", "operation_id",
};

static struct ftl_json_keyset keys = FTL_JSON_KEYSET(key_names, K_COUNT);

static const char *const wrap_keys[] = { "records", "value", NULL };

/* claims that name the caller, most specific first (export shape) */
static const char *const caller_claims[] = {
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "http://schemas.microsoft.com/identity/claims/objectidentifier",
    "appid", NULL,
};

struct az {
    struct ftl_import *imp;
    struct ftl_buf scratch, attrs;
    const char *variant;
};

/* The first of k[a], k[b], k[c] (any may be K_COUNT for none) present. */
static const cJSON *first(const cJSON **k, int a, int b, int c)
{
    if (k[a])
        return k[a];
    if (b < K_COUNT && k[b])
        return k[b];
    return c < K_COUNT ? k[c] : NULL;
}

/*
 * Text of a member that is a string, a number or a boolean, or of the
 * "value" member of a LocalizableString object ({"value", "localizedValue"}).
 */
static const char *text_of(const cJSON *v, char *num)
{
    const char *s;

    if (cJSON_IsObject(v))
        return ftl_json_str(v, "value");
    s = ftl_json_scalar(v, num);
    return s && *s ? s : NULL;
}

/* An object member, or a JSON object inside a string (Log Analytics'
 * Claims / Authorization columns), parsed into this record's arena. */
static const cJSON *object_of(const cJSON *v)
{
    const cJSON *content;

    if (cJSON_IsObject(v)) {
        /* Get-AzActivityLog | ConvertTo-Json wraps Claims and Properties:
         * {"Content": {...}} (PSEventData's dictionary types) */
        content = cJSON_GetObjectItem(v, "Content");
        return cJSON_IsObject(content) ? content : v;
    }
    if (cJSON_IsString(v) && v->valuestring[0] == '{') {
        cJSON *o = cJSON_Parse(v->valuestring);

        if (cJSON_IsObject(o))
            return o;   /* the arena frees it with the record */
        ftl_json_delete(o);
    }
    return NULL;
}

static const char *outcome_of(const char *status)
{
    if (!status)
        return "unknown";
    if (strcasecmp(status, "Success") == 0 || strcasecmp(status, "Succeeded") == 0)
        return "success";
    if (strcasecmp(status, "Failure") == 0 || strcasecmp(status, "Failed") == 0)
        return "failure";
    return "unknown";   /* Start(ed), Accept(ed), Active, Resolved, In Progress... */
}

/*
 * The path segment after /<name>/ in an ARM resource id
 * (/subscriptions/<sub>/resourceGroups/<rg>/providers/...), compared
 * case-insensitively because the export upper-cases ids; appended to b.
 */
static size_t id_segment(struct ftl_buf *b, const char *id, const char *name)
{
    size_t n = strlen(name), off = b->len;
    const char *p = id, *end;

    while ((p = strchr(p, '/')) != NULL) {
        p++;
        if (strncasecmp(p, name, n) != 0 || p[n] != '/')
            continue;
        p += n + 1;
        end = strchr(p, '/');
        if (!end)
            end = p + strlen(p);
        if (end == p)
            return FTL_BUF_NONE;
        ftl_buf_add(b, p, (size_t)(end - p));
        ftl_buf_addch(b, '\0');
        return off;
    }
    return FTL_BUF_NONE;
}

static const char *variant_of(const cJSON **k)
{
    if (k[K_TIMEGENERATED] || k[K_OPNAMEVALUE])
        return "log_analytics";
    if (k[K_EVENT_TIMESTAMP] || k[K_OPERATION_NAME] || k[K_EVENT_DATA_ID])
        return "event_data_snake";
    if (k[K_EVENTTIMESTAMP] || k[K_EVENTDATAID])
        return "event_data";
    return "export";
}

static ftl_rc normalize(struct az *a, const cJSON *r, const struct ftl_record *rec)
{
    struct ftl_event ev;
    struct ftl_jw w;
    const cJSON *k[K_COUNT], *t, *claims, *authz, *http, *ident;
    const char *s, *time_text, *op, *status, *corr, *resid, *variant;
    size_t actor = FTL_BUF_NONE, ip = FTL_BUF_NONE, native = FTL_BUF_NONE;
    size_t sub = FTL_BUF_NONE, rg = FTL_BUF_NONE;
    char ipbuf[FTL_IP_MAX], n1[32], n2[32], n3[32], n4[32], n5[32];
    int i;

    ftl_event_init(&ev, rec);
    ftl_json_pick(&keys, r, k);
    ftl_buf_reset(&a->scratch);
    ftl_buf_reset(&a->attrs);
    variant = variant_of(k);
    if (!a->variant)
        a->variant = variant;

    t = first(k, K_TIME, K_EVENTTIMESTAMP, K_EVENT_TIMESTAMP);
    if (!t)
        t = k[K_TIMEGENERATED];
    if (!t)
        return ftl_import_reject(a->imp, rec, "no time in the record (time, eventTimestamp, "
                                              "event_timestamp or TimeGenerated)");
    time_text = ftl_json_sval(t);
    if (!time_text)
        return ftl_import_reject(a->imp, rec, "%s is not a text timestamp", t->string);
    if (ftl_time_parse_iso8601(time_text, strlen(time_text), &ev.ts_us) != 0)
        return ftl_import_reject(a->imp, rec, "cannot parse %s '%.64s'", t->string, time_text);

    /* Log Analytics' OperationName is the display name; the id is ...Value */
    op = text_of(first(k, K_OPNAMEVALUE, K_OPNAME, K_OPERATION_NAME), n1);
    status = text_of(first(k, K_RESULTTYPE, K_ACTSTATUS, K_STATUS), n2);
    corr = text_of(first(k, K_CORRELATION, K_CORRELATION_, K_COUNT), n3);
    resid = text_of(first(k, K_RESOURCEID, K_RESOURCE_ID, K_RESOURCEID_LA), n4);

    ident = cJSON_IsObject(k[K_IDENTITY]) ? k[K_IDENTITY] : NULL;
    claims = object_of(first(k, K_CLAIMS, K_CLAIMS_D, K_COUNT));
    if (!claims && ident)
        claims = object_of(cJSON_GetObjectItem(ident, "claims"));
    authz = object_of(first(k, K_AUTHZ, K_AUTHZ_D, K_COUNT));
    if (!authz && ident)
        authz = object_of(cJSON_GetObjectItem(ident, "authorization"));

    s = text_of(k[K_CALLER], n5);
    for (i = 0; !s && claims && caller_claims[i]; i++)
        s = ftl_json_str(claims, caller_claims[i]);
    if (s) {
        actor = a->scratch.len;
        ftl_lower_trim(&a->scratch, s);   /* NUL-terminated */
    }

    http = first(k, K_HTTPREQUEST, K_HTTP_REQUEST, K_COUNT);
    s = text_of(k[K_CALLERIP], n5);
    if (!s && cJSON_IsObject(http)) {
        s = ftl_json_str(http, "clientIpAddress");
        if (!s)
            s = ftl_json_str(http, "client_ip_address");
    }
    if (s && ftl_ip_normalize(s, ipbuf))
        ip = ftl_buf_keep(&a->scratch, ipbuf);

    s = text_of(first(k, K_EVENTDATAID, K_EVENT_DATA_ID, K_COUNT), n5);
    if (s) {
        native = ftl_buf_keep(&a->scratch, s);
    } else {
        /* no event id in the export shape: these five name one event */
        native = a->scratch.len;
        ftl_buf_addf(&a->scratch, "%s/%s/%s/%s/%s", corr ? corr : "", op ? op : "",
                     status ? status : "", time_text, resid ? resid : "");
        ftl_buf_addch(&a->scratch, '\0');
    }

    s = text_of(first(k, K_SUB, K_SUB_, K_COUNT), n5);
    sub = s ? ftl_buf_keep(&a->scratch, s) : resid ? id_segment(&a->scratch, resid, "subscriptions")
                                                   : FTL_BUF_NONE;
    s = text_of(first(k, K_RG, K_RG_, K_RG_LA), n5);
    rg = s ? ftl_buf_keep(&a->scratch, s) : resid ? id_segment(&a->scratch, resid, "resourceGroups")
                                                  : FTL_BUF_NONE;

    ev.f[FTL_F_SOURCE] = "azure_activity";
    ev.f[FTL_F_CATEGORY] = FTL_CAT_CLOUD;
    ev.f[FTL_F_ACTION] = op;
    ev.f[FTL_F_OUTCOME] = outcome_of(status);
    ev.f[FTL_F_ACTOR] = ftl_buf_at(&a->scratch, actor);
    ev.f[FTL_F_TARGET] = resid;
    ev.f[FTL_F_SRC_IP] = ftl_buf_at(&a->scratch, ip);
    ev.f[FTL_F_APP_ID] = ftl_json_str(claims, "appid");
    ev.f[FTL_F_TOKEN_ID] = ftl_json_str(claims, "uti");
    ev.f[FTL_F_CORRELATION_ID] = corr;
    ev.f[FTL_F_NATIVE_ID] = ftl_buf_at(&a->scratch, native);

    ftl_jw_begin(&w, &a->attrs);
    ftl_jw_str(&w, "activity_category", text_of(first(k, K_CATEGORYVALUE, K_CATEGORY, K_COUNT), n5));
    ftl_jw_str(&w, "event_name", text_of(first(k, K_EVENTNAME, K_EVENT_NAME, K_COUNT), n5));
    ftl_jw_str(&w, "status", status);
    s = text_of(first(k, K_RESULTSIG, K_ACTSUBSTATUS, K_SUBSTATUS), n5);
    ftl_jw_str(&w, "sub_status", s ? s : text_of(k[K_SUB_STATUS], n5));
    ftl_jw_str(&w, "level", text_of(k[K_LEVEL], n5));
    ftl_jw_str(&w, "subscription", ftl_buf_at(&a->scratch, sub));
    ftl_jw_str(&w, "resource_group", ftl_buf_at(&a->scratch, rg));
    ftl_jw_str(&w, "tenant", text_of(first(k, K_TENANT, K_TENANT_, K_COUNT), n5));
    ftl_jw_str(&w, "location", text_of(k[K_LOCATION], n5));
    ftl_jw_str(&w, "operation_id", text_of(first(k, K_OPID, K_OPID_, K_COUNT), n5));
    ftl_jw_str(&w, "http_method", ftl_json_str(http, "method"));
    ftl_jw_str(&w, "authz_action", ftl_json_str(authz, "action"));
    ftl_jw_str(&w, "authz_scope", ftl_json_str(authz, "scope"));
    s = ftl_json_str(authz, "role");
    if (!s && cJSON_IsObject(authz))
        s = ftl_json_str(cJSON_GetObjectItem(authz, "evidence"), "role");
    ftl_jw_str(&w, "role", s);
    ftl_jw_str(&w, "token_ip", ftl_json_str(claims, "ipaddr"));
    ftl_jw_str(&w, "identity_type", ftl_json_str(claims, "idtyp"));
    ftl_jw_str(&w, "auth_methods", ftl_json_str(claims, "http://schemas.microsoft.com/claims/authnmethodsreferences"));
    if (!text_of(first(k, K_EVENTDATAID, K_EVENT_DATA_ID, K_COUNT), n5))
        ftl_jw_str(&w, "native_id_from", "correlationId/operationName/resultType/time/resourceId");
    ftl_jw_end(&w);
    ev.f[FTL_F_ATTRS] = a->attrs.data;
    return a->imp->sink->event(a->imp->sink, &ev);
}

static ftl_rc record(void *ctx, const cJSON *r, const struct ftl_record *rec)
{
    return normalize(ctx, r, rec);
}

static ftl_rc import(struct ftl_import *imp)
{
    struct az a;
    ftl_rc rc;

    memset(&a, 0, sizeof a);
    a.imp = imp;
    rc = ftl_import_json_objects(imp, wrap_keys, record, &a);
    imp->variant = a.variant;
    ftl_buf_free(&a.scratch);
    ftl_buf_free(&a.attrs);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    char c = ftl_head_first(h);

    if (c != '{' && c != '[')
        return 0;
    /* EventData in any spelling, and the Log Analytics table */
    if ((ftl_head_has(h, "\"eventdataid\"") || ftl_head_has(h, "\"event_data_id\"")) &&
        (ftl_head_has(h, "\"operationname\"") || ftl_head_has(h, "\"operation_name\"") ||
         ftl_head_has(h, "\"operationnamevalue\"")))
        return FTL_SNIFF_SURE;
    /* the export: the resource-log top-level schema on an ARM resource
     * (Entra's own diagnostic records name /tenants/..., not a subscription) */
    if (ftl_head_has(h, "\"operationname\"") && ftl_head_has(h, "\"resulttype\"") &&
        ftl_head_has(h, "\"resourceid\"") && ftl_head_has(h, "/subscriptions/") &&
        !ftl_head_has(h, "signinlogs\""))
        return 80;
    return 0;
}

const struct ftl_importer ftl_importer_azure_activity = {
    .name = "azure_activity",
    .source = "azure_activity",
    .summary = "Azure Activity log",
    .variants = "storage / Event Hub export ({\"records\":[...]} or PT1H.json lines); "
                "REST / az CLI / PowerShell EventData; Python SDK snake_case; "
                "Log Analytics AzureActivity rows",
    .ts_desc = "Azure Activity event time",
    .sniff = sniff,
    .import = import,
};
