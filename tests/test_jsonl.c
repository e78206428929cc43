/*
 * test_jsonl.c - the JSON Lines export: one valid JSON object per line
 * whatever the evidence held (pretty-printed records, control characters,
 * invalid UTF-8, trailing text), the raw record nested only when it is a
 * JSON object, numbers kept as written (exporters/jsonl.c, docs/export.md).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../exporters/exporter.h"
#include "caseutil.h"
#include "testmain.h"

struct rawcase {
    const char *native, *raw, *actor;
    int want_nested;     /* 1: "raw" object, 0: "raw_text" */
};

static const struct rawcase raws[] = {
    /* a pretty-printed CloudTrail record: newlines between tokens */
    { "pretty", "{\n  \"eventName\": \"StopLogging\",\n  \"n\": 12345678901234567890\n}\n", "a", 1 },
    /* a newline inside a string is not JSON, though cJSON takes it */
    { "ctl", "{\"Subject\":\"line one\nline two\"}", "b", 0 },
    /* escapes stay as written */
    { "esc", "{\"s\":\"tab\\there \\\"quoted\\\" \\u00e9\"}", "c", 1 },
    /* invalid UTF-8 in the raw text and the actor */
    { "utf8", "Name,Value\r\nx,\xff\xfe end", "bad\xc3", 0 },
    /* a JSON object followed by more text */
    { "trail", "{\"a\":1} {\"b\":2}", "d", 0 },
    /* a CSV row and an XML element */
    { "csv", "2023-06-18T10:00:00Z,MailItemsAccessed,\"{\"\"Id\"\":1}\"", "e", 0 },
    { "xml", "<Event><System><EventID>4624</EventID></System></Event>", "f", 0 },
    /* what cJSON takes and JSON does not: leading zeros, a bare '1.', a
     * vertical tab as white space, a bad escape */
    { "zeros", "{\"bytes\":007}", "g", 0 },
    { "dot", "{\"n\":1.}", "h", 0 },
    { "vtab", "{\"a\":\vtrue}", "i", 0 },
    { "escape", "{\"a\":\"\\x41\"}", "j", 0 },
    /* and what JSON does take */
    { "numbers", "{\"a\":[-0.5e+10,0,1E3,-7],\"b\":null,\"c\":false}", "k", 1 },
    { NULL, NULL, NULL, 0 },
};

static void test_every_line_is_json(void)
{
    struct ftl_store *s = new_case("jsonl");
    const struct ftl_exporter *ex = ftl_exporter_find("jsonl");
    struct tev one[2];
    const struct rawcase *rc;
    char *text = NULL, *line, *save = NULL;
    size_t len = 0;
    FILE *out;
    int n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ex);
    for (rc = raws; rc->native; rc++) {
        char sql[256];

        memset(one, 0, sizeof one);
        one[0].time = "2023-06-18T10:00:00Z";
        one[0].source = "m365_ual";
        one[0].category = "mailbox";
        one[0].action = "MailItemsAccessed";
        one[0].outcome = "success";
        one[0].actor = rc->actor;
        one[0].native = rc->native;
        add_file(s, rc->native, one);
        snprintf(sql, sizeof sql, "UPDATE events SET raw = ?1 WHERE native_id = '%s'", rc->native);
        {
            sqlite3_stmt *st = NULL;

            CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(ftl_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
            sqlite3_bind_text(st, 1, rc->raw, -1, SQLITE_STATIC);
            CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_DONE);
            sqlite3_finalize(st);
        }
    }
    out = open_memstream(&text, &len);
    CU_ASSERT_EQUAL_FATAL(ex->write(s, NULL, out, NULL), FTL_OK);
    fclose(out);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *d = cJSON_Parse(line);
        const char *native;

        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        native = cJSON_GetStringValue(cJSON_GetObjectItem(d, "native_id"));
        CU_ASSERT_PTR_NOT_NULL_FATAL(native);
        CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(d, "datetime"));
        CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(d, "timestamp_desc"));
        CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(d, "message"));
        /* no byte below 0x20 anywhere in the line: escapes only */
        {
            const unsigned char *p;

            for (p = (const unsigned char *)line; *p; p++)
                CU_ASSERT(*p >= 0x20);
        }
        for (rc = raws; rc->native; rc++)
            if (strcmp(rc->native, native) == 0) {
                if (rc->want_nested) {
                    CU_ASSERT(cJSON_IsObject(cJSON_GetObjectItem(d, "raw")));
                    CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(d, "raw_text"));
                } else {
                    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItem(d, "raw_text")));
                    CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(d, "raw"));
                }
            }
        if (strcmp(native, "pretty") == 0)   /* the big number as written */
            CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"raw\":{\"eventName\":\"StopLogging\",\"n\":12345678901234567890}"));
        if (strcmp(native, "numbers") == 0)
            CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"raw\":{\"a\":[-0.5e+10,0,1E3,-7],\"b\":null,\"c\":false}"));
        if (strcmp(native, "esc") == 0)
            CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"raw\":{\"s\":\"tab\\there \\\"quoted\\\" \\u00e9\"}"));
        if (strcmp(native, "utf8") == 0) {
            CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(d, "actor")), "bad\xef\xbf\xbd");
            CU_ASSERT_PTR_NOT_NULL(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(d, "raw_text")),
                                          "x,\xef\xbf\xbd\xef\xbf\xbd end"));
        }
        if (strcmp(native, "ctl") == 0)
            CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(d, "raw_text")),
                                   "{\"Subject\":\"line one\nline two\"}");
        cJSON_Delete(d);
        n++;
    }
    CU_ASSERT_EQUAL(n, 12);
    free(text);
    ftl_store_close(s);
}

static const struct ftl_test tests[] = {
    { "every_line_is_json", test_every_line_is_json },
    { NULL, NULL },
};

FTL_TEST_MAIN("jsonl", tests)
