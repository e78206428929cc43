/*
 * test_text.c - tests of core/text.c: source address normalization
 * (FORMATS.md: ClientIP comes as 1.2.3.4, 1.2.3.4:63070, [2001:db8::1]:443,
 * 2001:db8::1 or FE80::), lower-casing with trim, and CSV header names.
 *
 * Output buffers carry guard bytes past their stated size, and inputs are
 * exact-size heap copies where a length is given, so overruns show up.
 *
 * Tests whose comment says "Regression test" guard bugs these tests found
 * and that were fixed since.
 */
#include "reader.h"   /* ftl_utf8_invalid */
#include "text.h"
#include "testmain.h"

#include <stdlib.h>
#include <string.h>

#define GUARD 16

/* ftl_ip_normalize into an FTL_IP_MAX buffer followed by guard bytes;
 * returns 1 if the guard is intact. */
static int ip(const char *in, char out[FTL_IP_MAX + GUARD], const char **ret)
{
    memset(out, '#', FTL_IP_MAX + GUARD);
    *ret = ftl_ip_normalize(in, out);
    for (int i = FTL_IP_MAX; i < FTL_IP_MAX + GUARD; i++)
        if (out[i] != '#')
            return 0;
    return 1;
}

#define IP(in, want)                                                        \
    do {                                                                    \
        char o_[FTL_IP_MAX + GUARD];                                        \
        const char *r_ = NULL;                                              \
        int g_ = ip(in, o_, &r_);                                           \
        if (!r_ || strcmp(r_, want) != 0)                                   \
            fprintf(stderr, "\n  ftl_ip_normalize(\"%s\") = \"%s\", want "  \
                    "\"%s\"\n", in, r_ ? r_ : "(null)", want);              \
        CU_ASSERT(g_);                                                      \
        CU_ASSERT_PTR_EQUAL(r_, o_);                                        \
        CU_ASSERT(r_ != NULL && strcmp(r_, want) == 0);                     \
    } while (0)

#define IP_NULL(in)                                                         \
    do {                                                                    \
        char o_[FTL_IP_MAX + GUARD];                                        \
        const char *r_ = (const char *)1;                                   \
        int g_ = ip(in, o_, &r_);                                           \
        CU_ASSERT(g_);                                                      \
        CU_ASSERT_PTR_NULL(r_);                                             \
    } while (0)

static void test_text_ip_ipv4(void)
{
    IP("1.2.3.4", "1.2.3.4");
    IP("198.51.100.23", "198.51.100.23");
    IP("255.255.255.255", "255.255.255.255");
    IP("0.0.0.0", "0.0.0.0");
}

static void test_text_ip_ipv4_with_port(void)
{
    IP("198.51.100.23:63070", "198.51.100.23");
    IP("1.2.3.4:0", "1.2.3.4");
    IP("10.0.0.1:443", "10.0.0.1");
}

static void test_text_ip_ipv6_bracketed_with_port(void)
{
    IP("[2001:db8::5]:443", "2001:db8::5");
    IP("[2001:db8::5]", "2001:db8::5");
    IP("[2001:DB8:0:0:0:0:0:1]:8080", "2001:db8::1");
    IP("[::1]:22", "::1");
}

static void test_text_ip_ipv6_canonical(void)
{
    IP("2001:db8::7", "2001:db8::7");
    IP("FE80::", "fe80::");
    IP("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
    IP("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329");
    IP("::", "::");
    IP("::1", "::1");
    IP("fe80:0:0:0:1:0:0:1", "fe80::1:0:0:1");
}

static void test_text_ip_ipv4_mapped_becomes_ipv4(void)
{
    IP("::ffff:192.0.2.1", "192.0.2.1");
    IP("::FFFF:C000:0201", "192.0.2.1");
    IP("0:0:0:0:0:ffff:c000:201", "192.0.2.1");
    IP("[::ffff:192.0.2.1]:443", "192.0.2.1");
}

static void test_text_ip_trimmed(void)
{
    IP(" 192.0.2.1 ", "192.0.2.1");
    IP("\t192.0.2.1\r\n", "192.0.2.1");
    IP("  [2001:db8::5]:443 ", "2001:db8::5");
    IP(" FE80:: ", "fe80::");
}

static void test_text_ip_empty_and_null(void)
{
    IP_NULL("");
    IP_NULL(NULL);
    IP_NULL("   ");
    IP_NULL(" \t\r\n");
}

static void test_text_ip_not_an_address_kept(void)
{
    IP("not-an-ip", "not-an-ip");
    IP("  not an ip  ", "not an ip");
    IP("Unknown", "Unknown");           /* case of text is kept */
    IP("1.2.3.4:5:6", "1.2.3.4:5:6");
    IP("[2001:db8::5", "[2001:db8::5");
    IP("[nonsense]:443", "[nonsense]:443");
    IP("999.1.1.1", "999.1.1.1");
    IP("1.2.3", "1.2.3");
    IP("<redacted>", "<redacted>");
}

static void test_text_ip_long_text_truncated_safely(void)
{
    char in[1001], o[FTL_IP_MAX + GUARD];
    const char *r = NULL;

    memset(in, 'a', 1000);
    in[1000] = '\0';
    CU_ASSERT(ip(in, o, &r));
    CU_ASSERT_PTR_EQUAL(r, o);
    CU_ASSERT_EQUAL(strlen(o), FTL_IP_MAX - 1);
    CU_ASSERT(strspn(o, "a") == FTL_IP_MAX - 1);

    /* exactly FTL_IP_MAX - 1 and FTL_IP_MAX bytes */
    in[FTL_IP_MAX - 1] = '\0';
    CU_ASSERT(ip(in, o, &r));
    CU_ASSERT_EQUAL(strlen(o), FTL_IP_MAX - 1);
    memset(in, 'b', 1000);
    in[FTL_IP_MAX] = '\0';
    CU_ASSERT(ip(in, o, &r));
    CU_ASSERT_EQUAL(strlen(o), FTL_IP_MAX - 1);

    /* a long bracketed or colon-laden value is not an address either */
    memset(in, ':', 200);
    in[0] = '[';
    in[199] = ']';
    in[200] = '\0';
    CU_ASSERT(ip(in, o, &r));
    CU_ASSERT_EQUAL(strlen(o), FTL_IP_MAX - 1);
    CU_ASSERT_EQUAL(o[0], '[');
}

static void test_text_ip_truncation_never_cuts_utf8(void)
{
    char in[200], o[FTL_IP_MAX + GUARD];
    const char *r = NULL;

    /* 62 ASCII bytes then "é": a cut at 63 would split it */
    memset(in, 'x', 62);
    memcpy(in + 62, "\xC3\xA9" "tail-tail-tail", 17);
    CU_ASSERT(ip(in, o, &r));
    CU_ASSERT_EQUAL(strlen(o), 62);
    CU_ASSERT_EQUAL(ftl_utf8_invalid(o, strlen(o)), -1);

    /* "€" (3 bytes) across the cut, at each of its positions */
    for (int k = 60; k <= 63; k++) {
        memset(in, 'y', sizeof in);
        memcpy(in + k, "\xE2\x82\xAC", 3);
        in[150] = '\0';
        CU_ASSERT(ip(in, o, &r));
        CU_ASSERT(strlen(o) <= FTL_IP_MAX - 1);
        CU_ASSERT_EQUAL(ftl_utf8_invalid(o, strlen(o)), -1);
        CU_ASSERT(strncmp(o, in, strlen(o)) == 0);
    }
    /* a 4-byte character ending exactly at the limit is kept whole */
    memset(in, 'z', sizeof in);
    memcpy(in + 59, "\xF0\x9F\x98\x80", 4);
    in[100] = '\0';
    CU_ASSERT(ip(in, o, &r));
    CU_ASSERT_EQUAL(strlen(o), 63);
    CU_ASSERT_EQUAL(ftl_utf8_invalid(o, strlen(o)), -1);
}

/* ---- ftl_lower_trim ---- */

static void test_text_lower_trim(void)
{
    struct ftl_buf b = { 0 };
    const char *r;
    size_t o1, o2, o3;

    r = ftl_lower_trim(&b, "  Alice@Contoso.COM \t\r\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r, "alice@contoso.com");
    o1 = (size_t)(r - b.data);
    r = ftl_lower_trim(&b, "BOB");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    o2 = (size_t)(r - b.data);
    CU_ASSERT_STRING_EQUAL(r, "bob");
    /* appended: earlier text is still there, each NUL-terminated */
    CU_ASSERT_EQUAL(o1, 0);
    CU_ASSERT_EQUAL(o2, strlen("alice@contoso.com") + 1);
    CU_ASSERT_STRING_EQUAL(b.data + o1, "alice@contoso.com");
    /* non-ASCII bytes pass unchanged */
    r = ftl_lower_trim(&b, "\xC3\x89" "COLE M\xC3\xBCLLER");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    o3 = (size_t)(r - b.data);
    CU_ASSERT_STRING_EQUAL(r, "\xC3\x89" "cole m\xC3\xBCller");
    CU_ASSERT_STRING_EQUAL(b.data + o2, "bob");
    CU_ASSERT_EQUAL(b.len, o3 + strlen(r) + 1);
    ftl_buf_free(&b);
}

static void test_text_lower_trim_empty_and_null(void)
{
    struct ftl_buf b = { 0 };
    const char *r;

    CU_ASSERT_PTR_NULL(ftl_lower_trim(&b, NULL));
    CU_ASSERT_EQUAL(b.len, 0);
    r = ftl_lower_trim(&b, "");
    CU_ASSERT_PTR_NOT_NULL(r);
    CU_ASSERT(r && r[0] == '\0');
    r = ftl_lower_trim(&b, " \t ");
    CU_ASSERT(r && r[0] == '\0');
    ftl_buf_free(&b);
}

static void test_text_lower_trim_grows_buffer(void)
{
    struct ftl_buf b = { 0 };
    char big[5000];
    const char *r;

    memset(big, 'Q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 20; i++) {
        r = ftl_lower_trim(&b, big);
        CU_ASSERT_EQUAL(strlen(r), sizeof big - 1);
        CU_ASSERT(strspn(r, "q") == sizeof big - 1);
    }
    CU_ASSERT_EQUAL(b.len, 20 * sizeof big);
    ftl_buf_free(&b);
}

/* ---- ftl_header_norm ---- */

static void hn(const char *s, const char *want)
{
    size_t n = strlen(s);
    char *copy = ftl_xmalloc(n ? n : 1);
    char out[128 + GUARD];

    memcpy(copy, s, n);
    memset(out, '#', sizeof out);
    ftl_header_norm(copy, n, out, 128);
    if (strcmp(out, want) != 0)
        fprintf(stderr, "\n  header_norm(\"%s\") = \"%s\", want \"%s\"\n", s,
                out, want);
    CU_ASSERT_STRING_EQUAL(out, want);
    CU_ASSERT_EQUAL(out[128], '#');
    free(copy);
}

static void test_text_header_norm_entra_csv(void)
{
    hn("Application ID ", "application id");
    hn("Autonomous system  number", "autonomous system number");
    hn("Date (UTC)", "date (utc)");
    hn("Incoming token type", "incoming token type");
    hn("AssociatedAdminUnitsNames", "associatedadminunitsnames");
    hn("AssociatedAdminUnitNames", "associatedadminunitnames");
    hn("AuditData", "auditdata");
}

static void test_text_header_norm_white_space(void)
{
    hn("  Request ID", "request id");
    hn("\tUser\t\tagent\r\n", "user agent");
    hn("a \t \r\n b", "a b");
    hn("", "");
    hn("   ", "");
    hn("X", "x");
}

static void test_text_header_norm_uses_len_only(void)
{
    static const char row[] = "Application ID ,Request ID";
    char out[64];

    memset(out, '#', sizeof out);
    ftl_header_norm(row, 15, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "application id");
    ftl_header_norm(row + 16, 10, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "request id");
}

static void test_text_header_norm_small_outlen_never_overflows(void)
{
    static const char *in[] = {
        "Autonomous system  number", "Application ID ", "  A  B  C  ",
        "RecordId", "a b",
    };
    char out[64 + GUARD];

    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        for (size_t outlen = 0; outlen <= 40; outlen++) {
            memset(out, '#', sizeof out);
            ftl_header_norm(in[i], strlen(in[i]), out, outlen);
            if (outlen == 0) {
                CU_ASSERT_EQUAL(out[0], '#');   /* nothing written */
                continue;
            }
            CU_ASSERT(strlen(out) < outlen);
            for (size_t k = outlen; k < sizeof out; k++)
                if (out[k] != '#') {
                    CU_FAIL("ftl_header_norm wrote past outlen");
                    break;
                }
        }
    }
    memset(out, '#', sizeof out);
    ftl_header_norm("Application", 11, out, 5);
    CU_ASSERT_STRING_EQUAL(out, "appl");
    ftl_header_norm("Application", 11, out, 1);
    CU_ASSERT_STRING_EQUAL(out, "");
}

/*
 * Regression test: a bug in text.c ftl_header_norm, fixed in 247fdb3.
 * When the buffer has room for the next word's first character but not for
 * the space before it, the space is dropped and the words are glued: "ab cd"
 * with outlen 4 gives "abc", which is not a prefix of the full "ab cd" and
 * can match a different column name.
 */
static void test_text_header_norm_truncation_is_a_prefix(void)
{
    static const char *in[] = {
        "Autonomous system  number", "Application ID ", "ab cd",
        "  Date  (UTC) ",
    };
    char full[128], out[128];
    long bad = 0;

    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        ftl_header_norm(in[i], strlen(in[i]), full, sizeof full);
        for (size_t outlen = 1; outlen <= strlen(full) + 1; outlen++) {
            ftl_header_norm(in[i], strlen(in[i]), out, outlen);
            if (strncmp(out, full, strlen(out)) != 0) {
                if (bad++ < 3)
                    fprintf(stderr, "\n  \"%s\" outlen %zu: \"%s\", not a "
                            "prefix of \"%s\"\n", in[i], outlen, out, full);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Cutting text to a byte budget never splits a character. */
static void test_text_utf8_cut(void)
{
    static const char s[] = "ab\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";   /* a b é € 😀 z */
    size_t n = sizeof s - 1;

    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 100), n);       /* fits */
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, n), n);
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 2), 2);         /* before é */
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 3), 2);         /* inside é */
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 4), 4);         /* after é */
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 6), 4);         /* inside € */
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 10), 7);        /* inside the 4-byte emoji */
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 11), 11);
    CU_ASSERT_EQUAL(ftl_utf8_cut(s, n, 0), 0);
}

static const struct ftl_test tests[] = {
    {"test_text_ip_ipv4", test_text_ip_ipv4},
    {"test_text_ip_ipv4_with_port", test_text_ip_ipv4_with_port},
    {"test_text_ip_ipv6_bracketed_with_port", test_text_ip_ipv6_bracketed_with_port},
    {"test_text_ip_ipv6_canonical", test_text_ip_ipv6_canonical},
    {"test_text_ip_ipv4_mapped_becomes_ipv4", test_text_ip_ipv4_mapped_becomes_ipv4},
    {"test_text_ip_trimmed", test_text_ip_trimmed},
    {"test_text_ip_empty_and_null", test_text_ip_empty_and_null},
    {"test_text_ip_not_an_address_kept", test_text_ip_not_an_address_kept},
    {"test_text_ip_long_text_truncated_safely", test_text_ip_long_text_truncated_safely},
    {"test_text_ip_truncation_never_cuts_utf8", test_text_ip_truncation_never_cuts_utf8},
    {"test_text_lower_trim", test_text_lower_trim},
    {"test_text_lower_trim_empty_and_null", test_text_lower_trim_empty_and_null},
    {"test_text_lower_trim_grows_buffer", test_text_lower_trim_grows_buffer},
    {"test_text_header_norm_entra_csv", test_text_header_norm_entra_csv},
    {"test_text_header_norm_white_space", test_text_header_norm_white_space},
    {"test_text_header_norm_uses_len_only", test_text_header_norm_uses_len_only},
    {"test_text_header_norm_small_outlen_never_overflows", test_text_header_norm_small_outlen_never_overflows},
    {"test_text_header_norm_truncation_is_a_prefix", test_text_header_norm_truncation_is_a_prefix},
    {"test_text_utf8_cut", test_text_utf8_cut},
    {NULL, NULL},
};

FTL_TEST_MAIN("text", tests)
