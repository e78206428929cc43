/*
 * test_report.c - the report's escaping per context and its SVG charts
 * (exporters/html.c, exporters/report.c).
 */
#include <libxml/parser.h>
#include <string.h>

#include "../exporters/html.h"
#include "../exporters/report.h"
#include "testmain.h"

static const char hostile[] =
    "\"><img src=x onerror=alert(1)></script><script>alert('x')</script><!-- &amp; \xff\xfe"
    " \xe2\x80\xa8 line";

static void test_html_text_and_attr(void)
{
    struct ftl_buf b = { 0 };

    ftl_html_text(&b, hostile);
    CU_ASSERT_PTR_NULL(strchr(b.data, '<'));
    CU_ASSERT_PTR_NULL(strchr(b.data, '>'));
    CU_ASSERT_PTR_NULL(strchr(b.data, '"'));
    CU_ASSERT_PTR_NULL(strchr(b.data, '\''));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "&lt;img src=x onerror=alert(1)&gt;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "&amp;amp;"));
    /* invalid bytes become U+FFFD, valid multi-byte text stays */
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\xef\xbf\xbd\xef\xbf\xbd"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\xe2\x80\xa8"));
    ftl_buf_reset(&b);
    ftl_html_attr(&b, "a\"b'c<d>e&f");
    CU_ASSERT_STRING_EQUAL(b.data, "a&quot;b&#39;c&lt;d&gt;e&amp;f");
    ftl_buf_reset(&b);
    ftl_html_text(&b, NULL);
    CU_ASSERT_EQUAL(b.len, 0);
    ftl_buf_free(&b);
}

static void test_html_json(void)
{
    struct ftl_buf b = { 0 };

    ftl_html_json(&b, hostile, strlen(hostile));
    /* nothing that can end the script element or start a comment */
    CU_ASSERT_PTR_NULL(strchr(b.data, '<'));
    CU_ASSERT_PTR_NULL(strchr(b.data, '>'));
    CU_ASSERT_PTR_NULL(strstr(b.data, "\xe2\x80\xa8"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\\u003c/script\\u003e"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\\u2028"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\\\"\\u003e"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\xef\xbf\xbd\xef\xbf\xbd"));
    CU_ASSERT_EQUAL(b.data[0], '"');
    CU_ASSERT_EQUAL(b.data[b.len - 1], '"');
    ftl_buf_reset(&b);
    ftl_html_json(&b, "tab\there\nnew \\ back", 19);
    CU_ASSERT_STRING_EQUAL(b.data, "\"tab\\u0009here\\u000anew \\\\ back\"");
    ftl_buf_free(&b);
}

/* An SVG chart is well-formed XML, escapes its labels, and is the same
 * every time. */
static int well_formed(const char *s, size_t n)
{
    xmlDocPtr d = xmlReadMemory(s, (int)n, "chart.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    int ok = d != NULL;

    xmlFreeDoc(d);
    return ok;
}

static void test_svg_charts(void)
{
    static const char *const names[FTL_CHART_SERIES] = {
        "signin", "mailbox", "mail_admin", "directory", "file", "cloud", "host", "other",
    };
    struct ftl_chart_day days[3];
    struct ftl_chart_bar bars[2] = {
        { "alice@example.org", 7, "GB,DE" },
        { hostile, 3, "<b>" },
    };
    struct ftl_buf a = { 0 }, b = { 0 };

    memset(days, 0, sizeof days);
    days[0].day = 19509;   /* 2023-06-01 */
    days[0].n[0] = 10;
    days[0].n[1] = 5;
    days[1].day = 19510;
    days[1].n[5] = 40;
    days[1].marker = 4;    /* high */
    days[2].day = 19538;   /* 2023-06-30: a gap in between */
    days[2].n[6] = 1;
    ftl_svg_days(&a, days, 3, names);
    CU_ASSERT(well_formed(a.data, a.len));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.data, "2023-06-01 signin: 10"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.data, "findings: high"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.data, ">40<"));   /* the top of the axis */
    ftl_svg_days(&b, days, 3, names);
    CU_ASSERT_STRING_EQUAL(a.data, b.data);
    ftl_buf_reset(&a);
    ftl_svg_days(&a, NULL, 0, names);   /* an empty case still draws */
    CU_ASSERT(well_formed(a.data, a.len));
    ftl_buf_reset(&a);
    ftl_svg_bars(&a, bars, 2, "addresses <per> account");
    CU_ASSERT(well_formed(a.data, a.len));
    CU_ASSERT_PTR_NULL(strstr(a.data, "<img"));
    CU_ASSERT_PTR_NULL(strstr(a.data, "<b>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.data, "&lt;img src=x"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a.data, "aria-label=\"addresses &lt;per&gt; account\""));
    ftl_buf_free(&a);
    ftl_buf_free(&b);
}

static const struct ftl_test tests[] = {
    { "html_text_and_attr", test_html_text_and_attr },
    { "html_json", test_html_json },
    { "svg_charts", test_svg_charts },
    { NULL, NULL },
};

FTL_TEST_MAIN("report", tests)
