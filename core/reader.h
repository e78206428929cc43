/*
 * reader.h - evidence bytes in: a file opened read-only, plain or gzip,
 * and the record splitters that importers read from.
 *
 * Layers:
 *   ftl_reader  raw file -> decompressed bytes; gzip is detected by its magic
 *               bytes (1f 8b), never by name; concatenated gzip members are
 *               read one after another. The SHA-256 of the bytes as given
 *               (compressed, if compressed) is computed while reading.
 *   ftl_input   a sliding window over a reader, with the splitters importers
 *               use: lines, JSON values (JSON Lines, arrays, wrapper objects
 *               such as {"Records":[...]}), and RFC 4180 CSV records.
 *
 * Memory: the window grows only as large as the largest record, and never
 * beyond max_record bytes; a larger record is skipped and reported as
 * FTL_ETOOBIG with its first bytes kept, so a 1 GB line costs max_record of
 * memory, not 1 GB.
 *
 * Records returned by the splitters point into the window: they are valid
 * until the next call on the same ftl_input.
 */
#ifndef FTL_READER_H
#define FTL_READER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

struct ftl_reader;

/* Opens path read-only; *out is freed with ftl_reader_free(). */
ftl_rc ftl_reader_open(const char *path, struct ftl_reader **out,
                       struct ftl_error *err);
void ftl_reader_free(struct ftl_reader *r);

/*
 * Reads up to n decompressed bytes. Returns the count (0 at the end), or -1
 * with err set: FTL_ETRUNCATED when a gzip stream ends early or is corrupt
 * (every byte before the damage has been returned), FTL_EIO on read errors.
 */
long ftl_reader_read(struct ftl_reader *r, void *buf, size_t n,
                     struct ftl_error *err);

int ftl_reader_is_gzip(const struct ftl_reader *r);
uint64_t ftl_reader_size(const struct ftl_reader *r);   /* bytes on disk */

/*
 * Reads whatever raw bytes are left (without decompressing them) and writes
 * the SHA-256 of the whole file as 64 lower-case hex digits plus a NUL.
 */
ftl_rc ftl_reader_sha256(struct ftl_reader *r, char hex[65],
                         struct ftl_error *err);

/* SHA-256 of a file's bytes, as hex; for `ftl verify` and re-import checks. */
ftl_rc ftl_sha256_file(const char *path, char hex[65], uint64_t *size,
                       struct ftl_error *err);

/* ---- record splitters ---- */

struct ftl_record {
    const char *data;   /* the record's bytes as in the (decompressed) stream */
    size_t len;
    int64_t no;         /* 1-based record number within the file */
    int64_t line;       /* 1-based line where the record starts */
    uint64_t offset;    /* byte offset of the record in the decompressed stream */
    ftl_rc problem;     /* FTL_OK, or FTL_ETOOBIG (data holds the first bytes
                           only), or FTL_EPARSE (structure broken; data holds
                           what was read) */
};

struct ftl_cell {
    const char *p;      /* NUL-terminated */
    size_t len;
};

struct ftl_input {
    struct ftl_reader *r;
    const char *name;       /* for messages: the path as the user gave it */
    char *win;              /* window */
    size_t cap, start, end;
    uint64_t win_off;       /* stream offset of win[0] */
    int64_t line;           /* line number at win[start] */
    int64_t records;        /* records handed out so far */
    size_t max_record;      /* bytes; larger records are skipped */
    int eof;
    int bom_checked;
    ftl_rc status;          /* sticky: FTL_ETRUNCATED or FTL_EIO once seen */
    struct ftl_error err;   /* the message for status */
    /* JSON splitter state */
    int json_mode;          /* 0 undecided, 1 lines, 2 structural */
    int json_depth_array;   /* 1 while inside the array that holds records */
    const char *const *wrap_keys; /* set while inside a wrapper object */
    /* CSV splitter scratch */
    struct ftl_buf keep;    /* head of an oversized record */
    struct ftl_buf csv_text;
    struct ftl_cell *csv_cells;
    size_t csv_cap;
};

#define FTL_MAX_RECORD_DEFAULT ((size_t)16 << 20)

void ftl_input_init(struct ftl_input *in, struct ftl_reader *r,
                    const char *name, size_t max_record);
void ftl_input_free(struct ftl_input *in);   /* does not free the reader */

/*
 * Makes at least want bytes (or all there is) available at win+start without
 * consuming them; *p and *len describe them. A leading UTF-8 BOM is skipped.
 * Returns 0, or -1 if nothing at all could be read (see in->status).
 */
int ftl_input_peek(struct ftl_input *in, size_t want, const char **p,
                   size_t *len);

/*
 * Next line (without "\n" or "\r\n"); blank lines are returned too.
 * Returns 1 with *rec filled, 0 at the end of the stream. A final line
 * without a newline is returned; if the stream was truncated (gzip damage)
 * that last piece has problem FTL_ETRUNCATED.
 */
int ftl_input_line(struct ftl_input *in, struct ftl_record *rec);

/*
 * Next JSON record. Decides the layout from the first bytes:
 *  - JSON Lines (the first line is a complete value): one record per
 *    non-blank line, so one broken line never swallows its neighbours;
 *  - a top-level array: each element is a record;
 *  - an object holding one of wrap_keys (NULL-terminated list, compared
 *    case-insensitively) whose value is an array: each element is a record,
 *    the rest of the wrapper is skipped;
 *  - otherwise each top-level value (pretty-printed objects one after
 *    another) is a record.
 * Strings and escapes are tracked, nothing is parsed: the importer parses
 * rec->data. Returns 1 / 0 like ftl_input_line.
 */
int ftl_input_json(struct ftl_input *in, const char *const *wrap_keys,
                   struct ftl_record *rec);

/*
 * Next XML element whose local name is name (any prefix): the outermost
 * such elements are the records, under a root element or one after another
 * with no root (wevtutil's fragments). rec->data is the element's bytes as
 * in the file, nothing around it (no XML declaration, no DOCTYPE). Tags,
 * quoted attribute values, comments, CDATA and processing instructions are
 * tracked; nothing is parsed. An element the file ends inside yields
 * problem FTL_EPARSE (FTL_ETRUNCATED on damaged gzip). Returns 1 / 0 like
 * ftl_input_line.
 */
int ftl_input_xml(struct ftl_input *in, const char *name, struct ftl_record *rec);

/*
 * Next RFC 4180 record: fields separated by ',', optionally quoted with '"',
 * doubled quotes inside, newlines (LF or CRLF) inside quotes kept. Record
 * ends at an unquoted LF or CRLF. rec->data is the raw record as in the file.
 * The unquoted cells are in *cells (valid until the next call); *ncells
 * their count. A blank line is a record of one empty cell. A quote that is
 * never closed yields problem FTL_EPARSE.
 */
int ftl_input_csv(struct ftl_input *in, struct ftl_record *rec,
                  const struct ftl_cell **cells, size_t *ncells);

/* No audit export has more columns than this; a CSV header with more is not
 * one (a million empty columns would otherwise be mapped one by one). */
#define FTL_CSV_MAX_COLUMNS 4096

/* ---- text checks ---- */

/* Offset of the first byte that is not valid UTF-8 (overlongs, surrogates
 * and code points past U+10FFFF are invalid), or -1 if all of it is valid.
 * A NUL byte counts as invalid: it cannot be stored as text. */
long ftl_utf8_invalid(const char *p, size_t len);

#endif
