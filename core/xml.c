/*
 * xml.c - XML records for importers (see xml.h).
 */
#include "xml.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* The parser context of this thread's record loop: reset between records
 * instead of built and freed for each (most of the cost of small ones). */
static _Thread_local xmlParserCtxt *loop_ctxt;

static void init_libxml(void)
{
    xmlInitParser();
}

/* libxml2 reports through callbacks too: nothing is printed, and the
 * first error (the cause; later ones are consequences) is kept. */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

struct first_error {
    int line, seen;
    char msg[200];
};

static void keep_first(void *ctx, xmlErrorPtr e)
{
    struct first_error *fe = ctx;

    if (fe->seen || !e || e->level < XML_ERR_ERROR)
        return;
    fe->seen = 1;
    fe->line = e->line;
    snprintf(fe->msg, sizeof fe->msg, "%s", e->message ? e->message : "not well-formed");
}

xmlDoc *ftl_xml_parse(const char *p, size_t len, int ignore_enc, char *err, size_t errlen)
{
    xmlParserCtxt *ctxt;
    xmlDoc *doc;
    const xmlError *e;
    struct first_error fe = { 0, 0, "" };
    size_t n;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_COMPACT;

    /* Not XML_PARSE_NOENT (no entity substitution), not XML_PARSE_DTDLOAD
     * (no external DTD), not XML_PARSE_HUGE (libxml2's size limits stay). */
    if (ignore_enc)
        opts |= XML_PARSE_IGNORE_ENC;
    pthread_once(&init_once, init_libxml);
    if (err && errlen)
        err[0] = '\0';
    if (len > (size_t)0x7fffffff) {
        if (err)
            snprintf(err, errlen, "too large for the XML parser");
        return NULL;
    }
    ctxt = loop_ctxt ? loop_ctxt : xmlNewParserCtxt();
    if (ctxt == loop_ctxt)
        xmlCtxtReset(ctxt);
    if (!ctxt) {
        if (err)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlSetStructuredErrorFunc(&fe, keep_first);
    doc = xmlCtxtReadMemory(ctxt, p, (int)len, NULL, "UTF-8", opts);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (doc && !ctxt->wellFormed) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    if (!doc && err) {
        e = xmlCtxtGetLastError(ctxt);
        if (fe.seen)
            snprintf(err, errlen, "line %d: %s", fe.line, fe.msg);
        else if (e && e->message)
            snprintf(err, errlen, "line %d: %s", e->line, e->message);
        else
            snprintf(err, errlen, "not well-formed");
        n = strlen(err);
        while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
            err[--n] = '\0';
    }
    if (ctxt != loop_ctxt)
        xmlFreeParserCtxt(ctxt);
    return doc;
}

int ftl_xml_absent(const char *s)
{
    return !s || !*s || strcmp(s, "-") == 0 || strcmp(s, "N/A") == 0;
}

static int is_named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Makes the node's children one text node and returns its content. */
static const char *flatten(xmlNode *n)
{
    xmlChar *v;

    if (!n->children)
        return NULL;
    if (!n->children->next &&
        (n->children->type == XML_TEXT_NODE || n->children->type == XML_CDATA_SECTION_NODE))
        return (const char *)n->children->content;
    v = xmlNodeGetContent(n);
    if (!v)
        return NULL;
    xmlNodeSetContent(n, NULL);
    xmlNodeAddContent(n, v);
    xmlFree(v);
    return n->children ? (const char *)n->children->content : NULL;
}

const char *ftl_xml_attr(const xmlNode *n, const char *name)
{
    xmlAttr *a;
    const char *v;

    for (a = n ? n->properties : NULL; a; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        v = flatten((xmlNode *)a);
        return ftl_xml_absent(v) ? NULL : v;
    }
    return NULL;
}

const xmlNode *ftl_xml_first(const xmlNode *n)
{
    const xmlNode *c;

    for (c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

const xmlNode *ftl_xml_next(const xmlNode *c)
{
    for (c = c ? c->next : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

const xmlNode *ftl_xml_child(const xmlNode *n, const char *name)
{
    const xmlNode *c;

    for (c = ftl_xml_first(n); c; c = ftl_xml_next(c))
        if (is_named(c, name))
            return c;
    return NULL;
}

const char *ftl_xml_text(const xmlNode *n)
{
    const char *v = n ? flatten((xmlNode *)n) : NULL;

    return ftl_xml_absent(v) ? NULL : v;
}

ftl_rc ftl_import_xml_elements(struct ftl_import *imp, const char *name,
                               ftl_rc (*fn)(void *ctx, const xmlNode *el,
                                            const struct ftl_record *rec),
                               void *ctx)
{
    struct ftl_record rec;
    xmlDoc *doc;
    char err[256];
    ftl_rc rc = FTL_OK;

    pthread_once(&init_once, init_libxml);
    loop_ctxt = xmlNewParserCtxt();
    while (rc == FTL_OK && ftl_input_xml(imp->in, name, &rec)) {
        if (rec.problem == FTL_EPARSE) {
            rc = ftl_import_reject(imp, &rec, "XML element <%s> not closed: the file ends inside it",
                                   name);
            continue;
        }
        if (ftl_import_check(imp, &rec, &rc))
            continue;
        doc = ftl_xml_parse(rec.data, rec.len, 0, err, sizeof err);
        if (!doc) {
            rc = ftl_import_reject(imp, &rec, "not well-formed XML (%s)", err);
            continue;
        }
        rc = fn(ctx, xmlDocGetRootElement(doc), &rec);
        xmlFreeDoc(doc);
    }
    if (loop_ctxt)
        xmlFreeParserCtxt(loop_ctxt);
    loop_ctxt = NULL;
    return rc;
}
