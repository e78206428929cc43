/*
 * test_m365_ual.c - the Microsoft 365 audit log importer against the
 * fixtures in fixtures/ual/ and their answer key tests/data/ual_manifest.json
 * (golden data: a new case is a fixture plus a manifest entry, not code).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "manifest.h"
#include "ftltime.h"
#include "importer.h"
#include "json.h"
#include "reader.h"
#include "testmain.h"

extern const struct ftl_importer ftl_importer_m365_ual;

static cJSON *manifest;

static cJSON *load_manifest(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/ual_manifest.json");
    return manifest;
}

static void path_of(const char *rel, char *out, size_t n)
{
    snprintf(out, n, "%s/ual/%s", FTL_FIXTURES, rel);
}

static int64_t iso(const char *s)
{
    return manifest_iso(s);
}

/* Every fixture file, imported alone: records, events, rejects, spot checks;
 * then the UAL-specific keys: outcomes of sign-ins and the CreationDate
 * fallback. */
static void test_m365_ual_manifest_files(void)
{
    const cJSON *f, *spot;

    CU_ASSERT(manifest_check_files(load_manifest(), &ftl_importer_m365_ual,
                                   FTL_FIXTURES "/ual") >= 13);
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(load_manifest(), "files")) {
        struct capture c;
        char path[512];

        if (!cJSON_GetObjectItem(f, "outcome_checks") &&
            !cJSON_GetObjectItem(f, "creationdate_fallback"))
            continue;
        path_of(ftl_json_str(f, "file"), path, sizeof path);
        CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
        cJSON_ArrayForEach(spot, cJSON_GetObjectItem(f, "outcome_checks")) {
            const struct cap_event *e = capture_find(&c, ftl_json_str(spot, "native_id"));

            CU_ASSERT_PTR_NOT_NULL_FATAL(e);
            CU_ASSERT_STRING_EQUAL(e->f[FTL_F_OUTCOME], ftl_json_str(spot, "outcome"));
        }
        cJSON_ArrayForEach(spot, cJSON_GetObjectItem(f, "creationdate_fallback")) {
            const struct cap_event *e = capture_find(&c, ftl_json_str(spot, "native_id"));

            CU_ASSERT_PTR_NOT_NULL_FATAL(e);
            CU_ASSERT_EQUAL(e->ts_us, iso(ftl_json_str(spot, "ts")));
            CU_ASSERT_PTR_NOT_NULL(strstr(e->f[FTL_F_ATTRS], "\"time_source\":\"CreationDate\""));
        }
        capture_free(&c);
    }
}

/* The sniffer picks the UAL importer for every UAL fixture and nothing for
 * text or empty files. */
static void test_m365_ual_sniff_fixtures(void)
{
    manifest_check_sniff(load_manifest(), &ftl_importer_m365_ual, FTL_FIXTURES "/ual");
}

/* The variant each shape is recognised as. */
static void test_m365_ual_variants(void)
{
    static const struct { const char *file, *variant; } cases[] = {
        { "mgmt_api.jsonl", "json_lines" },
        { "mgmt_api_array.json", "json_array" },
        { "purview_new.csv", "purview_csv" },
        { "purview_classic.csv", "purview_classic_csv" },
        { "search_ual_export.csv", "export_csv" },
        { "search_ual_export_bom.csv", "export_csv" },
        { "sentinel_officeactivity.json", "sentinel_officeactivity" },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct capture c;
        char path[512];

        path_of(cases[i].file, path, sizeof path);
        CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c.variant);
        CU_ASSERT_STRING_EQUAL(c.variant, cases[i].variant);
        capture_free(&c);
    }
}

static cJSON *attrs_of(const struct cap_event *e)
{
    cJSON *a = cJSON_Parse(e->f[FTL_F_ATTRS]);

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    return a;
}

/* MailItemsAccessed: items counted from FolderItems, Bind/Sync, throttling,
 * AppAccessContext into token id, client app id and attrs. */
static void test_m365_ual_mailitemsaccessed(void)
{
    struct capture c;
    char path[512];
    size_t i;
    int bind_ctx = 0, sync = 0, throttled = 0;

    path_of("mgmt_api.jsonl", path, sizeof path);
    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
    for (i = 0; i < c.nev; i++) {
        const struct cap_event *e = &c.ev[i];
        cJSON *a, *raw;
        const cJSON *fo;
        int items = 0;
        const char *type;

        if (strcmp(e->f[FTL_F_ACTION], "MailItemsAccessed") != 0)
            continue;
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_CATEGORY], "mailbox");
        a = attrs_of(e);
        raw = cJSON_Parse(e->raw);
        CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
        cJSON_ArrayForEach(fo, cJSON_GetObjectItem(raw, "Folders"))
            items += cJSON_GetArraySize(cJSON_GetObjectItem(fo, "FolderItems"));
        CU_ASSERT_EQUAL(cJSON_GetObjectItem(a, "items")->valueint, items);
        type = ftl_json_str(a, "mail_access_type");
        CU_ASSERT_PTR_NOT_NULL(type);
        if (type && strcmp(type, "Sync") == 0)
            sync++;
        if (cJSON_IsTrue(cJSON_GetObjectItem(a, "throttled")))
            throttled++;
        if (cJSON_GetObjectItem(raw, "AppAccessContext")) {
            const cJSON *ctx = cJSON_GetObjectItem(raw, "AppAccessContext");

            bind_ctx++;
            CU_ASSERT_PTR_NOT_NULL_FATAL(e->f[FTL_F_TOKEN_ID]);
            CU_ASSERT_STRING_EQUAL(e->f[FTL_F_TOKEN_ID], ftl_json_str(ctx, "UniqueTokenId"));
            CU_ASSERT_STRING_EQUAL(ftl_json_str(a, "aad_session_id"),
                                   ftl_json_str(ctx, "AADSessionId"));
        } else {
            CU_ASSERT_PTR_NULL(e->f[FTL_F_TOKEN_ID]);
        }
        CU_ASSERT_PTR_NOT_NULL(e->f[FTL_F_SESSION_KEY]);
        cJSON_Delete(a);
        cJSON_Delete(raw);
    }
    CU_ASSERT(bind_ctx >= 1);
    CU_ASSERT(sync >= 1);
    CU_ASSERT_EQUAL(throttled, 1);
    capture_free(&c);
}

/* Inbox rules and Set-Mailbox: mail_admin, parameters looked up by name. */
static void test_m365_ual_inbox_rule_parameters(void)
{
    struct capture c;
    char path[512];
    size_t i;
    int rules = 0, fwd = 0;

    path_of("mgmt_api.jsonl", path, sizeof path);
    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
    for (i = 0; i < c.nev; i++) {
        const struct cap_event *e = &c.ev[i];
        cJSON *a;
        const cJSON *p;

        if (strcmp(e->f[FTL_F_ACTION], "New-InboxRule") != 0 &&
            strcmp(e->f[FTL_F_ACTION], "Set-Mailbox") != 0)
            continue;
        CU_ASSERT_STRING_EQUAL(e->f[FTL_F_CATEGORY], "mail_admin");
        a = attrs_of(e);
        p = cJSON_GetObjectItem(a, "parameters");
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        if (strcmp(e->f[FTL_F_ACTION], "New-InboxRule") == 0) {
            rules++;
            CU_ASSERT_PTR_NOT_NULL(ftl_json_str(p, "ForwardTo"));
            CU_ASSERT_STRING_EQUAL(ftl_json_str(p, "MoveToFolder"), "RSS Feeds");
        } else {
            fwd++;
            CU_ASSERT_PTR_NOT_NULL(ftl_json_str(p, "ForwardingSmtpAddress"));
        }
        cJSON_Delete(a);
    }
    CU_ASSERT_EQUAL(rules, 1);
    CU_ASSERT_EQUAL(fwd, 1);
    capture_free(&c);
}

/* Every event carries a known category, a lower-case actor, an address
 * without port, and its raw record byte for byte as in the file. */
static void test_m365_ual_normalized_invariants(void)
{
    static const char *const files[] = {
        "mgmt_api.jsonl", "mgmt_api_array.json", "purview_new.csv", "purview_classic.csv",
        "search_ual_export.csv", "search_ual_export_bom.csv", "sentinel_officeactivity.json",
    };
    static const char *const cats[] = { "signin", "mailbox", "mail_admin", "directory",
                                        "file", "other", NULL };
    size_t i, j;

    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct capture c;
        char path[512];
        FILE *fp;
        char *all;
        long n;

        path_of(files[i], path, sizeof path);
        fp = fopen(path, "rb");
        CU_ASSERT_FATAL(fp != NULL);
        fseek(fp, 0, SEEK_END);
        n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        all = malloc((size_t)n + 1);
        CU_ASSERT_FATAL(fread(all, 1, (size_t)n, fp) == (size_t)n);
        all[n] = '\0';
        fclose(fp);
        CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
        for (j = 0; j < c.nev; j++) {
            const struct cap_event *e = &c.ev[j];
            const char *const *k;
            int known = 0;

            for (k = cats; *k; k++)
                known |= strcmp(*k, e->f[FTL_F_CATEGORY]) == 0;
            CU_ASSERT(known);
            if (e->f[FTL_F_ACTOR]) {
                const char *p;

                for (p = e->f[FTL_F_ACTOR]; *p; p++)
                    CU_ASSERT(!(*p >= 'A' && *p <= 'Z'));
            }
            if (e->f[FTL_F_SRC_IP]) {
                CU_ASSERT_PTR_NULL(strchr(e->f[FTL_F_SRC_IP], '['));
                if (!strchr(e->f[FTL_F_SRC_IP], ':') || strchr(e->f[FTL_F_SRC_IP], '.'))
                    CU_ASSERT_PTR_NULL(strchr(e->f[FTL_F_SRC_IP], ':'));
            }
            CU_ASSERT_PTR_NOT_NULL(e->f[FTL_F_NATIVE_ID]);
            CU_ASSERT_PTR_NOT_NULL(memmem(all, (size_t)n, e->raw, e->raw_len));
            CU_ASSERT(strcmp(e->f[FTL_F_OUTCOME], "success") == 0 ||
                      strcmp(e->f[FTL_F_OUTCOME], "failure") == 0 ||
                      strcmp(e->f[FTL_F_OUTCOME], "unknown") == 0);
        }
        free(all);
        capture_free(&c);
    }
}

/* Search-UnifiedAuditLog exports carry CreationDate in the exporter's local
 * time: the importer must take CreationTime, never the display text. */
static void test_m365_ual_creationtime_wins(void)
{
    struct capture c;
    char path[512];
    size_t i;

    path_of("search_ual_export.csv", path, sizeof path);
    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
    CU_ASSERT_FATAL(c.nev > 0);
    for (i = 0; i < c.nev; i++) {
        const char *ad;
        const char *ct;

        /* the raw record is the CSV row; find CreationTime inside it */
        ad = strstr(c.ev[i].raw, "CreationTime\"\":\"\"");
        CU_ASSERT_PTR_NOT_NULL_FATAL(ad);
        ct = ad + strlen("CreationTime\"\":\"\"");
        {
            char buf[40];
            size_t n = 0;

            while (ct[n] && ct[n] != '"' && n < sizeof buf - 1) {
                buf[n] = ct[n];
                n++;
            }
            buf[n] = '\0';
            CU_ASSERT_EQUAL(c.ev[i].ts_us, iso(buf));
        }
        CU_ASSERT_PTR_NULL(strstr(c.ev[i].f[FTL_F_ATTRS], "time_source"));
    }
    capture_free(&c);
}

/* A record with invalid UTF-8 is rejected with its bytes kept exactly. */
static void test_m365_ual_invalid_utf8_kept_in_reject(void)
{
    struct capture c;
    char path[512];

    path_of("broken/invalid_utf8.jsonl", path, sizeof path);
    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nrej, 1);
    CU_ASSERT(ftl_utf8_invalid(c.rej[0].raw, c.rej[0].raw_len) >= 0);
    CU_ASSERT_PTR_NOT_NULL(memmem(c.rej[0].raw, c.rej[0].raw_len, "\xC3\x28", 2));
    capture_free(&c);
}

/* A truncated gzip keeps the records before the damage and reports it. */
static void test_m365_ual_truncated_gzip(void)
{
    struct capture c;
    char path[512];

    path_of("broken/truncated.jsonl.gz", path, sizeof path);
    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_m365_ual, path) == 0);
    CU_ASSERT_EQUAL(c.nev, 30);
    CU_ASSERT_EQUAL(c.stream, FTL_ETRUNCATED);
    CU_ASSERT_EQUAL_FATAL(c.nrej, 1);
    CU_ASSERT_EQUAL(c.rej[0].record_no, 31);
    capture_free(&c);
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_m365_ual_manifest_files },
    { "sniff_fixtures", test_m365_ual_sniff_fixtures },
    { "variants", test_m365_ual_variants },
    { "mailitemsaccessed", test_m365_ual_mailitemsaccessed },
    { "inbox_rule_parameters", test_m365_ual_inbox_rule_parameters },
    { "normalized_invariants", test_m365_ual_normalized_invariants },
    { "creationtime_wins", test_m365_ual_creationtime_wins },
    { "invalid_utf8_kept_in_reject", test_m365_ual_invalid_utf8_kept_in_reject },
    { "truncated_gzip", test_m365_ual_truncated_gzip },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("m365_ual", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
