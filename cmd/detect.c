/*
 * detect.c - `ftl detect CASE`: run the rules, keep the findings
 * (core/detect.c, docs/rules.md).
 */
#include <stdio.h>
#include <string.h>

#include "../core/correlate.h"
#include "../core/detect.h"
#include "../core/rules.h"
#include "../core/store.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "rules", 0, "DIR", "also run the rules in DIR (*.sql); one with a built-in's id replaces it" },
    { "param", 0, "NAME=VALUE,...", "set rule parameters, e.g. baseline_days=30,window_min=120" },
    { "timing", 0, NULL, "print each rule's run time" },
    { "quiet", 'q', NULL, "print only problems and the closing counts" },
    { 0 }
};

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_detect;
    struct ftl_ruleset rs = { 0 };
    struct ftl_detect_report r;
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    int nbad = 0, quiet = ftl_arg(me, a, "quiet") != NULL, current, rc = EXIT_OK, sev;
    int64_t since = 0;
    size_t i;

    if (ftl_cli_rules(ftl_arg(me, a, "rules"), &rs, &nbad) != 0) {
        ftl_ruleset_free(&rs);
        return EXIT_USAGE;
    }
    if (ftl_store_open(a->pos[0], FTL_OPEN_WRITE, &store, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        ftl_ruleset_free(&rs);
        return EXIT_FAIL;
    }
    current = ftl_correlate_current(store, &since, &err);
    if (current == FTL_CORR_STALE)
        ftl_say("warning: %lld events were imported after the last `ftl correlate`; rules "
                "that read sessions and link states do not see them", (long long)since);
    if (ftl_detect(store, &rs, ftl_arg(me, a, "param"), &r, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        ftl_detect_report_free(&r);
        ftl_store_close(store);
        ftl_ruleset_free(&rs);
        return EXIT_FAIL;
    }
    for (i = 0; i < r.n; i++) {
        const struct ftl_rule_result *x = &r.results[i];

        if (x->status == FTL_RULE_FAILED) {
            ftl_say("rule %s (%s) failed: %s", x->rule->id, x->rule->origin, x->message);
            rc = EXIT_ATTENTION;
        } else if (x->status == FTL_RULE_SKIPPED && !quiet) {
            printf("could not run %-34s %s\n", x->rule->id, x->message);
        }
        if (ftl_arg(me, a, "timing"))
            fprintf(stderr, "%8.3f s  %-36s %s, %lld findings\n", x->seconds, x->rule->id,
                    x->status == FTL_RULE_RAN ? "ran" : x->status == FTL_RULE_SKIPPED
                                                        ? "skipped" : "failed",
                    (long long)x->findings);
    }
    printf("%zu rules: %zu ran, %zu could not run for lack of evidence, %zu failed; "
           "%lld findings:", r.n, r.ran, r.skipped, r.failed, (long long)r.findings);
    for (sev = FTL_SEV_CRITICAL; sev >= FTL_SEV_INFO; sev--)
        printf(" %lld %s%s", (long long)r.severity[sev], ftl_severity_name(sev),
               sev ? "," : "\n");
    if (nbad)
        rc = EXIT_ATTENTION;
    ftl_detect_report_free(&r);
    ftl_store_close(store);
    ftl_ruleset_free(&rs);
    return rc;
}

const struct ftl_cmd ftl_cmd_detect = {
    .name = "detect",
    .synopsis = "CASE",
    .summary = "run the detection rules over CASE and keep their findings",
    .details =
        "Replaces all findings. Rules whose evidence is missing from the case (no sign-in\n"
        "logs, no CloudTrail...) are listed as not run: no finding from them is not a clean\n"
        "bill of health. Run `ftl correlate` first: the issuance-record rules read its link\n"
        "states. `ftl findings CASE` lists the findings; `ftl rules` lists the rules.\n"
        "Exit status 3 when a rule file was broken or a rule failed (named on stderr).",
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
