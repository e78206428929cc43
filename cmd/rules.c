/*
 * rules.c - `ftl rules`: the detection rules ftl runs (docs/rules.md).
 */
#include <stdio.h>
#include <string.h>

#include "../core/detect.h"
#include "../core/rules.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "rules", 0, "DIR", "also load the rules in DIR (*.sql, searched recursively)" },
    { "markdown", 0, NULL, "print the rules as the Markdown of docs/rules.md" },
    { 0 }
};

static void report_bad(void *ctx, const char *origin, const char *why)
{
    int *nbad = ctx;

    ftl_say("rule %s skipped: %s", origin, why);
    (*nbad)++;
}

/* Loads the built-in rules and --rules DIR; bad files are said and counted.
 * Shared with detect. Returns -1 if DIR cannot be read. */
int ftl_cli_rules(const char *dir, struct ftl_ruleset *rs, int *nbad)
{
    struct ftl_error err = { 0 };

    ftl_rules_builtin(rs, report_bad, nbad);
    if (dir && ftl_rules_load_dir(rs, dir, report_bad, nbad, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        return -1;
    }
    return 0;
}

static void print_markdown(const struct ftl_ruleset *rs)
{
    size_t i;
    int k;

    for (i = 0; i < rs->n; i++) {
        const struct ftl_rule *r = &rs->r[i];

        if (i == 0 || strncmp(r->id, rs->r[i - 1].id, strcspn(r->id, ".") + 1) != 0)
            printf("## %.*s\n\n", (int)strcspn(r->id, "."), r->id);
        printf("### `%s`: %s\n\n", r->id, r->title);
        printf("Severity **%s**. Needs: ", ftl_severity_name(r->severity));
        for (k = 0; k < r->nneeds; k++)
            printf("%s%s", k ? "; " : "", r->needs[k]);
        printf("%s.\n\n", r->nneeds ? "" : "any evidence");
        if (r->description)
            printf("%s\n\n", r->description);
        if (r->false_positives)
            printf("False positives: %s\n\n", r->false_positives);
        if (r->nparams) {
            printf("Parameters (`ftl detect --param NAME=VALUE`):\n\n");
            for (k = 0; k < r->nparams; k++)
                printf("- `%s` = %s: %s\n", r->params[k].name, r->params[k].value,
                       r->params[k].help);
            printf("\n");
        }
        if (r->references)
            printf("References: %s\n\n", r->references);
    }
}

static int run(const struct ftl_args *a)
{
    const struct ftl_cmd *me = &ftl_cmd_rules;
    struct ftl_ruleset rs = { 0 };
    int nbad = 0;
    size_t i;

    if (ftl_cli_rules(ftl_arg(me, a, "rules"), &rs, &nbad) != 0) {
        ftl_ruleset_free(&rs);
        return EXIT_FAIL;
    }
    ftl_rules_check(&rs, report_bad, &nbad);
    if (ftl_arg(me, a, "markdown")) {
        print_markdown(&rs);
    } else {
        printf("%-36s %-8s  %-40s  %s\n", "id", "severity", "needs", "title");
        for (i = 0; i < rs.n; i++) {
            const struct ftl_rule *r = &rs.r[i];
            char needs[256] = "";
            int k;

            for (k = 0; k < r->nneeds; k++)
                snprintf(needs + strlen(needs), sizeof needs - strlen(needs), "%s%s",
                         k ? " + " : "", r->needs[k]);
            printf("%-36s %-8s  %-40s  %s%s\n", r->id, ftl_severity_name(r->severity), needs,
                   r->title, strstr(r->origin, "(built in)") ? "" : "  [loaded]");
        }
        printf("%zu rules\n", rs.n);
    }
    ftl_ruleset_free(&rs);
    return nbad ? EXIT_ATTENTION : EXIT_OK;
}

const struct ftl_cmd ftl_cmd_rules = {
    .name = "rules",
    .synopsis = "",
    .summary = "list the detection rules: built in, and loaded with --rules DIR",
    .details =
        "A rule is a SQL SELECT over the case file with a header of '-- key: value' lines\n"
        "(id, title, severity, needs, param, description, false_positives, references);\n"
        "docs/rules.md explains them. A rule file that cannot be used is named with the\n"
        "reason and skipped (exit status 3); the others are listed.",
    .min_pos = 0,
    .max_pos = 0,
    .opts = opts,
    .run = run,
};
