/*
 * test_gcp_audit.c - the Google Cloud audit log importer against
 * fixtures/gcp_audit/ and tests/data/gcp_audit_manifest.json, plus the
 * mapping rules one entry at a time: nanosecond times truncated (never
 * rounded into the next second), outcomes from status.code, non-audit
 * entries kept as `other`, IAM policy deltas and delegation chains in attrs,
 * the receiveTimestamp fallback.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "importer.h"
#include "json.h"
#include "manifest.h"
#include "testmain.h"

extern const struct ftl_importer ftl_importer_gcp_audit;

#define DIR FTL_FIXTURES "/gcp_audit"

static cJSON *manifest;

static const cJSON *load(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/gcp_audit_manifest.json");
    return manifest;
}

static void test_gcp_audit_manifest_files(void)
{
    CU_ASSERT(manifest_check_files(load(), &ftl_importer_gcp_audit, DIR) >= 7);
}

static void test_gcp_audit_sniff_fixtures(void)
{
    manifest_check_sniff(load(), &ftl_importer_gcp_audit, DIR);
}

static cJSON *attrs_of(const struct cap_event *e)
{
    cJSON *a = cJSON_Parse(e->f[FTL_F_ATTRS]);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    return a;
}

#define AUDIT(id, ts, extra)                                                                 \
    "{\"insertId\":\"" id "\",\"logName\":\"projects/example-prod-331207/logs/"               \
    "cloudaudit.googleapis.com%2Factivity\",\"timestamp\":\"" ts "\","                       \
    "\"resource\":{\"type\":\"project\",\"labels\":{\"project_id\":\"example-prod-331207\"}},"  \
    "\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\","        \
    "\"serviceName\":\"compute.googleapis.com\",\"methodName\":\"v1.compute.instances.insert\"," \
    "\"resourceName\":\"projects/example-prod-331207/zones/europe-west1-b/instances/vm-1\","  \
    "\"authenticationInfo\":{\"principalEmail\":\"Dev.Ops@Example.org\"},"                    \
    "\"requestMetadata\":{\"callerIp\":\"198.51.100.20\"}" extra "}}\n"

static void test_gcp_audit_nanoseconds_truncated(void)
{
    static const char text[] =
        AUDIT("t1", "2023-06-19T23:59:59.999999999Z", "")
        AUDIT("t2", "2023-06-19T09:20:30.123456789Z", "")
        AUDIT("t3", "2023-06-19T09:20:30Z", "")
        AUDIT("t4", "2023-06-20T01:59:59.9999995+02:00", "")
        AUDIT("t5", "2023-12-31T23:59:59.9999999Z", "");
    struct capture c;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_gcp_audit, "ns.jsonl", text) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 5);
    CU_ASSERT_STRING_EQUAL(c.variant, "json_lines");
    CU_ASSERT_EQUAL(c.ev[0].ts_us, manifest_iso("2023-06-19T23:59:59.999999Z"));
    CU_ASSERT_EQUAL(c.ev[1].ts_us, manifest_iso("2023-06-19T09:20:30.123456Z"));
    CU_ASSERT_EQUAL(c.ev[2].ts_us, manifest_iso("2023-06-19T09:20:30.000000Z"));
    CU_ASSERT_EQUAL(c.ev[3].ts_us, manifest_iso("2023-06-19T23:59:59.999999Z"));
    /* never into the next year */
    CU_ASSERT_EQUAL(c.ev[4].ts_us, manifest_iso("2023-12-31T23:59:59.999999Z"));
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTOR], "dev.ops@example.org");
    capture_free(&c);
}

static void test_gcp_audit_outcomes(void)
{
    static const char text[] =
        "[" AUDIT("o1", "2023-06-19T10:00:00Z", "") ","
        AUDIT("o2", "2023-06-19T10:00:01Z", ",\"status\":{}") ","
        AUDIT("o3", "2023-06-19T10:00:02Z", ",\"status\":{\"code\":0}") ","
        AUDIT("o4", "2023-06-19T10:00:03Z",
              ",\"status\":{\"code\":7,\"message\":\"PERMISSION_DENIED\"},"
              "\"authorizationInfo\":[{\"permission\":\"compute.instances.create\",\"granted\":false}]") "]";
    struct capture c;
    cJSON *a;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_gcp_audit, "outcomes.json", text) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 4);
    CU_ASSERT_STRING_EQUAL(c.variant, "json_array");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_OUTCOME], "success");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_OUTCOME], "success");
    CU_ASSERT_STRING_EQUAL(c.ev[2].f[FTL_F_OUTCOME], "success");
    CU_ASSERT_STRING_EQUAL(c.ev[3].f[FTL_F_OUTCOME], "failure");
    a = attrs_of(&c.ev[3]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "status_code"), "7");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "status_message"), "PERMISSION_DENIED");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "permission"), "compute.instances.create");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "granted"), "false");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "log_type"), "activity");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "project"), "example-prod-331207");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "service"), "compute.googleapis.com");
    cJSON_Delete(a);
    CU_ASSERT_STRING_EQUAL(c.ev[3].f[FTL_F_ACTION], "v1.compute.instances.insert");
    CU_ASSERT_STRING_EQUAL(c.ev[3].f[FTL_F_NATIVE_ID], "o4");
    CU_ASSERT_STRING_EQUAL(c.ev[3].f[FTL_F_SRC_IP], "198.51.100.20");
    capture_free(&c);
}

static void test_gcp_audit_policy_delta_and_delegation(void)
{
    static const char text[] =
        "{\"insertId\":\"p1\",\"logName\":\"organizations/123456789012/logs/"
        "cloudaudit.googleapis.com%2Factivity\",\"timestamp\":\"2023-06-19T10:05:00Z\","
        "\"operation\":{\"id\":\"op-77\",\"producer\":\"cloudresourcemanager.googleapis.com\"},"
        "\"protoPayload\":{\"serviceName\":\"cloudresourcemanager.googleapis.com\","
        "\"methodName\":\"SetIamPolicy\",\"resourceName\":\"projects/example-prod-331207\","
        "\"authenticationInfo\":{\"principalEmail\":\"deployer@example-prod-331207.iam.gserviceaccount.com\","
        "\"serviceAccountKeyName\":\"//iam.googleapis.com/projects/example-prod-331207/serviceAccounts/"
        "deployer@example-prod-331207.iam.gserviceaccount.com/keys/0f1e2d3c\","
        "\"serviceAccountDelegationInfo\":[{\"firstPartyPrincipal\":{\"principalEmail\":\"ext@example.com\"}},"
        "{\"firstPartyPrincipal\":{\"principalEmail\":\"relay@example-prod-331207.iam.gserviceaccount.com\"}}]},"
        "\"requestMetadata\":{\"callerIp\":\"2001:DB8:0:0:0:0:0:42\",\"callerSuppliedUserAgent\":"
        "\"google-cloud-sdk gcloud/437.0.1\"},"
        "\"serviceData\":{\"@type\":\"type.googleapis.com/google.iam.v1.logging.AuditData\","
        "\"policyDelta\":{\"bindingDeltas\":[{\"action\":\"ADD\",\"role\":\"roles/owner\","
        "\"member\":\"user:ext@example.com\"},{\"action\":\"REMOVE\",\"role\":\"roles/viewer\","
        "\"member\":\"user:ext@example.com\"}]}}}}\n";
    struct capture c;
    cJSON *a;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_gcp_audit, "iam.jsonl", text) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 1);
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_SRC_IP], "2001:db8::42");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_CORRELATION_ID], "op-77");
    CU_ASSERT_PTR_NOT_NULL(strstr(c.ev[0].f[FTL_F_SESSION_KEY], "/keys/0f1e2d3c"));
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_USER_AGENT], "google-cloud-sdk gcloud/437.0.1");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_TARGET], "projects/example-prod-331207");
    a = attrs_of(&c.ev[0]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "binding_deltas"),
                           "ADD roles/owner user:ext@example.com; REMOVE roles/viewer user:ext@example.com");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "delegation_chain"),
                           "ext@example.com, relay@example-prod-331207.iam.gserviceaccount.com");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "log_parent"), "organizations/123456789012");
    cJSON_Delete(a);
    capture_free(&c);
}

static void test_gcp_audit_non_audit_entries(void)
{
    static const char text[] =
        "{\"insertId\":\"x1\",\"logName\":\"projects/example-prod-331207/logs/syslog\","
        "\"timestamp\":\"2023-06-19T10:00:00Z\",\"textPayload\":\"sshd[812]: Accepted publickey for ops\","
        "\"resource\":{\"type\":\"gce_instance\"}}\n"
        "{\"insertId\":\"x2\",\"logName\":\"projects/example-prod-331207/logs/run.googleapis.com%2Fstderr\","
        "\"timestamp\":\"2023-06-19T10:00:01Z\",\"jsonPayload\":{\"message\":\"caf\xc3\xa9 \xe2\x82\xac\"}}\n"
        "{\"insertId\":\"x3\",\"logName\":\"projects/example-prod-331207/logs/app\","
        "\"receiveTimestamp\":\"2023-06-19T10:00:02.5Z\",\"jsonPayload\":{\"n\":1}}\n"
        "{\"insertId\":\"x4\",\"logName\":\"projects/example-prod-331207/logs/app\","
        "\"timestamp\":1687168802}\n";
    struct capture c;
    cJSON *a;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_gcp_audit, "other.jsonl", text) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 3);
    CU_ASSERT_EQUAL(c.nrej, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.rej[0].reason, "not a text timestamp"));
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_CATEGORY], "other");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_OUTCOME], "unknown");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTION], "syslog");
    CU_ASSERT_PTR_NULL(c.ev[0].f[FTL_F_ACTOR]);
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_ACTION], "run.googleapis.com/stderr");
    a = attrs_of(&c.ev[0]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "message"), "sshd[812]: Accepted publickey for ops");
    cJSON_Delete(a);
    a = attrs_of(&c.ev[1]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "message"), "caf\xc3\xa9 \xe2\x82\xac");
    cJSON_Delete(a);
    a = attrs_of(&c.ev[2]);
    CU_ASSERT_EQUAL(c.ev[2].ts_us, manifest_iso("2023-06-19T10:00:02.500000Z"));
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "time_source"), "receiveTimestamp");
    cJSON_Delete(a);
    capture_free(&c);
}

/* A long message is cut at a character boundary, never inside one. */
static void test_gcp_audit_message_cut_on_utf8(void)
{
    struct ftl_buf text = { 0 };
    struct capture c;
    cJSON *a;
    const char *m;
    int i;

    ftl_buf_addstr(&text, "{\"insertId\":\"m1\",\"logName\":\"projects/p/logs/app\","
                          "\"timestamp\":\"2023-06-19T10:00:00Z\",\"textPayload\":\"x");
    for (i = 0; i < 200; i++)
        ftl_buf_addstr(&text, "\xe2\x82\xac");   /* 3 bytes each; 1 + 3k never lands on 256 */
    ftl_buf_addstr(&text, "\"}\n");
    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_gcp_audit, "long.jsonl", text.data) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 1);
    a = attrs_of(&c.ev[0]);
    m = ftl_json_str(a, "message");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT(strlen(m) <= 256);
    CU_ASSERT_EQUAL(strlen(m), 1 + 3 * 85);
    CU_ASSERT_EQUAL(ftl_utf8_invalid(m, strlen(m)), -1);
    cJSON_Delete(a);
    capture_free(&c);
    ftl_buf_free(&text);
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_gcp_audit_manifest_files },
    { "sniff_fixtures", test_gcp_audit_sniff_fixtures },
    { "nanoseconds_truncated", test_gcp_audit_nanoseconds_truncated },
    { "outcomes", test_gcp_audit_outcomes },
    { "policy_delta_and_delegation", test_gcp_audit_policy_delta_and_delegation },
    { "non_audit_entries", test_gcp_audit_non_audit_entries },
    { "message_cut_on_utf8", test_gcp_audit_message_cut_on_utf8 },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("gcp_audit", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
