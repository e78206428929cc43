/*
 * json.h - small helpers over cJSON for importers, and a JSON text writer
 * for the attrs column and the exporters.
 *
 * cJSON facts that matter (DESIGN.md): object lookups with
 * cJSON_GetObjectItem are case-insensitive, which FORMATS.md asks for;
 * numbers are doubles, so ids are kept as strings; strings are cut at
 * \u0000, and invalid UTF-8 passes through, so records are checked with
 * ftl_utf8_invalid() before parsing.
 */
#ifndef FTL_JSON_H
#define FTL_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Parses exactly len bytes as one JSON value (trailing white space allowed).
 * Returns the tree (free with cJSON_Delete) or NULL with *bad_at set to the
 * byte offset where parsing failed.
 */
cJSON *ftl_json_parse(const char *p, size_t len, size_t *bad_at);

/* The string value of key (case-insensitive), or NULL if absent or not a
 * string. An empty string counts as absent. */
const char *ftl_json_str(const cJSON *obj, const char *key);

/* The first of keys (NULL-terminated list) that holds a non-empty string. */
const char *ftl_json_str_any(const cJSON *obj, const char *const *keys);

/*
 * Text form of a scalar: strings as they are, numbers as integers where they
 * are whole (else %.17g), booleans as "true"/"false"; NULL for others.
 * buf holds the text for numbers and booleans and must have 32 bytes.
 */
const char *ftl_json_scalar(const cJSON *v, char *buf);

/*
 * Value of the element {"Name": name, "Value": v} in a Name/Value array
 * (ExtendedProperties, Parameters, OperationProperties...), looked up by
 * name, never by index (FORMATS.md). Names compare case-insensitively.
 * Returns the Value item or NULL.
 */
const cJSON *ftl_json_namevalue(const cJSON *arr, const char *name);

/* ---- writer ---- */

/* Appends s as a JSON string literal (quotes included). Control characters
 * are escaped; bytes are assumed to be valid UTF-8. */
void ftl_json_escape(struct ftl_buf *b, const char *s, size_t len);

/* An object writer: ftl_jw_begin, then fields, then ftl_jw_end. */
struct ftl_jw {
    struct ftl_buf *b;
    int n;        /* fields written */
};

void ftl_jw_begin(struct ftl_jw *w, struct ftl_buf *b);
void ftl_jw_str(struct ftl_jw *w, const char *key, const char *v);   /* skipped if v NULL */
void ftl_jw_int(struct ftl_jw *w, const char *key, int64_t v);
void ftl_jw_bool(struct ftl_jw *w, const char *key, int v);
/* v must be valid JSON text */
void ftl_jw_raw(struct ftl_jw *w, const char *key, const char *v, size_t len);
void ftl_jw_end(struct ftl_jw *w);

#endif
