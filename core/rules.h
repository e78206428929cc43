/*
 * rules.h - detection rules as data (DESIGN.md, "Findings"; docs/rules.md).
 *
 * A rule is one SQL SELECT over the case file with a header of `-- key:
 * value` comment lines:
 *
 *   -- id: mail_admin.mailbox_forwarding
 *   -- title: Mailbox forwarding set
 *   -- severity: high
 *   -- needs: m365_ual|exchange_admin_audit
 *   -- param: window_min = 60 | minutes ...
 *   -- description: what it means and why it matters
 *   -- false_positives: the traps
 *   -- references: https://...
 *   SELECT ts, actor, target, reason, session_id, event_ids FROM ...
 *
 * A line "--   more text" (no key) continues the previous value. `needs`
 * may repeat: every line must be met, by any of its `|` alternatives (an
 * evidence source, or `correlation` for rules that read link states).
 * Parameters are bound as :name. The built-in rules are the .sql files in rules/,
 * compiled into the program; `--rules DIR` adds more at run time, and a rule
 * there with a built-in's id replaces it.
 */
#ifndef FTL_RULES_H
#define FTL_RULES_H

#include <stddef.h>

#include "error.h"

enum ftl_severity {
    FTL_SEV_INFO,
    FTL_SEV_LOW,
    FTL_SEV_MEDIUM,
    FTL_SEV_HIGH,
    FTL_SEV_CRITICAL,
    FTL_SEV_COUNT
};

#define FTL_RULE_MAX_NEEDS 8
#define FTL_RULE_MAX_PARAMS 8

struct ftl_rule_param {
    char *name, *value, *help;
};

struct ftl_rule {
    char *id, *title, *description, *false_positives, *references;
    int severity;
    char *needs[FTL_RULE_MAX_NEEDS];   /* each "a|b|c" */
    int nneeds;
    struct ftl_rule_param params[FTL_RULE_MAX_PARAMS];
    int nparams;
    char *sql;        /* the text after the header */
    char *origin;     /* "rules/x/y.sql (built in)" or the file's path */
};

struct ftl_ruleset {
    struct ftl_rule *r;
    size_t n, cap;
};

/* Called for a rule file that cannot be used; the file is skipped. */
typedef void (*ftl_rule_bad_fn)(void *ctx, const char *origin, const char *why);

/* Parses one rule; 0, or -1 with the reason in why. */
int ftl_rule_parse(const char *text, size_t len, const char *origin, struct ftl_rule *out,
                   char *why, size_t whylen);
void ftl_rule_free(struct ftl_rule *r);

/* Adds the built-in rules (sorted by id). A broken one is a bug: reported
 * through bad like any other. */
void ftl_rules_builtin(struct ftl_ruleset *rs, ftl_rule_bad_fn bad, void *ctx);
/* Adds every *.sql file below dir, in sorted order. Unreadable or broken
 * files go to bad and are skipped; a missing dir is an error. */
ftl_rc ftl_rules_load_dir(struct ftl_ruleset *rs, const char *dir, ftl_rule_bad_fn bad,
                          void *ctx, struct ftl_error *err);
void ftl_ruleset_free(struct ftl_ruleset *rs);

const char *ftl_severity_name(int severity);   /* "high" */
int ftl_severity_parse(const char *s);          /* -1 if unknown */

#endif
