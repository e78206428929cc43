/*
 * detect.h - run detection rules over a case file and keep what they find
 * (DESIGN.md, "Findings"; docs/rules.md).
 *
 * Each rule's SELECT returns one row per finding, with columns found by
 * name:
 *   ts          integer microseconds (required)
 *   reason      one line a person understands (required)
 *   event_ids   the supporting events: a JSON array or any text of ids
 *               (or event_id, one integer) (required)
 *   actor, target, session_id   optional
 *   severity    optional: raises or lowers the rule's own for this row
 * ftl_detect() replaces all findings in one transaction; a rule that fails
 * (bad SQL, a runtime error, writes to the case) is reported and its partial
 * findings dropped, and the other rules still run.
 */
#ifndef FTL_DETECT_H
#define FTL_DETECT_H

#include <stdint.h>

#include "error.h"
#include "rules.h"
#include "store.h"

enum ftl_rule_status { FTL_RULE_RAN, FTL_RULE_SKIPPED, FTL_RULE_FAILED };

struct ftl_rule_result {
    const struct ftl_rule *rule;
    int status;
    char message[512];     /* why skipped or failed */
    int64_t findings;
    double seconds;
};

struct ftl_detect_report {
    struct ftl_rule_result *results;   /* one per rule, in rule order */
    size_t n;
    size_t ran, skipped, failed;
    int64_t findings;
    int64_t severity[FTL_SEV_COUNT];
};

/* params: "name=value,name=value" overrides of rule parameters, or NULL. */
ftl_rc ftl_detect(struct ftl_store *s, const struct ftl_ruleset *rs, const char *params,
                  struct ftl_detect_report *r, struct ftl_error *err);
void ftl_detect_report_free(struct ftl_detect_report *r);

/* Checks that every rule's SQL prepares against an empty case of the
 * current schema; failures go to bad. Returns the number of bad rules. */
size_t ftl_rules_check(const struct ftl_ruleset *rs, ftl_rule_bad_fn bad, void *ctx);

#endif
