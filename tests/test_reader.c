/*
 * test_reader.c - tests of core/reader.c: the plain/gzip reader and its
 * SHA-256, the line, JSON and CSV splitters, and the UTF-8 check.
 *
 * Inputs are written to temporary files under FTL_BUILD_DIR/unit-tmp (file
 * names chosen to lie about the content where that matters) and removed
 * again. gzip inputs are made in-test with zlib; damaged streams are cut or
 * corrupted at block boundaries made with Z_FULL_FLUSH, so the number of
 * bytes that must survive the damage is known exactly. Expected hashes were
 * computed independently with Python's hashlib.
 *
 * Tests whose comment says "Regression test" guard bugs these tests found
 * and that were fixed since.
 */
#include "reader.h"
#include "testmain.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MiB ((size_t)1 << 20)
#define KEEP_BYTES ((size_t)64 << 10)   /* TOOBIG_KEEP in reader.c */

/* ------------------------------------------------------------ helpers */

/* Writes n bytes to a new file <build>/unit-tmp/reader-XXXXXX<suffix>. */
static void tmp_write(char path[512], const char *suffix, const void *data,
                      size_t n)
{
    const char *p = data;
    int fd;

    mkdir(FTL_BUILD_DIR "/unit-tmp", 0755);
    snprintf(path, 512, "%s/unit-tmp/reader-XXXXXX%s", FTL_BUILD_DIR, suffix);
    fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0) {
        perror(path);
        abort();
    }
    while (n) {
        ssize_t k = write(fd, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            perror(path);
            abort();
        }
        p += k;
        n -= (size_t)k;
    }
    close(fd);
}

/* A deterministic byte pattern (the one hashed with hashlib below). */
static unsigned char *pattern(size_t n)
{
    unsigned char *p = ftl_xmalloc(n ? n : 1);

    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)((i * 7 + 3) % 251);
    return p;
}

/* Printable text lines, compressible, for gzip tests. */
static char *text_lines(size_t n)
{
    char *p = ftl_xmalloc(n + 1);

    for (size_t i = 0; i < n; i++)
        p[i] = (i % 61 == 60) ? '\n' : (char)('a' + (i * 13 + i / 61) % 26);
    p[n] = '\0';
    return p;
}

/*
 * One gzip member of data. With piece > 0 the input is deflated in pieces of
 * piece bytes, each ended with Z_FULL_FLUSH (so a new block starts on a byte
 * boundary); offs[k] receives the compressed size after piece k+1.
 */
static unsigned char *gz_member(const void *data, size_t n, int level,
                                size_t piece, size_t *offs, size_t *outlen)
{
    struct ftl_buf out = { 0 };
    unsigned char chunk[65536];
    z_stream zs;
    size_t done = 0, k = 0;

    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    zs.next_in = (unsigned char *)(uintptr_t)data;
    for (;;) {
        size_t take = piece ? (n - done < piece ? n - done : piece) : n - done;
        int last = done + take >= n;
        int flush = last ? Z_FINISH : Z_FULL_FLUSH;
        int zr;

        zs.avail_in = (uInt)take;
        do {
            zs.next_out = chunk;
            zs.avail_out = sizeof chunk;
            zr = deflate(&zs, flush);
            if (zr == Z_STREAM_ERROR)
                abort();
            ftl_buf_add(&out, chunk, sizeof chunk - zs.avail_out);
        } while (zs.avail_out == 0 || (last && zr != Z_STREAM_END));
        done += take;
        if (offs && !last)
            offs[k++] = out.len;
        if (last)
            break;
    }
    deflateEnd(&zs);
    *outlen = out.len;
    return (unsigned char *)out.data;
}

static unsigned char *gz(const void *data, size_t n, size_t *outlen)
{
    return gz_member(data, n, 6, 0, NULL, outlen);
}

static void sha256_hex(const void *p, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* What reading a whole file returned. */
struct got {
    unsigned char *p;
    size_t len;
    long last;          /* the final return value: 0 or -1 */
    ftl_rc rc;          /* err.rc of the final call */
    long again;         /* one more read after the end */
    ftl_rc again_rc;
    int is_gzip;
};

/* Reads path to the end with changing chunk sizes. */
static void read_all(const char *path, struct got *g)
{
    static const size_t chunks[] = { 1, 7, 4096, 65536, 300000, 3 };
    struct ftl_reader *r = NULL;
    struct ftl_error err = { 0 };
    struct ftl_buf b = { 0 };
    unsigned char *tmp = ftl_xmalloc(300000);
    size_t i = 0;
    long k;

    memset(g, 0, sizeof *g);
    CU_ASSERT_EQUAL_FATAL(ftl_reader_open(path, &r, &err), FTL_OK);
    g->is_gzip = ftl_reader_is_gzip(r);
    for (;;) {
        ftl_error_clear(&err);
        k = ftl_reader_read(r, tmp, chunks[i++ % 6], &err);
        if (k <= 0)
            break;
        ftl_buf_add(&b, tmp, (size_t)k);
    }
    g->last = k;
    g->rc = err.rc;
    ftl_error_clear(&err);
    g->again = ftl_reader_read(r, tmp, 4096, &err);
    g->again_rc = err.rc;
    g->p = (unsigned char *)b.data;
    g->len = b.len;
    ftl_reader_free(r);
    free(tmp);
}

/* An input over a temporary file. */
struct src {
    char path[512];
    struct ftl_reader *r;
    struct ftl_input in;
};

static void src_open(struct src *s, const char *suffix, const void *data,
                     size_t n, size_t max_record)
{
    struct ftl_error err = { 0 };

    tmp_write(s->path, suffix, data, n);
    if (ftl_reader_open(s->path, &s->r, &err) != FTL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        abort();
    }
    unlink(s->path);   /* the open fd keeps it; nothing is left if a test dies */
    ftl_input_init(&s->in, s->r, s->path, max_record);
}

static void src_close(struct src *s)
{
    ftl_input_free(&s->in);
    ftl_reader_free(s->r);
}

/* 1 if all n bytes of p are c */
static int memspn_is(const char *p, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            return 0;
    return 1;
}

/* Every record of a splitter, copied. */
#define MAXRECS 64
struct recs {
    size_t n;
    char *data[MAXRECS];
    size_t len[MAXRECS];
    int64_t no[MAXRECS], line[MAXRECS];
    uint64_t off[MAXRECS];
    ftl_rc problem[MAXRECS];
    ftl_rc status;      /* in->status at the end */
    int64_t records;    /* in->records at the end */
};

enum split { SPLIT_LINE, SPLIT_JSON };

static void keep_rec(struct recs *out, const struct ftl_record *rec)
{
    CU_ASSERT_FATAL(out->n < MAXRECS);
    out->data[out->n] = ftl_xstrndup(rec->data, rec->len);
    out->len[out->n] = rec->len;
    out->no[out->n] = rec->no;
    out->line[out->n] = rec->line;
    out->off[out->n] = rec->offset;
    out->problem[out->n] = rec->problem;
    out->n++;
}

static void split_file(const char *suffix, const void *data, size_t n,
                       size_t max_record, enum split how,
                       const char *const *wrap, struct recs *out)
{
    struct src s;
    struct ftl_record rec;
    int k;

    memset(out, 0, sizeof *out);
    src_open(&s, suffix, data, n, max_record);
    for (;;) {
        k = how == SPLIT_LINE ? ftl_input_line(&s.in, &rec)
                              : ftl_input_json(&s.in, wrap, &rec);
        if (!k)
            break;
        keep_rec(out, &rec);
    }
    /* the end is the end */
    k = how == SPLIT_LINE ? ftl_input_line(&s.in, &rec)
                          : ftl_input_json(&s.in, wrap, &rec);
    CU_ASSERT_EQUAL(k, 0);
    out->status = s.in.status;
    out->records = s.in.records;
    src_close(&s);
}

static void split_text(const char *text, enum split how,
                       const char *const *wrap, struct recs *out)
{
    split_file(".txt", text, strlen(text), 0, how, wrap, out);
}

static void recs_free(struct recs *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->data[i]);
    r->n = 0;
}

/* Asserts record i of r: its text and its 1-based number and line. */
#define REC(r, i, text, lineno)                                             \
    do {                                                                    \
        const char *w_ = (text);                                            \
        if ((r).n <= (size_t)(i)) {                                         \
            fprintf(stderr, "\n  line %d: no record %d (have %zu)\n",       \
                    __LINE__, (int)(i), (r).n);                             \
            CU_FAIL("record missing");                                      \
            break;                                                          \
        }                                                                   \
        if ((r).len[i] != strlen(w_) ||                                     \
            memcmp((r).data[i], w_, strlen(w_)) != 0 ||                     \
            (r).line[i] != (lineno) || (r).no[i] != (int64_t)(i) + 1)       \
            fprintf(stderr, "\n  line %d: record %d = [%s] line %lld "      \
                    "no %lld, want [%s] line %d\n", __LINE__, (int)(i),     \
                    (r).data[i], (long long)(r).line[i],                    \
                    (long long)(r).no[i], w_, (int)(lineno));               \
        CU_ASSERT_EQUAL((r).len[i], strlen(w_));                            \
        CU_ASSERT_STRING_EQUAL((r).data[i], w_);                            \
        CU_ASSERT_EQUAL((r).line[i], (int64_t)(lineno));                    \
        CU_ASSERT_EQUAL((r).no[i], (int64_t)(i) + 1);                       \
    } while (0)

/* ------------------------------------------------- reader: plain files */

#define PATTERN_LEN 600000
/* hashlib.sha256(bytes((i*7+3)%251 for i in range(600000))).hexdigest() */
#define PATTERN_SHA256 "9789d2fe663d53312adaa8d34351ca5a3e81a87e56bfed417f85d95f6a561e01"

static void test_reader_plain_bytes_out_equal_bytes_in(void)
{
    unsigned char *data = pattern(PATTERN_LEN);
    char path[512];
    struct got g;

    tmp_write(path, ".bin", data, PATTERN_LEN);
    read_all(path, &g);
    CU_ASSERT_EQUAL(g.is_gzip, 0);
    CU_ASSERT_EQUAL(g.len, PATTERN_LEN);
    CU_ASSERT(g.len == PATTERN_LEN && memcmp(g.p, data, PATTERN_LEN) == 0);
    CU_ASSERT_EQUAL(g.last, 0);
    CU_ASSERT_EQUAL(g.again, 0);
    free(g.p);
    unlink(path);
    free(data);
}

static void test_reader_plain_empty_file(void)
{
    char path[512], hex[65] = "";
    struct got g;
    uint64_t size = 99;
    struct ftl_error err = { 0 };

    tmp_write(path, ".json", "", 0);
    read_all(path, &g);
    CU_ASSERT_EQUAL(g.len, 0);
    CU_ASSERT_EQUAL(g.last, 0);
    CU_ASSERT_EQUAL(g.is_gzip, 0);
    free(g.p);
    CU_ASSERT_EQUAL(ftl_sha256_file(path, hex, &size, &err), FTL_OK);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CU_ASSERT_EQUAL(size, 0);
    unlink(path);
}

static void test_reader_plain_sha256_after_partial_read(void)
{
    unsigned char *data = pattern(PATTERN_LEN);
    unsigned char buf[1000];
    char path[512], hex[65];
    struct ftl_reader *r = NULL;
    struct ftl_error err = { 0 };

    tmp_write(path, ".bin", data, PATTERN_LEN);
    CU_ASSERT_EQUAL_FATAL(ftl_reader_open(path, &r, &err), FTL_OK);
    CU_ASSERT_EQUAL(ftl_reader_size(r), PATTERN_LEN);
    CU_ASSERT_EQUAL(ftl_reader_read(r, buf, sizeof buf, &err), (long)sizeof buf);
    CU_ASSERT(memcmp(buf, data, sizeof buf) == 0);
    memset(hex, 'x', sizeof hex);
    CU_ASSERT_EQUAL(ftl_reader_sha256(r, hex, &err), FTL_OK);
    CU_ASSERT_EQUAL(hex[64], '\0');
    CU_ASSERT_STRING_EQUAL(hex, PATTERN_SHA256);
    ftl_reader_free(r);
    unlink(path);
    free(data);
}

static void test_reader_plain_sha256_without_reading(void)
{
    char path[512], hex[65];
    struct ftl_reader *r = NULL;
    struct ftl_error err = { 0 };

    tmp_write(path, ".csv", "abc", 3);
    CU_ASSERT_EQUAL_FATAL(ftl_reader_open(path, &r, &err), FTL_OK);
    CU_ASSERT_EQUAL(ftl_reader_sha256(r, hex, &err), FTL_OK);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ftl_reader_free(r);
    unlink(path);
}

static void test_reader_sha256_file_and_size(void)
{
    unsigned char *data = pattern(PATTERN_LEN);
    char path[512], hex[65];
    uint64_t size = 0;
    struct ftl_error err = { 0 };

    tmp_write(path, ".bin", data, PATTERN_LEN);
    CU_ASSERT_EQUAL(ftl_sha256_file(path, hex, &size, &err), FTL_OK);
    CU_ASSERT_STRING_EQUAL(hex, PATTERN_SHA256);
    CU_ASSERT_EQUAL(size, PATTERN_LEN);
    /* size is optional */
    CU_ASSERT_EQUAL(ftl_sha256_file(path, hex, NULL, &err), FTL_OK);
    CU_ASSERT_STRING_EQUAL(hex, PATTERN_SHA256);
    unlink(path);
    free(data);
}

static void test_reader_open_missing_and_directory(void)
{
    struct ftl_reader *r = (struct ftl_reader *)&r;
    struct ftl_error err = { 0 };
    char hex[65];

    CU_ASSERT_EQUAL(ftl_reader_open(FTL_BUILD_DIR "/unit-tmp/no-such-file.json",
                                    &r, &err), FTL_EIO);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL(err.rc, FTL_EIO);
    CU_ASSERT(strstr(err.msg, "no-such-file.json") != NULL);
    mkdir(FTL_BUILD_DIR "/unit-tmp", 0755);
    CU_ASSERT_EQUAL(ftl_reader_open(FTL_BUILD_DIR "/unit-tmp", &r, &err), FTL_EIO);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL(ftl_sha256_file(FTL_BUILD_DIR "/unit-tmp/no-such-file", hex,
                                    NULL, &err), FTL_EIO);
}

/*
 * Regression test: a bug in reader.c read_raw via ftl_reader_read, fixed in
 * 247fdb3.
 * A read of 0 bytes on a plain file calls read(fd, buf, 0), gets 0 and marks
 * the raw stream at its end: every later read returns 0 and
 * ftl_reader_sha256 hashes only the bytes read so far, so the evidence hash
 * is silently wrong.
 */
static void test_reader_zero_length_read_is_not_eof(void)
{
    unsigned char buf[16];
    char path[512], hex[65] = "";
    struct ftl_reader *r = NULL;
    struct ftl_error err = { 0 };

    tmp_write(path, ".txt", "abc", 3);
    CU_ASSERT_EQUAL_FATAL(ftl_reader_open(path, &r, &err), FTL_OK);
    CU_ASSERT_EQUAL(ftl_reader_read(r, buf, 0, &err), 0);
    CU_ASSERT_EQUAL(ftl_reader_read(r, buf, sizeof buf, &err), 3);
    ftl_reader_free(r);

    CU_ASSERT_EQUAL_FATAL(ftl_reader_open(path, &r, &err), FTL_OK);
    CU_ASSERT_EQUAL(ftl_reader_read(r, buf, 0, &err), 0);
    CU_ASSERT_EQUAL(ftl_reader_sha256(r, hex, &err), FTL_OK);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ftl_reader_free(r);
    unlink(path);
}

/* ------------------------------------------------- reader: gzip */

static void test_reader_gzip_detected_by_magic_not_name(void)
{
    char *text = text_lines(100000);
    size_t zlen;
    unsigned char *z = gz(text, 100000, &zlen);
    char path[512];
    struct got g;

    /* gzip content named .json */
    tmp_write(path, ".json", z, zlen);
    read_all(path, &g);
    CU_ASSERT_EQUAL(g.is_gzip, 1);
    CU_ASSERT_EQUAL(g.len, 100000);
    CU_ASSERT(g.len == 100000 && memcmp(g.p, text, 100000) == 0);
    CU_ASSERT_EQUAL(g.last, 0);
    free(g.p);
    unlink(path);

    /* plain content named .gz comes out as it is */
    tmp_write(path, ".json.gz", text, 100000);
    read_all(path, &g);
    CU_ASSERT_EQUAL(g.is_gzip, 0);
    CU_ASSERT(g.len == 100000 && memcmp(g.p, text, 100000) == 0);
    CU_ASSERT_EQUAL(g.last, 0);
    free(g.p);
    unlink(path);

    /* gzip bytes named .gz are still gzip */
    tmp_write(path, ".gz", z, zlen);
    read_all(path, &g);
    CU_ASSERT_EQUAL(g.is_gzip, 1);
    CU_ASSERT(g.len == 100000 && memcmp(g.p, text, 100000) == 0);
    free(g.p);
    unlink(path);

    /* one byte of 0x1f is not gzip */
    tmp_write(path, ".gz", "\x1f", 1);
    read_all(path, &g);
    CU_ASSERT_EQUAL(g.is_gzip, 0);
    CU_ASSERT(g.len == 1 && g.p[0] == 0x1f);
    free(g.p);
    unlink(path);
    free(z);
    free(text);
}

static void test_reader_gzip_concatenated_members(void)
{
    static const char *parts[] = { "first member\n", "", "second ",
                                   "member\nthird member without newline" };
    struct ftl_buf file = { 0 }, want = { 0 };
    unsigned char *big = pattern(700000);   /* incompressible-ish, many raw chunks */
    char path[512];
    struct got g;

    for (size_t i = 0; i < 4; i++) {
        size_t zlen;
        unsigned char *z = gz_member(parts[i], strlen(parts[i]), i % 2 ? 1 : 9,
                                     0, NULL, &zlen);

        ftl_buf_add(&file, z, zlen);
        ftl_buf_addstr(&want, parts[i]);
        free(z);
        if (i == 1) {   /* a big stored member between small ones */
            z = gz_member(big, 700000, 0, 0, NULL, &zlen);
            ftl_buf_add(&file, z, zlen);
            ftl_buf_add(&want, big, 700000);
            free(z);
        }
    }
    tmp_write(path, ".log", file.data, file.len);
    read_all(path, &g);
    CU_ASSERT_EQUAL(g.is_gzip, 1);
    CU_ASSERT_EQUAL(g.len, want.len);
    CU_ASSERT(g.len == want.len && memcmp(g.p, want.data, want.len) == 0);
    CU_ASSERT_EQUAL(g.last, 0);
    CU_ASSERT_EQUAL(g.rc, FTL_OK);
    CU_ASSERT_EQUAL(g.again, 0);
    free(g.p);
    unlink(path);
    ftl_buf_free(&file);
    ftl_buf_free(&want);
    free(big);
}

static void test_reader_gzip_zero_padding_after_last_member(void)
{
    char *text = text_lines(5000);
    size_t zlen;
    unsigned char *z = gz(text, 5000, &zlen);
    struct ftl_buf file = { 0 };
    char path[512];
    struct got g;

    ftl_buf_add(&file, z, zlen);
    for (int i = 0; i < 512; i++)
        ftl_buf_addch(&file, '\0');
    tmp_write(path, ".gz", file.data, file.len);
    read_all(path, &g);
    CU_ASSERT(g.len == 5000 && memcmp(g.p, text, 5000) == 0);
    CU_ASSERT_EQUAL(g.last, 0);
    CU_ASSERT_EQUAL(g.rc, FTL_OK);
    free(g.p);
    unlink(path);
    ftl_buf_free(&file);
    free(z);
    free(text);
}

/* Checks a damaged gzip: at least `must` bytes (and nothing that is not the
 * original) come out, then -1 with FTL_ETRUNCATED, and it stays that way. */
static void check_damaged(const unsigned char *file, size_t flen,
                          const char *orig, size_t olen, size_t must,
                          size_t at_most, const char *what)
{
    char path[512];
    struct got g;

    tmp_write(path, ".json", file, flen);
    read_all(path, &g);
    if (g.len < must || g.len > at_most || g.last != -1 ||
        g.rc != FTL_ETRUNCATED)
        fprintf(stderr, "\n  %s: %zu bytes out (want %zu..%zu), last %ld rc %d\n",
                what, g.len, must, at_most, g.last, (int)g.rc);
    CU_ASSERT(g.len >= must);
    CU_ASSERT(g.len <= at_most);
    CU_ASSERT(g.len == 0 || (g.len <= olen && memcmp(g.p, orig, g.len) == 0));
    CU_ASSERT_EQUAL(g.last, -1);
    CU_ASSERT_EQUAL(g.rc, FTL_ETRUNCATED);
    /* sticky: the next read fails the same way */
    CU_ASSERT_EQUAL(g.again, -1);
    CU_ASSERT_EQUAL(g.again_rc, FTL_ETRUNCATED);
    free(g.p);
    unlink(path);
}

#define PIECE 10000
#define NPIECE 30

static void test_reader_gzip_truncated_returns_bytes_before_damage(void)
{
    size_t n = PIECE * NPIECE, zlen, offs[NPIECE];
    char *text = text_lines(n);
    unsigned char *z = gz_member(text, n, 6, PIECE, offs, &zlen);

    /* cut exactly at block boundaries: all pieces before the cut come out */
    check_damaged(z, offs[0], text, n, PIECE, PIECE, "cut after piece 1");
    check_damaged(z, offs[14], text, n, 15 * PIECE, 15 * PIECE, "cut after piece 15");
    /* cut a few bytes into the next block: at least the pieces before */
    check_damaged(z, offs[14] + 3, text, n, 15 * PIECE, n, "cut into piece 16");
    /* trailer cut: every data byte, then the error */
    check_damaged(z, zlen - 8, text, n, n, n, "CRC and length missing");
    check_damaged(z, zlen - 1, text, n, n, n, "last length byte missing");
    /* inside the 10-byte header: nothing, but an error, not a clean end */
    check_damaged(z, 5, text, n, 0, 0, "cut inside the header");
    check_damaged(z, 2, text, n, 0, 0, "magic only");
    free(z);
    free(text);
}

static void test_reader_gzip_truncated_second_member(void)
{
    size_t zlen1, zlen2;
    unsigned char *z1 = gz("member one\n", 11, &zlen1);
    char *text = text_lines(50000);
    unsigned char *z2 = gz(text, 50000, &zlen2);
    struct ftl_buf file = { 0 }, want = { 0 };

    ftl_buf_add(&file, z1, zlen1);
    ftl_buf_add(&file, z2, zlen2 / 2);
    ftl_buf_add(&want, "member one\n", 11);
    ftl_buf_add(&want, text, 50000);
    check_damaged((unsigned char *)file.data, file.len, want.data, want.len, 11,
                  want.len, "second member cut in half");
    /* garbage after a member is damage too, not a silent end */
    ftl_buf_reset(&file);
    ftl_buf_add(&file, z1, zlen1);
    ftl_buf_add(&file, "garbage", 7);
    check_damaged((unsigned char *)file.data, file.len, want.data, want.len, 11,
                  11, "garbage after the member");
    ftl_buf_free(&file);
    ftl_buf_free(&want);
    free(z1);
    free(z2);
    free(text);
}

static void test_reader_gzip_corrupt_block(void)
{
    size_t n = PIECE * NPIECE, zlen, offs[NPIECE];
    char *text = text_lines(n);
    unsigned char *z = gz_member(text, n, 6, PIECE, offs, &zlen);
    unsigned char *bad = ftl_xmalloc(zlen);

    /* BFINAL=1, BTYPE=11 (reserved) where piece 11 starts: invalid block type */
    memcpy(bad, z, zlen);
    bad[offs[9]] = 0x07;
    check_damaged(bad, zlen, text, n, 10 * PIECE, 10 * PIECE, "invalid block type");
    free(bad);
    free(z);
    free(text);
}

static void test_reader_gzip_corrupt_flipped_bytes(void)
{
    size_t n = 200000, zlen;
    char *text = text_lines(n);
    unsigned char *z = gz(text, n, &zlen);
    unsigned char *bad = ftl_xmalloc(zlen);
    char path[512];
    struct got g;

    memcpy(bad, z, zlen);
    for (size_t i = zlen / 2; i < zlen / 2 + 16; i++)
        bad[i] ^= 0xA5;
    tmp_write(path, ".gz", bad, zlen);
    read_all(path, &g);
    CU_ASSERT(g.len < n);
    CU_ASSERT_EQUAL(g.last, -1);
    CU_ASSERT_EQUAL(g.rc, FTL_ETRUNCATED);
    CU_ASSERT_EQUAL(g.again, -1);
    CU_ASSERT_EQUAL(g.again_rc, FTL_ETRUNCATED);
    free(g.p);
    unlink(path);
    free(bad);
    free(z);
    free(text);
}

static void test_reader_gzip_hash_is_of_compressed_bytes(void)
{
    size_t n = 400000, zlen;
    char *text = text_lines(n);
    unsigned char *z = gz(text, n, &zlen);
    char path[512], hex[65], want[65], plain[65];
    unsigned char buf[100];
    struct ftl_reader *r = NULL;
    struct ftl_error err = { 0 };
    uint64_t size = 0;

    sha256_hex(z, zlen, want);
    sha256_hex(text, n, plain);
    tmp_write(path, ".gz", z, zlen);
    CU_ASSERT_EQUAL_FATAL(ftl_reader_open(path, &r, &err), FTL_OK);
    CU_ASSERT_EQUAL(ftl_reader_size(r), zlen);
    CU_ASSERT_EQUAL(ftl_reader_read(r, buf, sizeof buf, &err), (long)sizeof buf);
    CU_ASSERT(memcmp(buf, text, sizeof buf) == 0);
    CU_ASSERT_EQUAL(ftl_reader_sha256(r, hex, &err), FTL_OK);
    CU_ASSERT_STRING_EQUAL(hex, want);
    CU_ASSERT(strcmp(hex, plain) != 0);
    ftl_reader_free(r);
    CU_ASSERT_EQUAL(ftl_sha256_file(path, hex, &size, &err), FTL_OK);
    CU_ASSERT_STRING_EQUAL(hex, want);
    CU_ASSERT_EQUAL(size, zlen);
    unlink(path);
    free(z);
    free(text);
}

/*
 * Regression test: a bug in reader.c ftl_reader_read, gzip path, fixed in
 * 247fdb3.
 * avail_out is clamped to 1 GiB but the count returned is n - avail_out, so
 * a read with n > 1 GiB reports n - 1 GiB more bytes than were written (60
 * bytes read as 1073741884).
 */
static void test_reader_gzip_read_count_above_1gib(void)
{
    static const char text[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX";
    size_t n = ((size_t)1 << 31) + 4096, zlen;
    unsigned char *z = gz(text, 60, &zlen);
    char path[512];
    struct ftl_reader *r = NULL;
    struct ftl_error err = { 0 };
    void *big;
    long k;

    big = mmap(NULL, n, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CU_ASSERT_FATAL(big != MAP_FAILED);
    tmp_write(path, ".gz", z, zlen);
    CU_ASSERT_EQUAL_FATAL(ftl_reader_open(path, &r, &err), FTL_OK);
    k = ftl_reader_read(r, big, n, &err);
    if (k != 60)
        fprintf(stderr, "\n  read of %zu bytes returned %ld, want 60\n", n, k);
    CU_ASSERT_EQUAL(k, 60);
    CU_ASSERT(memcmp(big, text, 60) == 0);
    ftl_reader_free(r);
    munmap(big, n);
    unlink(path);
    free(z);
}

/* ------------------------------------------------- lines */

static void test_reader_line_endings_blank_and_final_line(void)
{
    static const char text[] = "a\nbb\r\n\n\r\nc\rd\nlast";
    struct recs r;

    split_text(text, SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 6);
    REC(r, 0, "a", 1);
    REC(r, 1, "bb", 2);
    REC(r, 2, "", 3);
    REC(r, 3, "", 4);
    REC(r, 4, "c\rd", 5);     /* a lone CR is data */
    REC(r, 5, "last", 6);
    CU_ASSERT_EQUAL(r.off[0], 0);
    CU_ASSERT_EQUAL(r.off[1], 2);
    CU_ASSERT_EQUAL(r.off[2], 6);
    CU_ASSERT_EQUAL(r.off[3], 7);
    CU_ASSERT_EQUAL(r.off[4], 9);
    CU_ASSERT_EQUAL(r.off[5], 13);
    for (size_t i = 0; i < r.n; i++)
        CU_ASSERT_EQUAL(r.problem[i], FTL_OK);
    CU_ASSERT_EQUAL(r.status, FTL_OK);
    recs_free(&r);

    /* final line ending in CRLF: no empty record after it */
    split_text("x\r\ny\r\n", SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "x", 1);
    REC(r, 1, "y", 2);
    recs_free(&r);

    split_text("", SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 0);
    recs_free(&r);

    split_text("\n", SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 1);
    REC(r, 0, "", 1);
    recs_free(&r);
}

static void test_reader_line_bom_skipped(void)
{
    struct recs r;

    split_text("\xEF\xBB\xBF" "first\nsecond\n", SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "first", 1);
    REC(r, 1, "second", 2);
    CU_ASSERT_EQUAL(r.off[0], 3);   /* offsets are in the stream, BOM included */
    CU_ASSERT_EQUAL(r.off[1], 9);
    recs_free(&r);
    /* a BOM is only skipped at the start */
    split_text("a\n\xEF\xBB\xBF" "b\n", SPLIT_LINE, NULL, &r);
    REC(r, 1, "\xEF\xBB\xBF" "b", 2);
    recs_free(&r);
}

static void test_reader_line_longer_than_initial_window(void)
{
    size_t n = 3 * MiB + 17;
    struct ftl_buf b = { 0 };
    struct src s;
    struct ftl_record rec;
    char *line = text_lines(n);

    for (size_t i = 0; i < n; i++)
        if (line[i] == '\n')
            line[i] = ' ';
    ftl_buf_add(&b, "short\n", 6);
    ftl_buf_add(&b, line, n);
    ftl_buf_add(&b, "\r\nnext\n", 7);
    src_open(&s, ".txt", b.data, b.len, 0);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 5 && memcmp(rec.data, "short", 5) == 0);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_OK);
    CU_ASSERT_EQUAL(rec.len, n);
    CU_ASSERT(rec.len == n && memcmp(rec.data, line, n) == 0);
    CU_ASSERT_EQUAL(rec.line, 2);
    CU_ASSERT_EQUAL(rec.no, 2);
    CU_ASSERT_EQUAL(rec.offset, 6);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 4 && memcmp(rec.data, "next", 4) == 0);
    CU_ASSERT_EQUAL(rec.line, 3);
    CU_ASSERT_EQUAL(rec.offset, 6 + n + 2);
    CU_ASSERT_EQUAL(ftl_input_line(&s.in, &rec), 0);
    src_close(&s);
    ftl_buf_free(&b);
    free(line);
}

static void test_reader_line_too_big_skipped_next_intact(void)
{
    size_t n = 5 * MiB;
    struct ftl_buf b = { 0 };
    struct src s;
    struct ftl_record rec;
    char *line = text_lines(n);

    for (size_t i = 0; i < n; i++)
        if (line[i] == '\n')
            line[i] = '.';
    ftl_buf_add(&b, "first\n", 6);
    ftl_buf_add(&b, line, n);
    ftl_buf_add(&b, "\nafter\nand more\n", 16);
    src_open(&s, ".txt", b.data, b.len, MiB);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 5 && memcmp(rec.data, "first", 5) == 0);
    CU_ASSERT_EQUAL(rec.problem, FTL_OK);

    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_ETOOBIG);
    CU_ASSERT_EQUAL(rec.len, KEEP_BYTES);
    CU_ASSERT(rec.len == KEEP_BYTES && memcmp(rec.data, line, KEEP_BYTES) == 0);
    CU_ASSERT_EQUAL(rec.no, 2);
    CU_ASSERT_EQUAL(rec.line, 2);
    CU_ASSERT_EQUAL(rec.offset, 6);
    /* the window never grew to the size of the line */
    CU_ASSERT(s.in.cap <= MiB + KEEP_BYTES);

    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_OK);
    CU_ASSERT(rec.len == 5 && memcmp(rec.data, "after", 5) == 0);
    CU_ASSERT_EQUAL(rec.no, 3);
    CU_ASSERT_EQUAL(rec.line, 3);
    CU_ASSERT_EQUAL(rec.offset, 6 + n + 1);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 8 && memcmp(rec.data, "and more", 8) == 0);
    CU_ASSERT_EQUAL(rec.line, 4);
    CU_ASSERT_EQUAL(ftl_input_line(&s.in, &rec), 0);
    src_close(&s);
    ftl_buf_free(&b);
    free(line);
}

static void test_reader_line_exactly_max_record_kept(void)
{
    size_t n = MiB;
    struct ftl_buf b = { 0 };
    struct src s;
    struct ftl_record rec;

    ftl_buf_grow(&b, n + 8);
    memset(b.data, 'q', n);
    b.len = n;
    ftl_buf_add(&b, "\nz\n", 3);
    src_open(&s, ".txt", b.data, b.len, MiB);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_OK);
    CU_ASSERT_EQUAL(rec.len, n);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 1 && rec.data[0] == 'z');
    src_close(&s);
    ftl_buf_free(&b);
}

/*
 * Regression test: a bug in reader.c fill/next_record, fixed in 247fdb3.
 * The window limit is max_record + TOOBIG_KEEP and nothing compares the
 * record length with max_record, so a line up to ~64 KiB longer than
 * max_record is returned whole with problem FTL_OK, against reader.h ("never
 * beyond max_record bytes; a larger record is skipped and reported as
 * FTL_ETOOBIG").
 */
static void test_reader_line_just_over_max_record_is_too_big(void)
{
    size_t n = MiB + 1000;
    struct ftl_buf b = { 0 };
    struct src s;
    struct ftl_record rec;

    ftl_buf_grow(&b, n + 8);
    memset(b.data, 'q', n);
    b.len = n;
    ftl_buf_add(&b, "\nz\n", 3);
    src_open(&s, ".txt", b.data, b.len, MiB);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    if (rec.problem != FTL_ETOOBIG)
        fprintf(stderr, "\n  a %zu-byte line with max_record %zu: problem %d, len %zu\n",
                n, MiB, (int)rec.problem, rec.len);
    CU_ASSERT_EQUAL(rec.problem, FTL_ETOOBIG);
    CU_ASSERT(rec.len <= KEEP_BYTES);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 1 && rec.data[0] == 'z');
    CU_ASSERT_EQUAL(rec.line, 2);
    src_close(&s);
    ftl_buf_free(&b);
}

/*
 * Regression test (reader.c next_record, the "rec_len > max_record" branch added in
 * 247fdb3): the kept head is always TOOBIG_KEEP (64 KiB) bytes from the
 * record start, even when the record is shorter than that - possible
 * whenever max_record < 64 KiB (the API allows any max_record). The kept
 * "head" then holds the following records and, past in->end, bytes that
 * were never read (a heap overread under ASan when the record starts deep
 * in the window). Fix: keep min(rec_len, TOOBIG_KEEP) bytes.
 */
static void test_reader_too_big_keep_with_max_record_under_64k(void)
{
    size_t big = 3000, huge = 100000;
    struct ftl_buf b = { 0 };
    struct src s;
    struct ftl_record rec;
    int64_t lineno;

    for (int i = 0; i < 20; i++) {
        for (int j = 0; j < 500; j++)
            ftl_buf_addch(&b, 'a');
        ftl_buf_addch(&b, '\n');
    }
    for (size_t j = 0; j < big; j++)
        ftl_buf_addch(&b, 'q');
    ftl_buf_addstr(&b, "\nafter\n");
    for (size_t j = 0; j < huge; j++)
        ftl_buf_addch(&b, 'r');
    ftl_buf_addstr(&b, "\nend\n");
    src_open(&s, ".txt", b.data, b.len, 1000);
    for (lineno = 1; lineno <= 20; lineno++) {
        CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
        CU_ASSERT(rec.len == 500 && rec.problem == FTL_OK);
    }
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_ETOOBIG);
    if (rec.len > big)
        fprintf(stderr, "\n  a %zu-byte record kept as %zu bytes\n", big, rec.len);
    CU_ASSERT(rec.len > 0 && rec.len <= big);
    CU_ASSERT(rec.len <= big && memspn_is(rec.data, rec.len, 'q'));
    CU_ASSERT_EQUAL(rec.line, 21);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 5 && memcmp(rec.data, "after", 5) == 0);
    CU_ASSERT_EQUAL(rec.problem, FTL_OK);
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_ETOOBIG);
    CU_ASSERT(rec.len > 0 && rec.len <= KEEP_BYTES && memspn_is(rec.data, rec.len, 'r'));
    CU_ASSERT_EQUAL_FATAL(ftl_input_line(&s.in, &rec), 1);
    CU_ASSERT(rec.len == 3 && memcmp(rec.data, "end", 3) == 0);
    CU_ASSERT_EQUAL(rec.line, 24);
    CU_ASSERT_EQUAL(ftl_input_line(&s.in, &rec), 0);
    src_close(&s);
    ftl_buf_free(&b);
}

static void test_reader_line_gzip_members_split_lines(void)
{
    static const char *parts[] = { "ab", "c\nde", "\n", "f\r", "\ng" };
    struct ftl_buf file = { 0 };
    struct recs r;

    for (size_t i = 0; i < 5; i++) {
        size_t zlen;
        unsigned char *z = gz(parts[i], strlen(parts[i]), &zlen);

        ftl_buf_add(&file, z, zlen);
        free(z);
    }
    split_file(".txt", file.data, file.len, 0, SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 0, "abc", 1);
    REC(r, 1, "de", 2);
    REC(r, 2, "f", 3);
    REC(r, 3, "g", 4);
    CU_ASSERT_EQUAL(r.problem[3], FTL_OK);
    CU_ASSERT_EQUAL(r.status, FTL_OK);
    recs_free(&r);
    ftl_buf_free(&file);
}

static void test_reader_line_gzip_truncated_final_piece(void)
{
    static const char text[] = "line1\nline2\nhalf-of-line3\nline4\n";
    size_t offs[8], zlen, cut;
    unsigned char *z;
    struct recs r;

    /* "line1\nline2\nhal" | "f-of-line3\nline4\n"; cut at the flush point */
    cut = 15;
    z = gz_member(text, sizeof text - 1, 6, cut, offs, &zlen);
    split_file(".json", z, offs[0], 0, SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 3);
    REC(r, 0, "line1", 1);
    REC(r, 1, "line2", 2);
    REC(r, 2, "hal", 3);
    CU_ASSERT_EQUAL(r.problem[0], FTL_OK);
    CU_ASSERT_EQUAL(r.problem[1], FTL_OK);
    CU_ASSERT_EQUAL(r.problem[2], FTL_ETRUNCATED);
    CU_ASSERT_EQUAL(r.status, FTL_ETRUNCATED);
    recs_free(&r);

    /* cut right after a newline: no partial piece, but the status says so */
    cut = 12;
    free(z);
    z = gz_member(text, sizeof text - 1, 6, cut, offs, &zlen);
    split_file(".json", z, offs[0], 0, SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 1, "line2", 2);
    CU_ASSERT_EQUAL(r.problem[1], FTL_OK);
    CU_ASSERT_EQUAL(r.status, FTL_ETRUNCATED);
    recs_free(&r);

    /* the whole stream: no problem anywhere */
    split_file(".json", z, zlen, 0, SPLIT_LINE, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 2, "half-of-line3", 3);
    CU_ASSERT_EQUAL(r.problem[3], FTL_OK);
    CU_ASSERT_EQUAL(r.status, FTL_OK);
    recs_free(&r);
    free(z);
}

/* ------------------------------------------------- JSON */

static void test_reader_json_lines_broken_line_isolated(void)
{
    static const char text[] =
        "{\"a\":1}\n"
        "{\"b\":\n"
        "\n"
        "{\"c\":\"x}\"}\r\n"
        "   \n"
        "{\"d\":[4]}";
    struct recs r;

    split_text(text, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 0, "{\"a\":1}", 1);
    REC(r, 1, "{\"b\":", 2);
    REC(r, 2, "{\"c\":\"x}\"}", 4);
    REC(r, 3, "{\"d\":[4]}", 6);
    CU_ASSERT_EQUAL(r.records, 4);   /* blank lines are not records */
    CU_ASSERT_EQUAL(r.off[2], strstr(text, "{\"c\"") - text);
    recs_free(&r);

    /* the first line is the broken one */
    split_text("{\"a\":[1,\n{\"b\":2}\n{\"c\":3}\n", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 3);
    REC(r, 0, "{\"a\":[1,", 1);
    REC(r, 1, "{\"b\":2}", 2);
    REC(r, 2, "{\"c\":3}", 3);
    recs_free(&r);

    /* a broken line at the very end */
    split_text("{\"a\":1}\n{\"b\":\"open string\n", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 1, "{\"b\":\"open string", 2);
    recs_free(&r);
}

static void test_reader_json_array_pretty_printed(void)
{
    static const char text[] =
        "[\n"
        "  {\n"
        "    \"a\": 1\n"
        "  },\n"
        "  {\n"
        "    \"b\": [1, 2, {\"c\": \"]\"}],\n"
        "    \"d\": {\"e\": {}}\n"
        "  }\n"
        "  ,\n"
        "  \"str\",\n"
        "  42,\n"
        "  [1, [2, 3]],\n"
        "  null\n"
        "]\n";
    static const char *want[] = {
        "{\n    \"a\": 1\n  }",
        "{\n    \"b\": [1, 2, {\"c\": \"]\"}],\n    \"d\": {\"e\": {}}\n  }",
        "\"str\"", "42", "[1, [2, 3]]", "null",
    };
    static const int lines[] = { 2, 5, 10, 11, 12, 13 };
    struct recs r;

    split_text(text, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 6);
    for (size_t i = 0; i < 6; i++) {
        REC(r, i, want[i], lines[i]);
        if (i < r.n)
            CU_ASSERT_EQUAL(r.off[i], (uint64_t)(strstr(text, want[i]) - text));
    }
    recs_free(&r);
}

static void test_reader_json_strings_with_structural_characters(void)
{
    /* brackets, braces and commas in strings; \" inside; \\ at string ends */
    static const char *elems[] = {
        "{\"s\":\"a]b}c,d{e[f\",\"q\":\"say \\\"hi\\\" ]\"}",
        "{\"bs\":\"ends with backslash\\\\\"}",
        "{\"t\":\"\\\\\",\"u\":\"\\\\\\\"}\"}",
        "{\"k\\\"]\":[\"}\",{\"x\":\"[\"}]}",
        "\"top \\\"string\\\" ] }\"",
    };
    struct ftl_buf b = { 0 };
    struct recs r;

    ftl_buf_addch(&b, '[');
    for (size_t i = 0; i < 5; i++) {
        if (i)
            ftl_buf_addstr(&b, i % 2 ? "," : ",\n ");
        ftl_buf_addstr(&b, elems[i]);
    }
    ftl_buf_addstr(&b, "]");
    split_text(b.data, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 5);
    for (size_t i = 0; i < 5 && i < r.n; i++) {
        cJSON *v = cJSON_ParseWithLength(r.data[i], r.len[i]);

        CU_ASSERT_STRING_EQUAL(r.data[i], elems[i]);
        CU_ASSERT_PTR_NOT_NULL(v);   /* each element is whole */
        cJSON_Delete(v);
    }
    recs_free(&r);

    /* the same as JSON Lines */
    ftl_buf_reset(&b);
    for (size_t i = 0; i < 4; i++) {
        ftl_buf_addstr(&b, elems[i]);
        ftl_buf_addch(&b, '\n');
    }
    split_text(b.data, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    for (size_t i = 0; i < 4; i++)
        REC(r, i, elems[i], (int)i + 1);
    recs_free(&r);

    /* and pretty-printed objects one after another */
    ftl_buf_reset(&b);
    ftl_buf_addstr(&b, "{\n \"x\": \"}\\\\\",\n \"y\": \"\\\\\\\"{\"\n}\n{\n \"z\": 1\n}\n");
    split_text(b.data, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "{\n \"x\": \"}\\\\\",\n \"y\": \"\\\\\\\"{\"\n}", 1);
    REC(r, 1, "{\n \"z\": 1\n}", 5);
    recs_free(&r);
    ftl_buf_free(&b);
}

static void test_reader_json_empty_array(void)
{
    struct recs r;

    split_text("[]", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 0);
    CU_ASSERT_EQUAL(r.records, 0);
    recs_free(&r);
    split_text("  [\n\n  ]\n  ", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 0);
    recs_free(&r);
    split_text("", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 0);
    recs_free(&r);
    split_text(" \n\t\n", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 0);
    recs_free(&r);
}

static void test_reader_json_concatenated_pretty_objects(void)
{
    static const char text[] =
        "{\n"
        "  \"a\": 1,\n"
        "  \"n\": {\"b\": [1, {\"c\": 2}]}\n"
        "}\n"
        "{\n"
        "  \"d\": \"{\"\n"
        "}\n"
        "\n"
        "{\"e\":3}{\"f\":4}\n";
    struct recs r;

    split_text(text, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 0, "{\n  \"a\": 1,\n  \"n\": {\"b\": [1, {\"c\": 2}]}\n}", 1);
    REC(r, 1, "{\n  \"d\": \"{\"\n}", 5);
    REC(r, 2, "{\"e\":3}", 9);
    REC(r, 3, "{\"f\":4}", 9);
    recs_free(&r);
}

static const char *const records_key[] = { "Records", NULL };
static const char *const value_key[] = { "value", NULL };

static void test_reader_json_wrapper_pretty(void)
{
    static const char text[] =
        "{\n"
        "  \"Records\": [\n"
        "    {\n"
        "      \"eventID\": \"1\",\n"
        "      \"requestParameters\": {\"Records\": [\"not these\"]}\n"
        "    },\n"
        "    {\"eventID\": \"2\"}\n"
        "  ]\n"
        "}\n";
    struct recs r;

    split_text(text, SPLIT_JSON, records_key, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "{\n      \"eventID\": \"1\",\n      \"requestParameters\": "
              "{\"Records\": [\"not these\"]}\n    }", 3);
    REC(r, 1, "{\"eventID\": \"2\"}", 7);
    CU_ASSERT_EQUAL(r.records, 2);
    recs_free(&r);

    /* the key compares case-insensitively */
    {
        static const char *const lower[] = { "records", NULL };

        split_text(text, SPLIT_JSON, lower, &r);
        CU_ASSERT_EQUAL(r.n, 2);
        recs_free(&r);
    }
    /* without wrap keys, the wrapper is one record */
    split_text(text, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 1);
    REC(r, 0, "{\n  \"Records\": [\n    {\n      \"eventID\": \"1\",\n      "
              "\"requestParameters\": {\"Records\": [\"not these\"]}\n    },\n"
              "    {\"eventID\": \"2\"}\n  ]\n}", 1);
    recs_free(&r);
    /* an empty record array gives nothing */
    split_text("{\n  \"Records\": []\n}\n", SPLIT_JSON, records_key, &r);
    CU_ASSERT_EQUAL(r.n, 0);
    CU_ASSERT_EQUAL(r.records, 0);
    recs_free(&r);
}

static void test_reader_json_wrapper_keys_before_and_after(void)
{
    static const char text[] =
        "{\n"
        "  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns\",\n"
        "  \"meta\": {\"value\": [\"nested, not the records\"], \"x\": \"]\"},\n"
        "  \"other\": [{\"value\": 1}],\n"
        "  \"value\": [\n"
        "    {\"id\": \"1\", \"s\": \"]}\"},\n"
        "    {\"id\": \"2\"}\n"
        "  ],\n"
        "  \"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=ab]c}\"\n"
        "}\n";
    struct recs r;

    split_text(text, SPLIT_JSON, value_key, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "{\"id\": \"1\", \"s\": \"]}\"}", 6);
    REC(r, 1, "{\"id\": \"2\"}", 7);
    CU_ASSERT_EQUAL(r.records, 2);
    recs_free(&r);
}

static void test_reader_json_wrapper_objects_concatenated_pretty(void)
{
    static const char text[] =
        "{\n"
        "  \"Records\": [\n"
        "    {\"eventID\": \"1\"},\n"
        "    {\"eventID\": \"2\"}\n"
        "  ]\n"
        "}\n"
        "{\n"
        "  \"Records\": [\n"
        "    {\"eventID\": \"3\"}\n"
        "  ],\n"
        "  \"after\": {\"x\": [1]}\n"
        "}\n"
        "{\n"
        "  \"Records\": [\n"
        "    {\"eventID\": \"4\"}\n"
        "  ]\n"
        "}\n";
    struct recs r;

    split_text(text, SPLIT_JSON, records_key, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 0, "{\"eventID\": \"1\"}", 3);
    REC(r, 1, "{\"eventID\": \"2\"}", 4);
    REC(r, 2, "{\"eventID\": \"3\"}", 9);
    REC(r, 3, "{\"eventID\": \"4\"}", 15);
    recs_free(&r);
}

/*
 * Regression test: a bug in reader.c json_decide, fixed in 247fdb3.
 * A wrapper object written on one line - the way CloudTrail writes its S3
 * objects, {"Records":[...]} - has a complete first line, so the file is
 * taken as JSON Lines and the whole wrapper comes back as one record;
 * wrap_keys are never looked at. Concatenated CloudTrail files give one
 * record per file instead of one per event.
 */
static void test_reader_json_wrapper_single_line(void)
{
    static const char one[] =
        "{\"Records\":[{\"eventID\":\"1\",\"x\":\"]\"},{\"eventID\":\"2\"}]}\n";
    static const char two[] =
        "{\"Records\":[{\"eventID\":\"1\"},{\"eventID\":\"2\"}]}"
        "{\"Records\":[{\"eventID\":\"3\"}]}\n"
        "{\"@odata.context\":\"c\",\"Records\":[{\"eventID\":\"4\"}],\"next\":\"n\"}\n";
    size_t zlen;
    unsigned char *z;
    struct recs r;

    split_text(one, SPLIT_JSON, records_key, &r);
    if (r.n != 2)
        fprintf(stderr, "\n  one-line wrapper: %zu records, first [%s]\n", r.n,
                r.n ? r.data[0] : "");
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "{\"eventID\":\"1\",\"x\":\"]\"}", 1);
    REC(r, 1, "{\"eventID\":\"2\"}", 1);
    recs_free(&r);

    /* CloudTrail's own shape: gzip, one line */
    z = gz(one, sizeof one - 1, &zlen);
    split_file(".json.gz", z, zlen, 0, SPLIT_JSON, records_key, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    recs_free(&r);
    free(z);

    split_text(two, SPLIT_JSON, records_key, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 3, "{\"eventID\":\"4\"}", 2);
    recs_free(&r);
}

static void test_reader_json_gzip_truncated_array(void)
{
    static const char text[] =
        "[\n{\"a\":1},\n{\"b\":\"long value cut by the damage\"},\n{\"c\":3}\n]\n";
    size_t offs[8], zlen, cut = (size_t)(strstr(text, "long") - text);
    unsigned char *z = gz_member(text, sizeof text - 1, 6, cut, offs, &zlen);
    struct recs r;

    split_file(".json.gz", z, offs[0], 0, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "{\"a\":1}", 2);
    CU_ASSERT_EQUAL(r.problem[0], FTL_OK);
    REC(r, 1, "{\"b\":\"", 3);
    if (r.n == 2)
        CU_ASSERT_EQUAL(r.problem[1], FTL_ETRUNCATED);
    CU_ASSERT_EQUAL(r.status, FTL_ETRUNCATED);
    recs_free(&r);
    free(z);
}

/*
 * Regression test (minor; reader.c jvalue_eof, structural JSON mode): when an
 * undamaged file ends inside a value (array or object never closed, string
 * never ended), the rest is handed out with problem FTL_OK. reader.h lists
 * FTL_EPARSE for "structure broken; data holds what was read", the CSV
 * splitter does report it for an unclosed quote, and the UAL importer's
 * message for it is "unterminated quote or bracket"; for JSON the importer
 * only learns of it from a cJSON parse failure. Fix: in jvalue_eof, set
 * problem FTL_EPARSE when st->depth > 0 or st->in_str (next_record would
 * need a way to take the problem from at_eof).
 */
static void test_reader_json_unterminated_value_at_eof_is_eparse(void)
{
    static const char *texts[] = {
        "[{\"a\":1},{\"b\":[1,2",
        "[{\"a\":1},\"open string",
        "{\n  \"a\": 1\n}\n{\n  \"b\": {\"c\": [\n",
    };
    struct recs r;

    for (size_t i = 0; i < 3; i++) {
        split_text(texts[i], SPLIT_JSON, NULL, &r);
        CU_ASSERT_EQUAL(r.n, 2);
        CU_ASSERT(r.n >= 1 && r.problem[0] == FTL_OK);
        if (r.n == 2 && r.problem[1] != FTL_EPARSE)
            fprintf(stderr, "\n  unterminated [%s]: problem %d\n", r.data[1],
                    (int)r.problem[1]);
        CU_ASSERT(r.n == 2 && r.problem[1] == FTL_EPARSE);
        CU_ASSERT_EQUAL(r.status, FTL_OK);
        recs_free(&r);
    }
}

static void test_reader_json_bom_skipped(void)
{
    struct recs r;

    split_text("\xEF\xBB\xBF[{\"a\":1},\n{\"b\":2}]", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "{\"a\":1}", 1);
    REC(r, 1, "{\"b\":2}", 2);
    recs_free(&r);
    split_text("\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}\n", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    REC(r, 0, "{\"a\":1}", 1);
    REC(r, 1, "{\"b\":2}", 2);
    recs_free(&r);
    split_text("\xEF\xBB\xBF{\n\"Records\": [{\"a\":1}]\n}", SPLIT_JSON, records_key, &r);
    CU_ASSERT_EQUAL(r.n, 1);
    REC(r, 0, "{\"a\":1}", 2);
    recs_free(&r);
}

/* A ~3.5 MiB JSON array (or JSON Lines), one element per line, read plain
 * or gzip-compressed; every element, line and offset must be right. */
static void check_big_json(int lines_mode, int gzip)
{
    enum { N = 10000 };
    struct ftl_buf b = { 0 };
    size_t *off = ftl_xmalloc(N * sizeof *off), *len = ftl_xmalloc(N * sizeof *len);
    struct src s;
    struct ftl_record rec;
    long bad = 0, k = 0;
    unsigned char *z = NULL;
    size_t zlen;

    if (!lines_mode)
        ftl_buf_addstr(&b, "[\n");
    for (int i = 0; i < N; i++) {
        size_t pad = 200 + (size_t)(i * 37 % 250);

        off[i] = b.len;
        ftl_buf_addf(&b, "{\"i\":%d,\"s\":\"a]\\\"}\\\\\",\"n\":[{\"x\":[]}],\"pad\":\"", i);
        for (size_t j = 0; j < pad; j++)
            ftl_buf_addch(&b, (char)('a' + (j + (size_t)i) % 26));
        ftl_buf_addstr(&b, "\"}");
        len[i] = b.len - off[i];
        ftl_buf_addstr(&b, lines_mode || i == N - 1 ? "\n" : ",\n");
    }
    if (!lines_mode)
        ftl_buf_addstr(&b, "]\n");
    CU_ASSERT(b.len > 3 * MiB);
    if (gzip) {
        z = gz(b.data, b.len, &zlen);
        src_open(&s, ".json", z, zlen, 0);
    } else {
        src_open(&s, ".json", b.data, b.len, 0);
    }
    while (ftl_input_json(&s.in, NULL, &rec)) {
        int64_t want_line = lines_mode ? k + 1 : k + 2;

        if (k >= N || rec.len != len[k] || rec.offset != off[k] ||
            memcmp(rec.data, b.data + off[k], len[k]) != 0 ||
            rec.line != want_line || rec.no != k + 1 || rec.problem != FTL_OK) {
            if (bad++ == 0)
                fprintf(stderr, "\n  element %ld: len %zu line %lld off %llu\n",
                        k, rec.len, (long long)rec.line,
                        (unsigned long long)rec.offset);
        }
        k++;
    }
    CU_ASSERT_EQUAL(k, N);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(s.in.status, FTL_OK);
    src_close(&s);
    ftl_buf_free(&b);
    free(off);
    free(len);
    free(z);
}

static void test_reader_json_array_spans_window_refills(void)
{
    check_big_json(0, 0);
}

static void test_reader_json_array_spans_window_refills_gzip(void)
{
    check_big_json(0, 1);
}

static void test_reader_json_lines_span_window_refills(void)
{
    check_big_json(1, 0);
}

static void test_reader_json_element_too_big_neighbours_intact(void)
{
    size_t n = 5 * MiB;
    struct ftl_buf b = { 0 };
    struct recs r;

    /* structural characters inside the big string must not end it */
    ftl_buf_addstr(&b, "[\n{\"a\":1},\n{\"big\":\"");
    for (size_t i = 0; i < n; i++)
        ftl_buf_addch(&b, i % 100 == 99 ? '}' : (i % 100 == 98 ? ']' : 'x'));
    ftl_buf_addstr(&b, "\"},\n{\"c\":3}\n]\n");
    split_file(".json", b.data, b.len, MiB, SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 3);
    REC(r, 0, "{\"a\":1}", 2);
    CU_ASSERT_EQUAL(r.problem[0], FTL_OK);
    if (r.n >= 3) {
        CU_ASSERT_EQUAL(r.problem[1], FTL_ETOOBIG);
        CU_ASSERT_EQUAL(r.len[1], KEEP_BYTES);
        CU_ASSERT(memcmp(r.data[1], "{\"big\":\"xxx", 11) == 0);
        CU_ASSERT_EQUAL(r.line[1], 3);
        CU_ASSERT_EQUAL(r.off[1], 11);
        REC(r, 2, "{\"c\":3}", 4);
        CU_ASSERT_EQUAL(r.problem[2], FTL_OK);
    }
    recs_free(&r);
    ftl_buf_free(&b);
}

/*
 * Regression test: a bug in reader.c json_decide, fixed in 247fdb3.
 * The layout is decided from a 1 MiB peek. When the first JSON Lines record
 * is longer than that (MailItemsAccessed records with thousands of
 * FolderItems are), no newline is seen, the file is split structurally, and
 * one broken line later swallows every record after it - the very thing JSON
 * Lines mode exists to prevent.
 */
static void test_reader_json_lines_first_line_over_1mib(void)
{
    struct ftl_buf b = { 0 };
    struct recs r;

    ftl_buf_addstr(&b, "{\"Id\":\"1\",\"Folders\":[");
    for (int i = 0; b.len < MiB + MiB / 2; i++)
        ftl_buf_addf(&b, "%s{\"Path\":\"\\\\Inbox\",\"n\":%d}", i ? "," : "", i);
    ftl_buf_addstr(&b, "]}\n{\"Id\":\"2\",\"broken\":\n{\"Id\":\"3\"}\n{\"Id\":\"4\"}\n");
    split_file(".json", b.data, b.len, 0, SPLIT_JSON, NULL, &r);
    if (r.n != 4)
        fprintf(stderr, "\n  %zu records; record 2 is %zu bytes\n", r.n,
                r.n > 1 ? r.len[1] : 0);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 1, "{\"Id\":\"2\",\"broken\":", 2);
    REC(r, 2, "{\"Id\":\"3\"}", 3);
    REC(r, 3, "{\"Id\":\"4\"}", 4);
    recs_free(&r);
    ftl_buf_free(&b);
}

/* ------------------------------------------------- CSV */

/* Every CSV record of text, with its cells joined by '|' for comparison. */
struct csvrecs {
    size_t n;
    char *raw[MAXRECS];
    char *cells[MAXRECS];
    size_t ncells[MAXRECS];
    int64_t line[MAXRECS], no[MAXRECS];
    uint64_t off[MAXRECS];
    ftl_rc problem[MAXRECS];
};

static void csv_all(const void *text, size_t n, size_t max_record,
                    struct csvrecs *out)
{
    struct src s;
    struct ftl_record rec;
    const struct ftl_cell *cells;
    size_t ncells;

    memset(out, 0, sizeof *out);
    src_open(&s, ".csv", text, n, max_record);
    while (ftl_input_csv(&s.in, &rec, &cells, &ncells)) {
        struct ftl_buf j = { 0 };

        CU_ASSERT_FATAL(out->n < MAXRECS);
        for (size_t i = 0; i < ncells; i++) {
            if (i)
                ftl_buf_addch(&j, '|');
            /* cells are NUL-terminated at len */
            CU_ASSERT_EQUAL(cells[i].p[cells[i].len], '\0');
            ftl_buf_add(&j, cells[i].p, cells[i].len);
        }
        out->raw[out->n] = ftl_xstrndup(rec.data, rec.len);
        out->cells[out->n] = ftl_xstrndup(ftl_buf_str(&j), j.len);
        out->ncells[out->n] = ncells;
        out->line[out->n] = rec.line;
        out->no[out->n] = rec.no;
        out->off[out->n] = rec.offset;
        out->problem[out->n] = rec.problem;
        out->n++;
        ftl_buf_free(&j);
    }
    src_close(&s);
}

static void csvrecs_free(struct csvrecs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->raw[i]);
        free(r->cells[i]);
    }
    r->n = 0;
}

#define CSV(r, i, rawtext, joined, nc, lineno)                              \
    do {                                                                    \
        if ((r).n <= (size_t)(i)) {                                         \
            fprintf(stderr, "\n  line %d: no CSV record %d\n", __LINE__,    \
                    (int)(i));                                              \
            CU_FAIL("CSV record missing");                                  \
            break;                                                          \
        }                                                                   \
        if (strcmp((r).raw[i], rawtext) || strcmp((r).cells[i], joined) ||  \
            (r).ncells[i] != (nc) || (r).line[i] != (lineno))               \
            fprintf(stderr, "\n  line %d: CSV record %d raw [%s] cells "    \
                    "[%s] (%zu) line %lld\n", __LINE__, (int)(i),           \
                    (r).raw[i], (r).cells[i], (r).ncells[i],                \
                    (long long)(r).line[i]);                                \
        CU_ASSERT_STRING_EQUAL((r).raw[i], rawtext);                        \
        CU_ASSERT_STRING_EQUAL((r).cells[i], joined);                       \
        CU_ASSERT_EQUAL((r).ncells[i], (size_t)(nc));                       \
        CU_ASSERT_EQUAL((r).line[i], (int64_t)(lineno));                    \
        CU_ASSERT_EQUAL((r).no[i], (int64_t)(i) + 1);                       \
    } while (0)

static void test_reader_csv_purview_quoting(void)
{
    static const char text[] =
        "RecordId,CreationDate,AuditData\r\n"
        "1,2023-09-20T04:05:03 ,\"{\"\"Id\"\":\"\"a\"\",\"\"x\"\":\"\"l1\r\nl2\nl3\"\"}\"\r\n"
        "2,,\"say \"\"hi\"\", ok\"\r\n"
        "3,\"\",\"\"\"\"\r\n";
    struct csvrecs r;

    csv_all(text, sizeof text - 1, 0, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    CSV(r, 0, "RecordId,CreationDate,AuditData",
        "RecordId|CreationDate|AuditData", 3, 1);
    CSV(r, 1, "1,2023-09-20T04:05:03 ,\"{\"\"Id\"\":\"\"a\"\",\"\"x\"\":\"\"l1\r\nl2\nl3\"\"}\"",
        "1|2023-09-20T04:05:03 |{\"Id\":\"a\",\"x\":\"l1\r\nl2\nl3\"}", 3, 2);
    CSV(r, 2, "2,,\"say \"\"hi\"\", ok\"", "2||say \"hi\", ok", 3, 5);
    CSV(r, 3, "3,\"\",\"\"\"\"", "3||\"", 3, 6);
    for (size_t i = 0; i < r.n; i++)
        CU_ASSERT_EQUAL(r.problem[i], FTL_OK);
    CU_ASSERT_EQUAL(r.off[1], 33);
    CU_ASSERT_EQUAL(r.off[2], (uint64_t)(strstr(text, "2,,") - text));
    csvrecs_free(&r);
}

static void test_reader_csv_empty_and_trailing_fields(void)
{
    static const char text[] = "a,,b,\n,\n\n\"\"\nx,\"\"\n,,\nlast,";
    struct csvrecs r;

    csv_all(text, sizeof text - 1, 0, &r);
    CU_ASSERT_EQUAL(r.n, 7);
    CSV(r, 0, "a,,b,", "a||b|", 4, 1);
    CSV(r, 1, ",", "|", 2, 2);
    CSV(r, 2, "", "", 1, 3);          /* a blank line: one empty cell */
    CSV(r, 3, "\"\"", "", 1, 4);
    CSV(r, 4, "x,\"\"", "x|", 2, 5);
    CSV(r, 5, ",,", "||", 3, 6);
    CSV(r, 6, "last,", "last|", 2, 7);   /* no final newline: not an error */
    CU_ASSERT_EQUAL(r.problem[6], FTL_OK);
    csvrecs_free(&r);
}

static void test_reader_csv_bom_skipped(void)
{
    static const char text[] = "\xEF\xBB\xBF" "CreationDate,UserIds\r\nd,u\r\n";
    struct csvrecs r;

    csv_all(text, sizeof text - 1, 0, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    CSV(r, 0, "CreationDate,UserIds", "CreationDate|UserIds", 2, 1);
    CSV(r, 1, "d,u", "d|u", 2, 2);
    CU_ASSERT_EQUAL(r.off[0], 3);
    csvrecs_free(&r);
}

static void test_reader_csv_quote_inside_unquoted_field_is_literal(void)
{
    static const char text[] = "ab\"c,d\"e\"f,5\" screen\nnext,line\n";
    struct csvrecs r;

    csv_all(text, sizeof text - 1, 0, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    CSV(r, 0, "ab\"c,d\"e\"f,5\" screen", "ab\"c|d\"e\"f|5\" screen", 3, 1);
    CSV(r, 1, "next,line", "next|line", 2, 2);
    CU_ASSERT_EQUAL(r.problem[0], FTL_OK);
    csvrecs_free(&r);
}

static void test_reader_csv_text_after_closing_quote(void)
{
    static const char text[] = "\"ab\"c,d\n";
    struct csvrecs r;

    csv_all(text, sizeof text - 1, 0, &r);
    CU_ASSERT_EQUAL(r.n, 1);
    CU_ASSERT(r.n == 1 && r.ncells[0] == 2);
    CU_ASSERT(r.n == 1 && strcmp(r.raw[0], "\"ab\"c,d") == 0);
    CU_ASSERT(r.n == 1 && strncmp(r.cells[0], "ab", 2) == 0);
    csvrecs_free(&r);
}

static void test_reader_csv_unclosed_quote_at_eof(void)
{
    static const char text[] = "a,b\n1,\"never closed\nmore, text\n";
    struct csvrecs r;

    csv_all(text, sizeof text - 1, 0, &r);
    CU_ASSERT_EQUAL(r.n, 2);
    CSV(r, 0, "a,b", "a|b", 2, 1);
    CU_ASSERT_EQUAL(r.problem[0], FTL_OK);
    if (r.n == 2) {
        CU_ASSERT_EQUAL(r.problem[1], FTL_EPARSE);
        CU_ASSERT_EQUAL(r.line[1], 2);
        CU_ASSERT(strncmp(r.raw[1], "1,\"never closed\nmore, text", 26) == 0);
        CU_ASSERT(strncmp(r.cells[1], "1|never closed\nmore, text", 25) == 0);
        CU_ASSERT_EQUAL(r.ncells[1], 2);
    }
    csvrecs_free(&r);

    /* "" at the end is an escaped quote, not a closing one */
    csv_all("x,\"ab\"\"", 7, 0, &r);
    CU_ASSERT(r.n == 1 && r.problem[0] == FTL_EPARSE);
    csvrecs_free(&r);
    /* a closing quote right at EOF is fine */
    csv_all("x,\"ab\"", 6, 0, &r);
    CU_ASSERT(r.n == 1 && r.problem[0] == FTL_OK);
    CSV(r, 0, "x,\"ab\"", "x|ab", 2, 1);
    csvrecs_free(&r);
}

static void test_reader_csv_line_numbers_after_embedded_newlines(void)
{
    static const char text[] =
        "h1,h2\n"
        "\"a\nb\nc\",\"d\r\ne\"\n"
        "x,y\n"
        "\"\n\",z\r\n"
        "w,v\n";
    struct csvrecs r;

    csv_all(text, sizeof text - 1, 0, &r);
    CU_ASSERT_EQUAL(r.n, 5);
    CSV(r, 0, "h1,h2", "h1|h2", 2, 1);
    CSV(r, 1, "\"a\nb\nc\",\"d\r\ne\"", "a\nb\nc|d\r\ne", 2, 2);
    CSV(r, 2, "x,y", "x|y", 2, 6);
    CSV(r, 3, "\"\n\",z", "\n|z", 2, 7);
    CSV(r, 4, "w,v", "w|v", 2, 9);
    csvrecs_free(&r);
}

static void test_reader_csv_big_quoted_field_spans_refills(void)
{
    size_t n = 3 * MiB;
    struct ftl_buf file = { 0 }, want = { 0 };
    struct src s;
    struct ftl_record rec;
    const struct ftl_cell *cells;
    size_t ncells, raw_len;
    int64_t newlines = 0;

    ftl_buf_addstr(&file, "id,AuditData,tail\r\n1,\"");
    for (size_t i = 0; i < n; i++) {
        char c = (char)('a' + i % 26);

        if (i % 997 == 0) {
            ftl_buf_addstr(&file, "\"\"");
            ftl_buf_addch(&want, '"');
        } else if (i % 4999 == 0) {
            ftl_buf_addstr(&file, "\r\n");
            ftl_buf_addstr(&want, "\r\n");
            newlines++;
        } else {
            ftl_buf_addch(&file, c);
            ftl_buf_addch(&want, c);
        }
    }
    ftl_buf_addstr(&file, "\",end\r\n2,short,t\r\n");
    raw_len = file.len - strlen("id,AuditData,tail\r\n") - strlen("\r\n2,short,t\r\n");

    src_open(&s, ".csv", file.data, file.len, 0);
    CU_ASSERT_EQUAL_FATAL(ftl_input_csv(&s.in, &rec, &cells, &ncells), 1);
    CU_ASSERT_EQUAL_FATAL(ftl_input_csv(&s.in, &rec, &cells, &ncells), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_OK);
    CU_ASSERT_EQUAL(rec.len, raw_len);
    CU_ASSERT_EQUAL(rec.line, 2);
    CU_ASSERT_EQUAL_FATAL(ncells, 3);
    CU_ASSERT(cells[0].len == 1 && cells[0].p[0] == '1');
    CU_ASSERT_EQUAL(cells[1].len, want.len);
    CU_ASSERT(cells[1].len == want.len && memcmp(cells[1].p, want.data, want.len) == 0);
    CU_ASSERT_STRING_EQUAL(cells[2].p, "end");
    CU_ASSERT_EQUAL_FATAL(ftl_input_csv(&s.in, &rec, &cells, &ncells), 1);
    CU_ASSERT_EQUAL(rec.line, 3 + newlines);
    CU_ASSERT_EQUAL(rec.no, 3);
    CU_ASSERT_EQUAL_FATAL(ncells, 3);
    CU_ASSERT_STRING_EQUAL(cells[1].p, "short");
    CU_ASSERT_EQUAL(ftl_input_csv(&s.in, &rec, &cells, &ncells), 0);
    src_close(&s);
    ftl_buf_free(&file);
    ftl_buf_free(&want);
}

static void test_reader_csv_record_too_big_next_intact(void)
{
    size_t n = 3 * MiB;
    struct ftl_buf file = { 0 };
    struct src s;
    struct ftl_record rec;
    const struct ftl_cell *cells;
    size_t ncells;

    ftl_buf_addstr(&file, "h\n\"");
    for (size_t i = 0; i < n; i++)
        ftl_buf_addch(&file, i % 1000 == 999 ? '\n' : 'x');
    ftl_buf_addstr(&file, "\"\r\nnext,ok\r\n");
    src_open(&s, ".csv", file.data, file.len, MiB);
    CU_ASSERT_EQUAL_FATAL(ftl_input_csv(&s.in, &rec, &cells, &ncells), 1);
    CU_ASSERT_EQUAL_FATAL(ftl_input_csv(&s.in, &rec, &cells, &ncells), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_ETOOBIG);
    CU_ASSERT_EQUAL(rec.len, KEEP_BYTES);
    CU_ASSERT_EQUAL(rec.line, 2);
    CU_ASSERT_EQUAL_FATAL(ftl_input_csv(&s.in, &rec, &cells, &ncells), 1);
    CU_ASSERT_EQUAL(rec.problem, FTL_OK);
    CU_ASSERT_EQUAL(rec.no, 3);
    CU_ASSERT_EQUAL(rec.line, 2 + (int64_t)(n / 1000) + 1);
    CU_ASSERT_EQUAL_FATAL(ncells, 2);
    CU_ASSERT_STRING_EQUAL(cells[0].p, "next");
    CU_ASSERT_STRING_EQUAL(cells[1].p, "ok");
    src_close(&s);
    ftl_buf_free(&file);
}

/* ------------------------------------------------- UTF-8 */

/* ftl_utf8_invalid on an exact-size heap copy, so ASan sees overreads. */
static long utf8_at(const char *s, size_t len)
{
    char *copy = ftl_xmalloc(len ? len : 1);
    long r;

    memcpy(copy, s, len);
    r = ftl_utf8_invalid(copy, len);
    free(copy);
    return r;
}

#define U8(s, want)                                                         \
    do {                                                                    \
        long r_ = utf8_at(s, sizeof(s) - 1);                                \
        if (r_ != (want))                                                   \
            fprintf(stderr, "\n  line %d: utf8_invalid = %ld, want %ld\n",  \
                    __LINE__, r_, (long)(want));                            \
        CU_ASSERT_EQUAL(r_, (long)(want));                                  \
    } while (0)

static void test_reader_utf8_valid(void)
{
    U8("", -1);
    U8("plain ASCII text, long enough for the word loop", -1);
    U8("\x7f\x01", -1);
    U8("caf\xC3\xA9", -1);                  /* é */
    U8("\xC2\x80", -1);                     /* U+0080 */
    U8("\xDF\xBF", -1);                     /* U+07FF */
    U8("\xE0\xA0\x80", -1);                 /* U+0800 */
    U8("\xE2\x82\xAC", -1);                 /* € */
    U8("\xED\x9F\xBF", -1);                 /* U+D7FF */
    U8("\xEE\x80\x80", -1);                 /* U+E000 */
    U8("\xEF\xBF\xBF", -1);                 /* U+FFFF */
    U8("\xF0\x90\x80\x80", -1);             /* U+10000 */
    U8("\xF0\x9F\x98\x80", -1);             /* 😀 */
    U8("\xF4\x8F\xBF\xBF", -1);             /* U+10FFFF */
    U8("\xEF\xBB\xBF" "BOM then text", -1);
    U8("M\xC3\xBCller \xE2\x82\xAC \xF0\x9F\x98\x80 ok", -1);
}

static void test_reader_utf8_invalid_offsets(void)
{
    U8("\x80", 0);                          /* lone continuation */
    U8("ab\x80", 2);
    U8("ab\xBF" "cd", 2);
    U8("caf\xC3\xA9\x80", 5);
    U8("\xC0\x80", 0);                      /* overlong NUL */
    U8("x\xC1\xBF", 1);                     /* overlong */
    U8("\xE0\x80\x80", 0);                  /* overlong 3-byte */
    U8("\xE0\x9F\xBF", 0);
    U8("\xF0\x80\x80\x80", 0);              /* overlong 4-byte */
    U8("\xF0\x8F\xBF\xBF", 0);
    U8("\xED\xA0\x80", 0);                  /* surrogate U+D800 */
    U8("ok \xED\xBF\xBF", 3);               /* surrogate U+DFFF */
    U8("\xF4\x90\x80\x80", 0);              /* U+110000 */
    U8("\xF5\x80\x80\x80", 0);
    U8("\xF8\x88\x80\x80\x80", 0);
    U8("\xFE", 0);
    U8("\xFF", 0);
    U8("ab\xC3", 2);                        /* truncated at the end */
    U8("ab\xE2\x82", 2);
    U8("\xF0\x9F\x98", 0);
    U8("\xC3(", 0);                         /* bad continuation */
    U8("\xE2\x28\xA1", 0);
    U8("\xE2\x82\x28", 0);
    U8("\xF0\x9F\x98\x28", 0);
    U8("\xC3\xA9\xC3", 2);
    /* NUL: cannot be stored as text */
    U8("ab\0cd", 2);
    U8("\0", 0);
    U8("\xC3\xA9\0", 2);
}

static void test_reader_utf8_word_loop_boundaries(void)
{
    static const unsigned char bad[] = { 0x80, 0x00, 0xFF, 0xC0, 0xED };
    char buf[80];
    long fails = 0;

    for (size_t len = 1; len <= 72; len++) {
        for (size_t at = 0; at < len; at++) {
            for (size_t b = 0; b < sizeof bad; b++) {
                long r;

                memset(buf, 'a' + (int)(at % 26), len);
                buf[at] = (char)bad[b];
                r = utf8_at(buf, len);
                if (r != (long)at) {
                    if (fails++ < 5)
                        fprintf(stderr, "\n  len %zu bad 0x%02x at %zu: got %ld\n",
                                len, bad[b], at, r);
                }
            }
            /* valid 2-, 3- and 4-byte sequences at every offset */
            if (at + 4 <= len) {
                memset(buf, 'z', len);
                memcpy(buf + at, "\xF0\x9F\x98\x80", 4);
                if (utf8_at(buf, len) != -1)
                    fails++;
                memset(buf, 'z', len);
                memcpy(buf + at, "\xC3\xA9", 2);
                if (utf8_at(buf, len) != -1)
                    fails++;
                memset(buf, 'z', len);
                memcpy(buf + at, "\xE2\x82\xAC", 3);
                if (utf8_at(buf, len) != -1)
                    fails++;
                /* ... followed by a bad byte at the end */
                buf[len - 1] = (char)0x80;
                if (at + 3 < len && utf8_at(buf, len) != (long)(len - 1))
                    fails++;
            }
        }
    }
    CU_ASSERT_EQUAL(fails, 0);
}

static void test_reader_utf8_long_runs(void)
{
    size_t n = 100000;
    char *p = ftl_xmalloc(n);
    static const size_t at[] = { 0, 7, 8, 9, 15, 16, 4095, 4096, 65535, 99999 };

    memset(p, 'x', n);
    CU_ASSERT_EQUAL(ftl_utf8_invalid(p, n), -1);
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        p[at[i]] = '\0';
        CU_ASSERT_EQUAL(ftl_utf8_invalid(p, n), (long)at[i]);
        p[at[i]] = (char)0xC3;   /* a lead byte with 'x' after it */
        CU_ASSERT_EQUAL(ftl_utf8_invalid(p, n), (long)at[i]);
        p[at[i]] = 'x';
    }
    /* length limits the scan: the bad byte just past len is not seen */
    p[500] = (char)0x80;
    CU_ASSERT_EQUAL(ftl_utf8_invalid(p, 500), -1);
    CU_ASSERT_EQUAL(ftl_utf8_invalid(p, 501), 500);
    free(p);
}

/* A stray closing bracket or comma where a value should start is a
 * one-byte record (to be rejected), never an empty one handed out for ever:
 * libFuzzer found that hang (tests/data/fuzz-regressions/aws_cloudtrail). */
static void test_json_stray_delimiter_moves_on(void)
{
    static const char *const wrap[] = { "Records", NULL };
    struct recs r;

    split_text("{\"Records\":[{\"a\":1}]}\n}\n,{\"b\":2}\n", SPLIT_JSON, wrap, &r);
    CU_ASSERT_EQUAL(r.n, 4);
    REC(r, 0, "{\"a\":1}", 1);
    REC(r, 1, "}", 2);
    REC(r, 2, ",", 3);
    REC(r, 3, "{\"b\":2}", 3);
    recs_free(&r);
    split_text("}}}", SPLIT_JSON, NULL, &r);
    CU_ASSERT_EQUAL(r.n, 3);
    recs_free(&r);
}

static const struct ftl_test tests[] = {
    { "json_stray_delimiter_moves_on", test_json_stray_delimiter_moves_on },
    {"test_reader_plain_bytes_out_equal_bytes_in", test_reader_plain_bytes_out_equal_bytes_in},
    {"test_reader_plain_empty_file", test_reader_plain_empty_file},
    {"test_reader_plain_sha256_after_partial_read", test_reader_plain_sha256_after_partial_read},
    {"test_reader_plain_sha256_without_reading", test_reader_plain_sha256_without_reading},
    {"test_reader_sha256_file_and_size", test_reader_sha256_file_and_size},
    {"test_reader_open_missing_and_directory", test_reader_open_missing_and_directory},
    {"test_reader_zero_length_read_is_not_eof", test_reader_zero_length_read_is_not_eof},
    {"test_reader_gzip_detected_by_magic_not_name", test_reader_gzip_detected_by_magic_not_name},
    {"test_reader_gzip_concatenated_members", test_reader_gzip_concatenated_members},
    {"test_reader_gzip_zero_padding_after_last_member", test_reader_gzip_zero_padding_after_last_member},
    {"test_reader_gzip_truncated_returns_bytes_before_damage", test_reader_gzip_truncated_returns_bytes_before_damage},
    {"test_reader_gzip_truncated_second_member", test_reader_gzip_truncated_second_member},
    {"test_reader_gzip_corrupt_block", test_reader_gzip_corrupt_block},
    {"test_reader_gzip_corrupt_flipped_bytes", test_reader_gzip_corrupt_flipped_bytes},
    {"test_reader_gzip_hash_is_of_compressed_bytes", test_reader_gzip_hash_is_of_compressed_bytes},
    {"test_reader_gzip_read_count_above_1gib", test_reader_gzip_read_count_above_1gib},
    {"test_reader_line_endings_blank_and_final_line", test_reader_line_endings_blank_and_final_line},
    {"test_reader_line_bom_skipped", test_reader_line_bom_skipped},
    {"test_reader_line_longer_than_initial_window", test_reader_line_longer_than_initial_window},
    {"test_reader_line_too_big_skipped_next_intact", test_reader_line_too_big_skipped_next_intact},
    {"test_reader_line_exactly_max_record_kept", test_reader_line_exactly_max_record_kept},
    {"test_reader_line_just_over_max_record_is_too_big", test_reader_line_just_over_max_record_is_too_big},
    {"test_reader_too_big_keep_with_max_record_under_64k", test_reader_too_big_keep_with_max_record_under_64k},
    {"test_reader_line_gzip_members_split_lines", test_reader_line_gzip_members_split_lines},
    {"test_reader_line_gzip_truncated_final_piece", test_reader_line_gzip_truncated_final_piece},
    {"test_reader_json_lines_broken_line_isolated", test_reader_json_lines_broken_line_isolated},
    {"test_reader_json_array_pretty_printed", test_reader_json_array_pretty_printed},
    {"test_reader_json_strings_with_structural_characters", test_reader_json_strings_with_structural_characters},
    {"test_reader_json_empty_array", test_reader_json_empty_array},
    {"test_reader_json_concatenated_pretty_objects", test_reader_json_concatenated_pretty_objects},
    {"test_reader_json_wrapper_pretty", test_reader_json_wrapper_pretty},
    {"test_reader_json_wrapper_keys_before_and_after", test_reader_json_wrapper_keys_before_and_after},
    {"test_reader_json_wrapper_objects_concatenated_pretty", test_reader_json_wrapper_objects_concatenated_pretty},
    {"test_reader_json_wrapper_single_line", test_reader_json_wrapper_single_line},
    {"test_reader_json_gzip_truncated_array", test_reader_json_gzip_truncated_array},
    {"test_reader_json_unterminated_value_at_eof_is_eparse", test_reader_json_unterminated_value_at_eof_is_eparse},
    {"test_reader_json_bom_skipped", test_reader_json_bom_skipped},
    {"test_reader_json_array_spans_window_refills", test_reader_json_array_spans_window_refills},
    {"test_reader_json_array_spans_window_refills_gzip", test_reader_json_array_spans_window_refills_gzip},
    {"test_reader_json_lines_span_window_refills", test_reader_json_lines_span_window_refills},
    {"test_reader_json_element_too_big_neighbours_intact", test_reader_json_element_too_big_neighbours_intact},
    {"test_reader_json_lines_first_line_over_1mib", test_reader_json_lines_first_line_over_1mib},
    {"test_reader_csv_purview_quoting", test_reader_csv_purview_quoting},
    {"test_reader_csv_empty_and_trailing_fields", test_reader_csv_empty_and_trailing_fields},
    {"test_reader_csv_bom_skipped", test_reader_csv_bom_skipped},
    {"test_reader_csv_quote_inside_unquoted_field_is_literal", test_reader_csv_quote_inside_unquoted_field_is_literal},
    {"test_reader_csv_text_after_closing_quote", test_reader_csv_text_after_closing_quote},
    {"test_reader_csv_unclosed_quote_at_eof", test_reader_csv_unclosed_quote_at_eof},
    {"test_reader_csv_line_numbers_after_embedded_newlines", test_reader_csv_line_numbers_after_embedded_newlines},
    {"test_reader_csv_big_quoted_field_spans_refills", test_reader_csv_big_quoted_field_spans_refills},
    {"test_reader_csv_record_too_big_next_intact", test_reader_csv_record_too_big_next_intact},
    {"test_reader_utf8_valid", test_reader_utf8_valid},
    {"test_reader_utf8_invalid_offsets", test_reader_utf8_invalid_offsets},
    {"test_reader_utf8_word_loop_boundaries", test_reader_utf8_word_loop_boundaries},
    {"test_reader_utf8_long_runs", test_reader_utf8_long_runs},
    {NULL, NULL},
};

FTL_TEST_MAIN("reader", tests)
