/*
 * export.c - `ftl export CASE --format csv [-o FILE]`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/correlate.h"
#include "../core/ftltime.h"
#include "../core/query.h"
#include "../core/store.h"
#include "../exporters/exporter.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "format", 'f', "NAME", "output format: csv (default) or jsonl" },
    { "output", 'o', "FILE", "write to FILE instead of standard output" },
    { "from", 0, "TIME", "only events at or after TIME (ISO 8601, UTC unless an offset is given)" },
    { "to", 0, "TIME", "only events before TIME" },
    { "actor", 0, "USER", "only events by USER (case-insensitive)" },
    { "ip", 0, "ADDR", "only events from source address ADDR" },
    { "category", 0, "CAT", "only events of category CAT (signin, mailbox, mail_admin, directory, file, cloud, host, other)" },
    { "session", 0, "ID", "only events of session ID (see ftl sessions)" },
    { "link-state", 0, "STATE", "only events in link state STATE (signin, failed_signin, linked, no_issuance_record, unlinkable)" },
    { "finding", 0, "RULE", "only events behind findings of rule RULE (see ftl findings, ftl rules)" },
    { 0 }
};

/* Parses a --from/--to value; 0 on success, else says why. */
int ftl_cli_time(const char *opt, const char *v, int64_t *ts)
{
    if (ftl_time_parse_any(v, strlen(v), ts) == 0)
        return 0;
    ftl_say("--%s: cannot parse time '%s' (use ISO 8601, e.g. 2023-06-16T09:00:00Z)", opt, v);
    return -1;
}

int ftl_cli_filter(const struct ftl_cmd *me, const struct ftl_args *a, struct ftl_filter *f)
{
    const char *v;

    memset(f, 0, sizeof *f);
    if ((v = ftl_arg(me, a, "from")) != NULL) {
        if (ftl_cli_time("from", v, &f->from_us) != 0)
            return -1;
        f->has_from = 1;
    }
    if ((v = ftl_arg(me, a, "to")) != NULL) {
        if (ftl_cli_time("to", v, &f->to_us) != 0)
            return -1;
        f->has_to = 1;
    }
    f->actor = ftl_arg(me, a, "actor");
    f->ip = ftl_arg(me, a, "ip");
    f->category = ftl_arg(me, a, "category");
    if (f->category && !ftl_category_valid(f->category)) {
        ftl_say("--category: '%s' is not one of signin, mailbox, mail_admin, directory, "
                "file, cloud, host, other", f->category);
        return -1;
    }
    if ((v = ftl_arg(me, a, "session")) != NULL) {
        char *end;
        long long id = strtoll(v, &end, 10);

        if (!*v || *end || id <= 0) {
            ftl_say("--session: '%s' is not a session id (a number from `ftl sessions`)", v);
            return -1;
        }
        f->session = id;
    }
    if ((v = ftl_arg(me, a, "link-state")) != NULL) {
        if (!ftl_link_state_valid(v)) {
            ftl_say("--link-state: '%s' is not one of signin, failed_signin, linked, "
                    "no_issuance_record, unlinkable", v);
            return -1;
        }
        f->link_state = v;
    }
    f->finding = ftl_arg(me, a, "finding");
    return 0;
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_export;
    const struct ftl_exporter *ex;
    const char *fmt = ftl_arg(me, a, "format"), *path = ftl_arg(me, a, "output");
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    struct ftl_filter f;
    FILE *out = stdout;
    int rc = EXIT_OK, current;
    int64_t since = 0;

    ex = ftl_exporter_find(fmt ? fmt : "csv");
    if (!ex) {
        ftl_say("export: unknown format '%s' (csv, jsonl)", fmt);
        return EXIT_USAGE;
    }
    if (ftl_cli_filter(me, a, &f) != 0)
        return EXIT_USAGE;
    if (ftl_store_open(a->pos[0], FTL_OPEN_READ, &store, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        return EXIT_FAIL;
    }
    current = ftl_correlate_current(store, &since, &err);
    if (current == FTL_CORR_NEVER && (f.session || f.link_state)) {
        ftl_say("%s has no sessions or link states yet: run `ftl correlate %s`", a->pos[0],
                a->pos[0]);
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    if (current == FTL_CORR_STALE)
        ftl_say("warning: %lld events were imported after the last `ftl correlate`; their "
                "session and link columns are empty", (long long)since);
    if (path && strcmp(path, "-") != 0) {
        out = fopen(path, "wb");
        if (!out) {
            ftl_say("cannot write %s: %s", path, strerror(errno));
            ftl_store_close(store);
            return EXIT_FAIL;
        }
    }
    if (ex->write(store, &f, out, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        rc = EXIT_FAIL;
    }
    if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
        ftl_say("cannot write %s: %s", path ? path : "standard output", strerror(errno));
        rc = EXIT_FAIL;
    }
    ftl_store_close(store);
    return rc;
}

const struct ftl_cmd ftl_cmd_export = {
    .name = "export",
    .synopsis = "CASE",
    .summary = "write the timeline of CASE as CSV or JSON Lines, ordered by time",
    .details =
        "Columns: datetime (ISO 8601 UTC), timestamp (microseconds since 1970),\n"
        "timestamp_desc, message, then the normalized fields, session_id, link_state and\n"
        "link_method (from `ftl correlate`; empty before it runs), findings (the rule ids\n"
        "of `ftl detect` findings the event supports), the evidence file and record\n"
        "number, and attrs (JSON). Timesketch imports the file unchanged.\n"
        "Cells a spreadsheet would run as a formula are prefixed with an apostrophe.",
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
