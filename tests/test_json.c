/*
 * test_json.c - tests of core/json.c: parsing exactly len bytes, the
 * case-insensitive lookups importers rely on (FORMATS.md: "match names
 * case-insensitively", Name/Value arrays looked up "by Name, never by
 * index"), scalar text, and the JSON writer, whose output is checked by
 * parsing it back with cJSON.
 *
 * Inputs to the parser are exact-size heap copies without a NUL, so
 * AddressSanitizer reports any read past len.
 */
#include "json.h"
#include "testmain.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ftl_json_parse on a NUL-less exact-size copy of the first len bytes. */
static cJSON *parse_n(const char *s, size_t len, size_t *bad_at)
{
    char *copy = ftl_xmalloc(len ? len : 1);
    cJSON *v;

    memcpy(copy, s, len);
    v = ftl_json_parse(copy, len, bad_at);
    free(copy);
    return v;
}

static cJSON *parse(const char *s, size_t *bad_at)
{
    return parse_n(s, strlen(s), bad_at);
}

#define PARSE_OK(s)                                                         \
    do {                                                                    \
        size_t b_ = 12345;                                                  \
        cJSON *v_ = parse(s, &b_);                                          \
        if (!v_)                                                            \
            fprintf(stderr, "\n  ftl_json_parse(\"%s\") failed at %zu\n",   \
                    s, b_);                                                 \
        CU_ASSERT_PTR_NOT_NULL(v_);                                         \
        cJSON_Delete(v_);                                                   \
    } while (0)

#define PARSE_BAD(s, at)                                                    \
    do {                                                                    \
        size_t b_ = 12345;                                                  \
        cJSON *v_ = parse(s, &b_);                                          \
        if (v_ || b_ != (size_t)(at))                                       \
            fprintf(stderr, "\n  ftl_json_parse(\"%s\"): %s, bad_at %zu, "  \
                    "want %zu\n", s, v_ ? "accepted" : "refused", b_,       \
                    (size_t)(at));                                          \
        CU_ASSERT_PTR_NULL(v_);                                             \
        CU_ASSERT_EQUAL(b_, (size_t)(at));                                  \
        cJSON_Delete(v_);                                                   \
    } while (0)

/* ---- ftl_json_parse ---- */

static void test_json_parse_trailing_white_space_ok(void)
{
    PARSE_OK("{\"a\":1}");
    PARSE_OK("{\"a\":1}  \r\n\t");
    PARSE_OK("  [1, 2]\n");
    PARSE_OK("\"just a string\"");
    PARSE_OK("42");
    PARSE_OK("null ");
}

static void test_json_parse_trailing_garbage_rejected(void)
{
    PARSE_BAD("{\"a\":1} x", 8);
    PARSE_BAD("{\"a\":1}{}", 7);
    PARSE_BAD("[1,2]]", 5);
    PARSE_BAD("{\"a\":1}\n\n,", 9);
    PARSE_BAD("42 43", 3);
}

static void test_json_parse_nul_inside_len_rejected(void)
{
    size_t bad = 0;
    cJSON *v = parse_n("{}\0", 3, &bad);

    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(bad, 2);
    cJSON_Delete(v);
}

static void test_json_parse_truncated_rejected(void)
{
    static const char *bad[] = {
        "{\"a\":", "{\"a\":1", "[1,2", "\"abc", "{\"a\":\"x\\", "{", "[",
        "tru", "{\"a\":[{\"b\":1}]", "-",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t at = 999999;
        cJSON *v = parse(bad[i], &at);

        if (v)
            fprintf(stderr, "\n  truncated \"%s\" accepted\n", bad[i]);
        CU_ASSERT_PTR_NULL(v);
        CU_ASSERT(at <= strlen(bad[i]));
        cJSON_Delete(v);
    }
    /* empty and blank input */
    {
        size_t at = 999999;

        CU_ASSERT_PTR_NULL(parse_n("", 0, &at));
        CU_ASSERT_EQUAL(at, 0);
        CU_ASSERT_PTR_NULL(parse("  \n", &at));
        CU_ASSERT(at <= 3);
    }
    /* bad_at may be NULL */
    CU_ASSERT_PTR_NULL(parse("{\"a\":", NULL));
    CU_ASSERT_PTR_NULL(parse("{} x", NULL));
}

static void test_json_parse_exactly_len_of_longer_buffer(void)
{
    static const char buf[] = "{\"a\":1}garbage{\"b\":2}";
    size_t bad = 0;
    cJSON *v;

    v = parse_n(buf, 7, &bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(v, "a")->valueint, 1);
    cJSON_Delete(v);
    /* one byte more is garbage */
    v = parse_n(buf, 8, &bad);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(bad, 7);
    /* one byte less is truncated */
    v = parse_n(buf, 6, &bad);
    CU_ASSERT_PTR_NULL(v);
    /* a record inside a bigger window, as the splitters hand them out */
    v = ftl_json_parse(buf + 14, 7, &bad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(v, "b")->valueint, 2);
    cJSON_Delete(v);
}

/* ---- lookups ---- */

static const char UAL[] =
    "{\"CreationTime\":\"2023-06-16T09:12:33\",\"UserId\":\"Alice@Contoso.com\","
    "\"Empty\":\"\",\"RecordType\":15,\"Null\":null,\"Obj\":{\"a\":\"b\"},"
    "\"Arr\":[\"x\"],\"Flag\":true}";

static void test_json_str_case_insensitive(void)
{
    cJSON *o = parse(UAL, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(o, "UserId"), "Alice@Contoso.com");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(o, "userid"), "Alice@Contoso.com");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(o, "USERID"), "Alice@Contoso.com");
    CU_ASSERT_STRING_EQUAL(ftl_json_str(o, "creationtime"), "2023-06-16T09:12:33");
    cJSON_Delete(o);
}

static void test_json_str_absent_empty_and_non_string(void)
{
    cJSON *o = parse(UAL, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "Empty"));       /* "" counts as absent */
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "RecordType"));  /* number */
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "Null"));
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "Obj"));
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "Arr"));
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "Flag"));
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "Missing"));
    CU_ASSERT_PTR_NULL(ftl_json_str(o, "User"));         /* no prefix match */
    CU_ASSERT_PTR_NULL(ftl_json_str(NULL, "UserId"));
    CU_ASSERT_PTR_NULL(ftl_json_str(cJSON_GetObjectItem(o, "Arr"), "UserId"));
    cJSON_Delete(o);
}

static void test_json_str_any_first_non_empty(void)
{
    static const char *const keys[] = { "ClientIPAddress", "ClientIP",
                                        "ActorIpAddress", NULL };
    static const char *const none[] = { NULL };
    cJSON *o;

    o = parse("{\"ClientIPAddress\":\"\",\"ClientIP\":\"1.2.3.4\"}", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_STRING_EQUAL(ftl_json_str_any(o, keys), "1.2.3.4");
    CU_ASSERT_PTR_NULL(ftl_json_str_any(o, none));
    cJSON_Delete(o);

    o = parse("{\"ClientIP\":\"1.2.3.4\",\"clientipaddress\":\"5.6.7.8\"}", NULL);
    CU_ASSERT_STRING_EQUAL(ftl_json_str_any(o, keys), "5.6.7.8");  /* list order wins */
    cJSON_Delete(o);

    o = parse("{\"ClientIPAddress\":5,\"ClientIP\":null,\"ACTORIPADDRESS\":\"9.9.9.9\"}", NULL);
    CU_ASSERT_STRING_EQUAL(ftl_json_str_any(o, keys), "9.9.9.9");
    cJSON_Delete(o);

    o = parse("{\"x\":\"1.2.3.4\"}", NULL);
    CU_ASSERT_PTR_NULL(ftl_json_str_any(o, keys));
    cJSON_Delete(o);
}

/* ---- ftl_json_scalar ---- */

#define SCALAR(obj, key, want)                                              \
    do {                                                                    \
        char *b_ = ftl_xmalloc(32);   /* exactly the documented size */     \
        const char *r_ = ftl_json_scalar(cJSON_GetObjectItem(obj, key), b_);\
        if (!r_ || strcmp(r_, want) != 0)                                   \
            fprintf(stderr, "\n  scalar %s = %s, want %s\n", key,           \
                    r_ ? r_ : "(null)", want);                              \
        CU_ASSERT(r_ != NULL && strcmp(r_, want) == 0);                     \
        free(b_);                                                           \
    } while (0)

static void test_json_scalar_values(void)
{
    cJSON *o = parse(
        "{\"s\":\"text\",\"e\":\"\",\"i\":4294967296,\"j\":2147483648,"
        "\"neg\":-2147483649,\"max53\":9007199254740991,\"min53\":-9007199254740991,"
        "\"p53\":9007199254740992,\"f\":1.5,\"nf\":-0.25,\"z\":0,\"mz\":-0.0,"
        "\"e3\":1e3,\"t\":true,\"fa\":false,\"rt\":15}", NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    SCALAR(o, "s", "text");
    SCALAR(o, "e", "");
    SCALAR(o, "i", "4294967296");
    SCALAR(o, "j", "2147483648");
    SCALAR(o, "neg", "-2147483649");
    SCALAR(o, "max53", "9007199254740991");
    SCALAR(o, "min53", "-9007199254740991");
    SCALAR(o, "p53", "9007199254740992");
    SCALAR(o, "f", "1.5");
    SCALAR(o, "nf", "-0.25");
    SCALAR(o, "z", "0");
    SCALAR(o, "mz", "0");
    SCALAR(o, "e3", "1000");
    SCALAR(o, "t", "true");
    SCALAR(o, "fa", "false");
    SCALAR(o, "rt", "15");
    cJSON_Delete(o);
}

static void test_json_scalar_fractions_round_trip(void)
{
    static const char *nums[] = { "0.1", "1e300", "-1e-300", "3.141592653589793",
                                  "123456789.123", "1e22" };
    char *buf = ftl_xmalloc(32);

    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        cJSON *v = parse(nums[i], NULL);
        const char *r;
        char *end = NULL;

        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        r = ftl_json_scalar(v, buf);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT(strlen(r) < 32);
        CU_ASSERT(strtod(r, &end) == v->valuedouble);   /* no precision lost */
        CU_ASSERT(end && *end == '\0');
        cJSON_Delete(v);
    }
    free(buf);
}

static void test_json_scalar_non_scalars_null(void)
{
    cJSON *o = parse("{\"n\":null,\"a\":[1],\"o\":{}}", NULL);
    char buf[32];

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_PTR_NULL(ftl_json_scalar(cJSON_GetObjectItem(o, "n"), buf));
    CU_ASSERT_PTR_NULL(ftl_json_scalar(cJSON_GetObjectItem(o, "a"), buf));
    CU_ASSERT_PTR_NULL(ftl_json_scalar(cJSON_GetObjectItem(o, "o"), buf));
    CU_ASSERT_PTR_NULL(ftl_json_scalar(cJSON_GetObjectItem(o, "missing"), buf));
    CU_ASSERT_PTR_NULL(ftl_json_scalar(NULL, buf));
    cJSON_Delete(o);
}

/* ---- ftl_json_namevalue ---- */

static void test_json_namevalue_by_name_not_index(void)
{
    static const char *arrays[] = {
        "[{\"Name\":\"UserAgent\",\"Value\":\"Mozilla\"},"
        "{\"Name\":\"RequestType\",\"Value\":\"Login:login\"},"
        "{\"Name\":\"LogonError\",\"Value\":\"InvalidUserNameOrPassword\"}]",
        "[{\"Name\":\"LogonError\",\"Value\":\"InvalidUserNameOrPassword\"},"
        "{\"Name\":\"UserAgent\",\"Value\":\"Mozilla\"},"
        "{\"Name\":\"RequestType\",\"Value\":\"Login:login\"}]",
        /* junk elements before the match are skipped */
        "[\"str\",5,null,[],{\"Value\":\"no name\"},{\"Name\":7,\"Value\":\"x\"},"
        "{\"name\":\"logonerror\",\"value\":\"InvalidUserNameOrPassword\"},"
        "{\"NAME\":\"requesttype\",\"VALUE\":\"Login:login\"},"
        "{\"Name\":\"UserAgent\",\"Value\":\"Mozilla\"}]",
    };

    for (size_t i = 0; i < 3; i++) {
        cJSON *a = parse(arrays[i], NULL);
        const cJSON *v;

        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        v = ftl_json_namevalue(a, "LogonError");
        CU_ASSERT(cJSON_IsString(v) && strcmp(v->valuestring, "InvalidUserNameOrPassword") == 0);
        v = ftl_json_namevalue(a, "LOGONERROR");
        CU_ASSERT(cJSON_IsString(v) && strcmp(v->valuestring, "InvalidUserNameOrPassword") == 0);
        v = ftl_json_namevalue(a, "requestType");
        CU_ASSERT(cJSON_IsString(v) && strcmp(v->valuestring, "Login:login") == 0);
        v = ftl_json_namevalue(a, "UserAgent");
        CU_ASSERT(cJSON_IsString(v) && strcmp(v->valuestring, "Mozilla") == 0);
        CU_ASSERT_PTR_NULL(ftl_json_namevalue(a, "KeepMeSignedIn"));
        CU_ASSERT_PTR_NULL(ftl_json_namevalue(a, "Logon"));
        cJSON_Delete(a);
    }
}

static void test_json_namevalue_value_kinds_and_non_arrays(void)
{
    cJSON *o = parse(
        "{\"Parameters\":[{\"Name\":\"ForwardTo\",\"Value\":{\"to\":[\"x@y\"]}},"
        "{\"Name\":\"DeleteMessage\",\"Value\":true},"
        "{\"Name\":\"Priority\",\"Value\":3}],"
        "\"NotArray\":{\"Name\":\"ForwardTo\",\"Value\":\"v\"},"
        "\"Str\":\"ForwardTo\",\"Empty\":[]}", NULL);
    const cJSON *p, *v;

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    p = cJSON_GetObjectItem(o, "Parameters");
    v = ftl_json_namevalue(p, "forwardto");
    CU_ASSERT(cJSON_IsObject(v));
    v = ftl_json_namevalue(p, "DeleteMessage");
    CU_ASSERT(cJSON_IsTrue(v));
    v = ftl_json_namevalue(p, "Priority");
    CU_ASSERT(cJSON_IsNumber(v) && v->valueint == 3);
    CU_ASSERT_PTR_NULL(ftl_json_namevalue(cJSON_GetObjectItem(o, "NotArray"), "ForwardTo"));
    CU_ASSERT_PTR_NULL(ftl_json_namevalue(cJSON_GetObjectItem(o, "Str"), "ForwardTo"));
    CU_ASSERT_PTR_NULL(ftl_json_namevalue(cJSON_GetObjectItem(o, "Empty"), "ForwardTo"));
    CU_ASSERT_PTR_NULL(ftl_json_namevalue(cJSON_GetObjectItem(o, "Missing"), "ForwardTo"));
    CU_ASSERT_PTR_NULL(ftl_json_namevalue(NULL, "ForwardTo"));
    cJSON_Delete(o);
}

/* ---- ftl_json_sval, keysets ---- */

static void test_json_sval(void)
{
    cJSON *o = parse(UAL, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_STRING_EQUAL(ftl_json_sval(cJSON_GetObjectItem(o, "UserId")),
                           "Alice@Contoso.com");
    CU_ASSERT_PTR_NULL(ftl_json_sval(cJSON_GetObjectItem(o, "Empty")));
    CU_ASSERT_PTR_NULL(ftl_json_sval(cJSON_GetObjectItem(o, "RecordType")));
    CU_ASSERT_PTR_NULL(ftl_json_sval(cJSON_GetObjectItem(o, "Null")));
    CU_ASSERT_PTR_NULL(ftl_json_sval(cJSON_GetObjectItem(o, "Obj")));
    CU_ASSERT_PTR_NULL(ftl_json_sval(NULL));
    cJSON_Delete(o);
}

static const char *const pick_names[] = {
    "CreationTime", "Id", "Operation", "UserId", "ClientIP", "Missing",
};
static struct ftl_json_keyset pick_keys = FTL_JSON_KEYSET(pick_names, 6);

static void test_json_pick_case_insensitive_first_wins(void)
{
    const cJSON *out[6];
    cJSON *o;

    o = parse("{\"clientip\":\"1.2.3.4\",\"OPERATION\":\"MailItemsAccessed\","
              "\"Id\":\"first\",\"userid\":\"bob\",\"id\":\"second\","
              "\"Extra\":1,\"creationTime\":\"2023-06-16T09:12:33\"}", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    memset(out, 0x5A, sizeof out);
    ftl_json_pick(&pick_keys, o, out);
    CU_ASSERT_STRING_EQUAL(ftl_json_sval(out[0]), "2023-06-16T09:12:33");
    CU_ASSERT_STRING_EQUAL(ftl_json_sval(out[1]), "first");   /* as cJSON_GetObjectItem */
    CU_ASSERT_PTR_EQUAL(out[1], cJSON_GetObjectItem(o, "id"));
    CU_ASSERT_STRING_EQUAL(ftl_json_sval(out[2]), "MailItemsAccessed");
    CU_ASSERT_STRING_EQUAL(ftl_json_sval(out[3]), "bob");
    CU_ASSERT_STRING_EQUAL(ftl_json_sval(out[4]), "1.2.3.4");
    CU_ASSERT_PTR_NULL(out[5]);
    cJSON_Delete(o);

    /* the same keyset again: nothing left over from the last object */
    o = parse("{\"Operation\":\"UserLoggedIn\"}", NULL);
    ftl_json_pick(&pick_keys, o, out);
    CU_ASSERT_PTR_NULL(out[0]);
    CU_ASSERT_PTR_NULL(out[1]);
    CU_ASSERT_STRING_EQUAL(ftl_json_sval(out[2]), "UserLoggedIn");
    CU_ASSERT_PTR_NULL(out[3]);
    CU_ASSERT_PTR_NULL(out[4]);
    cJSON_Delete(o);

    /* not an object: every slot NULL */
    o = parse("[{\"Id\":\"x\"}]", NULL);
    memset(out, 0x5A, sizeof out);
    ftl_json_pick(&pick_keys, o, out);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_PTR_NULL(out[i]);
    memset(out, 0x5A, sizeof out);
    ftl_json_pick(&pick_keys, NULL, out);
    for (int i = 0; i < 6; i++)
        CU_ASSERT_PTR_NULL(out[i]);
    cJSON_Delete(o);
}

/* 100 names (the documented maximum) in a 256-slot table: probing must
 * find every one, and agree with cJSON_GetObjectItem. */
static void test_json_pick_hundred_names(void)
{
    static char names_buf[100][16];
    static const char *names[100];
    static struct ftl_json_keyset ks = FTL_JSON_KEYSET(names, 100);
    struct ftl_buf b = { 0 };
    const cJSON *out[100];
    cJSON *o;
    long bad = 0;

    for (int i = 0; i < 100; i++) {
        snprintf(names_buf[i], sizeof names_buf[i], "Key%d", i);
        names[i] = names_buf[i];
    }
    /* members in reverse order, upper-cased, every third one missing */
    ftl_buf_addch(&b, '{');
    for (int i = 99; i >= 0; i--) {
        if (i % 3 == 0)
            continue;
        ftl_buf_addf(&b, "%s\"KEY%d\":%d", b.len > 1 ? "," : "", i, i);
    }
    ftl_buf_addstr(&b, ",\"other\":true}");
    o = parse(b.data, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    ftl_json_pick(&ks, o, out);
    for (int i = 0; i < 100; i++) {
        const cJSON *want = cJSON_GetObjectItem(o, names[i]);

        if (out[i] != want || (i % 3 == 0) != (want == NULL) ||
            (want && want->valueint != i))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    cJSON_Delete(o);
    ftl_buf_free(&b);
}

struct pick_job {
    struct ftl_json_keyset *ks;
    long bad;
};

static void *pick_thread(void *arg)
{
    struct pick_job *j = arg;
    cJSON *o = cJSON_Parse("{\"b\":2,\"A\":1,\"c\":3}");
    const cJSON *out[3];

    for (int i = 0; i < 2000; i++) {
        ftl_json_pick(j->ks, o, out);
        if (!out[0] || out[0]->valueint != 1 || !out[1] || out[1]->valueint != 2 ||
            !out[2] || out[2]->valueint != 3)
            j->bad++;
    }
    cJSON_Delete(o);
    return NULL;
}

static void test_json_pick_keyset_shared_by_threads(void)
{
    static const char *const names[] = { "a", "B", "C" };
    static struct ftl_json_keyset ks = FTL_JSON_KEYSET(names, 3);
    struct pick_job jobs[4];
    pthread_t t[4];

    /* four threads build the same fresh keyset at once */
    for (int i = 0; i < 4; i++) {
        jobs[i].ks = &ks;
        jobs[i].bad = 0;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, pick_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CU_ASSERT_EQUAL(jobs[i].bad, 0);
    }
}

/* ---- arena ---- */

static void test_json_arena_parse_reset_end(void)
{
    struct ftl_buf big = { 0 };
    char text[64], want[16];
    long bad = 0;
    cJSON *outside, *v;
    char *printed;

    outside = cJSON_Parse("{\"made\":\"before the arena\"}");
    ftl_json_arena_begin();
    for (int i = 0; i < 2000; i++) {
        snprintf(text, sizeof text, "{\"i\":%d,\"s\":\"rec %d\",\"a\":[1,2,3]}", i, i);
        v = ftl_json_parse(text, strlen(text), NULL);
        snprintf(want, sizeof want, "rec %d", i);
        if (!v || cJSON_GetObjectItem(v, "i")->valueint != i ||
            !ftl_json_str(v, "s") || strcmp(ftl_json_str(v, "s"), want) != 0)
            bad++;
        cJSON_Delete(v);   /* costs nothing inside the arena */
        if (i % 100 == 99)
            ftl_json_arena_reset();
    }
    CU_ASSERT_EQUAL(bad, 0);

    /* a record bigger than an arena chunk, then small ones again */
    ftl_buf_addstr(&big, "{\"items\":[");
    for (int i = 0; i < 60000; i++)
        ftl_buf_addf(&big, "%s{\"n\":%d,\"s\":\"xxxxxxxx\"}", i ? "," : "", i);
    ftl_buf_addstr(&big, "]}");
    v = ftl_json_parse(big.data, big.len, NULL);
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(v, "items")), 60000);
    printed = cJSON_PrintUnformatted(v);
    CU_ASSERT_PTR_NOT_NULL(printed);
    CU_ASSERT(printed && strlen(printed) == big.len);
    cJSON_free(printed);
    cJSON_Delete(v);
    ftl_json_arena_reset();
    v = ftl_json_parse("{\"after\":1}", 11, NULL);
    CU_ASSERT(v && cJSON_GetObjectItem(v, "after")->valueint == 1);
    /* a tree made outside may be freed inside (LeakSanitizer checks) */
    CU_ASSERT_STRING_EQUAL(ftl_json_str(outside, "made"), "before the arena");
    cJSON_Delete(outside);
    ftl_json_arena_end();

    /* after the end, trees are ordinary again */
    v = cJSON_Parse("{\"plain\":true}");
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(v, "plain")));
    cJSON_Delete(v);
    ftl_buf_free(&big);
}

struct arena_job {
    cJSON *kept;
    long bad;
};

static void *plain_thread(void *arg)
{
    struct arena_job *j = arg;

    for (int i = 0; i < 3000; i++) {
        cJSON *v = cJSON_Parse("{\"thread\":\"plain\",\"n\":[1,2,3]}");

        if (!v || strcmp(ftl_json_str(v, "thread"), "plain") != 0)
            j->bad++;
        cJSON_Delete(v);
    }
    j->kept = cJSON_Parse("{\"kept\":\"across the other thread's reset\"}");
    return NULL;
}

static void test_json_arena_other_threads_unaffected(void)
{
    struct arena_job job = { NULL, 0 };
    pthread_t t;
    cJSON *v;

    ftl_json_arena_begin();
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, plain_thread, &job), 0);
    for (int i = 0; i < 3000; i++) {
        v = ftl_json_parse("{\"arena\":1}", 11, NULL);
        CU_ASSERT_FATAL(v != NULL);
        cJSON_Delete(v);
        if (i % 500 == 0)
            ftl_json_arena_reset();
    }
    pthread_join(t, NULL);
    ftl_json_arena_reset();
    ftl_json_arena_end();
    CU_ASSERT_EQUAL(job.bad, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(job.kept);
    CU_ASSERT_STRING_EQUAL(ftl_json_str(job.kept, "kept"),
                           "across the other thread's reset");
    cJSON_Delete(job.kept);   /* an ordinary tree: really freed */
}

static void test_json_delete_inside_and_outside_arena(void)
{
    cJSON *outside = cJSON_Parse("{\"outside\":[1,2,3]}"), *inside;

    ftl_json_delete(NULL);
    ftl_json_arena_begin();
    inside = ftl_json_parse("{\"inside\":[1,2,3]}", 18, NULL);
    CU_ASSERT_PTR_NOT_NULL(inside);
    ftl_json_delete(inside);    /* left to the reset */
    ftl_json_delete(outside);   /* really freed (LeakSanitizer checks) */
    ftl_json_delete(NULL);
    ftl_json_arena_reset();
    ftl_json_arena_end();
    /* outside any arena it is cJSON_Delete */
    outside = cJSON_Parse("{\"after\":{\"x\":[{}]}}");
    CU_ASSERT_PTR_NOT_NULL(outside);
    ftl_json_delete(outside);
}

/* ---- ftl_json_escape ---- */

/* Escapes s[0..len), checks the text, and that cJSON reads back s. */
static void check_escape(const char *s, size_t len, const char *want, int round_trip)
{
    struct ftl_buf b = { 0 };
    cJSON *v;

    ftl_buf_addstr(&b, "prefix:");
    ftl_json_escape(&b, s, len);
    if (strcmp(b.data + 7, want) != 0)
        fprintf(stderr, "\n  escape gave %s, want %s\n", b.data + 7, want);
    CU_ASSERT_STRING_EQUAL(b.data + 7, want);
    CU_ASSERT(strncmp(b.data, "prefix:", 7) == 0);
    CU_ASSERT_EQUAL(b.len, 7 + strlen(want));
    v = cJSON_ParseWithLength(b.data + 7, b.len - 7);
    CU_ASSERT(cJSON_IsString(v));
    if (round_trip && cJSON_IsString(v)) {
        CU_ASSERT_EQUAL(strlen(v->valuestring), len);
        CU_ASSERT(memcmp(v->valuestring, s, len) == 0);
    }
    cJSON_Delete(v);
    ftl_buf_free(&b);
}

static void test_json_escape_specials(void)
{
    static const char in[] = "a\"b\\c\nd\te\rf\x01g\x1fh\x08i\x0cj\x7fk/";

    check_escape(in, sizeof in - 1,
                 "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g\\u001fh\\u0008i\\u000cj\x7fk/\"", 1);
    check_escape("", 0, "\"\"", 1);
    check_escape("\"", 1, "\"\\\"\"", 1);
    check_escape("\\", 1, "\"\\\\\"", 1);
    check_escape("ends with backslash\\", 20, "\"ends with backslash\\\\\"", 1);
    check_escape("\r\n", 2, "\"\\r\\n\"", 1);
}

static void test_json_escape_all_control_characters(void)
{
    char in[32];
    struct ftl_buf b = { 0 };
    cJSON *v;

    for (int i = 0; i < 31; i++)
        in[i] = (char)(i + 1);
    ftl_json_escape(&b, in, 31);
    for (size_t i = 0; i < b.len; i++)
        CU_ASSERT((unsigned char)b.data[i] >= 0x20);   /* nothing raw */
    v = cJSON_ParseWithLength(b.data, b.len);
    CU_ASSERT_FATAL(cJSON_IsString(v));
    CU_ASSERT_EQUAL(strlen(v->valuestring), 31);
    CU_ASSERT(memcmp(v->valuestring, in, 31) == 0);
    cJSON_Delete(v);
    ftl_buf_free(&b);
}

static void test_json_escape_nul_and_len(void)
{
    /* len is honoured: NUL becomes \u0000 and bytes past len are ignored */
    check_escape("x\0y!!", 3, "\"x\\u0000y\"", 0);
    check_escape("abcdef", 3, "\"abc\"", 1);
}

static void test_json_escape_utf8_passes_through(void)
{
    static const char in[] = "M\xC3\xBCller \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8";

    check_escape(in, sizeof in - 1,
                 "\"M\xC3\xBCller \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8\"", 1);
}

/* ---- writer ---- */

static void test_json_jw_object_parses_back(void)
{
    struct ftl_buf b = { 0 }, inner = { 0 };
    struct ftl_jw w, wi;
    cJSON *o, *it;

    ftl_jw_begin(&wi, &inner);
    ftl_jw_str(&wi, "x", "y");
    ftl_jw_end(&wi);

    ftl_jw_begin(&w, &b);
    ftl_jw_str(&w, "UserId", "alice \"x\" \\ \n\ttab");
    ftl_jw_str(&w, "skipped", NULL);
    ftl_jw_int(&w, "big", INT64_C(4294967296));
    ftl_jw_int(&w, "max", INT64_MAX);
    ftl_jw_int(&w, "min", INT64_MIN);
    ftl_jw_int(&w, "zero", 0);
    ftl_jw_bool(&w, "ok", 1);
    ftl_jw_bool(&w, "no", 0);
    ftl_jw_bool(&w, "seven", 7);
    ftl_jw_raw(&w, "raw", "{\"a\":[1,2]}", 11);
    ftl_jw_raw(&w, "nested", inner.data, inner.len);
    ftl_jw_str(&w, "key \"q\"\n", "v");
    ftl_jw_str(&w, "empty", "");
    ftl_jw_end(&w);

    CU_ASSERT_STRING_EQUAL(b.data,
        "{\"UserId\":\"alice \\\"x\\\" \\\\ \\n\\ttab\",\"big\":4294967296,"
        "\"max\":9223372036854775807,\"min\":-9223372036854775808,\"zero\":0,"
        "\"ok\":true,\"no\":false,\"seven\":true,\"raw\":{\"a\":[1,2]},"
        "\"nested\":{\"x\":\"y\"},\"key \\\"q\\\"\\n\":\"v\",\"empty\":\"\"}");
    o = cJSON_ParseWithLength(b.data, b.len);
    CU_ASSERT_FATAL(cJSON_IsObject(o));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(o), 12);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(o, "UserId")->valuestring,
                           "alice \"x\" \\ \n\ttab");
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(o, "skipped"));
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(o, "big")->valuedouble, 4294967296.0, 0.0);
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(o, "ok")));
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(o, "no")));
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(o, "seven")));
    it = cJSON_GetObjectItem(o, "raw");
    CU_ASSERT(cJSON_IsObject(it) && cJSON_GetArraySize(cJSON_GetObjectItem(it, "a")) == 2);
    it = cJSON_GetObjectItem(o, "nested");
    CU_ASSERT(cJSON_IsObject(it) && strcmp(cJSON_GetObjectItem(it, "x")->valuestring, "y") == 0);
    it = cJSON_GetObjectItem(o, "key \"q\"\n");
    CU_ASSERT(cJSON_IsString(it) && strcmp(it->valuestring, "v") == 0);
    it = cJSON_GetObjectItem(o, "empty");
    CU_ASSERT(cJSON_IsString(it) && it->valuestring[0] == '\0');
    cJSON_Delete(o);
    ftl_buf_free(&b);
    ftl_buf_free(&inner);
}

static void test_json_jw_empty_and_appending(void)
{
    struct ftl_buf b = { 0 };
    struct ftl_jw w;
    cJSON *o;

    ftl_jw_begin(&w, &b);
    ftl_jw_end(&w);
    CU_ASSERT_STRING_EQUAL(b.data, "{}");

    /* only NULL strings: still an empty object, no stray comma */
    ftl_buf_reset(&b);
    ftl_jw_begin(&w, &b);
    ftl_jw_str(&w, "a", NULL);
    ftl_jw_str(&w, "b", NULL);
    ftl_jw_end(&w);
    CU_ASSERT_STRING_EQUAL(b.data, "{}");

    /* a NULL first, then a field: no leading comma */
    ftl_buf_reset(&b);
    ftl_jw_begin(&w, &b);
    ftl_jw_str(&w, "a", NULL);
    ftl_jw_int(&w, "n", -1);
    ftl_jw_end(&w);
    CU_ASSERT_STRING_EQUAL(b.data, "{\"n\":-1}");

    /* appends after what the buffer holds; two objects in one buffer */
    ftl_buf_reset(&b);
    ftl_buf_addstr(&b, "[");
    ftl_jw_begin(&w, &b);
    ftl_jw_int(&w, "i", 1);
    ftl_jw_end(&w);
    ftl_buf_addch(&b, ',');
    ftl_jw_begin(&w, &b);
    ftl_jw_int(&w, "i", 2);
    ftl_jw_end(&w);
    ftl_buf_addch(&b, ']');
    CU_ASSERT_STRING_EQUAL(b.data, "[{\"i\":1},{\"i\":2}]");
    o = cJSON_ParseWithLength(b.data, b.len);
    CU_ASSERT(cJSON_IsArray(o) && cJSON_GetArraySize(o) == 2);
    cJSON_Delete(o);
    ftl_buf_free(&b);
}

static void test_json_jw_many_fields_and_long_values(void)
{
    struct ftl_buf b = { 0 };
    struct ftl_jw w;
    char key[32], *val = ftl_xmalloc(100001);
    cJSON *o;
    long bad = 0;

    memset(val, 'v', 100000);
    val[100000] = '\0';
    val[500] = '"';
    val[50000] = '\n';
    ftl_jw_begin(&w, &b);
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "k%d", i);
        if (i % 50 == 0)
            ftl_jw_str(&w, key, val);
        else
            ftl_jw_int(&w, key, (int64_t)i * 1000003);
    }
    ftl_jw_end(&w);
    o = cJSON_ParseWithLength(b.data, b.len);
    CU_ASSERT_FATAL(cJSON_IsObject(o));
    CU_ASSERT_EQUAL(cJSON_GetArraySize(o), 200);
    for (int i = 0; i < 200; i++) {
        cJSON *it;

        snprintf(key, sizeof key, "k%d", i);
        it = cJSON_GetObjectItem(o, key);
        if (i % 50 == 0) {
            if (!cJSON_IsString(it) || strcmp(it->valuestring, val) != 0)
                bad++;
        } else if (!cJSON_IsNumber(it) || it->valuedouble != (double)i * 1000003) {
            bad++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    cJSON_Delete(o);
    ftl_buf_free(&b);
    free(val);
}

static const struct ftl_test tests[] = {
    {"test_json_parse_trailing_white_space_ok", test_json_parse_trailing_white_space_ok},
    {"test_json_parse_trailing_garbage_rejected", test_json_parse_trailing_garbage_rejected},
    {"test_json_parse_nul_inside_len_rejected", test_json_parse_nul_inside_len_rejected},
    {"test_json_parse_truncated_rejected", test_json_parse_truncated_rejected},
    {"test_json_parse_exactly_len_of_longer_buffer", test_json_parse_exactly_len_of_longer_buffer},
    {"test_json_str_case_insensitive", test_json_str_case_insensitive},
    {"test_json_str_absent_empty_and_non_string", test_json_str_absent_empty_and_non_string},
    {"test_json_str_any_first_non_empty", test_json_str_any_first_non_empty},
    {"test_json_scalar_values", test_json_scalar_values},
    {"test_json_scalar_fractions_round_trip", test_json_scalar_fractions_round_trip},
    {"test_json_scalar_non_scalars_null", test_json_scalar_non_scalars_null},
    {"test_json_namevalue_by_name_not_index", test_json_namevalue_by_name_not_index},
    {"test_json_namevalue_value_kinds_and_non_arrays", test_json_namevalue_value_kinds_and_non_arrays},
    {"test_json_sval", test_json_sval},
    {"test_json_pick_case_insensitive_first_wins", test_json_pick_case_insensitive_first_wins},
    {"test_json_pick_hundred_names", test_json_pick_hundred_names},
    {"test_json_pick_keyset_shared_by_threads", test_json_pick_keyset_shared_by_threads},
    {"test_json_arena_parse_reset_end", test_json_arena_parse_reset_end},
    {"test_json_arena_other_threads_unaffected", test_json_arena_other_threads_unaffected},
    {"test_json_delete_inside_and_outside_arena", test_json_delete_inside_and_outside_arena},
    {"test_json_escape_specials", test_json_escape_specials},
    {"test_json_escape_all_control_characters", test_json_escape_all_control_characters},
    {"test_json_escape_nul_and_len", test_json_escape_nul_and_len},
    {"test_json_escape_utf8_passes_through", test_json_escape_utf8_passes_through},
    {"test_json_jw_object_parses_back", test_json_jw_object_parses_back},
    {"test_json_jw_empty_and_appending", test_json_jw_empty_and_appending},
    {"test_json_jw_many_fields_and_long_values", test_json_jw_many_fields_and_long_values},
    {NULL, NULL},
};

FTL_TEST_MAIN("json", tests)
