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
#include <string.h>

#include "error.h"
#include "event.h"
#include "reader.h"

struct ftl_import {
    struct ftl_input *in;     /* positioned at the start (BOM skipped) */
    struct ftl_sink *sink;
    const char *variant;      /* out: the shape found, static string */
    struct ftl_error *err;
};

/*
 * What a sniffer sees: the first bytes of the decompressed file (BOM
 * skipped; up to 64 KiB, may end mid-record), the same bytes with ASCII
 * letters lower-cased (so needles are found with memmem, whatever the
 * export did to member names), and where the first byte that is not white
 * space is. Sniffing runs for every file, and trees of 10,000 small files
 * are the usual CloudTrail case: it must stay cheap.
 */
struct ftl_head {
    const char *data;
    const char *lower;
    size_t len;
    size_t start;     /* == len when the head is all white space */
};

/* 1 if needle (written in lower case) occurs in lower[from, to). */
int ftl_head_has_in(const struct ftl_head *h, size_t from, size_t to, const char *needle);
/* The same over the whole head. */
static inline int ftl_head_has(const struct ftl_head *h, const char *needle)
{
    return ftl_head_has_in(h, 0, h->len, needle);
}
/* The first character that is not white space, or 0 for none. */
static inline char ftl_head_first(const struct ftl_head *h)
{
    return h->start < h->len ? h->data[h->start] : 0;
}

#define FTL_SNIFF_SURE 90

struct ftl_importer {
    const char *name;         /* --format value and evidence.format */
    const char *source;       /* events.source */
    const char *summary;      /* one line for `ftl formats` */
    const char *variants;     /* the shapes it reads, for `ftl formats` */
    const char *ts_desc;      /* timestamp_desc for exports */
    /* How sure the importer is that the file with this head is its format:
     * 0 = not mine ... FTL_SNIFF_SURE. The highest score wins, ties go to
     * the earlier importer in the table, and the first to say
     * FTL_SNIFF_SURE wins without asking the rest. */
    int (*sniff)(const struct ftl_head *head);
    /*
     * Reads every record. Record-level problems go to sink->reject and do
     * not stop the import; a non-OK return means the file could not be read
     * on (the sink failed, or the stream broke), with imp->err set.
     */
    ftl_rc (*import)(struct ftl_import *imp);
};

/* An empty event for rec: every field NULL, the record's number and bytes set. */
static inline void ftl_event_init(struct ftl_event *e, const struct ftl_record *rec)
{
    memset(e, 0, sizeof *e);
    e->record_no = rec->no;
    e->raw = rec->data;
    e->raw_len = rec->len;
}

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

/*
 * The loop of every importer whose records are JSON objects: splits the
 * input (JSON Lines, arrays, wrapper objects holding one of wrap_keys),
 * checks each record, parses it in this thread's cJSON arena, rejects what
 * is not valid JSON or not an object, and calls fn(ctx, object, record) for
 * the rest. The object lives until fn returns. Stops at the first non-OK
 * answer of fn (the sink failed) and returns it.
 */
struct cJSON;
ftl_rc ftl_import_json_objects(struct ftl_import *imp, const char *const *wrap_keys,
                               ftl_rc (*fn)(void *ctx, const struct cJSON *obj,
                                            const struct ftl_record *rec),
                               void *ctx);

/* NULL-terminated, sorted by name. */
extern const struct ftl_importer *const ftl_importers[];

const struct ftl_importer *ftl_importer_find(const char *name);
/* The best-scoring importer for head, or NULL if none scores above 0. */
const struct ftl_importer *ftl_importer_sniff(const char *head, size_t len);
/* By source column value (for timestamp_desc in exports). */
const struct ftl_importer *ftl_importer_by_source(const char *source);

#endif
