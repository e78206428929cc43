/*
 * cli.h - the ftl program's subcommand and option tables.
 *
 * Each subcommand is one file (cmd/<name>.c) exporting a `struct ftl_cmd`;
 * main.c keeps the table, sorted by name. The option table of a subcommand
 * drives both parsing and its --help text, so they cannot drift apart.
 * Only cmd/ writes to the terminal or calls exit().
 */
#ifndef FTL_CLI_H
#define FTL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (docs/usage.md). */
enum {
    EXIT_OK = 0,         /* everything done, nothing to look at */
    EXIT_FAIL = 1,       /* could not do the job (case file, store, I/O) */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_ATTENTION = 3   /* done, but records were rejected or files skipped */
};

struct ftl_opt {
    const char *name;    /* long name, without "--" */
    char short_name;     /* 0 for none */
    const char *arg;     /* NULL for a flag, else the value's name in help */
    const char *help;
};

#define FTL_MAX_OPTS 16

struct ftl_args {
    const char *val[FTL_MAX_OPTS];   /* by option index; "" for a set flag */
    char **pos;                      /* positional arguments */
    int npos;
};

struct ftl_cmd {
    const char *name;
    const char *synopsis;     /* positional part, e.g. "CASE PATH..." */
    const char *summary;      /* one line */
    const char *details;      /* paragraphs for --help, or NULL */
    int min_pos, max_pos;     /* max_pos -1 = unlimited */
    const struct ftl_opt *opts;   /* terminated by a zeroed entry */
    int (*run)(const struct ftl_args *a);
};

/* Index of an option by long name in cmd->opts (for a->val[]). */
int ftl_opt_index(const struct ftl_cmd *cmd, const char *name);
const char *ftl_arg(const struct ftl_cmd *cmd, const struct ftl_args *a, const char *name);

void ftl_cmd_help(const struct ftl_cmd *cmd, FILE *out);

/* Prints "ftl: <msg>" to stderr. */
void ftl_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* shared by subcommands that filter events (export.c) */
struct ftl_filter;
int ftl_cli_time(const char *opt, const char *v, int64_t *ts);
int ftl_cli_filter(const struct ftl_cmd *me, const struct ftl_args *a, struct ftl_filter *f);
int ftl_cli_duration(const char *opt, const char *v, int64_t *us);
struct ftl_ruleset;
int ftl_cli_rules(const char *dir, struct ftl_ruleset *rs, int *nbad);
int ftl_cli_report(const char *case_path, const char *out_path, const char *limit);
struct ftl_intake_opts;
struct ftl_intake_totals;
int ftl_cli_import(const char *case_path, const char *const *paths, size_t n,
                   const struct ftl_intake_opts *o, int quiet, struct ftl_intake_totals *totals);

extern const struct ftl_cmd ftl_cmd_build, ftl_cmd_correlate, ftl_cmd_detect, ftl_cmd_export,
    ftl_cmd_findings, ftl_cmd_formats, ftl_cmd_import, ftl_cmd_info, ftl_cmd_report,
    ftl_cmd_rules, ftl_cmd_sessions, ftl_cmd_verify;

#endif
