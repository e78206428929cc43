/*
 * windows_event_xml.c - Windows event XML (FORMATS.md section 4).
 *
 * Shapes:
 *   wevtutil     `wevtutil qe <log> /f:xml`: <Event> fragments one after
 *                another with no root element and no XML declaration
 *   events       Event Viewer "Save as XML": <Events><Event>...</Events>
 *   event        one <Event> (Get-WinEvent's ToXml())
 * With the event namespace or without it.
 *
 * Logon events are sign-ins (actor, address, logon type, logon id as the
 * host-scoped session key for correlation); every other event id is kept as
 * a `host` event with its EventData / UserData pairs in attrs. AD FS
 * auditing events carry an escaped XML document in a Data element, parsed
 * as a second pass. docs/mapping.md documents every column.
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
#include "../core/xml.h"

#define MAX_PAIRS 256

struct pair {
    const char *name, *value;
};

struct win {
    struct ftl_import *imp;
    struct ftl_buf scratch, attrs;
    struct pair pairs[MAX_PAIRS];
    size_t npairs;
    char unnamed[MAX_PAIRS][16];
    int saw_root;               /* an <Events> or other root around the events */
};

static const char *data_get(const struct win *w, const char *name)
{
    size_t i;

    for (i = 0; i < w->npairs; i++)
        if (strcmp(w->pairs[i].name, name) == 0)
            return ftl_xml_absent(w->pairs[i].value) ? NULL : w->pairs[i].value;
    return NULL;
}

/* EventData's <Data Name="..">, or UserData's single child's children. */
static void collect_pairs(struct win *w, const xmlNode *ev)
{
    const xmlNode *ed = ftl_xml_child(ev, "EventData"), *c;

    w->npairs = 0;
    if (ed) {
        for (c = ftl_xml_first(ed); c && w->npairs < MAX_PAIRS; c = ftl_xml_next(c)) {
            const char *name = ftl_xml_attr(c, "Name");

            if (!name) {
                snprintf(w->unnamed[w->npairs], sizeof w->unnamed[0], "Data%zu", w->npairs + 1);
                name = w->unnamed[w->npairs];
            }
            w->pairs[w->npairs].name = name;
            w->pairs[w->npairs].value = ftl_xml_text(c);
            w->npairs++;
        }
        return;
    }
    ed = ftl_xml_first(ftl_xml_child(ev, "UserData"));
    for (c = ftl_xml_first(ed); c && w->npairs < MAX_PAIRS; c = ftl_xml_next(c)) {
        w->pairs[w->npairs].name = (const char *)c->name;
        w->pairs[w->npairs].value = ftl_xml_text(c);
        w->npairs++;
    }
}

static int is_signin(long id)
{
    switch (id) {
    case 4624: case 4625: case 4634: case 4647: case 4648:
    case 4768: case 4769: case 4771: case 4776:
        return 1;
    }
    return 0;
}

static int is_adfs(const char *provider, long id)
{
    return provider && strncasecmp(provider, "AD FS", 5) == 0 &&
           ((id >= 1200 && id <= 1206) || id == 1210);
}

/* DOMAIN\user lower-cased into scratch; just user without a domain. */
static size_t account(struct win *w, const char *domain, const char *user)
{
    size_t off = w->scratch.len;

    if (!user)
        return FTL_BUF_NONE;
    if (domain) {
        ftl_lower_trim(&w->scratch, domain);
        w->scratch.data[w->scratch.len - 1] = '\\';   /* over its NUL */
    }
    ftl_lower_trim(&w->scratch, user);   /* NUL-terminated */
    return off;
}

static size_t host_key(struct win *w, const char *computer, const char *logon_id)
{
    size_t off = w->scratch.len;

    if (!computer || !logon_id)
        return FTL_BUF_NONE;
    ftl_buf_addf(&w->scratch, "%s/%s", computer, logon_id);
    ftl_buf_addch(&w->scratch, '\0');
    return off;
}

/* An element of that name anywhere below n (AD FS components nest 2-3 deep). */
static const xmlNode *find_below(const xmlNode *n, const char *name, int depth)
{
    const xmlNode *c, *hit;

    for (c = ftl_xml_first(n); c; c = ftl_xml_next(c)) {
        if (strcmp((const char *)c->name, name) == 0)
            return c;
        if (depth > 0 && (hit = find_below(c, name, depth - 1)) != NULL)
            return hit;
    }
    return NULL;
}

static const char *adfs_text(const xmlNode *root, const char *name)
{
    return root ? ftl_xml_text(find_below(root, name, 3)) : NULL;
}

static int status_ok(const char *s)
{
    return s && (strcmp(s, "0x0") == 0 || strcmp(s, "0") == 0 || strcasecmp(s, "0x00000000") == 0);
}

static ftl_rc record(void *ctx, const xmlNode *ev, const struct ftl_record *rec)
{
    struct win *w = ctx;
    struct ftl_event e;
    struct ftl_jw w_attrs, wd;
    const xmlNode *sys, *adfs_root = NULL;
    xmlDoc *adfs_doc = NULL;
    const char *provider, *id_text, *time_text, *record_id, *channel, *computer, *keywords;
    const char *s, *ip = NULL, *outcome = "unknown";
    size_t actor = FTL_BUF_NONE, ip_off = FTL_BUF_NONE, native = FTL_BUF_NONE;
    size_t action = FTL_BUF_NONE, session = FTL_BUF_NONE;
    char ipbuf[FTL_IP_MAX], err[256];
    long id = -1;
    size_t i;
    ftl_rc rc;

    if (strcmp((const char *)ev->name, "Event") != 0)
        return ftl_import_reject(w->imp, rec, "not an <Event> element");
    ftl_event_init(&e, rec);
    ftl_buf_reset(&w->scratch);
    ftl_buf_reset(&w->attrs);

    sys = ftl_xml_child(ev, "System");
    if (!sys)
        return ftl_import_reject(w->imp, rec, "XML event without <System>");
    provider = ftl_xml_attr(ftl_xml_child(sys, "Provider"), "Name");
    id_text = ftl_xml_text(ftl_xml_child(sys, "EventID"));
    if (id_text)
        id = strtol(id_text, NULL, 10);
    time_text = ftl_xml_attr(ftl_xml_child(sys, "TimeCreated"), "SystemTime");
    if (!time_text)
        return ftl_import_reject(w->imp, rec, "no TimeCreated SystemTime in the event");
    if (ftl_time_parse_iso8601(time_text, strlen(time_text), &e.ts_us) != 0)
        return ftl_import_reject(w->imp, rec, "cannot parse TimeCreated SystemTime '%.64s'", time_text);
    record_id = ftl_xml_text(ftl_xml_child(sys, "EventRecordID"));
    channel = ftl_xml_text(ftl_xml_child(sys, "Channel"));
    computer = ftl_xml_text(ftl_xml_child(sys, "Computer"));
    keywords = ftl_xml_text(ftl_xml_child(sys, "Keywords"));
    collect_pairs(w, ev);

    if (computer && channel && record_id) {
        native = w->scratch.len;
        ftl_buf_addf(&w->scratch, "%s/%s/%s", computer, channel, record_id);
        ftl_buf_addch(&w->scratch, '\0');
    }
    action = w->scratch.len;
    if (is_adfs(provider, id))
        ftl_buf_addf(&w->scratch, "adfs:%ld", id);
    else
        ftl_buf_addf(&w->scratch, "%s:%s", provider ? provider : "", id_text ? id_text : "");
    ftl_buf_addch(&w->scratch, '\0');

    e.f[FTL_F_SOURCE] = "windows_event_xml";
    e.f[FTL_F_TARGET] = computer;
    if (is_adfs(provider, id)) {
        /* the audit record is an XML document in one of the Data elements */
        for (i = 0; i < w->npairs && !adfs_doc; i++) {
            s = w->pairs[i].value;
            while (s && (*s == ' ' || *s == '\r' || *s == '\n' || *s == '\t'))
                s++;
            if (s && s[0] == '<' && (s[1] == '?' || strncmp(s, "<AuditBase", 10) == 0)) {
                adfs_doc = ftl_xml_parse(s, strlen(s), 1, err, sizeof err);
                if (!adfs_doc)
                    return ftl_import_reject(w->imp, rec, "AD FS audit document is not well-formed XML (%s)", err);
            }
        }
        adfs_root = adfs_doc ? xmlDocGetRootElement(adfs_doc) : NULL;
        e.f[FTL_F_CATEGORY] = FTL_CAT_SIGNIN;
        actor = account(w, NULL, adfs_text(adfs_root, "UserId"));
        e.f[FTL_F_TARGET] = adfs_text(adfs_root, "RelyingParty");
        ip = adfs_text(adfs_root, "IpAddress");
        if (!ip)
            ip = adfs_text(adfs_root, "ForwardedIpAddress");
        e.f[FTL_F_USER_AGENT] = adfs_text(adfs_root, "UserAgentString");
        s = adfs_text(adfs_root, "AuditResult");
        if (s)
            outcome = strcasecmp(s, "Success") == 0 ? "success"
                      : strcasecmp(s, "Failure") == 0 ? "failure" : "unknown";
        else if (id == 1200 || id == 1202)
            outcome = "success";
        else if (id == 1201 || id == 1203 || id == 1205 || id == 1206 || id == 1210)
            outcome = "failure";
        if (w->npairs && w->pairs[0].value && w->pairs[0].value[0] != '<')
            e.f[FTL_F_CORRELATION_ID] = w->pairs[0].value;
    } else if (is_signin(id)) {
        e.f[FTL_F_CATEGORY] = FTL_CAT_SIGNIN;
        actor = account(w, data_get(w, "TargetDomainName"), data_get(w, "TargetUserName"));
        ip = data_get(w, "IpAddress");
        switch (id) {
        case 4625: case 4771:
            outcome = "failure";
            break;
        case 4768: case 4769: case 4776:
            s = data_get(w, "Status");
            outcome = s ? (status_ok(s) ? "success" : "failure") : "unknown";
            break;
        default:
            outcome = "success";
        }
        session = host_key(w, computer, data_get(w, id == 4648 ? "SubjectLogonId" : "TargetLogonId"));
    } else {
        e.f[FTL_F_CATEGORY] = FTL_CAT_HOST;
        actor = account(w, data_get(w, "SubjectDomainName"), data_get(w, "SubjectUserName"));
        ip = data_get(w, "IpAddress");
        if (keywords) {
            unsigned long long kw = strtoull(keywords, NULL, 16);

            if (kw & 0x10000000000000ULL)
                outcome = "failure";
            else if (kw & 0x20000000000000ULL)
                outcome = "success";
        }
        session = host_key(w, computer, data_get(w, "SubjectLogonId"));
    }
    if (ip && ftl_ip_normalize(ip, ipbuf))
        ip_off = ftl_buf_keep(&w->scratch, ipbuf);

    e.f[FTL_F_ACTION] = ftl_buf_at(&w->scratch, action);
    e.f[FTL_F_OUTCOME] = outcome;
    e.f[FTL_F_ACTOR] = ftl_buf_at(&w->scratch, actor);
    e.f[FTL_F_SRC_IP] = ftl_buf_at(&w->scratch, ip_off);
    e.f[FTL_F_SESSION_KEY] = ftl_buf_at(&w->scratch, session);
    e.f[FTL_F_NATIVE_ID] = ftl_buf_at(&w->scratch, native);

    ftl_jw_begin(&w_attrs, &w->attrs);
    ftl_jw_str(&w_attrs, "event_id", id_text);
    ftl_jw_str(&w_attrs, "provider", provider);
    ftl_jw_str(&w_attrs, "channel", channel);
    ftl_jw_str(&w_attrs, "computer", computer);
    ftl_jw_str(&w_attrs, "record_id", record_id);
    if (is_signin(id)) {
        ftl_jw_str(&w_attrs, "logon_type", data_get(w, "LogonType"));
        s = data_get(w, "WorkstationName");
        ftl_jw_str(&w_attrs, "workstation", s ? s : data_get(w, "Workstation"));
        ftl_jw_str(&w_attrs, "logon_id", data_get(w, id == 4648 ? "SubjectLogonId" : "TargetLogonId"));
        ftl_jw_str(&w_attrs, "auth_package", data_get(w, "AuthenticationPackageName"));
        ftl_jw_str(&w_attrs, "logon_process", data_get(w, "LogonProcessName"));
        ftl_jw_str(&w_attrs, "status", data_get(w, "Status"));
        ftl_jw_str(&w_attrs, "sub_status", data_get(w, "SubStatus"));
        ftl_jw_str(&w_attrs, "ip_port", data_get(w, "IpPort"));
    }
    if (adfs_root) {
        ftl_jw_str(&w_attrs, "forwarded_ip", adfs_text(adfs_root, "ForwardedIpAddress"));
        ftl_jw_str(&w_attrs, "proxy_server", adfs_text(adfs_root, "ProxyServer"));
        ftl_jw_str(&w_attrs, "network_location", adfs_text(adfs_root, "NetworkLocation"));
        ftl_jw_str(&w_attrs, "auth_protocol", adfs_text(adfs_root, "AuthProtocol"));
        ftl_jw_str(&w_attrs, "endpoint", adfs_text(adfs_root, "Endpoint"));
        ftl_jw_str(&w_attrs, "mfa_performed", adfs_text(adfs_root, "MfaPerformed"));
        ftl_jw_str(&w_attrs, "failure_type", adfs_text(adfs_root, "FailureType"));
        ftl_jw_str(&w_attrs, "error_code", adfs_text(adfs_root, "ErrorCode"));
        ftl_jw_str(&w_attrs, "audit_type", adfs_text(adfs_root, "AuditType"));
    }
    if (w->npairs) {
        /* every pair, the AD FS document included, as the event has it */
        ftl_jw_key(&w_attrs, "data");
        ftl_jw_begin(&wd, &w->attrs);
        for (i = 0; i < w->npairs; i++)
            ftl_jw_str(&wd, w->pairs[i].name, w->pairs[i].value ? w->pairs[i].value : "");
        ftl_jw_end(&wd);
    }
    ftl_jw_end(&w_attrs);
    e.f[FTL_F_ATTRS] = w->attrs.data;
    rc = w->imp->sink->event(w->imp->sink, &e);
    if (adfs_doc)
        xmlFreeDoc(adfs_doc);
    return rc;
}

static ftl_rc import(struct ftl_import *imp)
{
    struct win *w = calloc(1, sizeof *w);
    const char *head;
    size_t len, i = 0;
    ftl_rc rc;

    if (!w)
        return ftl_error_set(imp->err, FTL_ENOMEM, "out of memory");
    w->imp = imp;
    ftl_input_peek(imp->in, 4096, &head, &len);
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    /* fragments start with <Event; a saved file with a declaration or <Events> */
    w->saw_root = !(len - i >= 6 && memcmp(head + i, "<Event", 6) == 0 &&
                    (head[i + 6] == ' ' || head[i + 6] == '>'));
    rc = ftl_import_xml_elements(imp, "Event", record, w);
    imp->variant = !w->saw_root ? (imp->in->records > 1 ? "wevtutil" : "event") : "events";
    ftl_buf_free(&w->scratch);
    ftl_buf_free(&w->attrs);
    free(w);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    if (ftl_head_first(h) != '<')
        return 0;
    if (ftl_head_has(h, "schemas.microsoft.com/win/2004/08/events/event"))
        return FTL_SNIFF_SURE;
    if (ftl_head_has(h, "<event") && ftl_head_has(h, "<system>") && ftl_head_has(h, "<eventid"))
        return 80;
    return 0;
}

const struct ftl_importer ftl_importer_windows_event_xml = {
    .name = "windows_event_xml",
    .source = "windows_event_xml",
    .summary = "Windows event XML (Security, System, AD FS auditing)",
    .variants = "wevtutil qe /f:xml fragments (no root); Event Viewer \"Save as XML\" <Events>; "
                "a single <Event>; with or without the event namespace",
    .ts_desc = "Windows TimeCreated",
    .sniff = sniff,
    .import = import,
};
