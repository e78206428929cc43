/*
 * exchange_mailbox_audit.c - the Exchange mailbox audit log export
 * (SearchResult.xml, FORMATS.md section 4).
 *
 *   <SearchResults><Event MailboxGuid=".." Owner=".." LastAccessed=".."
 *   Operation=".." OperationResult=".." LogonType=".." ClientIPAddress=".."
 *   ClientInfoString=".." MailboxOwnerUPN=".." ...><SourceItems>
 *   <ItemId .. Subject=".."/></SourceItems></Event>...</SearchResults>
 *
 * Everything is in attributes; times carry the exporting server's local
 * offset and become UTC. The export has no event id: the native id is made
 * from mailbox, UTC time, operation and the logon user's SID
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
#include "../core/xml.h"

#define LIST_MAX 512   /* bytes of joined subjects / folders kept in attrs */

/* operations that change a mailbox's rules or permissions, not its mail */
static const char *const admin_ops[] = {
    "UpdateInboxRules", "AddFolderPermissions", "ModifyFolderPermissions",
    "RemoveFolderPermissions", "UpdateFolderPermissions", "UpdateCalendarDelegation", NULL,
};

struct mbx {
    struct ftl_import *imp;
    struct ftl_buf scratch, attrs;
};

/* attr values of the children of list (e.g. SourceItems' Subject), " | "
 * joined, cut at LIST_MAX on a character boundary; *count the children. */
static size_t join_children(struct ftl_buf *b, const xmlNode *list, const char *attr, int *count)
{
    const xmlNode *c;
    size_t off = b->len;
    const char *v;
    int k = 0;

    *count = 0;
    for (c = ftl_xml_first(list); c; c = ftl_xml_next(c)) {
        (*count)++;
        v = ftl_xml_attr(c, attr);
        if (!v)
            v = ftl_xml_text(ftl_xml_child(c, attr));
        if (!v || b->len - off >= LIST_MAX)
            continue;
        if (k++)
            ftl_buf_addstr(b, " | ");
        ftl_buf_addstr(b, v);
    }
    if (k == 0)
        return FTL_BUF_NONE;
    b->len = off + ftl_utf8_cut(b->data + off, b->len - off, LIST_MAX);
    ftl_buf_addch(b, '\0');
    return off;
}

static const char *outcome_of(const char *r)
{
    if (!r)
        return "unknown";
    if (strcasecmp(r, "Succeeded") == 0 || strcasecmp(r, "PartiallySucceeded") == 0)
        return "success";
    if (strcasecmp(r, "Failed") == 0)
        return "failure";
    return "unknown";
}

static ftl_rc record(void *ctx, const xmlNode *ev, const struct ftl_record *rec)
{
    struct mbx *m = ctx;
    struct ftl_event e;
    struct ftl_jw w;
    const char *s, *op, *when, *guid, *sid;
    size_t actor = FTL_BUF_NONE, ip = FTL_BUF_NONE, native, subjects, folders;
    char ipbuf[FTL_IP_MAX], utc[FTL_TIME_ISO_LEN + 1];
    int items = 0, nfolders = 0, i;

    ftl_event_init(&e, rec);
    ftl_buf_reset(&m->scratch);
    ftl_buf_reset(&m->attrs);

    when = ftl_xml_attr(ev, "LastAccessed");
    if (!when)
        return ftl_import_reject(m->imp, rec, "no LastAccessed time in the event");
    if (ftl_time_parse_iso8601(when, strlen(when), &e.ts_us) != 0)
        return ftl_import_reject(m->imp, rec, "cannot parse LastAccessed time '%.64s'", when);
    op = ftl_xml_attr(ev, "Operation");
    guid = ftl_xml_attr(ev, "MailboxGuid");
    sid = ftl_xml_attr(ev, "LogonUserSid");

    s = ftl_xml_attr(ev, "LogonUserUpn");
    if (!s)
        s = ftl_xml_attr(ev, "LogonUserDisplayName");
    if (!s)
        s = ftl_xml_attr(ev, "LogonUserDN");   /* Microsoft's own export sample */
    if (!s)
        s = sid;
    if (s) {
        actor = m->scratch.len;
        ftl_lower_trim(&m->scratch, s);   /* NUL-terminated */
    }
    if ((s = ftl_xml_attr(ev, "ClientIPAddress")) != NULL && ftl_ip_normalize(s, ipbuf))
        ip = ftl_buf_keep(&m->scratch, ipbuf);
    /* the time in UTC: the same entry exported by servers in other time
     * zones is the same event */
    ftl_time_format(e.ts_us, utc);
    native = m->scratch.len;
    ftl_buf_addf(&m->scratch, "%s/%s/%s/%s", guid ? guid : "", utc, op ? op : "", sid ? sid : "");
    ftl_buf_addch(&m->scratch, '\0');
    subjects = join_children(&m->scratch, ftl_xml_child(ev, "SourceItems"), "Subject", &items);
    folders = join_children(&m->scratch, ftl_xml_child(ev, "SourceFolders"), "FolderPathName",
                            &nfolders);

    e.f[FTL_F_SOURCE] = "exchange_mailbox_audit";
    e.f[FTL_F_CATEGORY] = FTL_CAT_MAILBOX;
    for (i = 0; op && admin_ops[i]; i++)
        if (strcasecmp(op, admin_ops[i]) == 0)
            e.f[FTL_F_CATEGORY] = FTL_CAT_MAIL_ADMIN;
    e.f[FTL_F_ACTION] = op;
    e.f[FTL_F_OUTCOME] = outcome_of(ftl_xml_attr(ev, "OperationResult"));
    e.f[FTL_F_ACTOR] = ftl_buf_at(&m->scratch, actor);
    s = ftl_xml_attr(ev, "MailboxOwnerUPN");
    if (!s)
        s = ftl_xml_attr(ev, "Owner");
    e.f[FTL_F_TARGET] = s ? s : guid;
    e.f[FTL_F_SRC_IP] = ftl_buf_at(&m->scratch, ip);
    e.f[FTL_F_USER_AGENT] = ftl_xml_attr(ev, "ClientInfoString");
    e.f[FTL_F_NATIVE_ID] = ftl_buf_at(&m->scratch, native);

    ftl_jw_begin(&w, &m->attrs);
    ftl_jw_str(&w, "logon_type", ftl_xml_attr(ev, "LogonType"));
    ftl_jw_str(&w, "internal_logon_type", ftl_xml_attr(ev, "InternalLogonType"));
    ftl_jw_str(&w, "external_access", ftl_xml_attr(ev, "ExternalAccess"));
    ftl_jw_str(&w, "folder", ftl_xml_attr(ev, "FolderPathName"));
    ftl_jw_str(&w, "dest_folder", ftl_xml_attr(ev, "DestFolderPathName"));
    ftl_jw_str(&w, "client_machine", ftl_xml_attr(ev, "ClientMachineName"));
    ftl_jw_str(&w, "client_process", ftl_xml_attr(ev, "ClientProcessName"));
    ftl_jw_str(&w, "client_version", ftl_xml_attr(ev, "ClientVersion"));
    ftl_jw_str(&w, "mailbox_guid", guid);
    ftl_jw_str(&w, "mailbox_owner_sid", ftl_xml_attr(ev, "MailboxOwnerSid"));
    ftl_jw_str(&w, "logon_user_sid", sid);
    if (items)
        ftl_jw_int(&w, "item_count", items);
    ftl_jw_str(&w, "item_subjects", ftl_buf_at(&m->scratch, subjects));
    ftl_jw_str(&w, "folders", ftl_buf_at(&m->scratch, folders));
    ftl_jw_end(&w);
    e.f[FTL_F_ATTRS] = m->attrs.data;
    return m->imp->sink->event(m->imp->sink, &e);
}

static ftl_rc import(struct ftl_import *imp)
{
    struct mbx m;
    ftl_rc rc;

    memset(&m, 0, sizeof m);
    m.imp = imp;
    rc = ftl_import_xml_elements(imp, "Event", record, &m);
    imp->variant = "search_result";
    ftl_buf_free(&m.scratch);
    ftl_buf_free(&m.attrs);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    if (ftl_head_first(h) != '<')
        return 0;
    if (ftl_head_has(h, "<event") && ftl_head_has(h, "lastaccessed=") &&
        ftl_head_has(h, "operation=") &&
        (ftl_head_has(h, "mailboxguid=") || ftl_head_has(h, "mailboxownerupn=")))
        return FTL_SNIFF_SURE;
    return 0;
}

const struct ftl_importer ftl_importer_exchange_mailbox_audit = {
    .name = "exchange_mailbox_audit",
    .source = "exchange_mailbox_audit",
    .summary = "Exchange mailbox audit log export (SearchResult.xml)",
    .variants = "<SearchResults><Event .../></SearchResults> as the mailbox audit log search mails it",
    .ts_desc = "Exchange LastAccessed",
    .sniff = sniff,
    .import = import,
};
