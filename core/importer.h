/*
 * importer.h - what an evidence format plugs into.
 *
 * One importer is one file in importers/ that exports one
 * `const struct ftl_importer ftl_importer_<name>`; importers/registry.c
 * lists them, sorted by name (STYLE.md). The table drives both sniffing and
 * `ftl formats`.
 */
#ifndef FTL_IMPORTER_H
#define FTL_IMPORTER_H

#include <stddef.h>

#include "error.h"
#include "event.h"
#include "reader.h"

struct ftl_import {
    struct ftl_input *in;     /* positioned at the start (BOM skipped) */
    struct ftl_sink *sink;
    const char *variant;      /* out: the shape found, static string */
    struct ftl_error *err;
};

struct ftl_importer {
    const char *name;         /* --format value and evidence.format */
    const char *source;       /* events.source */
    const char *summary;      /* one line for `ftl formats` */
    const char *variants;     /* the shapes it reads, for `ftl formats` */
    const char *ts_desc;      /* timestamp_desc for exports */
    /*
     * How sure the importer is that head (the first bytes of the decompressed
     * file, BOM skipped; up to 64 KiB, may end mid-record) is its format:
     * 0 = not mine ... 100 = certain.
     */
    int (*sniff)(const char *head, size_t len);
    /*
     * Reads every record. Record-level problems go to sink->reject and do
     * not stop the import; a non-OK return means the file could not be read
     * on (the sink failed, or the stream broke), with imp->err set.
     */
    ftl_rc (*import)(struct ftl_import *imp);
};

/* Rejects rec through imp->sink with a printf-style reason (what is wrong
 * first); the record's bytes go with it. Returns the sink's answer. */
ftl_rc ftl_import_reject(struct ftl_import *imp, const struct ftl_record *rec,
                         const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The checks every record needs before parsing: a problem the splitter
 * reported (too big, cut short by damaged gzip, structure broken) or bytes
 * that are not valid UTF-8 (or a NUL). Rejects the record and returns 1 with
 * *rc set to the sink's answer, or returns 0 when the record is fit to parse.
 */
int ftl_import_check(struct ftl_import *imp, const struct ftl_record *rec, ftl_rc *rc);

/* NULL-terminated, sorted by name. */
extern const struct ftl_importer *const ftl_importers[];

const struct ftl_importer *ftl_importer_find(const char *name);
/* The best-scoring importer for head, or NULL if none scores above 0. */
const struct ftl_importer *ftl_importer_sniff(const char *head, size_t len);
/* By source column value (for timestamp_desc in exports). */
const struct ftl_importer *ftl_importer_by_source(const char *source);

#endif
