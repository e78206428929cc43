/*
 * test_exchange_mailbox_audit.c - the Exchange mailbox audit export importer against fixtures/exchange_mailbox_audit/ and
 * tests/data/exchange_mailbox_audit_manifest.json (records, rejects with reasons,
 * normalized spot checks, sniffing), plus the mapping details the answer
 * key does not reach.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "importer.h"
#include "json.h"
#include "manifest.h"
#include "testmain.h"

extern const struct ftl_importer ftl_importer_exchange_mailbox_audit;

#define DIR FTL_FIXTURES "/exchange_mailbox_audit"

static cJSON *manifest;

static const cJSON *load(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/exchange_mailbox_audit_manifest.json");
    return manifest;
}

static void test_exchange_mailbox_audit_manifest_files(void)
{
    CU_ASSERT(manifest_check_files(load(), &ftl_importer_exchange_mailbox_audit, DIR) >= 3);
}

static void test_exchange_mailbox_audit_sniff_fixtures(void)
{
    manifest_check_sniff(load(), &ftl_importer_exchange_mailbox_audit, DIR);
}

static cJSON *attrs_of(const struct cap_event *e)
{
    cJSON *a = cJSON_Parse(e->f[FTL_F_ATTRS]);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    return a;
}

/* Local offsets, 7 digits, the actor fallbacks, categories, items. */
static void test_exchange_mailbox_audit_mapping(void)
{
    static const char t[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<SearchResults>\n"
        "<Event MailboxGuid=\"4b2f5c8e-1111-4222-8333-944455556666\" Owner=\"Permanent Secretary\" "
        "LastAccessed=\"2023-06-18T23:20:30.9999999-07:00\" Operation=\"HardDelete\" "
        "OperationResult=\"PartiallySucceeded\" LogonType=\"Delegate\" FolderPathName=\"\\Inbox\" "
        "ClientInfoString=\"Client=MSExchangeRPC\" ClientIPAddress=\"198.51.100.7:51234\" "
        "MailboxOwnerUPN=\"permanent.secretary@example.org\" LogonUserDisplayName=\"EXAMPLE\\Ops Deputy\" "
        "LogonUserSid=\"S-1-5-21-1-2-3-1105\"><SourceItems>"
        "<ItemId Id=\"RgA1\" Subject=\"Budget &amp; plans\"/><ItemId Id=\"RgA2\" Subject=\"caf\xc3\xa9\"/>"
        "<ItemId Id=\"RgA3\"/></SourceItems></Event>\n"
        "<Event MailboxGuid=\"9\" Owner=\"Finance\" LastAccessed=\"2023-06-19T08:00:00+02:00\" "
        "Operation=\"UpdateInboxRules\" OperationResult=\"Failed\" LogonUserSid=\"S-1-5-21-9\" "
        "ClientIPAddress=\"2001:DB8:0:0:0:0:0:7\"/>\n"
        "<Event LastAccessed=\"yesterday\" Operation=\"MailboxLogin\"/>\n"
        "</SearchResults>\n";
    struct capture c;
    cJSON *a;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_exchange_mailbox_audit, "SearchResult.xml", t) == 0);
    CU_ASSERT_EQUAL(c.records, 3);
    CU_ASSERT_EQUAL_FATAL(c.nev, 2);
    CU_ASSERT_EQUAL_FATAL(c.nrej, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.rej[0].reason, "LastAccessed"));
    CU_ASSERT_EQUAL(c.ev[0].ts_us, manifest_iso("2023-06-19T06:20:30.999999Z"));
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_CATEGORY], "mailbox");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_OUTCOME], "success");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTOR], "example\\ops deputy");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_TARGET], "permanent.secretary@example.org");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_SRC_IP], "198.51.100.7");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_USER_AGENT], "Client=MSExchangeRPC");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_NATIVE_ID],
                           "4b2f5c8e-1111-4222-8333-944455556666/2023-06-19T06:20:30.999999Z/"
                           "HardDelete/S-1-5-21-1-2-3-1105");
    a = attrs_of(&c.ev[0]);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(a, "item_count")->valueint, 3);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "item_subjects"), "Budget & plans | caf\xc3\xa9");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "logon_type"), "Delegate");
    cJSON_Delete(a);
    CU_ASSERT_EQUAL(c.ev[1].ts_us, manifest_iso("2023-06-19T06:00:00Z"));
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_CATEGORY], "mail_admin");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_OUTCOME], "failure");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_ACTOR], "s-1-5-21-9");   /* only the SID */
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_TARGET], "Finance");     /* no owner UPN */
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_SRC_IP], "2001:db8::7");
    capture_free(&c);
}

/* The three XML formats never take each other's files. */
static void test_exchange_mailbox_audit_sniff_apart(void)
{
    static const char mbx[] = "<SearchResults><Event MailboxGuid=\"1\" LastAccessed=\"x\" Operation=\"y\"/>";
    static const char adm[] = "<SearchResults><Event Caller=\"a\" Cmdlet=\"Set-Mailbox\" RunDate=\"x\"/>";
    static const char win[] = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>";
    extern const struct ftl_importer ftl_importer_exchange_admin_audit, ftl_importer_windows_event_xml;

    CU_ASSERT_PTR_EQUAL(ftl_importer_sniff(mbx, sizeof mbx - 1), &ftl_importer_exchange_mailbox_audit);
    CU_ASSERT_PTR_EQUAL(ftl_importer_sniff(adm, sizeof adm - 1), &ftl_importer_exchange_admin_audit);
    CU_ASSERT_PTR_EQUAL(ftl_importer_sniff(win, sizeof win - 1), &ftl_importer_windows_event_xml);
    CU_ASSERT_PTR_NULL(ftl_importer_sniff("<html><body>", 12));
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_exchange_mailbox_audit_manifest_files },
    { "sniff_fixtures", test_exchange_mailbox_audit_sniff_fixtures },
    { "mapping", test_exchange_mailbox_audit_mapping },
    { "sniff_apart", test_exchange_mailbox_audit_sniff_apart },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("exchange_mailbox_audit", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
