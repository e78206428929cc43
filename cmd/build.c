/*
 * build.c - `ftl build CASE -o report.html EVIDENCE...`: import, correlate,
 * detect and report in one step (the README's first command runs it).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/correlate.h"
#include "../core/detect.h"
#include "../core/intake.h"
#include "../core/rules.h"
#include "../core/store.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "output", 'o', "FILE", "write the HTML report to FILE (required)" },
    { "rules", 0, "DIR", "also run the detection rules in DIR" },
    { "timeline-limit", 0, "N", "events in the report's timeline (default 20000)" },
    { 0 }
};

static int tty;

static void stage(const char *what)
{
    if (tty)
        fprintf(stderr, "\r\033[K%s...", what);
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_build;
    const char *case_path = a->pos[0], *report = ftl_arg(me, a, "output");
    struct ftl_intake_opts io = { 0 };
    struct ftl_intake_totals t;
    struct ftl_correlate_report cr;
    struct ftl_detect_report dr = { 0 };
    struct ftl_ruleset rs = { 0 };
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    int rc, status, nbad = 0, sev;

    if (!report) {
        ftl_say("build: -o FILE is required (where the HTML report goes)");
        return EXIT_USAGE;
    }
    tty = isatty(STDERR_FILENO);
    memset(&t, 0, sizeof t);
    /* 1. import: only problems are printed, and one progress line */
    status = ftl_cli_import(case_path, (const char *const *)a->pos + 1, (size_t)a->npos - 1, &io,
                            1, &t);
    if (status != EXIT_OK && status != EXIT_ATTENTION)
        return status;
    if (ftl_cli_rules(ftl_arg(me, a, "rules"), &rs, &nbad) != 0) {
        ftl_ruleset_free(&rs);
        return EXIT_USAGE;
    }
    /* 2. correlate, 3. detect */
    rc = ftl_store_open(case_path, FTL_OPEN_WRITE, &store, &err);
    if (rc == FTL_OK) {
        stage("linking events into sessions");
        rc = ftl_correlate(store, NULL, &cr, &err);
    }
    if (rc == FTL_OK) {
        stage("running the detection rules");
        rc = ftl_detect(store, &rs, NULL, &dr, &err);
    }
    ftl_store_close(store);
    ftl_ruleset_free(&rs);
    if (tty)
        fputs("\r\033[K", stderr);
    if (rc != FTL_OK) {
        ftl_say("%s", err.msg);
        ftl_detect_report_free(&dr);
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < dr.n; i++)
        if (dr.results[i].status == FTL_RULE_FAILED)
            ftl_say("rule %s (%s) failed: %s", dr.results[i].rule->id, dr.results[i].rule->origin,
                    dr.results[i].message);
    /* 4. the report */
    stage("writing the report");
    rc = ftl_cli_report(case_path, report, ftl_arg(me, a, "timeline-limit"));
    if (tty)
        fputs("\r\033[K", stderr);
    if (rc != EXIT_OK) {
        ftl_detect_report_free(&dr);
        return rc;
    }
    printf("%s: %lld events added from %lld files (%lld duplicates, %lld rejected, %lld skipped, "
           "%lld already in the case)\n",
           case_path, (long long)t.events, (long long)t.imported + (long long)t.partial,
           (long long)t.duplicates, (long long)t.rejected, (long long)t.unrecognised,
           (long long)t.already);
    printf("sessions: %lld (%lld linked, %lld no_issuance_record, %lld unlinkable) over %lld events\n",
           (long long)cr.sessions, (long long)cr.session_state[FTL_LS_LINKED],
           (long long)cr.session_state[FTL_LS_NO_ISSUANCE],
           (long long)cr.session_state[FTL_LS_UNLINKABLE], (long long)cr.events);
    printf("findings: %lld:", (long long)dr.findings);
    for (sev = FTL_SEV_CRITICAL; sev >= FTL_SEV_INFO; sev--)
        printf(" %lld %s%s", (long long)dr.severity[sev], ftl_severity_name(sev), sev ? "," : "");
    printf(" (%zu rules ran, %zu could not run for lack of evidence, %zu failed)\n", dr.ran,
           dr.skipped, dr.failed);
    printf("report: %s\n", report);
    if (status == EXIT_OK && (nbad || dr.failed))
        status = EXIT_ATTENTION;
    ftl_detect_report_free(&dr);
    return status;
}

const struct ftl_cmd ftl_cmd_build = {
    .name = "build",
    .synopsis = "CASE EVIDENCE...",
    .summary = "import EVIDENCE into CASE, correlate, run the rules and write the HTML report: the one-step job",
    .details =
        "The same as ftl import (printing only problems), ftl correlate, ftl detect and\n"
        "ftl report -o FILE, with one progress line on stderr when it is a terminal and a\n"
        "closing summary. Evidence already in the case is not imported again, so running\n"
        "it with more evidence updates the case and the report. Exit status 3 when records\n"
        "were rejected, files skipped, or a rule file was broken.",
    .min_pos = 2,
    .max_pos = -1,
    .opts = opts,
    .run = run,
};
