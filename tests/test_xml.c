/*
 * test_xml.c - the XML record splitter (ftl_input_xml) and the hardened
 * per-record parse (core/xml.c): fragments with no root, names with
 * prefixes, markup that only looks like a record (comments, CDATA,
 * attribute values, <Events>), nesting, records larger than the reader's
 * first window, a file that ends inside a record, and the hostile documents
 * (billion laughs, external entities) that must be rejected quickly without
 * reading anything.
 */
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "capture.h"
#include "reader.h"
#include "testmain.h"
#include "tmpdir.h"
#include "xml.h"

#define MAXREC 16

struct split {
    int n;
    char *rec[MAXREC];
    ftl_rc problem[MAXREC];
    int64_t line[MAXREC];
};

static void split_free(struct split *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->rec[i]);
    memset(s, 0, sizeof *s);
}

/* Writes text to a scratch file and splits it into name elements. */
static void split_text_max(struct split *s, const char *text, size_t len, const char *name,
                           size_t max_record)
{
    static const char *dir;
    static int k;
    struct ftl_reader *r = NULL;
    struct ftl_input in;
    struct ftl_record rec;
    char path[1024];

    if (!dir) {
        static char keep[512];

        snprintf(keep, sizeof keep, "%s", test_tmpdir("xml"));
        dir = keep;
    }
    snprintf(path, sizeof path, "%s/t%d.xml", dir, k++);
    test_write_file(path, text, len);
    memset(s, 0, sizeof *s);
    CU_ASSERT_FATAL(ftl_reader_open(path, &r, NULL) == FTL_OK);
    ftl_input_init(&in, r, path, max_record);
    while (ftl_input_xml(&in, name, &rec)) {
        CU_ASSERT_FATAL(s->n < MAXREC);
        s->rec[s->n] = ftl_xstrndup(rec.data, rec.len);
        s->problem[s->n] = rec.problem;
        s->line[s->n] = rec.line;
        s->n++;
    }
    ftl_input_free(&in);
    ftl_reader_free(r);
}

static void split_text(struct split *s, const char *text, size_t len, const char *name)
{
    split_text_max(s, text, len, name, 0);
}

static void test_xml_fragments_without_root(void)
{
    static const char t[] =
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID></System></Event>\r\n"
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>2</EventID></System></Event>\r\n";
    struct split s;

    split_text(&s, t, sizeof t - 1, "Event");
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.rec[0], "<EventID>1</EventID>"));
    CU_ASSERT_EQUAL(strncmp(s.rec[1], "<Event ", 7), 0);
    CU_ASSERT_EQUAL(strcmp(s.rec[1] + strlen(s.rec[1]) - 8, "</Event>"), 0);
    CU_ASSERT_EQUAL(s.line[1], 2);
    CU_ASSERT_EQUAL(s.problem[0], FTL_OK);
    split_free(&s);
}

/* Things that look like records but are not, and nesting. */
static void test_xml_markup_that_is_not_a_record(void)
{
    static const char t[] =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<!DOCTYPE x [ <!ENTITY a \"<Event>\"> <!ELEMENT Events ANY> ]>\n"
        "<!-- <Event>a comment</Event> -->\n"
        "<Events xmlns:w=\"urn:x\">\n"
        " <EventList><Event Name=\"a > b\" Other='<Event>'><![CDATA[ </Event> ]]>"
        "<Event>nested</Event><!-- </Event> --></Event></EventList>\n"
        " <w:Event id=\"2\"/>\n"
        " <EventData>not a record</EventData>\n"
        " <Event\n   id=\"3\"\n  >x</Event >\n"
        "</Events>\n";
    struct split s;

    split_text(&s, t, sizeof t - 1, "Event");
    CU_ASSERT_EQUAL_FATAL(s.n, 3);
    /* the whole outer element, nested <Event> and all */
    CU_ASSERT_PTR_NOT_NULL(strstr(s.rec[0], "<Event>nested</Event><!-- </Event> --></Event>"));
    CU_ASSERT_EQUAL(strncmp(s.rec[0], "<Event Name=\"a > b\"", 19), 0);
    CU_ASSERT_STRING_EQUAL(s.rec[1], "<w:Event id=\"2\"/>");
    CU_ASSERT_EQUAL(strncmp(s.rec[2], "<Event\n   id=\"3\"", 16), 0);
    CU_ASSERT_EQUAL(s.line[2], 8);
    split_free(&s);
}

static void test_xml_file_ends_inside_a_record(void)
{
    static const char t[] = "<SearchResults><Event a=\"1\"/><Event a=\"2\"><SourceItems><Item";
    struct split s;

    split_text(&s, t, sizeof t - 1, "Event");
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_EQUAL(s.problem[0], FTL_OK);
    CU_ASSERT_EQUAL(s.problem[1], FTL_EPARSE);
    CU_ASSERT_EQUAL(strncmp(s.rec[1], "<Event a=\"2\">", 13), 0);
    split_free(&s);
}

static void test_xml_no_records(void)
{
    static const char t[] = "<?xml version=\"1.0\"?><SearchResults></SearchResults>\n<!-- unclosed";
    struct split s;

    split_text(&s, t, sizeof t - 1, "Event");
    CU_ASSERT_EQUAL(s.n, 0);
    split_text(&s, "", 0, "Event");
    CU_ASSERT_EQUAL(s.n, 0);
}

/* Records larger than the reader's first window (1 MiB), split anywhere. */
static void test_xml_records_across_window_fills(void)
{
    struct ftl_buf b = { 0 };
    struct split s;
    int i;

    for (i = 0; i < 3; i++) {
        ftl_buf_addf(&b, "<Event n=\"%d\"><Data>", i);
        for (int k = 0; k < 30000; k++)
            ftl_buf_addstr(&b, "0123456789abcdefghijklmnopqrstuvwxyz<!-- -->");
        ftl_buf_addstr(&b, "<![CDATA[</Event>]]></Data></Event>\n");
    }
    split_text(&s, b.data, b.len, "Event");
    CU_ASSERT_EQUAL_FATAL(s.n, 3);
    for (i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(s.problem[i], FTL_OK);
        CU_ASSERT(strlen(s.rec[i]) > (size_t)1 << 20);
        CU_ASSERT_STRING_EQUAL(s.rec[i] + strlen(s.rec[i]) - 18, "]]></Data></Event>");
    }
    split_free(&s);
    ftl_buf_free(&b);
}

/* A record over the limit is handed out cut (its head kept) and marked;
 * the records after it are whole. */
static void test_xml_record_over_the_limit(void)
{
    struct ftl_buf b = { 0 };
    struct split s;
    int k;

    ftl_buf_addstr(&b, "<Events><Event n=\"1\"><Data>small</Data></Event><Event n=\"2\"><Data>");
    for (k = 0; k < 300000; k++)
        ftl_buf_addstr(&b, "0123456789<b>x</b>");   /* about 5.4 MB of markup */
    ftl_buf_addstr(&b, "</Data></Event><Event n=\"3\"/></Events>");
    split_text_max(&s, b.data, b.len, "Event", (size_t)1 << 20);
    CU_ASSERT_EQUAL_FATAL(s.n, 3);
    CU_ASSERT_EQUAL(s.problem[0], FTL_OK);
    CU_ASSERT_EQUAL(s.problem[1], FTL_ETOOBIG);
    CU_ASSERT_EQUAL(strncmp(s.rec[1], "<Event n=\"2\">", 13), 0);
    CU_ASSERT(strlen(s.rec[1]) <= (size_t)64 << 10);
    CU_ASSERT_EQUAL(s.problem[2], FTL_OK);
    CU_ASSERT_STRING_EQUAL(s.rec[2], "<Event n=\"3\"/>");
    split_free(&s);
    ftl_buf_free(&b);
}

/* ---- the parse ---- */

static void test_xml_parse_and_helpers(void)
{
    static const char t[] =
        "<Event xmlns='urn:e'><System><Provider Name='P'/><EventID Qualifiers='0'>4624</EventID>"
        "<Computer>  </Computer></System><EventData><Data Name='a'>x &amp; <![CDATA[y]]>z</Data>"
        "<Data Name='b'>-</Data><Data Name='c'>N/A</Data></EventData></Event>";
    char err[256];
    xmlDoc *doc = ftl_xml_parse(t, sizeof t - 1, 0, err, sizeof err);
    const xmlNode *root, *sys, *ed, *d;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    root = xmlDocGetRootElement(doc);
    sys = ftl_xml_child(root, "System");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
    CU_ASSERT_STRING_EQUAL(ftl_xml_attr(ftl_xml_child(sys, "Provider"), "Name"), "P");
    CU_ASSERT_STRING_EQUAL(ftl_xml_text(ftl_xml_child(sys, "EventID")), "4624");
    CU_ASSERT_STRING_EQUAL(ftl_xml_text(ftl_xml_child(sys, "Computer")), "  ");
    CU_ASSERT_PTR_NULL(ftl_xml_child(sys, "Nope"));
    ed = ftl_xml_child(root, "EventData");
    d = ftl_xml_first(ed);
    CU_ASSERT_STRING_EQUAL(ftl_xml_text(d), "x & yz");       /* text and CDATA joined */
    CU_ASSERT_STRING_EQUAL(ftl_xml_text(d), "x & yz");       /* and stable */
    CU_ASSERT_PTR_NULL(ftl_xml_text(ftl_xml_next(d)));        /* "-" is absent */
    CU_ASSERT_PTR_NULL(ftl_xml_text(ftl_xml_next(ftl_xml_next(d))));   /* "N/A" too */
    CU_ASSERT_PTR_NULL(ftl_xml_next(ftl_xml_next(ftl_xml_next(d))));
    xmlFreeDoc(doc);
}

static void test_xml_parse_reports_the_first_error(void)
{
    static const char t[] = "<Event a=\"x<y\"><b></Event>";
    char err[256];

    CU_ASSERT_PTR_NULL(ftl_xml_parse(t, sizeof t - 1, 0, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 1:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'<'"));
    /* an encoding declaration that lies (AD FS): ignored on request */
    {
        static const char u[] = "<?xml version=\"1.0\" encoding=\"utf-16\"?><AuditBase><UserId>a\xc3\xa9</UserId></AuditBase>";
        xmlDoc *doc = ftl_xml_parse(u, sizeof u - 1, 1, err, sizeof err);

        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        CU_ASSERT_STRING_EQUAL(ftl_xml_text(ftl_xml_child(xmlDocGetRootElement(doc), "UserId")), "a\xc3\xa9");
        xmlFreeDoc(doc);
    }
}

/* ---- hostile documents through a real importer ---- */

extern const struct ftl_importer ftl_importer_windows_event_xml;

static void test_xml_billion_laughs_and_xxe_rejected(void)
{
    struct capture c;
    clock_t t0 = clock();
    char path[1024];

    snprintf(path, sizeof path, "%s/hostile_xml/billion_laughs.xml", FTL_TESTDATA);
    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_windows_event_xml, path) == 0);
    CU_ASSERT_EQUAL(c.nev, 0);
    CU_ASSERT(c.nrej >= 1);
    if (c.nrej)
        CU_ASSERT_PTR_NOT_NULL(strstr(c.rej[0].reason, "not defined"));
    capture_free(&c);

    snprintf(path, sizeof path, "%s/hostile_xml/xxe.xml", FTL_TESTDATA);
    CU_ASSERT_FATAL(capture_run(&c, &ftl_importer_windows_event_xml, path) == 0);
    CU_ASSERT_EQUAL(c.nev, 0);
    CU_ASSERT(c.nrej >= 1);
    for (size_t i = 0; i < c.nrej; i++)
        CU_ASSERT_PTR_NULL(strstr(c.rej[i].raw, "root:x:0:0"));   /* /etc/passwd never read in */
    capture_free(&c);
    /* both in well under a second of CPU: nothing was expanded */
    CU_ASSERT((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
}

/* The same attack inside one record: the DTD is not there to expand it. */
static void test_xml_entities_inside_a_record(void)
{
    static const char t[] =
        "<Event><!DOCTYPE e [<!ENTITY a \"b\">]><System><EventID>1</EventID></System></Event>\n"
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='P'/>"
        "<EventID>7</EventID><TimeCreated SystemTime='2023-06-19T10:00:00Z'/><EventRecordID>5</EventRecordID>"
        "<Channel>System</Channel><Computer>H</Computer></System><EventData><Data Name='x'>&#65;&lt;</Data>"
        "</EventData></Event>\n";
    struct capture c;

    CU_ASSERT_FATAL(capture_text(&c, &ftl_importer_windows_event_xml, "inner.xml", t) == 0);
    CU_ASSERT_EQUAL_FATAL(c.nev, 1);
    CU_ASSERT_EQUAL(c.nrej, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.ev[0].f[FTL_F_ATTRS], "\"x\":\"A<\""));   /* predefined and character refs are fine */
    CU_ASSERT_STRING_EQUAL(c.ev[0].f[FTL_F_NATIVE_ID], "H/System/5");
    capture_free(&c);
}

/* An attribute of a missing element is absent, not a crash: libFuzzer found
 * an <Event> without <Provider> (tests/data/fuzz-regressions/windows_event_xml). */
static void test_xml_attr_of_missing_element(void)
{
    CU_ASSERT_PTR_NULL(ftl_xml_attr(NULL, "Name"));
    CU_ASSERT_PTR_NULL(ftl_xml_text(NULL));
    CU_ASSERT_PTR_NULL(ftl_xml_child(NULL, "System"));
}

static const struct ftl_test tests[] = {
    { "xml_attr_of_missing_element", test_xml_attr_of_missing_element },
    { "fragments_without_root", test_xml_fragments_without_root },
    { "markup_that_is_not_a_record", test_xml_markup_that_is_not_a_record },
    { "file_ends_inside_a_record", test_xml_file_ends_inside_a_record },
    { "no_records", test_xml_no_records },
    { "records_across_window_fills", test_xml_records_across_window_fills },
    { "record_over_the_limit", test_xml_record_over_the_limit },
    { "parse_and_helpers", test_xml_parse_and_helpers },
    { "parse_reports_the_first_error", test_xml_parse_reports_the_first_error },
    { "billion_laughs_and_xxe_rejected", test_xml_billion_laughs_and_xxe_rejected },
    { "entities_inside_a_record", test_xml_entities_inside_a_record },
    { NULL, NULL },
};

FTL_TEST_MAIN("xml", tests)
