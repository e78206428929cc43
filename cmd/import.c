/*
 * import.c - `ftl import CASE PATH...`: evidence into the case file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/intake.h"
#include "../core/store.h"
#include "cli.h"

#define REJECTS_SHOWN 10

static const struct ftl_opt opts[] = {
    { "format", 'f', "NAME", "read every file as this format (see ftl formats) instead of sniffing" },
    { "max-record-mb", 0, "N", "records larger than N MiB are rejected (default 16)" },
    { "batch-records", 0, "N", "commit after about N records, at a file boundary (default 250000)" },
    { "single-thread", 0, NULL, "parse and write in one thread (slower; for debugging)" },
    { "quiet", 'q', NULL, "print only problems" },
    { 0 }
};

struct ui {
    int quiet, tty;
    const char *last_name;
    int64_t shown;          /* rejects printed for last_name */
    int64_t hidden;
};

static const char *outcome_word(enum ftl_file_outcome o)
{
    switch (o) {
    case FTL_FILE_IMPORTED: return "imported";
    case FTL_FILE_PARTIAL: return "PARTIAL";
    case FTL_FILE_ALREADY: return "already";
    case FTL_FILE_UNRECOGNISED: return "SKIPPED";
    case FTL_FILE_FAILED: return "FAILED";
    }
    return "?";
}

static void flush_hidden(struct ui *ui)
{
    if (ui->hidden > 0)
        ftl_say("%s: %lld more rejected record%s not shown (ftl info --rejects lists all)",
                ui->last_name, (long long)ui->hidden, ui->hidden == 1 ? "" : "s");
    ui->hidden = 0;
    ui->shown = 0;
}

static void on_reject(void *ctx, const char *name, int64_t record_no, int64_t line,
                      const char *reason)
{
    struct ui *ui = ctx;

    if (ui->last_name != name) {
        flush_hidden(ui);
        ui->last_name = name;
    }
    if (ui->shown >= REJECTS_SHOWN) {
        ui->hidden++;
        return;
    }
    ui->shown++;
    if (ui->tty)
        fputs("\r\033[K", stderr);
    if (line > 0)
        ftl_say("%s record %lld (line %lld) rejected: %s", name, (long long)record_no,
                (long long)line, reason);
    else
        ftl_say("%s record %lld rejected: %s", name, (long long)record_no, reason);
}

static void on_file(void *ctx, const struct ftl_file_report *r)
{
    struct ui *ui = ctx;

    if (ui->last_name == r->name)
        flush_hidden(ui);
    ui->last_name = NULL;
    if (ui->tty)
        fputs("\r\033[K", stderr);
    switch (r->outcome) {
    case FTL_FILE_IMPORTED:
    case FTL_FILE_PARTIAL:
        if (!ui->quiet || r->outcome == FTL_FILE_PARTIAL || r->rejected)
            printf("%-8s %s  [%s%s%s] %lld records: %lld events, %lld duplicates, %lld rejected\n",
                   outcome_word(r->outcome), r->name, r->format, r->variant ? "/" : "",
                   r->variant ? r->variant : "", (long long)r->records, (long long)r->events,
                   (long long)r->duplicates, (long long)r->rejected);
        if (r->outcome == FTL_FILE_PARTIAL)
            ftl_say("%s; the records before the damage were kept",
                    r->message ? r->message : "stream ended early");
        break;
    case FTL_FILE_ALREADY:
        if (!ui->quiet)
            printf("%-8s %s  same bytes as evidence #%lld (%s), nothing to do\n",
                   outcome_word(r->outcome), r->name, (long long)r->evidence_id,
                   r->message ? r->message : "complete");
        break;
    case FTL_FILE_UNRECOGNISED:
        ftl_say("%s skipped: %s (try --format, see ftl formats)", r->name,
                r->message ? r->message : "format not recognised");
        break;
    case FTL_FILE_FAILED:
        ftl_say("%s failed: %s", r->name, r->message ? r->message : "unreadable");
        break;
    }
    fflush(stdout);
}

/* One progress line, on stderr, only when it is a terminal. */
static void on_progress(void *ctx, const char *name, int64_t events)
{
    struct ui *ui = ctx;

    if (ui->tty)
        fprintf(stderr, "\r\033[K%s: %lld events", name, (long long)events);
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_import;
    struct ftl_intake_opts o = { 0 };
    const char *v;

    o.format = ftl_arg(me, a, "format");
    o.no_thread = ftl_arg(me, a, "single-thread") != NULL;
    if ((v = ftl_arg(me, a, "max-record-mb")) != NULL) {
        char *end;
        long long mb;

        errno = 0;
        mb = strtoll(v, &end, 10);
        if (errno || *end || mb < 1 || mb > 4096) {
            ftl_say("import: --max-record-mb takes a whole number from 1 to 4096, not '%s'", v);
            return EXIT_USAGE;
        }
        o.max_record = (size_t)mb << 20;
    }
    if ((v = ftl_arg(me, a, "batch-records")) != NULL) {
        char *end;
        long long n;

        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno || *end || n < 1) {
            ftl_say("import: --batch-records takes a positive whole number, not '%s'", v);
            return EXIT_USAGE;
        }
        o.commit_every = n;
    }
    return ftl_cli_import(a->pos[0], (const char *const *)a->pos + 1, (size_t)a->npos - 1, &o,
                          ftl_arg(me, a, "quiet") != NULL, NULL);
}

int ftl_cli_import(const char *case_path, const char *const *paths, size_t n,
                   const struct ftl_intake_opts *o, int quiet, struct ftl_intake_totals *totals)
{
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    struct ftl_intake_totals t;
    struct ftl_intake_cb cb;
    struct ui ui = { 0 };
    int rc;

    ui.quiet = quiet;
    ui.tty = isatty(STDERR_FILENO);
    cb.ctx = &ui;
    cb.file = on_file;
    cb.reject = on_reject;
    cb.progress = on_progress;

    if (ftl_store_open(case_path, FTL_OPEN_CREATE, &store, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        return EXIT_FAIL;
    }
    rc = ftl_intake_run(store, paths, n, o, &cb, &t, &err);
    ftl_store_close(store);
    if (ui.tty)
        fputs("\r\033[K", stderr);
    if (rc != FTL_OK) {
        ftl_say("%s", err.msg);
        return rc == FTL_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
    }
    if (totals)
        *totals = t;
    if (!ui.quiet)
        printf("%lld file%s: %lld imported, %lld partial, %lld already in the case, "
               "%lld skipped, %lld failed; %lld events added, %lld duplicates, "
               "%lld rejected -> %s\n",
               (long long)t.files, t.files == 1 ? "" : "s", (long long)t.imported,
               (long long)t.partial, (long long)t.already, (long long)t.unrecognised,
               (long long)t.failed, (long long)t.events, (long long)t.duplicates,
               (long long)t.rejected, case_path);
    if (t.rejected || t.partial || t.unrecognised || t.failed)
        return EXIT_ATTENTION;
    return EXIT_OK;
}

const struct ftl_cmd ftl_cmd_import = {
    .name = "import",
    .synopsis = "CASE PATH...",
    .summary = "import evidence files and folders into the case file CASE (created if missing)",
    .details =
        "Folders are walked recursively in name order. Plain and gzip files are read\n"
        "(gzip is recognised by content). The format is sniffed from the content\n"
        "unless --format is given; a file no importer recognises is skipped and named.\n"
        "Files whose bytes were imported before are not imported again; an audit\n"
        "record present in two overlapping exports is stored once and counted as a\n"
        "duplicate. Rejected records are kept in the case file (ftl info --rejects).",
    .min_pos = 2,
    .max_pos = -1,
    .opts = opts,
    .run = run,
};
