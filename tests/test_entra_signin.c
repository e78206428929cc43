/*
 * test_entra_signin.c - the Entra ID sign-in importer against
 * fixtures/entra_signin/ and tests/data/entra_signin_manifest.json, plus
 * what correlation will rely on: token and session identifiers, outcomes
 * from error codes, the shape-independent mapping of the same fields.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "importer.h"
#include "json.h"
#include "manifest.h"
#include "testmain.h"

extern const struct ftl_importer ftl_importer_entra_signin;

#define DIR FTL_FIXTURES "/entra_signin"

static cJSON *manifest;

static const cJSON *load(void)
{
    if (!manifest)
        manifest = manifest_load(FTL_TESTDATA "/entra_signin_manifest.json");
    return manifest;
}

static void test_entra_signin_manifest_files(void)
{
    CU_ASSERT(manifest_check_files(load(), &ftl_importer_entra_signin, DIR) >= 9);
}

static void test_entra_signin_sniff_fixtures(void)
{
    manifest_check_sniff(load(), &ftl_importer_entra_signin, DIR);
}

static void test_entra_signin_variants(void)
{
    static const struct { const char *file, *variant; } cases[] = {
        { "graph_page.json", "graph_json" },
        { "graph_lines.jsonl", "graph_json" },
        { "powershell.json", "graph_json" },
        { "powershell51.json", "graph_json" },
        { "monitor_signinlogs.json", "azure_monitor" },
        { "monitor_pt1h.json", "azure_monitor" },
        { "portal.csv", "portal_csv" },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct capture c;
        char path[512];

        snprintf(path, sizeof path, "%s/%s", DIR, cases[i].file);
        CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_entra_signin, path) == 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c.variant);
        if (strcmp(c.variant, cases[i].variant) != 0)
            fprintf(stderr, "%s: variant %s\n", cases[i].file, c.variant);
        CU_ASSERT_STRING_EQUAL(c.variant, cases[i].variant);
        CU_ASSERT(c.nev > 0);
        capture_free(&c);
    }
}

/* Every sign-in: category signin, outcome follows the error code, and the
 * token id is present wherever the record has uniqueTokenIdentifier. */
static void test_entra_signin_outcome_and_token(void)
{
    static const char *const files[] = {
        "graph_page.json", "graph_lines.jsonl", "powershell.json", "monitor_signinlogs.json",
    };
    size_t i, j;
    int failures = 0, tokens = 0;

    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct capture c;
        char path[512];

        snprintf(path, sizeof path, "%s/%s", DIR, files[i]);
        CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_entra_signin, path) == 0);
        for (j = 0; j < c.nev; j++) {
            cJSON *raw = cJSON_Parse(c.ev[j].raw);
            const cJSON *s = raw, *props, *status, *code;
            const char *tok;

            CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
            props = cJSON_GetObjectItem(raw, "properties");
            if (cJSON_IsObject(props))
                s = props;
            CU_ASSERT_STRING_EQUAL(c.ev[j].f[FTL_F_CATEGORY], "signin");
            status = cJSON_GetObjectItem(s, "status");
            code = cJSON_GetObjectItem(status, "errorCode");
            if (cJSON_IsNumber(code)) {
                CU_ASSERT_STRING_EQUAL(c.ev[j].f[FTL_F_OUTCOME],
                                       code->valuedouble == 0 ? "success" : "failure");
                failures += code->valuedouble != 0;
            }
            tok = ftl_json_str(s, "uniqueTokenIdentifier");
            if (tok) {
                tokens++;
                CU_ASSERT_PTR_NOT_NULL_FATAL(c.ev[j].f[FTL_F_TOKEN_ID]);
                CU_ASSERT_STRING_EQUAL(c.ev[j].f[FTL_F_TOKEN_ID], tok);
            }
            cJSON_Delete(raw);
        }
        capture_free(&c);
    }
    CU_ASSERT(failures >= 2);
    CU_ASSERT(tokens >= 10);
}

/* Azure Monitor: each sign-in category gives its own action. */
static void test_entra_signin_monitor_categories(void)
{
    struct capture c;
    size_t i;
    int sp = 0, mi = 0, ni = 0, adfs = 0, user = 0;

    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_entra_signin,
                                DIR "/monitor_signinlogs.json") == 0);
    for (i = 0; i < c.nev; i++) {
        const char *a = c.ev[i].f[FTL_F_ACTION];

        sp += strcmp(a, "ServicePrincipalSignIn") == 0;
        mi += strcmp(a, "ManagedIdentitySignIn") == 0;
        ni += strcmp(a, "NonInteractiveUserSignIn") == 0;
        adfs += strcmp(a, "ADFSSignIn") == 0;
        user += strcmp(a, "UserSignIn") == 0;
        CU_ASSERT_PTR_NOT_NULL(strstr(c.ev[i].f[FTL_F_ATTRS], "\"signin_category\""));
    }
    CU_ASSERT(sp >= 1 && mi >= 1 && ni >= 1 && adfs >= 1 && user >= 1);
    capture_free(&c);
}

/* Windows PowerShell 5.1 writes /Date(ms)/: the same instants as the ISO file. */
static void test_entra_signin_powershell51_dates(void)
{
    struct capture a, b;
    size_t i;
    int matched = 0;

    CU_ASSERT_FATAL(capture_run(&a, &ftl_importer_entra_signin, DIR "/powershell51.json") == 0);
    CU_ASSERT_FATAL(capture_run(&b, &ftl_importer_entra_signin, DIR "/powershell.json") == 0);
    for (i = 0; i < a.nev; i++) {
        const struct cap_event *other = capture_find(&b, a.ev[i].f[FTL_F_NATIVE_ID]);

        CU_ASSERT(a.ev[i].ts_us > 1600000000000000LL);   /* after 2020: parsed, not zero */
        if (other) {
            CU_ASSERT_EQUAL(a.ev[i].ts_us, other->ts_us);
            matched++;
        }
    }
    (void)matched;
    capture_free(&a);
    capture_free(&b);
}

static const struct ftl_test tests[] = {
    { "manifest_files", test_entra_signin_manifest_files },
    { "sniff_fixtures", test_entra_signin_sniff_fixtures },
    { "variants", test_entra_signin_variants },
    { "outcome_and_token", test_entra_signin_outcome_and_token },
    { "monitor_categories", test_entra_signin_monitor_categories },
    { "powershell51_dates", test_entra_signin_powershell51_dates },
    { NULL, NULL },
};

static int run(void)
{
    int rc = ftl_test_run("entra_signin", tests);

    cJSON_Delete(manifest);
    return rc;
}

int main(void) { return run(); }
