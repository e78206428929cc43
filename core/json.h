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
 * string. An empty string counts as absent. obj may be NULL or not an
 * object (then NULL too), so nested lookups need no checks in between. */
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

/* ---- many keys of one object in one pass ----
 *
 * cJSON_GetObjectItem scans the object member by member; an importer that
 * wants 40 keys of a 30-member record pays about 600 string comparisons.
 * A keyset hashes the wanted names once; ftl_json_pick then walks the
 * object once and fills out[i] with the member named names[i] (compared
 * case-insensitively; the first member of a name wins, as with
 * cJSON_GetObjectItem) or NULL. At most 100 names.
 */
struct ftl_json_keyset {
    const char *const *names;
    size_t n;
    _Atomic int ready;
    uint16_t slot[256];     /* 0 empty, else name index + 1 */
    uint32_t hash[256];
};
#define FTL_JSON_KEYSET(names_, n_) { (names_), (n_), 0, { 0 }, { 0 } }

void ftl_json_pick(struct ftl_json_keyset *ks, const cJSON *obj, const cJSON **out);

/* v's string if it is a non-empty string, else NULL. */
const char *ftl_json_sval(const cJSON *v);

/* ---- per-record arena ----
 *
 * Building and freeing a cJSON tree per record is mostly malloc and free
 * (about a fifth of an import's parse thread). Between ftl_json_arena_begin
 * and ftl_json_arena_end, every cJSON allocation made by this thread comes
 * from a bump arena, cJSON_Delete of such trees costs nothing, and
 * ftl_json_arena_reset releases all of them at once. Rules: a tree made
 * inside the arena must not be used after the next reset, nor freed after
 * ftl_json_arena_end; trees made outside it may be freed inside it. Other
 * threads are not affected. After a large record, reset returns the extra
 * memory, so memory stays bounded by the largest record. Begin and end do
 * not nest: ftl_import_json_objects brackets its own loop.
 */
void ftl_json_arena_begin(void);
void ftl_json_arena_reset(void);
void ftl_json_arena_end(void);
/* cJSON_Delete, except for a tree in this thread's arena: the next reset
 * frees it, so walking it node by node would be wasted work. */
void ftl_json_delete(cJSON *tree);

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
/* Writes key and ':' only: the caller appends the value (a nested object
 * through its own ftl_jw on the same buffer, or an array). */
void ftl_jw_key(struct ftl_jw *w, const char *key);
void ftl_jw_end(struct ftl_jw *w);

#endif
