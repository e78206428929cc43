/*
 * reader.c - evidence bytes in: plain or gzip files, hashed while read, and
 * the record splitters (lines, JSON values, RFC 4180 CSV). See reader.h.
 *
 * The window (in->win) holds the bytes of the record being split plus what
 * was read ahead; consumed bytes are dropped by moving in->start. Splitters
 * are resumable scanners: they keep their position and state between window
 * fills, so a record is scanned once however many reads it spans.
 */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RAW_CHUNK (256u << 10)
#define WIN_INITIAL (1u << 20)
#define TOOBIG_KEEP (64u << 10)   /* bytes of an oversized record kept */

struct ftl_reader {
    int fd;
    char *path;
    uint64_t size;
    uint64_t raw_read;      /* raw bytes read (and hashed) so far */
    int gzip;
    int raw_eof;
    int z_ended;            /* last member ended cleanly, no more input */
    EVP_MD_CTX *md;
    unsigned char *raw;
    z_stream zs;
    int z_init;
    struct ftl_error fail;  /* sticky: set once the gzip stream broke */
};

static ftl_rc read_raw(struct ftl_reader *r, unsigned char *dst, size_t n,
                       size_t *got, struct ftl_error *err)
{
    ssize_t k;

    do
        k = read(r->fd, dst, n);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return ftl_error_set(err, FTL_EIO, "cannot read %s: %s", r->path,
                             strerror(errno));
    if (k == 0)
        r->raw_eof = 1;
    else
        EVP_DigestUpdate(r->md, dst, (size_t)k);
    r->raw_read += (uint64_t)k;
    *got = (size_t)k;
    return FTL_OK;
}

ftl_rc ftl_reader_open(const char *path, struct ftl_reader **out,
                       struct ftl_error *err)
{
    struct ftl_reader *r = NULL;
    struct stat st;
    unsigned char magic[2];
    ssize_t k;
    int fd;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ftl_error_set(err, FTL_EIO, "cannot open %s: %s", path,
                             strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ftl_error_set(err, FTL_EIO, "%s is not a regular file", path);
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        close(fd);
        return ftl_error_set(err, FTL_ENOMEM, "out of memory opening %s", path);
    }
    r->fd = fd;
    r->size = (uint64_t)st.st_size;
    r->path = ftl_xstrndup(path, strlen(path));
    r->md = EVP_MD_CTX_new();
    if (!r->md || !EVP_DigestInit_ex(r->md, EVP_sha256(), NULL)) {
        ftl_reader_free(r);
        return ftl_error_set(err, FTL_EINTERNAL, "cannot start SHA-256");
    }
    /* Sniff the gzip magic with pread so the hash still sees every byte once. */
    do
        k = pread(fd, magic, 2, 0);
    while (k < 0 && errno == EINTR);
    r->gzip = (k == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
    if (r->gzip) {
        r->raw = ftl_xmalloc(RAW_CHUNK);
        if (inflateInit2(&r->zs, 15 + 16) != Z_OK) {
            ftl_reader_free(r);
            return ftl_error_set(err, FTL_ENOMEM, "cannot start zlib for %s", path);
        }
        r->z_init = 1;
    }
    *out = r;
    return FTL_OK;
}

void ftl_reader_free(struct ftl_reader *r)
{
    if (!r)
        return;
    if (r->z_init)
        inflateEnd(&r->zs);
    if (r->md)
        EVP_MD_CTX_free(r->md);
    if (r->fd >= 0)
        close(r->fd);
    free(r->raw);
    free(r->path);
    free(r);
}

int ftl_reader_is_gzip(const struct ftl_reader *r) { return r->gzip; }
uint64_t ftl_reader_size(const struct ftl_reader *r) { return r->size; }

/* After a member ends: another member, zero padding, or garbage? */
static int next_member(struct ftl_reader *r, struct ftl_error *err)
{
    size_t got;

    for (;;) {
        while (r->zs.avail_in && *r->zs.next_in == 0) {
            r->zs.next_in++;       /* tape-style zero padding is harmless */
            r->zs.avail_in--;
        }
        if (r->zs.avail_in)
            break;
        if (r->raw_eof)
            return 0;
        if (read_raw(r, r->raw, RAW_CHUNK, &got, err) != FTL_OK)
            return -1;
        r->zs.next_in = r->raw;
        r->zs.avail_in = (uInt)got;
    }
    if (r->zs.next_in[0] != 0x1f) {
        ftl_error_set(err, FTL_ETRUNCATED,
                      "%s: unexpected bytes after gzip data at offset %llu",
                      r->path,
                      (unsigned long long)(r->raw_read - r->zs.avail_in));
        return -1;
    }
    inflateReset(&r->zs);
    return 1;
}

long ftl_reader_read(struct ftl_reader *r, void *buf, size_t n,
                     struct ftl_error *err)
{
    struct ftl_error local = { 0 };
    size_t got, want;
    int zr, m;

    if (n == 0)
        return 0;   /* read(fd, buf, 0) would look like the end of the file */
    if (!r->gzip) {
        if (r->raw_eof)
            return 0;
        if (read_raw(r, buf, n, &got, err) != FTL_OK)
            return -1;   /* plain files: errors are not sticky, EOF follows */
        return (long)got;
    }
    if (r->z_ended) {
        if (r->fail.rc == FTL_OK)
            return 0;
        if (err)
            *err = r->fail;
        return -1;
    }
    want = n > (1u << 30) ? (1u << 30) : n;   /* zlib counts in uInt */
    r->zs.next_out = buf;
    r->zs.avail_out = (uInt)want;
    while (r->zs.avail_out) {
        if (r->zs.avail_in == 0 && !r->raw_eof) {
            if (read_raw(r, r->raw, RAW_CHUNK, &got, &local) != FTL_OK) {
                r->z_ended = 1;
                break;
            }
            r->zs.next_in = r->raw;
            r->zs.avail_in = (uInt)got;
        }
        zr = inflate(&r->zs, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            m = next_member(r, &local);
            if (m < 0) {
                r->z_ended = 1;
                break;
            }
            if (m == 0) {
                r->z_ended = 1;
                break;
            }
            continue;
        }
        if (zr == Z_OK)
            continue;
        if (zr == Z_BUF_ERROR && r->zs.avail_in == 0 && r->raw_eof) {
            ftl_error_set(&local, FTL_ETRUNCATED,
                          "%s: gzip data ends early (file truncated after %llu bytes)",
                          r->path, (unsigned long long)r->raw_read);
            r->z_ended = 1;
            break;
        }
        if (zr == Z_BUF_ERROR)
            continue;
        ftl_error_set(&local, FTL_ETRUNCATED,
                      "%s: corrupt gzip data near offset %llu (%s)", r->path,
                      (unsigned long long)(r->raw_read - r->zs.avail_in),
                      r->zs.msg ? r->zs.msg : "inflate failed");
        r->z_ended = 1;
        break;
    }
    got = want - r->zs.avail_out;
    if (local.rc != FTL_OK) {
        r->z_ended = 1;
        r->fail = local;  /* bytes before the damage go out first */
        if (err)
            *err = local;
    }
    if (got == 0 && r->z_ended && r->fail.rc != FTL_OK)
        return -1;
    return (long)got;
}

static void to_hex(const unsigned char *d, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * n] = '\0';
}

ftl_rc ftl_reader_sha256(struct ftl_reader *r, char hex[65],
                         struct ftl_error *err)
{
    unsigned char *tmp = NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    size_t got;
    ftl_rc rc = FTL_OK;

    tmp = ftl_xmalloc(RAW_CHUNK);
    while (!r->raw_eof) {
        rc = read_raw(r, tmp, RAW_CHUNK, &got, err);
        if (rc != FTL_OK)
            goto out;
    }
    if (!EVP_DigestFinal_ex(r->md, md, &mdlen) || mdlen != 32) {
        rc = ftl_error_set(err, FTL_EINTERNAL, "SHA-256 failed for %s", r->path);
        goto out;
    }
    to_hex(md, 32, hex);
out:
    free(tmp);
    return rc;
}

ftl_rc ftl_sha256_file(const char *path, char hex[65], uint64_t *size,
                       struct ftl_error *err)
{
    struct ftl_reader *r = NULL;
    ftl_rc rc;

    rc = ftl_reader_open(path, &r, err);
    if (rc != FTL_OK)
        return rc;
    if (size)
        *size = r->size;
    rc = ftl_reader_sha256(r, hex, err);
    ftl_reader_free(r);
    return rc;
}

/* ---------------------------------------------------------------- input */

void ftl_input_init(struct ftl_input *in, struct ftl_reader *r,
                    const char *name, size_t max_record)
{
    memset(in, 0, sizeof *in);
    in->r = r;
    in->name = name;
    in->max_record = max_record ? max_record : FTL_MAX_RECORD_DEFAULT;
    in->line = 1;
}

void ftl_input_free(struct ftl_input *in)
{
    free(in->win);
    ftl_buf_free(&in->keep);
    ftl_buf_free(&in->csv_text);
    free(in->csv_cells);
    in->win = NULL;
    in->csv_cells = NULL;
}

/*
 * Reads more bytes into the window, compacting or growing it first.
 * Returns 1 if bytes were added, 0 at the end of the stream (or on a sticky
 * error, recorded in in->status), -1 if the window is at its size limit.
 */
static int fill(struct ftl_input *in)
{
    long n;
    size_t limit = in->max_record + TOOBIG_KEEP;

    if (in->eof)
        return 0;
    if (in->start > 0 && (in->end == in->cap || in->start >= in->cap / 2)) {
        memmove(in->win, in->win + in->start, in->end - in->start);
        in->win_off += in->start;
        in->end -= in->start;
        in->start = 0;
    }
    if (in->end == in->cap) {
        size_t ncap = in->cap ? in->cap * 2 : WIN_INITIAL;

        if (in->cap >= limit)
            return -1;
        if (ncap > limit)
            ncap = limit;
        in->win = ftl_xrealloc(in->win, ncap + 1);
        in->cap = ncap;
    }
    n = ftl_reader_read(in->r, in->win + in->end, in->cap - in->end, &in->err);
    if (n < 0) {
        in->status = in->err.rc;
        in->eof = 1;
        return 0;
    }
    if (n == 0) {
        in->eof = 1;
        return 0;
    }
    in->end += (size_t)n;
    return 1;
}

static void skip_bom(struct ftl_input *in)
{
    if (in->bom_checked)
        return;
    while (in->end - in->start < 3 && fill(in) > 0)
        ;
    if (in->end - in->start >= 3 && memcmp(in->win + in->start, "\xEF\xBB\xBF", 3) == 0)
        in->start += 3;
    in->bom_checked = 1;
}

int ftl_input_peek(struct ftl_input *in, size_t want, const char **p,
                   size_t *len)
{
    skip_bom(in);
    while (in->end - in->start < want && !in->eof) {
        if (fill(in) < 0)
            break;
    }
    *p = in->win ? in->win + in->start : "";
    *len = in->end - in->start;
    if (*len == 0 && in->status != FTL_OK)
        return -1;
    return 0;
}

static int64_t count_lines(const char *p, size_t n)
{
    int64_t k = 0;
    const char *e = p + n;

    while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

/*
 * The generic driver. scan() looks at win[start+*pos .. end) and returns
 * 1 when the record ends at start+*rec_len, with *pos then the number of
 * bytes to consume (record plus terminator); 0 if it needs more bytes.
 * At the end of the stream, eof_fn decides what is left (returns 1 to hand
 * out win[start..start+*rec_len) as a final record, 0 for nothing).
 * Oversized records are cut to TOOBIG_KEEP bytes and skipped to their end.
 */
struct scanner {
    int (*scan)(struct ftl_input *in, void *st, size_t *pos, size_t *rec_len);
    int (*at_eof)(struct ftl_input *in, void *st, size_t *pos, size_t *rec_len);
    void *st;
};

/* at_eof returns: */
enum { EOF_NOTHING = 0, EOF_RECORD = 1, EOF_UNFINISHED = 2 };

static int next_record(struct ftl_input *in, const struct scanner *sc,
                       struct ftl_record *rec)
{
    size_t pos = 0, rec_len = 0;
    int skipping = 0, from_eof = 0, f, last;
    int64_t start_line = in->line;
    uint64_t start_off = in->win_off + in->start;

    memset(rec, 0, sizeof *rec);
    for (;;) {
        if (sc->scan(in, sc->st, &pos, &rec_len))
            break;
        if (in->eof) {
            last = sc->at_eof(in, sc->st, &pos, &rec_len);
            if (last == EOF_NOTHING && !skipping)
                return 0;
            from_eof = last == EOF_UNFINISHED ? 2 : 1;
            break;
        }
        f = fill(in);
        if (f < 0) {
            /* window full: keep the head, drop what was scanned so far */
            if (!skipping) {
                ftl_buf_reset(&in->keep);
                ftl_buf_add(&in->keep, in->win + in->start, TOOBIG_KEEP);
                skipping = 1;
            }
            in->line += count_lines(in->win + in->start, pos);
            in->start += pos;
            pos = 0;
        }
    }
    rec->no = ++in->records;
    rec->line = start_line;
    rec->offset = start_off;
    if (!skipping && rec_len > in->max_record) {
        /* it fit in the window's slack, but it is over the limit all the same */
        ftl_buf_reset(&in->keep);
        ftl_buf_add(&in->keep, in->win + in->start, rec_len < TOOBIG_KEEP ? rec_len : TOOBIG_KEEP);
        skipping = 1;
    }
    if (skipping) {
        rec->data = in->keep.data;
        rec->len = in->keep.len;
        rec->problem = FTL_ETOOBIG;
    } else {
        rec->data = in->win + in->start;
        rec->len = rec_len;
        if (from_eof && in->status != FTL_OK)
            rec->problem = FTL_ETRUNCATED;   /* the piece the damage cut */
        else if (from_eof == 2)
            rec->problem = FTL_EPARSE;       /* the file ends inside the record */
    }
    in->line += count_lines(in->win + in->start, pos);
    in->start += pos;
    return 1;
}

/* ---- lines ---- */

static int line_scan(struct ftl_input *in, void *st, size_t *pos, size_t *rec_len)
{
    const char *p = in->win + in->start;
    size_t avail = in->end - in->start;
    const char *nl;

    (void)st;
    nl = memchr(p + *pos, '\n', avail - *pos);
    if (!nl) {
        *pos = avail;
        return 0;
    }
    *rec_len = (size_t)(nl - p);
    *pos = *rec_len + 1;
    if (*rec_len && p[*rec_len - 1] == '\r')
        (*rec_len)--;
    return 1;
}

static int line_eof(struct ftl_input *in, void *st, size_t *pos, size_t *rec_len)
{
    (void)st;
    *pos = in->end - in->start;
    *rec_len = *pos;
    if (*rec_len && in->win[in->start + *rec_len - 1] == '\r')
        (*rec_len)--;
    return *pos > 0 ? EOF_RECORD : EOF_NOTHING;
}

int ftl_input_line(struct ftl_input *in, struct ftl_record *rec)
{
    struct scanner sc = { line_scan, line_eof, NULL };

    skip_bom(in);
    return next_record(in, &sc, rec);
}

/* ---- JSON ---- */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Scans one JSON value starting at win[start]; st->depth / in_str / esc
 * carry across fills. Returns 1 when the value is complete.
 */
struct jstate {
    int depth, in_str, esc, started;
    char first;
};

static int jvalue_scan(struct ftl_input *in, void *vst, size_t *pos, size_t *rec_len)
{
    struct jstate *st = vst;
    const char *p = in->win + in->start;
    size_t i = *pos, n = in->end - in->start;

    if (!st->started) {
        if (n == 0)
            return 0;
        st->started = 1;
        st->first = p[0];
        if (p[0] != '{' && p[0] != '[' && p[0] != '"') {
            /* a bare scalar: up to the next delimiter. A stray delimiter
             * (a '}' or ',' where a value should start) is a record of its
             * own, one byte long: a record must consume something, or the
             * splitter would hand out the same empty record for ever
             * (found by fuzzing, tests/data/fuzz-regressions/). */
            while (i < n && !is_ws(p[i]) && p[i] != ',' && p[i] != ']' && p[i] != '}')
                i++;
            if (i == 0)
                i = 1;
            if (i < n) {
                *rec_len = *pos = i;
                return 1;
            }
            *pos = i;
            st->started = 0;   /* rescan from the start after a fill */
            *pos = 0;
            return 0;
        }
    }
    for (; i < n; i++) {
        char c = p[i];

        if (st->in_str) {
            if (st->esc)
                st->esc = 0;
            else if (c == '\\')
                st->esc = 1;
            else if (c == '"') {
                st->in_str = 0;
                if (st->depth == 0) {
                    *rec_len = *pos = i + 1;
                    return 1;
                }
            }
            continue;
        }
        if (c == '"')
            st->in_str = 1;
        else if (c == '{' || c == '[')
            st->depth++;
        else if (c == '}' || c == ']') {
            if (--st->depth <= 0) {
                *rec_len = *pos = i + 1;
                return 1;
            }
        }
    }
    *pos = n;
    return 0;
}

static int jvalue_eof(struct ftl_input *in, void *vst, size_t *pos, size_t *rec_len)
{
    struct jstate *st = vst;

    *pos = *rec_len = in->end - in->start;
    if (*pos == 0)
        return EOF_NOTHING;
    return st->depth > 0 || st->in_str ? EOF_UNFINISHED : EOF_RECORD;
}

/* Skips white space (and, inside a record array, the commas between
 * elements). Returns the next significant byte, or -1 at the end. */
static int skip_between(struct ftl_input *in, int commas)
{
    for (;;) {
        while (in->start < in->end) {
            char c = in->win[in->start];

            if (is_ws(c) || (commas && c == ',')) {
                if (c == '\n')
                    in->line++;
                in->start++;
                continue;
            }
            return (unsigned char)c;
        }
        if (fill(in) <= 0)
            return -1;
    }
}

static int key_matches(const char *k, size_t len, const char *const *keys)
{
    for (; keys && *keys; keys++)
        if (strlen(*keys) == len && strncasecmp(k, *keys, len) == 0)
            return 1;
    return 0;
}

/*
 * Looks into the top-level object at win[start + from] for "<wrap key>": [
 * at depth 1 within the first 1 MiB. Returns the offset (from win[start])
 * just past '[', or 0.
 */
static size_t find_wrapper(struct ftl_input *in, size_t from, const char *const *keys)
{
    const char *p;
    size_t n, i, kstart = 0;
    int depth = 0, in_str = 0, esc = 0, want_key = 0, key_done = 0;

    if (ftl_input_peek(in, 1u << 20, &p, &n) < 0)
        return 0;
    for (i = from; i < n; i++) {
        char c = p[i];

        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"') {
                in_str = 0;
                if (want_key && depth == 1) {
                    want_key = 0;
                    key_done = key_matches(p + kstart, i - kstart, keys);
                }
            }
            continue;
        }
        if (is_ws(c) || c == ':')
            continue;
        if (key_done && depth == 1 && c == '[')
            return i + 1;
        key_done = 0;
        if (c == '"') {
            in_str = 1;
            kstart = i + 1;
        } else if (c == '{' || c == '[') {
            depth++;
            if (depth == 1)
                want_key = 1;
        } else if (c == '}' || c == ']') {
            if (--depth <= 0)
                return 0;
        } else if (c == ',' && depth == 1) {
            want_key = 1;
        }
    }
    return 0;
}

/*
 * Decides between JSON Lines and structural splitting (reader.h). A file
 * whose first value is a wrapper ({"Records":[...]}, even on one line, as
 * CloudTrail writes it) or an array is split structurally; a file whose first
 * line is one complete object, or longer than the look-ahead, or followed by
 * a line that starts an object, is JSON Lines.
 */
static void json_decide(struct ftl_input *in, const char *const *wrap_keys)
{
    const char *p;
    size_t n, i = 0, eol;
    struct jstate st = { 0 };
    size_t pos = 0, len = 0;
    struct ftl_input probe;

    in->json_mode = 2;
    if (ftl_input_peek(in, 1u << 20, &p, &n) < 0 || n == 0)
        return;
    while (i < n && is_ws(p[i]))
        i++;
    if (i >= n || p[i] != '{')
        return;
    if (wrap_keys && find_wrapper(in, i, wrap_keys))
        return;
    if (ftl_input_peek(in, 1u << 20, &p, &n) < 0)
        return;   /* (find_wrapper may have moved the window) */
    for (eol = i; eol < n && p[eol] != '\n'; eol++)
        ;
    if (eol == n && !in->eof) {
        in->json_mode = 1;   /* a first line longer than the look-ahead */
        return;
    }
    /* Is the first line one complete value? Scan it on a view of the window. */
    probe = *in;
    probe.start = in->start + i;
    probe.end = in->start + eol;
    probe.eof = 1;
    pos = 0;
    if (jvalue_scan(&probe, &st, &pos, &len)) {
        size_t j = i + len;

        while (j < eol && is_ws(p[j]))
            j++;
        if (j == eol) {
            in->json_mode = 1;
            return;
        }
    }
    /* a broken first line: JSON Lines still if the next line starts a record */
    i = eol + 1;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
        i++;
    if (i < n && p[i] == '{')
        in->json_mode = 1;
}

int ftl_input_json(struct ftl_input *in, const char *const *wrap_keys,
                   struct ftl_record *rec)
{
    struct jstate st;
    struct scanner sc = { jvalue_scan, jvalue_eof, &st };
    int c;

    skip_bom(in);
    if (!in->json_mode)
        json_decide(in, wrap_keys);
    if (in->json_mode == 1) {
        for (;;) {
            size_t i;

            if (!ftl_input_line(in, rec))
                return 0;
            for (i = 0; i < rec->len && is_ws(rec->data[i]); i++)
                ;
            if (i < rec->len || rec->problem != FTL_OK)
                return 1;
            in->records--;   /* blank lines are not records */
        }
    }
    for (;;) {
        c = skip_between(in, in->json_depth_array);
        if (c < 0)
            return 0;
        if (in->json_depth_array && c == ']') {
            /* end of the record array; skip the rest of a wrapper object */
            in->start++;
            in->json_depth_array = 0;
            if (in->wrap_keys) {
                memset(&st, 0, sizeof st);
                st.started = 1;
                st.depth = 1;
                if (next_record(in, &sc, rec))
                    in->records--;
                in->wrap_keys = NULL;
            }
            continue;
        }
        if (!in->json_depth_array && c == '[') {
            in->start++;
            in->json_depth_array = 1;
            continue;
        }
        if (!in->json_depth_array && c == '{' && wrap_keys) {
            size_t skip = find_wrapper(in, 0, wrap_keys);

            if (skip) {
                in->line += count_lines(in->win + in->start, skip);
                in->start += skip;
                in->json_depth_array = 1;
                in->wrap_keys = wrap_keys;
                continue;
            }
        }
        memset(&st, 0, sizeof st);
        return next_record(in, &sc, rec);
    }
}

/* ---- XML elements ---- */

/*
 * Records are the outermost elements with one local name (<Event>,
 * <x:Event>), wherever they stand: under a root, or one after another with
 * no root at all (wevtutil). Only markup is tracked (tags, quotes inside
 * tags, comments, CDATA, processing instructions); nothing is parsed, and
 * nothing outside the records (a DOCTYPE and its entities) is kept.
 */
struct xstate {
    const char *name;
    size_t name_len;
    int depth;
};

enum { XT_NEED = -1, XT_OTHER = 0, XT_START, XT_END, XT_EMPTY };

/*
 * Looks at the construct starting with '<' at p (n bytes available):
 * returns XT_NEED if it is not all there yet, else its kind, with *len its
 * length and *is_name set when the tag's local name is the record name.
 */
static int xml_construct(const char *p, size_t n, const struct xstate *st, size_t *len,
                         int *is_name)
{
    const char *e, *q, *nm;
    size_t i, k;
    char quote = 0;

    *is_name = 0;
    if (n < 2)
        return XT_NEED;
    if (p[1] == '!') {
        if (n < 4)
            return XT_NEED;
        if (p[2] == '-' && p[3] == '-') {
            e = memmem(p + 4, n - 4, "-->", 3);
            if (!e)
                return XT_NEED;
            *len = (size_t)(e - p) + 3;
            return XT_OTHER;
        }
        if (n < 9)
            return XT_NEED;
        if (memcmp(p, "<![CDATA[", 9) == 0) {
            e = memmem(p + 9, n - 9, "]]>", 3);
            if (!e)
                return XT_NEED;
            *len = (size_t)(e - p) + 3;
            return XT_OTHER;
        }
        /* <!DOCTYPE ...[ internal subset ]> and other declarations */
        for (i = 2, k = 0; i < n; i++) {
            if (quote) {
                if (p[i] == quote)
                    quote = 0;
            } else if (p[i] == '"' || p[i] == '\'') {
                quote = p[i];
            } else if (p[i] == '[') {
                k++;
            } else if (p[i] == ']' && k) {
                k--;
            } else if (p[i] == '>' && !k) {
                *len = i + 1;
                return XT_OTHER;
            }
        }
        return XT_NEED;
    }
    if (p[1] == '?') {
        e = memmem(p + 2, n - 2, "?>", 2);
        if (!e)
            return XT_NEED;
        *len = (size_t)(e - p) + 2;
        return XT_OTHER;
    }
    /* a start or end tag: the name, then attributes up to '>' */
    i = p[1] == '/' ? 2 : 1;
    nm = p + i;
    while (i < n && p[i] != '>' && p[i] != '/' && p[i] != ' ' && p[i] != '\t' &&
           p[i] != '\r' && p[i] != '\n')
        i++;
    if (i >= n)
        return XT_NEED;
    k = (size_t)(p + i - nm);
    q = memchr(nm, ':', k);
    if (q) {
        k -= (size_t)(q + 1 - nm);
        nm = q + 1;
    }
    *is_name = k == st->name_len && memcmp(nm, st->name, k) == 0;
    for (; i < n; i++) {
        if (quote) {
            if (p[i] == quote)
                quote = 0;
        } else if (p[i] == '"' || p[i] == '\'') {
            quote = p[i];
        } else if (p[i] == '>') {
            *len = i + 1;
            if (p[1] == '/')
                return XT_END;
            return p[i - 1] == '/' ? XT_EMPTY : XT_START;
        }
    }
    return XT_NEED;
}

static int xml_scan(struct ftl_input *in, void *vst, size_t *pos, size_t *rec_len)
{
    struct xstate *st = vst;
    const char *p = in->win + in->start;
    size_t n = in->end - in->start, len;
    const char *lt;
    int kind, is_name;

    while (*pos < n) {
        lt = memchr(p + *pos, '<', n - *pos);
        if (!lt) {
            *pos = n;
            return 0;
        }
        *pos = (size_t)(lt - p);
        kind = xml_construct(lt, n - *pos, st, &len, &is_name);
        if (kind == XT_NEED)
            return 0;   /* rescanned from this '<' once more bytes are in */
        *pos += len;
        if (!is_name)
            continue;
        if (kind == XT_START)
            st->depth++;
        else if (kind == XT_END)
            st->depth--;
        if (st->depth <= 0) {   /* closed, or <Event/> */
            *rec_len = *pos;
            return 1;
        }
    }
    return 0;
}

static int xml_eof(struct ftl_input *in, void *vst, size_t *pos, size_t *rec_len)
{
    (void)vst;
    *pos = *rec_len = in->end - in->start;
    return *pos ? EOF_UNFINISHED : EOF_NOTHING;   /* the file ends inside the element */
}

/* Moves in->start to the next start tag named st->name; 0 at the end. */
static int xml_seek(struct ftl_input *in, const struct xstate *st)
{
    size_t len, skip;
    const char *lt;
    int kind, is_name, f;

    for (;;) {
        const char *p = in->win + in->start;
        size_t n = in->end - in->start;

        lt = n ? memchr(p, '<', n) : NULL;
        skip = lt ? (size_t)(lt - p) : n;
        in->line += count_lines(p, skip);
        in->start += skip;
        if (lt) {
            kind = xml_construct(lt, n - skip, st, &len, &is_name);
            if (kind != XT_NEED) {
                if (is_name && (kind == XT_START || kind == XT_EMPTY))
                    return 1;
                in->line += count_lines(lt, len);
                in->start += len;
                continue;
            }
        }
        f = fill(in);
        if (f == 0)
            return 0;   /* markup never closed outside a record: nothing to hand out */
        if (f < 0) {
            /* a construct larger than the window outside any record: drop it */
            in->line += count_lines(in->win + in->start, in->end - in->start);
            in->start = in->end;
        }
    }
}

int ftl_input_xml(struct ftl_input *in, const char *name, struct ftl_record *rec)
{
    struct xstate st = { name, strlen(name), 0 };
    struct scanner sc = { xml_scan, xml_eof, &st };

    skip_bom(in);
    if (!xml_seek(in, &st))
        return 0;
    return next_record(in, &sc, rec);
}

/* ---- CSV ---- */

/* RFC 4180 field states */
enum { CSV_START, CSV_PLAIN, CSV_QUOTED, CSV_QUOTE_SEEN };

struct cstate {
    int state;
};

static int csv_scan(struct ftl_input *in, void *vst, size_t *pos, size_t *rec_len)
{
    struct cstate *st = vst;
    const char *p = in->win + in->start;
    size_t i = *pos, n = in->end - in->start;

    while (i < n) {
        char c = p[i];

        switch (st->state) {
        case CSV_QUOTED: {
            /* most of a Purview export is quoted AuditData: skip to the quote */
            const char *q = memchr(p + i, '"', n - i);

            if (!q) {
                i = n;
                continue;
            }
            i = (size_t)(q - p) + 1;
            st->state = CSV_QUOTE_SEEN;
            continue;
        }
        case CSV_QUOTE_SEEN:
            if (c == '"') {
                st->state = CSV_QUOTED;
                i++;
                continue;
            }
            st->state = CSV_PLAIN;   /* closing quote; fall through */
            /* fallthrough */
        default:
            if (c == '"' && st->state == CSV_START) {
                st->state = CSV_QUOTED;
                i++;
                continue;
            }
            if (c == ',') {
                st->state = CSV_START;
                i++;
                continue;
            }
            if (c == '\n') {
                *rec_len = i;
                *pos = i + 1;
                if (i && p[i - 1] == '\r')
                    (*rec_len)--;
                st->state = CSV_START;
                return 1;
            }
            st->state = CSV_PLAIN;
            i++;
        }
    }
    *pos = n;
    return 0;
}

static int csv_eof(struct ftl_input *in, void *vst, size_t *pos, size_t *rec_len)
{
    const struct cstate *st = vst;
    int r = line_eof(in, NULL, pos, rec_len);

    /* a quote still open at the end of the file */
    return r == EOF_RECORD && st->state == CSV_QUOTED ? EOF_UNFINISHED : r;
}

static void csv_push_cell(struct ftl_input *in, size_t *ncells, size_t off)
{
    if (*ncells == in->csv_cap) {
        in->csv_cap = in->csv_cap ? in->csv_cap * 2 : 32;
        in->csv_cells = ftl_xrealloc(in->csv_cells, in->csv_cap * sizeof *in->csv_cells);
    }
    in->csv_cells[*ncells].p = (const char *)(uintptr_t)off;  /* fixed up below */
    in->csv_cells[*ncells].len = in->csv_text.len - off;
    ftl_buf_addch(&in->csv_text, '\0');
    (*ncells)++;
}

int ftl_input_csv(struct ftl_input *in, struct ftl_record *rec,
                  const struct ftl_cell **cells, size_t *ncells)
{
    struct cstate st = { CSV_START };
    struct scanner sc = { csv_scan, csv_eof, &st };
    size_t i, n = 0, off;
    int state = CSV_START;

    skip_bom(in);
    if (!next_record(in, &sc, rec))
        return 0;
    ftl_buf_reset(&in->csv_text);
    ftl_buf_grow(&in->csv_text, rec->len + 1);
    off = 0;
    i = 0;
    while (i < rec->len) {
        const char *d = rec->data, *q;
        size_t end = rec->len;

        if (state == CSV_QUOTED) {
            /* copy up to the next quote in one go */
            q = memchr(d + i, '"', end - i);
            if (!q) {
                ftl_buf_add(&in->csv_text, d + i, end - i);
                break;
            }
            ftl_buf_add(&in->csv_text, d + i, (size_t)(q - d) - i);
            i = (size_t)(q - d) + 1;
            state = CSV_QUOTE_SEEN;
            continue;
        }
        if (state == CSV_QUOTE_SEEN) {
            if (d[i] == '"') {
                ftl_buf_addch(&in->csv_text, '"');
                state = CSV_QUOTED;
                i++;
                continue;
            }
            state = CSV_PLAIN;   /* text after a closing quote is kept */
        }
        if (d[i] == '"' && state == CSV_START) {
            state = CSV_QUOTED;
            i++;
            continue;
        }
        if (d[i] == ',') {
            csv_push_cell(in, &n, off);
            off = in->csv_text.len;
            state = CSV_START;
            i++;
            continue;
        }
        /* an unquoted run: up to the next comma */
        q = memchr(d + i, ',', end - i);
        if (!q)
            q = d + end;
        ftl_buf_add(&in->csv_text, d + i, (size_t)(q - d) - i);
        i = (size_t)(q - d);
        state = CSV_PLAIN;
    }
    csv_push_cell(in, &n, off);
    for (i = 0; i < n; i++)
        in->csv_cells[i].p = in->csv_text.data + (uintptr_t)in->csv_cells[i].p;
    *cells = in->csv_cells;
    *ncells = n;
    return 1;
}

/* ---- UTF-8 ---- */

long ftl_utf8_invalid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned char c = p[i];

        if (c >= 0x01 && c < 0x80) {
            /* ASCII run: 8 bytes at a time while no high bit or NUL */
            while (i + 8 <= len) {
                uint64_t w;

                memcpy(&w, p + i, 8);
                if ((w & 0x8080808080808080ULL) ||
                    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
                    break;
                i += 8;
            }
            while (i < len && p[i] >= 0x01 && p[i] < 0x80)
                i++;
            continue;
        }
        if (c == 0)
            return (long)i;
        if (c >= 0xC2 && c <= 0xDF) {
            if (i + 1 >= len || (p[i + 1] & 0xC0) != 0x80)
                return (long)i;
            i += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (i + 2 >= len || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80)
                return (long)i;
            if (c == 0xE0 && p[i + 1] < 0xA0)
                return (long)i;    /* overlong */
            if (c == 0xED && p[i + 1] >= 0xA0)
                return (long)i;    /* surrogate */
            i += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (i + 3 >= len || (p[i + 1] & 0xC0) != 0x80 ||
                (p[i + 2] & 0xC0) != 0x80 || (p[i + 3] & 0xC0) != 0x80)
                return (long)i;
            if (c == 0xF0 && p[i + 1] < 0x90)
                return (long)i;    /* overlong */
            if (c == 0xF4 && p[i + 1] >= 0x90)
                return (long)i;    /* past U+10FFFF */
            i += 4;
        } else {
            return (long)i;
        }
    }
    return -1;
}
