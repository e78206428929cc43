/*
 * test_azure_activity.c - the Azure Activity log importer against
 * fixtures/azure_activity/ and tests/data/azure_activity_manifest.json, plus
 * the mapping rules one record at a time: the same event in every shape,
 * outcomes, the synthesized native id of the export, ids taken from ARM
 * resource ids, seven fraction digits, and sniffing against Entra's own
 * diagnostic records.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "capture.h"
#include "importer.h"
#include "json.h"
#include "manifest.h"
#include "testmain.h"

extern const struct ftl_importer ftl_importer_azure_activity;

#define DIR FTL_FIXTURES "/azure_activity"

static cJSON *manifest;

static const cJSON *load(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/azure_activity_manifest.json");
    return manifest;
}

static void test_azure_activity_manifest_files(void)
{
    CU_ASSERT(manifest_check_files(load(), &ftl_importer_azure_activity, DIR) >= 8);
}

static void test_azure_activity_sniff_fixtures(void)
{
    manifest_check_sniff(load(), &ftl_importer_azure_activity, DIR);
}

static cJSON *attrs_of(const struct cap_event *e)
{
    cJSON *a = cJSON_Parse(e->f[FTL_F_ATTRS]);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    return a;
}

/* One role assignment by a guest, as each shape writes it. */
#define CLAIMS_CAMEL                                                                       \
    "{\"appid\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"uti\":\"Xk2tQm9fRkaB1c3dE4fGAA\"," \
    "\"ipaddr\":\"203.0.113.66\","                                                          \
    "\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn\":\"Guest.Ops@Example.com\"}"

static const struct {
    const char *file, *variant, *text;
} shapes[] = {
    { "rest.json", "event_data",
      "[{\"caller\":\"Guest.Ops@Example.com\",\"eventTimestamp\":\"2023-06-19T10:02:11.4312557Z\","
      "\"operationName\":{\"value\":\"Microsoft.Authorization/roleAssignments/write\","
      "\"localizedValue\":\"Create role assignment\"},\"status\":{\"value\":\"Succeeded\"},"
      "\"eventDataId\":\"5b0c9a1e-7d0e-4a43-9f39-2c7a6f1d8e01\","
      "\"correlationId\":\"0f2e6c1b-1d4a-4a8e-8d7b-7f3b9a2c5e10\","
      "\"resourceId\":\"/subscriptions/6d1c4a8e-0b2f-4f6e-9c3d-1a2b3c4d5e6f/resourceGroups/rg-finance"
      "/providers/Microsoft.Authorization/roleAssignments/9a8b7c6d\","
      "\"httpRequest\":{\"clientIpAddress\":\"203.0.113.66\",\"method\":\"PUT\"},"
      "\"claims\":" CLAIMS_CAMEL ",\"level\":\"Informational\"}]" },
    { "powershell.json", "event_data",
      "[{\"Caller\":\"Guest.Ops@Example.com\",\"EventTimestamp\":\"2023-06-19T10:02:11.4312557Z\","
      "\"OperationName\":{\"Value\":\"Microsoft.Authorization/roleAssignments/write\"},"
      "\"Status\":{\"Value\":\"Succeeded\"},\"EventDataId\":\"5b0c9a1e-7d0e-4a43-9f39-2c7a6f1d8e01\","
      "\"CorrelationId\":\"0f2e6c1b-1d4a-4a8e-8d7b-7f3b9a2c5e10\","
      "\"ResourceId\":\"/subscriptions/6d1c4a8e-0b2f-4f6e-9c3d-1a2b3c4d5e6f/resourceGroups/rg-finance"
      "/providers/Microsoft.Authorization/roleAssignments/9a8b7c6d\","
      "\"HttpRequest\":{\"ClientIpAddress\":\"203.0.113.66\",\"Method\":\"PUT\"},"
      "\"Claims\":{\"Content\":" CLAIMS_CAMEL "},\"Level\":4}]" },
    { "python.json", "event_data_snake",
      "[{\"caller\":\"Guest.Ops@Example.com\",\"event_timestamp\":\"2023-06-19T10:02:11.4312557Z\","
      "\"operation_name\":{\"value\":\"Microsoft.Authorization/roleAssignments/write\","
      "\"localized_value\":\"Create role assignment\"},\"status\":{\"value\":\"Succeeded\"},"
      "\"event_data_id\":\"5b0c9a1e-7d0e-4a43-9f39-2c7a6f1d8e01\","
      "\"correlation_id\":\"0f2e6c1b-1d4a-4a8e-8d7b-7f3b9a2c5e10\","
      "\"resource_id\":\"/subscriptions/6d1c4a8e-0b2f-4f6e-9c3d-1a2b3c4d5e6f/resourceGroups/rg-finance"
      "/providers/Microsoft.Authorization/roleAssignments/9a8b7c6d\","
      "\"http_request\":{\"client_ip_address\":\"203.0.113.66\",\"method\":\"PUT\"},"
      "\"claims\":" CLAIMS_CAMEL "}]" },
    { "log_analytics.json", "log_analytics",
      "[{\"TimeGenerated\":\"2023-06-19T10:02:11.4312557Z\",\"Caller\":\"Guest.Ops@Example.com\","
      "\"OperationName\":\"Create role assignment\","
      "\"OperationNameValue\":\"Microsoft.Authorization/roleAssignments/write\","
      "\"ActivityStatusValue\":\"Succeeded\",\"CallerIpAddress\":\"203.0.113.66\","
      "\"EventDataId\":\"5b0c9a1e-7d0e-4a43-9f39-2c7a6f1d8e01\","
      "\"CorrelationId\":\"0f2e6c1b-1d4a-4a8e-8d7b-7f3b9a2c5e10\","
      "\"_ResourceId\":\"/subscriptions/6d1c4a8e-0b2f-4f6e-9c3d-1a2b3c4d5e6f/resourceGroups/rg-finance"
      "/providers/Microsoft.Authorization/roleAssignments/9a8b7c6d\","
      "\"Claims\":\"{\\\"appid\\\":\\\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\\\","
      "\\\"uti\\\":\\\"Xk2tQm9fRkaB1c3dE4fGAA\\\"}\"}]" },
    { "export.json", "export",
      "{\"records\":[{\"time\":\"2023-06-19T10:02:11.4312557Z\","
      "\"resourceId\":\"/SUBSCRIPTIONS/6D1C4A8E-0B2F-4F6E-9C3D-1A2B3C4D5E6F/RESOURCEGROUPS/RG-FINANCE"
      "/PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/9A8B7C6D\","
      "\"operationName\":\"MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE\",\"category\":\"Administrative\","
      "\"resultType\":\"Success\",\"resultSignature\":\"Succeeded.Created\","
      "\"callerIpAddress\":\"203.0.113.66\",\"correlationId\":\"0f2e6c1b-1d4a-4a8e-8d7b-7f3b9a2c5e10\","
      "\"identity\":{\"authorization\":{\"scope\":\"/subscriptions/6d1c4a8e\",\"action\":"
      "\"Microsoft.Authorization/roleAssignments/write\",\"evidence\":{\"role\":\"Owner\"}},"
      "\"claims\":" CLAIMS_CAMEL "},\"level\":\"Information\"}]}" },
};

static void test_azure_activity_shapes_agree(void)
{
    size_t i;

    for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        struct capture c;
        const struct cap_event *e;
        int is_export = strcmp(shapes[i].variant, "export") == 0;

        CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_azure_activity, shapes[i].file,
                                     shapes[i].text) == 0);
        CU_ASSERT_EQUAL_FATAL(c.nev, 1);
        CU_ASSERT_EQUAL(c.nrej, 0);
        CU_ASSERT_STRING_EQUAL(c.variant, shapes[i].variant);
        e = &c.ev[0];
        /* seven fraction digits: truncated to microseconds */
        CU_ASSERT_EQUAL(e->ts_us, manifest_iso("2023-06-19T10:02:11.431255Z"));
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_SOURCE], "azure_activity");
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_CATEGORY], "cloud");
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_OUTCOME], "success");
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_ACTOR], "guest.ops@example.com");
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_SRC_IP], "203.0.113.66");
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_APP_ID], "c44b4083-3bb0-49c1-b47d-974e53cbdf3c");
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_TOKEN_ID], "Xk2tQm9fRkaB1c3dE4fGAA");
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_CORRELATION_ID], "0f2e6c1b-1d4a-4a8e-8d7b-7f3b9a2c5e10");
        /* the export writes ids and names upper-case; kept as written */
        CU_ASSERT_EQUAL(strcasecmp(e->f[FTL_F_ACTION], "Microsoft.Authorization/roleAssignments/write"), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(e->f[FTL_F_TARGET], is_export ? "/ROLEASSIGNMENTS/" : "/roleAssignments/"));
        if (is_export) {
            CU_ASSERT_STRING_EQUAL(e->f[FTL_F_NATIVE_ID],
                                   "0f2e6c1b-1d4a-4a8e-8d7b-7f3b9a2c5e10/"
                                   "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE/Success/"
                                   "2023-06-19T10:02:11.4312557Z/"
                                   "/SUBSCRIPTIONS/6D1C4A8E-0B2F-4F6E-9C3D-1A2B3C4D5E6F/RESOURCEGROUPS/"
                                   "RG-FINANCE/PROVIDERS/MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/9A8B7C6D");
        } else {
            CU_ASSERT_STRING_EQUAL(e->f[FTL_F_NATIVE_ID], "5b0c9a1e-7d0e-4a43-9f39-2c7a6f1d8e01");
        }
        {
            cJSON *a = attrs_of(e);

            CU_ASSERT_EQUAL(strcasecmp(ftl_json_str(a, "resource_group"), "rg-finance"), 0);
            CU_ASSERT_EQUAL(strcasecmp(ftl_json_str(a, "subscription"),
                                       "6d1c4a8e-0b2f-4f6e-9c3d-1a2b3c4d5e6f"), 0);
            if (is_export) {
                CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "role"), "Owner");
                CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "sub_status"), "Succeeded.Created");
                CU_ASSERT_PTR_NOT_NULL(ftl_json_str(a, "native_id_from"));
            } else {
                CU_ASSERT_PTR_NULL(ftl_json_str(a, "native_id_from"));
            }
            cJSON_Delete(a);
        }
        capture_free(&c);
    }
}

static void test_azure_activity_outcomes(void)
{
    static const struct { const char *status, *outcome; } cases[] = {
        { "Success", "success" }, { "Succeeded", "success" }, { "succeeded", "success" },
        { "Failure", "failure" }, { "Failed", "failure" },
        { "Start", "unknown" }, { "Started", "unknown" }, { "Accept", "unknown" },
        { "Accepted", "unknown" }, { "Active", "unknown" }, { "Resolved", "unknown" },
        { "In Progress", "unknown" },
    };
    struct ftl_buf text = { 0 };
    struct capture c;
    size_t i;

    ftl_buf_addstr(&text, "{\"records\":[");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ftl_buf_addf(&text, "%s{\"time\":\"2023-06-19T10:00:%02zuZ\",\"operationName\":\"X/Y/WRITE\","
                            "\"resultType\":\"%s\",\"correlationId\":\"c\","
                            "\"resourceId\":\"/SUBSCRIPTIONS/S1\"}",
                     i ? "," : "", i, cases[i].status);
    /* no result at all */
    ftl_buf_addstr(&text, ",{\"time\":\"2023-06-19T10:01:00Z\",\"operationName\":\"X/Y/WRITE\"}]}");
    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_azure_activity, "outcomes.json", text.data) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, sizeof cases / sizeof cases[0] + 1);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CU_ASSERT_STRING_EQUAL(c.ev[i].f[FTL_F_OUTCOME], cases[i].outcome);
    CU_ASSERT_STRING_EQUAL(c.ev[i].f[FTL_F_OUTCOME], "unknown");
    CU_ASSERT_PTR_NULL(c.ev[i].f[FTL_F_ACTOR]);
    /* synthesized ids differ by result and time, so Start and Success both stay */
    CU_ASSERT_STRING_NOT_EQUAL(c.ev[0].f[FTL_F_NATIVE_ID], c.ev[1].f[FTL_F_NATIVE_ID]);
    capture_free(&c);
    ftl_buf_free(&text);
}

/* The caller comes from the claims when the record has no caller member. */
static void test_azure_activity_caller_from_claims(void)
{
    static const char text[] =
        "{\"time\":\"2023-06-19T10:00:00Z\",\"operationName\":\"A/B/ACTION\",\"resultType\":\"Success\","
        "\"resourceId\":\"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG1\","
        "\"identity\":{\"claims\":{\"http://schemas.microsoft.com/identity/claims/objectidentifier\":"
        "\"7E1C2B3A-0000-4000-8000-00000000AB12\",\"appid\":\"app-1\"}}}\n"
        "{\"time\":\"2023-06-19T10:00:01Z\",\"operationName\":\"A/B/ACTION\",\"resultType\":\"Success\","
        "\"resourceId\":\"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/\","
        "\"identity\":{\"claims\":{\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name\":"
        "\"ops@example.org\",\"http://schemas.microsoft.com/identity/claims/objectidentifier\":\"x\"}}}\n";
    struct capture c;
    cJSON *a;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_azure_activity, "PT1H.json", text) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 2);
    CU_ASSERT_STRING_EQUAL(c.variant, "export");
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_ACTOR], "7e1c2b3a-0000-4000-8000-00000000ab12");
    CU_ASSERT_STRING_EQUAL(c.ev[1].f[FTL_F_ACTOR], "ops@example.org");
    a = attrs_of(&c.ev[0]);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "resource_group"), "RG1");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "subscription"), "S1");
    cJSON_Delete(a);
    a = attrs_of(&c.ev[1]);
    CU_ASSERT_PTR_NULL(ftl_json_str(a, "resource_group"));   /* empty segment */
    cJSON_Delete(a);
    capture_free(&c);
}

/* Neither importer takes the other's Azure Monitor records. */
static void test_azure_activity_sniff_not_entra(void)
{
    static const char entra[] =
        "{\"records\":[{\"time\":\"2023-06-19T10:00:00Z\",\"resourceId\":\"/tenants/1/providers/"
        "Microsoft.aadiam\",\"operationName\":\"Sign-in activity\",\"resultType\":\"0\","
        "\"category\":\"SignInLogs\",\"properties\":{\"userPrincipalName\":\"a@example.org\"}}]}";
    static const char activity[] =
        "{\"records\":[{\"time\":\"2023-06-19T10:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/S1/"
        "RESOURCEGROUPS/RG1\",\"operationName\":\"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE\","
        "\"resultType\":\"Success\",\"category\":\"Administrative\"}]}";
    extern const struct ftl_importer ftl_importer_entra_signin;

    CU_ASSERT_PTR_EQUAL(ftl_importer_sniff(entra, sizeof entra - 1), &ftl_importer_entra_signin);
    CU_ASSERT_PTR_EQUAL(ftl_importer_sniff(activity, sizeof activity - 1), &ftl_importer_azure_activity);
}

static void test_azure_activity_bad_time(void)
{
    static const char text[] =
        "[{\"eventTimestamp\":1687168931,\"operationName\":{\"value\":\"a\"},\"eventDataId\":\"1\"},"
        "{\"eventTimestamp\":\"19/06/2023 10:00\",\"operationName\":{\"value\":\"a\"},\"eventDataId\":\"2\"},"
        "{\"operationName\":{\"value\":\"a\"},\"eventDataId\":\"3\"},"
        "{\"eventTimestamp\":\"2023-06-19T10:00:00Z\",\"operationName\":{\"value\":\"a\"},\"eventDataId\":\"4\"}]";
    struct capture c;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_azure_activity, "bad_time.json", text) == 0);
    CU_ASSERT_EQUAL(c.records, 4);
    CU_ASSERT_EQUAL_FATAL(c.nev, 1);
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_NATIVE_ID], "4");
    CU_ASSERT_EQUAL_FATAL(c.nrej, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.rej[0].reason, "not a text timestamp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.rej[1].reason, "cannot parse"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.rej[2].reason, "no time"));
    capture_free(&c);
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_azure_activity_manifest_files },
    { "sniff_fixtures", test_azure_activity_sniff_fixtures },
    { "shapes_agree", test_azure_activity_shapes_agree },
    { "outcomes", test_azure_activity_outcomes },
    { "caller_from_claims", test_azure_activity_caller_from_claims },
    { "sniff_not_entra", test_azure_activity_sniff_not_entra },
    { "bad_time", test_azure_activity_bad_time },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("azure_activity", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
