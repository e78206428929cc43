/*
 * xml.h - XML records for importers, through libxml2 (FORMATS.md section 4).
 *
 * The splitter (ftl_input_xml) cuts a file into one element per record;
 * each record is parsed on its own as a small document, so a multi-GB
 * export never becomes one tree, and one broken record never costs its
 * neighbours. Parsing is hardened: no network, no DTD loading, no entity
 * substitution, and a record never sees the DOCTYPE outside it, so an
 * entity reference (billion laughs, XXE) fails that record's parse and it
 * is rejected. Names are compared by local name: namespaces and prefixes
 * are ignored, as the same events come with and without them.
 */
#ifndef FTL_XML_H
#define FTL_XML_H

#include <libxml/tree.h>
#include <stddef.h>

#include "importer.h"

/*
 * Parses len bytes as one XML document. ignore_enc: ignore an encoding
 * declaration (AD FS keeps "utf-16" documents in UTF-8 event text).
 * Returns the document (free with xmlFreeDoc) or NULL with the first error
 * in err (line and message).
 */
xmlDoc *ftl_xml_parse(const char *p, size_t len, int ignore_enc, char *err, size_t errlen);

/* The attribute's value, or NULL when absent (also when n is NULL: a
 * missing element, as in ftl_xml_attr(ftl_xml_child(...), ...)). Values
 * that are empty, "-" or "N/A" count as absent too (Windows and AD FS write
 * them so). */
const char *ftl_xml_attr(const xmlNode *n, const char *name);

/* The first child element with this local name, or NULL. */
const xmlNode *ftl_xml_child(const xmlNode *n, const char *name);

/* The next sibling element after c (any name), or NULL; start with
 * ftl_xml_first(n) for n's first child element. */
const xmlNode *ftl_xml_first(const xmlNode *n);
const xmlNode *ftl_xml_next(const xmlNode *c);

/* The text inside an element (its text and CDATA children), or NULL when
 * empty, "-" or "N/A". Valid as long as the document. */
const char *ftl_xml_text(const xmlNode *n);

/* 1 when the text is one of the "absent" spellings above. */
int ftl_xml_absent(const char *s);

/*
 * The loop of every XML importer: splits the input into the elements named
 * name, checks each record (size, damage, UTF-8), parses it, rejects what
 * is not well-formed, and calls fn(ctx, root element, record) for the rest.
 * Returns the first non-OK answer of fn (the sink failed), else FTL_OK.
 */
ftl_rc ftl_import_xml_elements(struct ftl_import *imp, const char *name,
                               ftl_rc (*fn)(void *ctx, const xmlNode *el,
                                            const struct ftl_record *rec),
                               void *ctx);

#endif
