/*
 * manifest.h - golden-data checks shared by importer tests: every fixture
 * file of a format against its answer key in tests/data/<format>_manifest.json
 * (records, events, rejects with reasons, normalized spot checks), and the
 * sniffer against every fixture. A new case is a fixture plus a manifest
 * entry, not new code (STYLE.md: jq's tests/jq.test).
 */
#ifndef FTL_TEST_MANIFEST_H
#define FTL_TEST_MANIFEST_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "ftltime.h"
#include "json.h"
#include "testmain.h"

static inline cJSON *manifest_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    cJSON *m;
    long n;
    char *text;

    CU_ASSERT_FATAL(f != NULL);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)n + 1);
    CU_ASSERT_FATAL(text && fread(text, 1, (size_t)n, f) == (size_t)n);
    text[n] = '\0';
    fclose(f);
    m = cJSON_Parse(text);
    free(text);
    CU_ASSERT_FATAL(m != NULL);
    return m;
}

/* The manifest's reason keywords, as words the reject reasons must contain. */
static inline const char *manifest_reason_words(const char *kw)
{
    if (strcmp(kw, "json") == 0) return "JSON";
    if (strcmp(kw, "utf8") == 0) return "invalid UTF-8";
    if (strcmp(kw, "time") == 0) return "time";   /* CreationTime, eventTime: any case */
    if (strcmp(kw, "columns") == 0) return "fields, the header has";
    if (strcmp(kw, "truncated") == 0) return "cut short";
    return kw;
}

static inline int64_t manifest_iso(const char *s)
{
    int64_t t = 0;

    CU_ASSERT_FATAL(s && ftl_time_parse_iso8601(s, strlen(s), &t) == 0);
    return t;
}

/* Spot-check keys and the event fields they name; "" in the manifest means NULL. */
static inline void manifest_spot(const struct capture *c, const cJSON *spot, const char *file)
{
    static const struct { const char *key; int field; } cols[] = {
        { "action", FTL_F_ACTION }, { "actor", FTL_F_ACTOR }, { "src_ip", FTL_F_SRC_IP },
        { "target", FTL_F_TARGET }, { "session_key", FTL_F_SESSION_KEY },
        { "outcome", FTL_F_OUTCOME }, { "category", FTL_F_CATEGORY },
        { "token_id", FTL_F_TOKEN_ID }, { "app_id", FTL_F_APP_ID },
    };
    const char *id = ftl_json_str(spot, "native_id");
    const struct cap_event *e = capture_find(c, id);
    size_t i;

    if (!e) {
        fprintf(stderr, "%s: no event with id %s\n", file, id);
        CU_FAIL("spot-check event missing");
        return;
    }
    if (ftl_json_str(spot, "ts"))
        CU_ASSERT_EQUAL(e->ts_us, manifest_iso(ftl_json_str(spot, "ts")));
    for (i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(spot, cols[i].key);
        const char *got = e->f[cols[i].field];

        if (!cJSON_IsString(want))
            continue;
        if (want->valuestring[0] == '\0') {
            CU_ASSERT_PTR_NULL(got);
            continue;
        }
        if (!got || strcmp(got, want->valuestring) != 0)
            fprintf(stderr, "%s %s: %s is '%s', want '%s'\n", file, id, cols[i].key,
                    got ? got : "(null)", want->valuestring);
        CU_ASSERT_PTR_NOT_NULL(got);
        if (got)
            CU_ASSERT_STRING_EQUAL(got, want->valuestring);
    }
}

/*
 * Imports every manifest file alone and checks it; files listed with
 * "records": 0 and "events": 0 that no importer takes are skipped (the sniff
 * check covers them). Returns the number of files checked.
 */
static inline int manifest_check_files(const cJSON *m, const struct ftl_importer *imp,
                                       const char *dir)
{
    const cJSON *f, *spot;
    int checked = 0;

    cJSON_ArrayForEach(f, cJSON_GetObjectItem(m, "files")) {
        const char *rel = ftl_json_str(f, "file");
        const cJSON *rej = cJSON_GetObjectItem(f, "rejects");
        struct capture c;
        char path[1024];
        size_t k = 0;
        int64_t want_records = (int64_t)cJSON_GetObjectItem(f, "records")->valuedouble;
        int64_t want_events = (int64_t)cJSON_GetObjectItem(f, "events")->valuedouble;

        if (cJSON_IsFalse(cJSON_GetObjectItem(f, "importable")))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        CU_ASSERT_FATAL(capture_run(&c, imp, path) == 0);
        if ((int64_t)c.nev != want_events || c.records != want_records)
            fprintf(stderr, "%s: %zu events (want %lld), %lld records (want %lld)\n", rel,
                    c.nev, (long long)want_events, (long long)c.records,
                    (long long)want_records);
        CU_ASSERT_EQUAL(c.records, want_records);
        CU_ASSERT_EQUAL((int64_t)c.nev, want_events);
        CU_ASSERT_EQUAL((int)c.nrej, cJSON_GetArraySize(rej));
        cJSON_ArrayForEach(spot, rej) {
            const char *words = manifest_reason_words(ftl_json_str(spot, "reason"));

            if (k < c.nrej) {
                CU_ASSERT_EQUAL(c.rej[k].record_no,
                                (int64_t)cJSON_GetObjectItem(spot, "record")->valuedouble);
                if (!strcasestr(c.rej[k].reason, words))
                    fprintf(stderr, "%s: reason '%s', want '%s'\n", rel, c.rej[k].reason, words);
                CU_ASSERT_PTR_NOT_NULL(strcasestr(c.rej[k].reason, words));
                CU_ASSERT(c.rej[k].raw_len > 0);
            }
            k++;
        }
        cJSON_ArrayForEach(spot, cJSON_GetObjectItem(f, "spot_checks"))
            manifest_spot(&c, spot, rel);
        capture_free(&c);
        checked++;
    }
    return checked;
}

/* The sniffer picks imp for every importable manifest file and nothing else
 * for the rest (files marked "importable": false). */
static inline void manifest_check_sniff(const cJSON *m, const struct ftl_importer *imp,
                                        const char *dir)
{
    const cJSON *f;

    cJSON_ArrayForEach(f, cJSON_GetObjectItem(m, "files")) {
        const char *rel = ftl_json_str(f, "file");
        struct ftl_reader *r = NULL;
        struct ftl_input in;
        const struct ftl_importer *got;
        const char *head;
        size_t len;
        char path[1024];

        snprintf(path, sizeof path, "%s/%s", dir, rel);
        CU_ASSERT_FATAL(ftl_reader_open(path, &r, NULL) == FTL_OK);
        ftl_input_init(&in, r, path, 0);
        ftl_input_peek(&in, 64 << 10, &head, &len);
        got = ftl_importer_sniff(head, len);
        if (cJSON_IsFalse(cJSON_GetObjectItem(f, "importable"))) {
            CU_ASSERT_PTR_NULL(got);
        } else {
            if (got != imp)
                fprintf(stderr, "%s sniffed as %s\n", rel, got ? got->name : "nothing");
            CU_ASSERT_PTR_EQUAL(got, imp);
        }
        ftl_input_free(&in);
        ftl_reader_free(r);
    }
}

#endif
