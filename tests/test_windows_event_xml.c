/*
 * test_windows_event_xml.c - the Windows event XML importer against fixtures/windows_event_xml/ and
 * tests/data/windows_event_xml_manifest.json (records, rejects with reasons,
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

extern const struct ftl_importer ftl_importer_windows_event_xml;

#define DIR FTL_FIXTURES "/windows_event_xml"

static cJSON *manifest;

static const cJSON *load(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/windows_event_xml_manifest.json");
    return manifest;
}

static void test_windows_event_xml_manifest_files(void)
{
    CU_ASSERT(manifest_check_files(load(), &ftl_importer_windows_event_xml, DIR) >= 6);
}

static void test_windows_event_xml_sniff_fixtures(void)
{
    manifest_check_sniff(load(), &ftl_importer_windows_event_xml, DIR);
}

static cJSON *attrs_of(const struct cap_event *e)
{
    cJSON *a = cJSON_Parse(e->f[FTL_F_ATTRS]);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    return a;
}

#define EV(id, rec, data)                                                                   \
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"         \
    "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>" id "</EventID>"        \
    "<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2023-06-19T09:20:30.1234567Z'/>" \
    "<EventRecordID>" rec "</EventRecordID><Channel>Security</Channel>"                       \
    "<Computer>DC01.example.org</Computer></System><EventData>" data "</EventData></Event>\n"

static void test_windows_event_xml_logon_mapping(void)
{
    static const char t[] =
        EV("4624", "11", "<Data Name='SubjectLogonId'>0x3e7</Data><Data Name='TargetUserName'>Alice</Data>"
           "<Data Name='TargetDomainName'>EXAMPLE</Data><Data Name='TargetLogonId'>0x1a2b3c</Data>"
           "<Data Name='LogonType'>10</Data><Data Name='WorkstationName'>WS-0142</Data>"
           "<Data Name='IpAddress'>::ffff:198.51.100.7</Data><Data Name='IpPort'>51234</Data>")
        EV("4625", "12", "<Data Name='TargetUserName'>bob</Data><Data Name='TargetDomainName'>EXAMPLE</Data>"
           "<Data Name='Status'>0xc000006d</Data><Data Name='SubStatus'>0xc000006a</Data>"
           "<Data Name='IpAddress'>203.0.113.66</Data>")
        EV("4776", "13", "<Data Name='TargetUserName'>carol</Data><Data Name='Workstation'>WS-9</Data>"
           "<Data Name='Status'>0xC0000064</Data>")
        EV("4768", "14", "<Data Name='TargetUserName'>carol</Data><Data Name='TargetDomainName'>EXAMPLE.ORG</Data>"
           "<Data Name='Status'>0x0</Data><Data Name='IpAddress'>-</Data>")
        EV("4688", "15", "<Data Name='SubjectUserName'>alice</Data><Data Name='SubjectDomainName'>EXAMPLE</Data>"
           "<Data Name='SubjectLogonId'>0x1a2b3c</Data><Data Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data>");
    struct capture c;
    cJSON *a;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_windows_event_xml, "security.xml", t) == 0);
    CU_ASSERT_STRING_EQUAL(c.variant, "wevtutil");
    CU_ASSERT_EQUAL_FATAL(c.nev, 5);
    CU_ASSERT_EQUAL(c.ev[0].ts_us, manifest_iso("2023-06-19T09:20:30.123456Z"));
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_CATEGORY], "signin");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTION], "Microsoft-Windows-Security-Auditing:4624");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTOR], "example\\alice");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_SRC_IP], "198.51.100.7");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_OUTCOME], "success");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_TARGET], "DC01.example.org");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_SESSION_KEY], "DC01.example.org/0x1a2b3c");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_NATIVE_ID], "DC01.example.org/Security/11");
    a = attrs_of(&c.ev[0]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "logon_type"), "10");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "workstation"), "WS-0142");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(cJSON_GetObjectItem(a, "data"), "TargetUserName"), "Alice");
    cJSON_Delete(a);
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_OUTCOME], "failure");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_SRC_IP], "203.0.113.66");
    CU_ASSERT_STRING_EQUAL(c.ev[2].f[FTL_F_OUTCOME], "failure");      /* 4776 with a status */
    CU_ASSERT_STRING_EQUAL(c.ev[2].f[FTL_F_ACTOR], "carol");          /* no domain */
    a = attrs_of(&c.ev[2]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "workstation"), "WS-9");
    cJSON_Delete(a);
    CU_ASSERT_STRING_EQUAL(c.ev[3].f[FTL_F_OUTCOME], "success");      /* 4768 0x0 */
    CU_ASSERT_PTR_NULL(c.ev[3].f[FTL_F_SRC_IP]);                      /* "-" */
    CU_ASSERT_STRING_EQUAL(c.ev[4].f[FTL_F_CATEGORY], "host");
    CU_ASSERT_STRING_EQUAL(c.ev[4].f[FTL_F_OUTCOME], "success");      /* Audit Success keyword */
    CU_ASSERT_STRING_EQUAL(c.ev[4].f[FTL_F_SESSION_KEY], "DC01.example.org/0x1a2b3c");   /* same logon */
    CU_ASSERT_STRING_EQUAL(c.ev[4].f[FTL_F_ACTOR], "example\\alice");
    capture_free(&c);
}

/* Log cleared (UserData, not EventData), no namespace, and AD FS. */
static void test_windows_event_xml_userdata_and_adfs(void)
{
    static const char t[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Events>"
        "<Event><System><Provider Name='Microsoft-Windows-Eventlog'/><EventID>1102</EventID>"
        "<TimeCreated SystemTime='2023-06-21T03:00:00.0000000Z'/><EventRecordID>900</EventRecordID>"
        "<Channel>Security</Channel><Computer>DC01.example.org</Computer></System>"
        "<UserData><LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'>"
        "<SubjectUserName>mallory</SubjectUserName><SubjectDomainName>EXAMPLE</SubjectDomainName>"
        "<SubjectLogonId>0x77</SubjectLogonId></LogFileCleared></UserData></Event>"
        "<Event><System><Provider Name='AD FS Auditing'/><EventID>1200</EventID>"
        "<TimeCreated SystemTime='2023-06-21T03:01:00Z'/><EventRecordID>5</EventRecordID>"
        "<Channel>Security</Channel><Computer>ADFS01.example.org</Computer></System><EventData>"
        "<Data>0b6c4a3e-1d2f-4e5a-8b9c-0d1e2f3a4b5c</Data><Data>&lt;?xml version=\"1.0\" encoding=\"utf-16\"?&gt;"
        "&lt;AuditBase xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"AppTokenAudit\"&gt;"
        "&lt;AuditType&gt;AppToken&lt;/AuditType&gt;&lt;AuditResult&gt;Success&lt;/AuditResult&gt;"
        "&lt;ContextComponents&gt;&lt;Component xsi:type=\"ResourceAuditComponent\"&gt;"
        "&lt;RelyingParty&gt;urn:federation:MicrosoftOnline&lt;/RelyingParty&gt;&lt;UserId&gt;EXAMPLE\\Alice&lt;/UserId&gt;"
        "&lt;/Component&gt;&lt;Component xsi:type=\"RequestAuditComponent\"&gt;&lt;IpAddress&gt;198.51.100.7&lt;/IpAddress&gt;"
        "&lt;ForwardedIpAddress&gt;198.51.100.7,192.0.2.1&lt;/ForwardedIpAddress&gt;"
        "&lt;UserAgentString&gt;Mozilla/5.0&lt;/UserAgentString&gt;&lt;MfaPerformed&gt;false&lt;/MfaPerformed&gt;"
        "&lt;/Component&gt;&lt;/ContextComponents&gt;&lt;/AuditBase&gt;</Data></EventData></Event>"
        "<Event><System><Provider Name='AD FS Auditing'/><EventID>1201</EventID>"
        "<TimeCreated SystemTime='2023-06-21T03:02:00Z'/><EventRecordID>6</EventRecordID>"
        "<Channel>Security</Channel><Computer>ADFS01.example.org</Computer></System><EventData>"
        "<Data>x</Data><Data>&lt;AuditBase&gt;&lt;Broken&gt;</Data></EventData></Event>"
        "</Events>";
    struct capture c;
    cJSON *a;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_windows_event_xml, "saved.xml", t) == 0);
    CU_ASSERT_STRING_EQUAL(c.variant, "events");
    CU_ASSERT_EQUAL_FATAL(c.nev, 2);
    CU_ASSERT_EQUAL_FATAL(c.nrej, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.rej[0].reason, "AD FS"));
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_CATEGORY], "host");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTOR], "example\\mallory");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_SESSION_KEY], "DC01.example.org/0x77");
    a = attrs_of(&c.ev[0]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(cJSON_GetObjectItem(a, "data"), "SubjectUserName"), "mallory");
    cJSON_Delete(a);
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_CATEGORY], "signin");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_ACTION], "adfs:1200");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_ACTOR], "example\\alice");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_TARGET], "urn:federation:MicrosoftOnline");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_SRC_IP], "198.51.100.7");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_OUTCOME], "success");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_USER_AGENT], "Mozilla/5.0");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_CORRELATION_ID], "0b6c4a3e-1d2f-4e5a-8b9c-0d1e2f3a4b5c");
    a = attrs_of(&c.ev[1]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "forwarded_ip"), "198.51.100.7,192.0.2.1");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "mfa_performed"), "false");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "audit_type"), "AppToken");
    cJSON_Delete(a);
    capture_free(&c);
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_windows_event_xml_manifest_files },
    { "sniff_fixtures", test_windows_event_xml_sniff_fixtures },
    { "logon_mapping", test_windows_event_xml_logon_mapping },
    { "userdata_and_adfs", test_windows_event_xml_userdata_and_adfs },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("windows_event_xml", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
