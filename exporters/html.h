/*
 * html.h - escaping evidence text for the HTML report (exporters/report.c).
 *
 * Every string from evidence is attacker-controlled. Each output context
 * has its own function, and each writes bytes that are not UTF-8 as U+FFFD:
 *   ftl_html_text   element content: & < > " ' as character references
 *   ftl_html_attr   a double-quoted attribute value: the same set
 *   ftl_html_json   a JSON string literal inside <script type=application/json>:
 *                   < > & and U+2028/U+2029 as \u escapes, so no text can
 *                   close the script element or open a comment
 */
#ifndef FTL_HTML_H
#define FTL_HTML_H

#include <stddef.h>

#include "../core/buf.h"

void ftl_html_text(struct ftl_buf *b, const char *s);
void ftl_html_attr(struct ftl_buf *b, const char *s);
void ftl_html_json(struct ftl_buf *b, const char *s, size_t len);

#endif
