/*
 * fuzz.c - libFuzzer targets (docs/reliability.md). Built with clang,
 * -fsanitize=fuzzer,address,undefined, once per target: FTL_FUZZ_TARGET is
 * an importer's name (its whole record path: reader, splitter, parser,
 * mapping), or sniff, csv, time or xml.
 *
 * The importers read evidence through a file; the input goes into a memfd,
 * opened through /proc/self/fd, so the real reader (gzip included) runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/ftltime.h"
#include "core/importer.h"
#include "core/reader.h"
#include "core/xml.h"

static ftl_rc on_event(struct ftl_sink *s, const struct ftl_event *e)
{
    size_t k, n = 0;

    (void)s;
    /* touch every field, as the store would */
    for (k = 0; k < FTL_F_COUNT; k++)
        if (e->f[k])
            n += strlen(e->f[k]);
    return n == (size_t)-1 ? FTL_EINTERNAL : FTL_OK;
}

static ftl_rc on_reject(struct ftl_sink *s, int64_t record_no, int64_t line, uint64_t offset,
                        const char *reason, const void *raw, size_t raw_len)
{
    (void)s;
    (void)record_no;
    (void)line;
    (void)offset;
    (void)raw;
    return strlen(reason) + raw_len == (size_t)-1 ? FTL_EINTERNAL : FTL_OK;
}

static void on_note(struct ftl_sink *s, const char *msg)
{
    (void)s;
    (void)msg;
}

/* The input as a file: a memfd's /proc path; -1 on failure. */
static int as_file(const uint8_t *data, size_t size, char path[64])
{
    int fd = memfd_create("fuzz", 0);

    if (fd < 0)
        return -1;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

static void run_importer(const struct ftl_importer *imp, const uint8_t *data, size_t size)
{
    struct ftl_sink sink = { on_event, on_reject, on_note };
    struct ftl_reader *r = NULL;
    struct ftl_error err = { 0 };
    struct ftl_input in;
    struct ftl_import ctx;
    const char *head;
    size_t len;
    char path[64];
    int fd = as_file(data, size, path);

    if (fd < 0)
        return;
    if (ftl_reader_open(path, &r, &err) == FTL_OK) {
        ftl_input_init(&in, r, "fuzz", 1 << 20);
        ftl_input_peek(&in, 64 << 10, &head, &len);
        memset(&ctx, 0, sizeof ctx);
        ctx.in = &in;
        ctx.sink = &sink;
        ctx.err = &err;
        imp->import(&ctx);
        ftl_input_free(&in);
        ftl_reader_free(r);
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *target = FTL_FUZZ_TARGET;
    size_t i;

    if (strcmp(target, "time") == 0) {
        int64_t ts;

        ftl_time_parse_any((const char *)data, size, &ts);
        ftl_time_parse_iso8601((const char *)data, size, &ts);
        ftl_time_parse_us((const char *)data, size, &ts);
    } else if (strcmp(target, "sniff") == 0) {
        ftl_importer_sniff((const char *)data, size);
    } else if (strcmp(target, "xml") == 0) {
        char err[256];
        xmlDoc *d = ftl_xml_parse((const char *)data, size, size & 1, err, sizeof err);

        if (d)
            xmlFreeDoc(d);
    } else if (strcmp(target, "csv") == 0) {
        struct ftl_reader *r = NULL;
        struct ftl_error err = { 0 };
        struct ftl_input in;
        struct ftl_record rec;
        const struct ftl_cell *cells;
        size_t ncells;
        char path[64];
        int fd = as_file(data, size, path);

        if (fd >= 0 && ftl_reader_open(path, &r, &err) == FTL_OK) {
            ftl_input_init(&in, r, "fuzz", 1 << 20);
            while (ftl_input_csv(&in, &rec, &cells, &ncells))
                for (i = 0; i < ncells; i++)
                    if (cells[i].p[cells[i].len] != '\0')
                        abort();   /* every cell is NUL-terminated */
            ftl_input_free(&in);
            ftl_reader_free(r);
        }
        if (fd >= 0)
            close(fd);
    } else {
        for (i = 0; ftl_importers[i]; i++)
            if (strcmp(ftl_importers[i]->name, target) == 0)
                run_importer(ftl_importers[i], data, size);
    }
    return 0;
}
