/*
 * exchange_admin_audit.c - the Exchange admin audit log export
 * (FORMATS.md section 4).
 *
 *   <SearchResults><Event Caller=".." Cmdlet="Set-Mailbox"
 *   ObjectModified=".." RunDate="2012-10-18T15:48:15-07:00" Succeeded="true"
 *   Error="None"><CmdletParameters><Parameter Name=".." Value=".."/>
 *   </CmdletParameters><ModifiedProperties><Property Name=".."
 *   OldValue=".." NewValue=".."/></ModifiedProperties></Event>
 *
 * The parameters and modified properties go into attrs as they are: the
 * forwarding, inbox-rule and audit settings findings look for are there.
 * The export has no event id: the native id is caller, cmdlet, object and
 * run date in UTC (docs/mapping.md).
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

struct adm {
    struct ftl_import *imp;
    struct ftl_buf scratch, attrs;
};

static ftl_rc record(void *ctx, const xmlNode *ev, const struct ftl_record *rec)
{
    struct adm *a = ctx;
    struct ftl_event e;
    struct ftl_jw w, inner;
    const xmlNode *list, *c;
    const char *s, *caller, *cmdlet, *object, *when, *ok;
    size_t actor = FTL_BUF_NONE, native;
    char utc[FTL_TIME_ISO_LEN + 1];
    int n;

    ftl_event_init(&e, rec);
    ftl_buf_reset(&a->scratch);
    ftl_buf_reset(&a->attrs);

    when = ftl_xml_attr(ev, "RunDate");
    if (!when)
        return ftl_import_reject(a->imp, rec, "no RunDate time in the event");
    if (ftl_time_parse_iso8601(when, strlen(when), &e.ts_us) != 0)
        return ftl_import_reject(a->imp, rec, "cannot parse RunDate time '%.64s'", when);
    caller = ftl_xml_attr(ev, "Caller");
    cmdlet = ftl_xml_attr(ev, "Cmdlet");
    object = ftl_xml_attr(ev, "ObjectModified");
    ok = ftl_xml_attr(ev, "Succeeded");
    if (caller) {
        actor = a->scratch.len;
        ftl_lower_trim(&a->scratch, caller);   /* NUL-terminated */
    }
    ftl_time_format(e.ts_us, utc);   /* UTC: exports from any time zone agree */
    native = a->scratch.len;
    ftl_buf_addf(&a->scratch, "%s/%s/%s/%s", caller ? caller : "", cmdlet ? cmdlet : "",
                 object ? object : "", utc);
    ftl_buf_addch(&a->scratch, '\0');

    e.f[FTL_F_SOURCE] = "exchange_admin_audit";
    e.f[FTL_F_CATEGORY] = FTL_CAT_MAIL_ADMIN;
    e.f[FTL_F_ACTION] = cmdlet;
    e.f[FTL_F_OUTCOME] = !ok ? "unknown" : strcasecmp(ok, "true") == 0 ? "success"
                                         : strcasecmp(ok, "false") == 0 ? "failure" : "unknown";
    e.f[FTL_F_ACTOR] = ftl_buf_at(&a->scratch, actor);
    e.f[FTL_F_TARGET] = object;
    e.f[FTL_F_NATIVE_ID] = ftl_buf_at(&a->scratch, native);

    ftl_jw_begin(&w, &a->attrs);
    list = ftl_xml_child(ev, "CmdletParameters");
    if (ftl_xml_first(list)) {
        ftl_jw_key(&w, "parameters");
        ftl_jw_begin(&inner, &a->attrs);
        for (c = ftl_xml_first(list); c; c = ftl_xml_next(c)) {
            s = ftl_xml_attr(c, "Name");
            if (s)
                ftl_jw_str(&inner, s, ftl_xml_attr(c, "Value") ? ftl_xml_attr(c, "Value") : "");
        }
        ftl_jw_end(&inner);
    }
    list = ftl_xml_child(ev, "ModifiedProperties");
    if (ftl_xml_first(list)) {
        ftl_jw_key(&w, "modified");
        ftl_buf_addch(&a->attrs, '[');
        n = 0;
        for (c = ftl_xml_first(list); c; c = ftl_xml_next(c)) {
            if (n++)
                ftl_buf_addch(&a->attrs, ',');
            ftl_jw_begin(&inner, &a->attrs);
            ftl_jw_str(&inner, "name", ftl_xml_attr(c, "Name"));
            ftl_jw_str(&inner, "old", ftl_xml_attr(c, "OldValue"));
            ftl_jw_str(&inner, "new", ftl_xml_attr(c, "NewValue"));
            ftl_jw_end(&inner);
        }
        ftl_buf_addch(&a->attrs, ']');
    }
    s = ftl_xml_attr(ev, "Error");
    ftl_jw_str(&w, "error", s && strcasecmp(s, "None") != 0 ? s : NULL);
    ftl_jw_str(&w, "originating_server", ftl_xml_attr(ev, "OriginatingServer"));
    ftl_jw_str(&w, "external_access", ftl_xml_attr(ev, "ExternalAccess"));
    ftl_jw_end(&w);
    e.f[FTL_F_ATTRS] = a->attrs.data;
    return a->imp->sink->event(a->imp->sink, &e);
}

static ftl_rc import(struct ftl_import *imp)
{
    struct adm a;
    ftl_rc rc;

    memset(&a, 0, sizeof a);
    a.imp = imp;
    rc = ftl_import_xml_elements(imp, "Event", record, &a);
    imp->variant = "search_result";
    ftl_buf_free(&a.scratch);
    ftl_buf_free(&a.attrs);
    return rc;
}

static int sniff(const struct ftl_head *h)
{
    if (ftl_head_first(h) != '<')
        return 0;
    if (ftl_head_has(h, "<event") && ftl_head_has(h, "cmdlet=") && ftl_head_has(h, "rundate="))
        return FTL_SNIFF_SURE;
    return 0;
}

const struct ftl_importer ftl_importer_exchange_admin_audit = {
    .name = "exchange_admin_audit",
    .source = "exchange_admin_audit",
    .summary = "Exchange admin audit log export (XML)",
    .variants = "<SearchResults><Event Caller Cmdlet ObjectModified RunDate ...> with "
                "CmdletParameters and ModifiedProperties",
    .ts_desc = "Exchange RunDate",
    .sniff = sniff,
    .import = import,
};
