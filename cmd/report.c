/*
 * report.c - `ftl report CASE -o report.html` (exporters/report.c,
 * docs/report.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/store.h"
#include "../exporters/report.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "output", 'o', "FILE", "write the report to FILE (required)" },
    { "timeline-limit", 0, "N", "events in the report's timeline (default 20000); the rest stay in ftl export" },
    { 0 }
};

int ftl_cli_report(const char *case_path, const char *out_path, const char *limit)
{
    struct ftl_report_opts o = { 0 };
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    FILE *out;
    int rc = EXIT_OK;

    if (limit) {
        char *end;
        long long n;

        errno = 0;
        n = strtoll(limit, &end, 10);
        if (errno || *end || n < 1) {
            ftl_say("--timeline-limit takes a positive whole number, not '%s'", limit);
            return EXIT_USAGE;
        }
        o.timeline_limit = n;
    }
    o.case_name = case_path;
    if (ftl_store_open(case_path, FTL_OPEN_READ, &store, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        return EXIT_FAIL;
    }
    out = fopen(out_path, "wb");
    if (!out) {
        ftl_say("cannot write %s: %s", out_path, strerror(errno));
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    if (ftl_report_write(store, &o, out, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        rc = EXIT_FAIL;
    }
    if (fclose(out) != 0 && rc == EXIT_OK) {
        ftl_say("cannot write %s: %s", out_path, strerror(errno));
        rc = EXIT_FAIL;
    }
    ftl_store_close(store);
    return rc;
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_report;
    const char *path = ftl_arg(me, a, "output");

    if (!path) {
        ftl_say("report: -o FILE is required (the report is one HTML file)");
        return EXIT_USAGE;
    }
    return ftl_cli_report(a->pos[0], path, ftl_arg(me, a, "timeline-limit"));
}

const struct ftl_cmd ftl_cmd_report = {
    .name = "report",
    .synopsis = "CASE",
    .summary = "write CASE as one self-contained HTML report (findings, sessions, people, charts, timeline, evidence)",
    .details =
        "The file needs nothing else: no network, no other files; it opens from a USB stick\n"
        "on an offline machine. Its Content-Security-Policy allows no loads and only its\n"
        "own script. Evidence text is escaped and never runs. The same case gives the same\n"
        "bytes. Run ftl correlate and ftl detect first (ftl build does all of it).",
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
