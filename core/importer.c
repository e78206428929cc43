/*
 * importer.c - what every importer does with a record before its own
 * parsing: the reject path and the splitter / UTF-8 checks (see importer.h).
 */
#include "importer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

ftl_rc ftl_import_reject(struct ftl_import *imp, const struct ftl_record *rec,
                         const char *fmt, ...)
{
    va_list ap;
    char msg[512];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return imp->sink->reject(imp->sink, rec->no, rec->line, rec->offset, msg, rec->data,
                             rec->len);
}

int ftl_import_check(struct ftl_import *imp, const struct ftl_record *rec, ftl_rc *rc)
{
    long bad;

    switch (rec->problem) {
    case FTL_OK:
        break;
    case FTL_ETOOBIG:
        *rc = ftl_import_reject(imp, rec,
                                "record larger than the %zu MiB limit; first %zu bytes kept",
                                imp->in->max_record >> 20, rec->len);
        return 1;
    case FTL_ETRUNCATED:
        *rc = ftl_import_reject(imp, rec, "record cut short by the end of damaged compressed data");
        return 1;
    default:
        *rc = ftl_import_reject(imp, rec,
                                "record structure broken (unterminated quote or bracket)");
        return 1;
    }
    bad = ftl_utf8_invalid(rec->data, rec->len);
    if (bad >= 0) {
        *rc = ftl_import_reject(imp, rec, "invalid UTF-8 (or NUL) at byte %ld of the record",
                                bad);
        return 1;
    }
    return 0;
}

int ftl_head_has_in(const struct ftl_head *h, size_t from, size_t to, const char *needle)
{
    if (to > h->len)
        to = h->len;
    if (from >= to)
        return 0;
    return memmem(h->lower + from, to - from, needle, strlen(needle)) != NULL;
}

ftl_rc ftl_import_json_objects(struct ftl_import *imp, const char *const *wrap_keys,
                               ftl_rc (*fn)(void *ctx, const struct cJSON *obj,
                                            const struct ftl_record *rec),
                               void *ctx)
{
    struct ftl_record rec;
    cJSON *root;
    size_t bad;
    ftl_rc rc = FTL_OK;

    ftl_json_arena_begin();
    while (rc == FTL_OK && ftl_input_json(imp->in, wrap_keys, &rec)) {
        ftl_json_arena_reset();   /* the previous record's trees */
        if (ftl_import_check(imp, &rec, &rc))
            continue;
        bad = 0;
        root = ftl_json_parse(rec.data, rec.len, &bad);
        if (!root)
            rc = ftl_import_reject(imp, &rec, "not valid JSON (error near byte %zu)", bad);
        else if (!cJSON_IsObject(root))
            rc = ftl_import_reject(imp, &rec, "record is not a JSON object");
        else
            rc = fn(ctx, root, &rec);
        ftl_json_delete(root);
    }
    ftl_json_arena_end();
    return rc;
}
