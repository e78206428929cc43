/*
 * test_exchange_admin_audit.c - the Exchange admin audit export importer against fixtures/exchange_admin_audit/ and
 * tests/data/exchange_admin_audit_manifest.json (records, rejects with reasons,
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

extern const struct ftl_importer ftl_importer_exchange_admin_audit;

#define DIR FTL_FIXTURES "/exchange_admin_audit"

static cJSON *manifest;

static const cJSON *load(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/exchange_admin_audit_manifest.json");
    return manifest;
}

static void test_exchange_admin_audit_manifest_files(void)
{
    CU_ASSERT(manifest_check_files(load(), &ftl_importer_exchange_admin_audit, DIR) >= 2);
}

static void test_exchange_admin_audit_sniff_fixtures(void)
{
    manifest_check_sniff(load(), &ftl_importer_exchange_admin_audit, DIR);
}

static cJSON *attrs_of(const struct cap_event *e)
{
    cJSON *a = cJSON_Parse(e->f[FTL_F_ATTRS]);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    return a;
}

/* Parameters and modified properties as attrs, outcomes, the native id. */
static void test_exchange_admin_audit_mapping(void)
{
    static const char t[] =
        "<SearchResults>"
        "<Event Caller=\"example.org/Users/Exchange Admin\" Cmdlet=\"Set-Mailbox\" "
        "ObjectModified=\"example.org/Users/D Okafor\" RunDate=\"2023-06-20T14:05:11+02:00\" "
        "Succeeded=\"True\" Error=\"None\" OriginatingServer=\"EXCH01\">"
        "<CmdletParameters><Parameter Name=\"ForwardingSmtpAddress\" Value=\"smtp:archive-sync@example.com\"/>"
        "<Parameter Name=\"DeliverToMailboxAndForward\" Value=\"True\"/><Parameter Name=\"Empty\" Value=\"\"/>"
        "</CmdletParameters><ModifiedProperties><Property Name=\"ForwardingSmtpAddress\" OldValue=\"\" "
        "NewValue=\"smtp:archive-sync@example.com\"/></ModifiedProperties></Event>"
        "<Event Caller=\"admin@example.org\" Cmdlet=\"Set-MailboxAuditBypassAssociation\" "
        "ObjectModified=\"svc-backup\" RunDate=\"2023-06-21T09:00:00Z\" Succeeded=\"false\" "
        "Error=\"Access denied\"/>"
        "</SearchResults>";
    struct capture c;
    cJSON *a;
    const cJSON *p, *m;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_exchange_admin_audit, "admin.xml", t) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 2);
    CU_ASSERT_EQUAL(c.ev[0].ts_us, manifest_iso("2023-06-20T12:05:11Z"));
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_CATEGORY], "mail_admin");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTION], "Set-Mailbox");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_OUTCOME], "success");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTOR], "example.org/users/exchange admin");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_TARGET], "example.org/Users/D Okafor");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_NATIVE_ID],
                           "example.org/Users/Exchange Admin/Set-Mailbox/example.org/Users/D Okafor/"
                           "2023-06-20T12:05:11.000000Z");
    a = attrs_of(&c.ev[0]);
    p = cJSON_GetObjectItem(a, "parameters");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(p, "ForwardingSmtpAddress"), "smtp:archive-sync@example.com");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(p, "DeliverToMailboxAndForward"), "True");
    CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(p, "Empty"));   /* kept, empty */
    m = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "modified"), 0);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(m, "name"), "ForwardingSmtpAddress");
    CU_ASSERT_PTR_NULL(ftl_json_str(m, "old"));
    CU_ASSERT_STRING_EQUAL(ftl_json_str(m, "new"), "smtp:archive-sync@example.com");
    CU_ASSERT_PTR_NULL(ftl_json_str(a, "error"));   /* "None" */
    cJSON_Delete(a);
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_OUTCOME], "failure");
    a = attrs_of(&c.ev[1]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "error"), "Access denied");
    cJSON_Delete(a);
    capture_free(&c);
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_exchange_admin_audit_manifest_files },
    { "sniff_fixtures", test_exchange_admin_audit_sniff_fixtures },
    { "mapping", test_exchange_admin_audit_mapping },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("exchange_admin_audit", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
