/*
 * test_aws_cloudtrail.c - the CloudTrail importer against fixtures/aws_cloudtrail/
 * and its answer key tests/data/aws_cloudtrail_manifest.json, plus the
 * CloudTrail-specific mappings: issued credentials, console sign-ins, the
 * time fallbacks, and lookup-events' local-offset EventTime.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "importer.h"
#include "json.h"
#include "manifest.h"
#include "testmain.h"

extern const struct ftl_importer ftl_importer_aws_cloudtrail;

#define DIR FTL_FIXTURES "/aws_cloudtrail"

static cJSON *manifest;

static const cJSON *load(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/aws_cloudtrail_manifest.json");
    return manifest;
}

static void test_aws_cloudtrail_manifest_files(void)
{
    CU_ASSERT(manifest_check_files(load(), &ftl_importer_aws_cloudtrail, DIR) >= 10);
}

static void test_aws_cloudtrail_sniff_fixtures(void)
{
    manifest_check_sniff(load(), &ftl_importer_aws_cloudtrail, DIR);
}

static cJSON *attrs_of(const struct cap_event *e)
{
    cJSON *a = cJSON_Parse(e->f[FTL_F_ATTRS]);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    return a;
}

/* Every .json.gz object under AWSLogs/, all at once through capture. */
static void each_object(void (*fn)(const struct capture *c))
{
    const cJSON *f;

    cJSON_ArrayForEach(f, cJSON_GetObjectItem(load(), "files")) {
        const char *rel = ftl_json_str(f, "file");
        struct capture c;
        char path[1024];

        if (strncmp(rel, "AWSLogs/", 8) != 0 && strcmp(rel, "records_pretty.json") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", DIR, rel);
        CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_aws_cloudtrail, path) == 0);
        CU_ASSERT_STRING_EQUAL(c.variant, "records_json");
        fn(&c);
        capture_free(&c);
    }
}

static int issued_keys, console_logins, console_failures, mfa_seen;

static void check_object(const struct capture *c)
{
    size_t i;

    for (i = 0; i < c->nev; i++) {
        const struct cap_event *e = &c->ev[i];
        cJSON *a = attrs_of(e), *raw = cJSON_Parse(e->raw);
        const cJSON *resp;

        CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_SOURCE], "aws_cloudtrail");
        CU_ASSERT_PTR_NOT_NULL(ftl_json_str(a, "region"));
        CU_ASSERT_PTR_NOT_NULL(ftl_json_str(a, "account"));
        /* the raw record is the element itself, and its id is the native id */
        CU_ASSERT_STRING_EQUAL(ftl_json_str(raw, "eventID"), e->f[FTL_F_NATIVE_ID]);
        resp = cJSON_GetObjectItem(raw, "responseElements");
        if (strstr(e->f[FTL_F_ACTION], ":CreateAccessKey") ||
            strstr(e->f[FTL_F_ACTION], ":AssumeRole")) {
            const cJSON *src = cJSON_GetObjectItem(resp, "accessKey");

            if (!src)
                src = cJSON_GetObjectItem(resp, "credentials");
            if (src) {
                CU_ASSERT_PTR_NOT_NULL_FATAL(ftl_json_str(a, "issued_access_key"));
                CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "issued_access_key"),
                                       ftl_json_str(src, "accessKeyId"));
                issued_keys++;
            }
        }
        if (strstr(e->f[FTL_F_ACTION], ":ConsoleLogin")) {
            const char *login = ftl_json_str(resp, "ConsoleLogin");

            console_logins++;
            CU_ASSERT_STRING_EQUAL(e->f[FTL_F_CATEGORY], "signin");
            CU_ASSERT_PTR_NULL(e->f[FTL_F_SESSION_KEY]);   /* "" in the record */
            if (login && strcmp(login, "Failure") == 0) {
                console_failures++;
                CU_ASSERT_STRING_EQUAL(e->f[FTL_F_OUTCOME], "failure");
            }
            if (ftl_json_str(a, "mfa_authenticated"))
                mfa_seen++;
        } else {
            CU_ASSERT_STRING_EQUAL(e->f[FTL_F_CATEGORY], "cloud");
        }
        cJSON_Delete(a);
        cJSON_Delete(raw);
    }
}

static void test_aws_cloudtrail_objects_mapping(void)
{
    issued_keys = console_logins = console_failures = mfa_seen = 0;
    each_object(check_object);
    CU_ASSERT(issued_keys >= 2);
    CU_ASSERT(console_logins >= 2);
    CU_ASSERT(console_failures >= 1);
    CU_ASSERT(mfa_seen >= 1);
}

/* SIEM exports: @timestamp stands in for a missing eventTime, and says so. */
static void test_aws_cloudtrail_timestamp_fallback(void)
{
    struct capture c;
    size_t i;
    int fallbacks = 0;

    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_aws_cloudtrail, DIR "/siem_export.jsonl") == 0);
    CU_ASSERT_STRING_EQUAL(c.variant, "json_lines");
    for (i = 0; i < c.nev; i++) {
        cJSON *raw = cJSON_Parse(c.ev[i].raw);

        if (!cJSON_GetObjectItem(raw, "eventTime")) {
            fallbacks++;
            CU_ASSERT_PTR_NOT_NULL(strstr(c.ev[i].f[FTL_F_ATTRS], "\"time_source\":\"@timestamp\""));
            CU_ASSERT_EQUAL(c.ev[i].ts_us,
                            manifest_iso(ftl_json_str(raw, "@timestamp")));
        } else {
            CU_ASSERT_PTR_NULL(strstr(c.ev[i].f[FTL_F_ATTRS], "time_source"));
        }
        cJSON_Delete(raw);
    }
    CU_ASSERT_EQUAL(fallbacks, 1);
    capture_free(&c);
}

/* lookup-events: the record comes from the CloudTrailEvent string, and the
 * element's EventTime (a local offset) is the same instant as eventTime. */
static void test_aws_cloudtrail_lookup_events(void)
{
    struct capture c;
    size_t i;

    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_aws_cloudtrail, DIR "/lookup_events.json") == 0);
    CU_ASSERT_STRING_EQUAL(c.variant, "lookup_events");
    CU_ASSERT_EQUAL(c.nev, 3);
    for (i = 0; i < c.nev; i++) {
        cJSON *el = cJSON_Parse(c.ev[i].raw), *inner;
        const char *local;

        CU_ASSERT_PTR_NOT_NULL_FATAL(el);
        inner = cJSON_Parse(ftl_json_str(el, "CloudTrailEvent"));
        CU_ASSERT_PTR_NOT_NULL_FATAL(inner);
        CU_ASSERT_STRING_EQUAL(c.ev[i].f[FTL_F_NATIVE_ID], ftl_json_str(el, "EventId"));
        CU_ASSERT_EQUAL(c.ev[i].ts_us, manifest_iso(ftl_json_str(inner, "eventTime")));
        local = ftl_json_str(el, "EventTime");
        CU_ASSERT_PTR_NOT_NULL_FATAL(local);
        CU_ASSERT_EQUAL(c.ev[i].ts_us, manifest_iso(local));
        cJSON_Delete(inner);
        cJSON_Delete(el);
    }
    capture_free(&c);
}

/* The truncated one-line object keeps every element before the damage. */
static void test_aws_cloudtrail_truncated_object(void)
{
    struct capture c;

    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_aws_cloudtrail,
                                DIR "/broken/truncated.json.gz") == 0);
    CU_ASSERT_EQUAL(c.stream, FTL_ETRUNCATED);
    CU_ASSERT_EQUAL(c.nev, 21);
    CU_ASSERT_EQUAL_FATAL(c.nrej, 1);
    CU_ASSERT_EQUAL(c.rej[0].record_no, 22);
    capture_free(&c);
}

/* UAL and CloudTrail never claim each other's files. */
static void test_aws_cloudtrail_sniff_not_ual(void)
{
    static const char ual[] =
        "{\"CreationTime\":\"2023-06-16T09:12:33\",\"Id\":\"x\",\"Operation\":\"MailItemsAccessed\","
        "\"RecordType\":50,\"Workload\":\"Exchange\"}\n";
    static const char ct[] =
        "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventSource\":\"iam.amazonaws.com\","
        "\"eventName\":\"CreateUser\",\"userIdentity\":{}}]}";

    CU_ASSERT_PTR_EQUAL(ftl_importer_sniff(ct, sizeof ct - 1), &ftl_importer_aws_cloudtrail);
    CU_ASSERT_PTR_NOT_EQUAL(ftl_importer_sniff(ual, sizeof ual - 1), &ftl_importer_aws_cloudtrail);
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_aws_cloudtrail_manifest_files },
    { "sniff_fixtures", test_aws_cloudtrail_sniff_fixtures },
    { "objects_mapping", test_aws_cloudtrail_objects_mapping },
    { "timestamp_fallback", test_aws_cloudtrail_timestamp_fallback },
    { "lookup_events", test_aws_cloudtrail_lookup_events },
    { "truncated_object", test_aws_cloudtrail_truncated_object },
    { "sniff_not_ual", test_aws_cloudtrail_sniff_not_ual },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("aws_cloudtrail", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
