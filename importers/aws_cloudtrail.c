/*
 * aws_cloudtrail.c - AWS CloudTrail (FORMATS.md section 3).
 *
 * Shapes:
 *   records_json   S3 objects {"Records":[...]} (usually .json.gz, written on
 *                  one line), or the same pretty-printed, or a bare array
 *   json_lines     one record per line (SIEM / Logstash exports, where
 *                  eventTime may be gone and only @timestamp remains)
 *   lookup_events  `aws cloudtrail lookup-events` output: {"Events":[...]}
 *                  with the record as a JSON string in CloudTrailEvent and
 *                  EventTime in the caller's local offset
 *
 * The access key (userIdentity.accessKeyId) is the session key; AssumeRole
 * and CreateAccessKey record the key they issued in attrs so correlation
 * can follow it. docs/mapping.md documents every column.
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
    K_EVENTTIME, K_TIMESTAMP, K_EVENTSOURCE, K_EVENTNAME, K_USERIDENTITY,
    K_SOURCEIP, K_USERAGENT, K_ERRORCODE, K_ERRORMESSAGE, K_REQUESTPARAMETERS,
    K_RESPONSEELEMENTS, K_EVENTID, K_READONLY, K_EVENTTYPE, K_RECIPIENTACCOUNT,
    K_REGION, K_REQUESTID, K_ADDITIONAL, K_EVENTVERSION, K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "eventTime", "@timestamp", "eventSource", "eventName", "userIdentity",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
    "responseElements", "eventID", "readOnly", "eventType", "recipientAccountId",
    "awsRegion", "requestID", "additionalEventData", "eventVersion",
};

static struct ftl_json_keyset keys = FTL_JSON_KEYSET(key_names, K_COUNT);

/* request parameters that name what a call acted on, most telling first */
static const char *const target_params[] = {
    "userName", "roleName", "roleArn", "policyArn", "groupName", "bucketName",
    "name", "trailName", "groupId", "keyId", "instanceId", "functionName",
    "secretId", "dBInstanceIdentifier", "accessKeyId", NULL,
};

static const char *const wrap_keys[] = { "Records", "Events", NULL };

struct ct {
    struct ftl_import *imp;
    struct ftl_buf scratch, attrs;
    int lookup;                 /* this file is lookup-events output */
};

static size_t keep(struct ct *c, const char *s)
{
    size_t off = c->scratch.len;

    ftl_buf_addstr(&c->scratch, s);
    ftl_buf_addch(&c->scratch, '\0');
    return off;
}

#define NO_OFF ((size_t)-1)
#define AT(c, off) ((off) == NO_OFF ? NULL : (c)->scratch.data + (off))

/*
 * Normalizes one CloudTrail record. fallback_time is lookup-events'
 * EventTime (local offset) for records whose eventTime is missing.
 */
static ftl_rc normalize(struct ct *c, const cJSON *r, const struct ftl_record *rec,
                        const char *native_fallback, const char *fallback_time)
{
    struct ftl_event ev;
    struct ftl_jw w;
    const cJSON *k[K_COUNT], *uid, *sctx, *sattr, *req, *resp, *v;
    const char *s, *time_source = NULL, *src, *name, *type, *login, *mfa;
    size_t action_off = NO_OFF, actor_off = NO_OFF, ip_off = NO_OFF, target_off = NO_OFF;
    char ipbuf[FTL_IP_MAX], num[32];
    int signin, failed, i;

    ftl_event_init(&ev, rec);
    ftl_json_pick(&keys, r, k);
    ftl_buf_reset(&c->scratch);
    ftl_buf_reset(&c->attrs);

    if ((s = ftl_json_sval(k[K_EVENTTIME])) != NULL) {
        if (ftl_time_parse_iso8601(s, strlen(s), &ev.ts_us) != 0)
            return ftl_import_reject(c->imp, rec, "cannot parse eventTime '%.64s'", s);
    } else if ((s = ftl_json_sval(k[K_TIMESTAMP])) != NULL) {
        /* SIEM exports that dropped eventTime (FORMATS.md) */
        if (ftl_time_parse_iso8601(s, strlen(s), &ev.ts_us) != 0)
            return ftl_import_reject(c->imp, rec, "no eventTime and cannot parse @timestamp '%.64s'", s);
        time_source = "@timestamp";
    } else if (fallback_time) {
        if (ftl_time_parse_iso8601(fallback_time, strlen(fallback_time), &ev.ts_us) != 0)
            return ftl_import_reject(c->imp, rec, "cannot parse EventTime '%.64s'", fallback_time);
        time_source = "EventTime";
    } else if (k[K_EVENTTIME]) {
        return ftl_import_reject(c->imp, rec, "eventTime is not a text timestamp");
    } else {
        return ftl_import_reject(c->imp, rec, "no eventTime in the record");
    }

    src = ftl_json_sval(k[K_EVENTSOURCE]);
    name = ftl_json_sval(k[K_EVENTNAME]);
    if (!name && (s = ftl_json_scalar(k[K_EVENTNAME], num)) != NULL && *s)
        name = s;   /* a number where text belongs: keep its text */
    if (src || name) {
        action_off = c->scratch.len;
        ftl_buf_addstr(&c->scratch, src ? src : "");
        ftl_buf_addch(&c->scratch, ':');
        ftl_buf_addstr(&c->scratch, name ? name : "");
        ftl_buf_addch(&c->scratch, '\0');
    }

    uid = cJSON_IsObject(k[K_USERIDENTITY]) ? k[K_USERIDENTITY] : NULL;
    type = ftl_json_str(uid, "type");
    s = ftl_json_str(uid, "arn");
    if (!s)
        s = ftl_json_str(uid, "userName");
    if (!s)
        s = ftl_json_str(uid, "principalId");
    if (!s && type && strcmp(type, "AWSService") == 0)
        s = ftl_json_str(uid, "invokedBy");
    if (s) {
        actor_off = c->scratch.len;
        ftl_lower_trim(&c->scratch, s);
    }
    if ((s = ftl_json_sval(k[K_SOURCEIP])) != NULL && ftl_ip_normalize(s, ipbuf))
        ip_off = keep(c, ipbuf);

    req = cJSON_IsObject(k[K_REQUESTPARAMETERS]) ? k[K_REQUESTPARAMETERS] : NULL;
    resp = cJSON_IsObject(k[K_RESPONSEELEMENTS]) ? k[K_RESPONSEELEMENTS] : NULL;
    for (i = 0; req && target_params[i]; i++) {
        v = cJSON_GetObjectItem(req, target_params[i]);
        if ((s = ftl_json_scalar(v, num)) != NULL && *s) {
            target_off = keep(c, s);
            break;
        }
    }

    signin = (name && strcmp(name, "ConsoleLogin") == 0) ||
             (ftl_json_sval(k[K_EVENTTYPE]) &&
              strcasecmp(ftl_json_sval(k[K_EVENTTYPE]), "AwsConsoleSignIn") == 0);
    login = ftl_json_str(resp, "ConsoleLogin");
    failed = ftl_json_sval(k[K_ERRORCODE]) != NULL || (login && strcmp(login, "Failure") == 0);

    ev.f[FTL_F_SOURCE] = "aws_cloudtrail";
    ev.f[FTL_F_CATEGORY] = signin ? FTL_CAT_SIGNIN : FTL_CAT_CLOUD;
    ev.f[FTL_F_ACTION] = AT(c, action_off);
    ev.f[FTL_F_OUTCOME] = failed ? "failure" : "success";
    ev.f[FTL_F_ACTOR] = AT(c, actor_off);
    ev.f[FTL_F_TARGET] = AT(c, target_off);
    ev.f[FTL_F_SRC_IP] = AT(c, ip_off);
    ev.f[FTL_F_USER_AGENT] = ftl_json_sval(k[K_USERAGENT]);
    ev.f[FTL_F_SESSION_KEY] = ftl_json_str(uid, "accessKeyId");
    ev.f[FTL_F_CORRELATION_ID] = ftl_json_sval(k[K_REQUESTID]);
    ev.f[FTL_F_NATIVE_ID] = ftl_json_sval(k[K_EVENTID]);
    if (!ev.f[FTL_F_NATIVE_ID])
        ev.f[FTL_F_NATIVE_ID] = native_fallback;

    sctx = uid ? cJSON_GetObjectItem(uid, "sessionContext") : NULL;
    sattr = sctx ? cJSON_GetObjectItem(sctx, "attributes") : NULL;
    mfa = ftl_json_str(sattr, "mfaAuthenticated");
    if (!mfa && cJSON_IsObject(k[K_ADDITIONAL]))
        mfa = ftl_json_scalar(cJSON_GetObjectItem(k[K_ADDITIONAL], "MFAUsed"), num);

    ftl_jw_begin(&w, &c->attrs);
    s = ftl_json_sval(k[K_RECIPIENTACCOUNT]);
    ftl_jw_str(&w, "account", s ? s : ftl_json_str(uid, "accountId"));
    ftl_jw_str(&w, "region", ftl_json_sval(k[K_REGION]));
    ftl_jw_str(&w, "identity_type", type);
    ftl_jw_str(&w, "user_name", ftl_json_str(uid, "userName"));
    ftl_jw_str(&w, "invoked_by", ftl_json_str(uid, "invokedBy"));
    if (sctx) {
        const cJSON *issuer = cJSON_GetObjectItem(sctx, "sessionIssuer");

        ftl_jw_str(&w, "session_issuer", ftl_json_str(issuer, "arn"));
        ftl_jw_str(&w, "session_created", ftl_json_str(sattr, "creationDate"));
    }
    ftl_jw_str(&w, "mfa_authenticated", mfa);
    ftl_jw_str(&w, "read_only", ftl_json_scalar(k[K_READONLY], num));
    ftl_jw_str(&w, "event_type", ftl_json_sval(k[K_EVENTTYPE]));
    ftl_jw_str(&w, "error_code", ftl_json_sval(k[K_ERRORCODE]));
    ftl_jw_str(&w, "error_message", ftl_json_sval(k[K_ERRORMESSAGE]));
    ftl_jw_str(&w, "console_login", login);
    if (resp) {
        /* credentials a call handed out: follow them in correlation */
        const cJSON *cred = cJSON_GetObjectItem(resp, "credentials");
        const cJSON *key = cJSON_GetObjectItem(resp, "accessKey");
        const cJSON *role = cJSON_GetObjectItem(resp, "assumedRoleUser");

        ftl_jw_str(&w, "issued_access_key",
                   ftl_json_str(cred, "accessKeyId") ? ftl_json_str(cred, "accessKeyId")
                                               : ftl_json_str(key, "accessKeyId"));
        ftl_jw_str(&w, "assumed_role_arn", ftl_json_str(role, "arn"));
    }
    ftl_jw_str(&w, "time_source", time_source);
    ftl_jw_end(&w);
    ev.f[FTL_F_ATTRS] = c->attrs.data;
    return c->imp->sink->event(c->imp->sink, &ev);
}

static ftl_rc record(void *ctx, const cJSON *root, const struct ftl_record *rec)
{
    struct ct *c = ctx;
    const cJSON *ctev = cJSON_GetObjectItem(root, "CloudTrailEvent");
    cJSON *inner;
    ftl_rc rc;

    if (!ctev)
        return normalize(c, root, rec, NULL, NULL);
    /* lookup-events: the record is a JSON string inside the element */
    c->lookup = 1;
    inner = cJSON_IsString(ctev) ? cJSON_Parse(ctev->valuestring) : NULL;
    if (!cJSON_IsObject(inner))
        rc = ftl_import_reject(c->imp, rec, "CloudTrailEvent is not a JSON object in a string");
    else
        rc = normalize(c, inner, rec, ftl_json_str(root, "EventId"),
                       ftl_json_str(root, "EventTime"));
    ftl_json_delete(inner);
    return rc;
}

static ftl_rc import(struct ftl_import *imp)
{
    struct ct c;
    ftl_rc rc;

    memset(&c, 0, sizeof c);
    c.imp = imp;
    rc = ftl_import_json_objects(imp, wrap_keys, record, &c);
    if (c.lookup)
        imp->variant = "lookup_events";
    else
        imp->variant = imp->in->json_mode == 1 ? "json_lines" : "records_json";
    ftl_buf_free(&c.scratch);
    ftl_buf_free(&c.attrs);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    char c = ftl_head_first(h);

    if (c != '{' && c != '[')
        return 0;
    if (ftl_head_has(h, "\"cloudtrailevent\"") && ftl_head_has(h, "\"eventid\""))
        return FTL_SNIFF_SURE;
    if (ftl_head_has(h, "\"eventsource\"") && ftl_head_has(h, "\"eventname\"") &&
        (ftl_head_has(h, "\"eventversion\"") || ftl_head_has(h, "\"useridentity\"")))
        return FTL_SNIFF_SURE;
    return 0;
}

const struct ftl_importer ftl_importer_aws_cloudtrail = {
    .name = "aws_cloudtrail",
    .source = "aws_cloudtrail",
    .summary = "AWS CloudTrail",
    .variants = "S3 {\"Records\":[...]} objects (plain or .json.gz, one line or pretty); "
                "one record per line (SIEM exports, @timestamp fallback); "
                "aws cloudtrail lookup-events output",
    .ts_desc = "CloudTrail eventTime",
    .sniff = sniff,
    .import = import,
};
