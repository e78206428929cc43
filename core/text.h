/*
 * text.h - small text normalizations shared by importers.
 */
#ifndef FTL_TEXT_H
#define FTL_TEXT_H

#include <stddef.h>

#include "buf.h"

/*
 * Source address without port or brackets, in canonical form, into out
 * (FTL_IP_MAX bytes). Accepts "1.2.3.4", "1.2.3.4:63070", "[2001:db8::1]:443",
 * "2001:db8::1", "FE80::" (IPv6 is written lower-case and compressed as
 * inet_ntop does; IPv4-mapped IPv6 becomes plain IPv4). Text that is not an
 * address is kept as given, trimmed, so nothing is lost. Returns out, or
 * NULL for NULL/empty input.
 */
#define FTL_IP_MAX 64
const char *ftl_ip_normalize(const char *s, char *out);

/* Appends s lower-cased (ASCII only; other bytes as they are) and trimmed
 * of surrounding white space; returns the appended text (valid until b
 * grows), or NULL for NULL input. */
const char *ftl_lower_trim(struct ftl_buf *b, const char *s);

/* CSV header normalization (FORMATS.md): trim, collapse runs of white space
 * into one, lower-case. Writes into out (outlen bytes, truncating). */
void ftl_header_norm(const char *s, size_t len, char *out, size_t outlen);

/* The longest length <= max at which s (n bytes, valid UTF-8) can be cut
 * without splitting a character: n itself when n <= max. */
size_t ftl_utf8_cut(const char *s, size_t n, size_t max);

#endif
