/*
 * main.c - ftl's entry point: find the subcommand, parse its options from
 * its table, run it. Kept thin (curl's tool_main.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* MUST be sorted by name: `ftl --help` lists them in this order. */
static const struct ftl_cmd *const commands[] = {
    &ftl_cmd_build,
    &ftl_cmd_correlate,
    &ftl_cmd_detect,
    &ftl_cmd_export,
    &ftl_cmd_findings,
    &ftl_cmd_formats,
    &ftl_cmd_import,
    &ftl_cmd_info,
    &ftl_cmd_report,
    &ftl_cmd_rules,
    &ftl_cmd_sessions,
    &ftl_cmd_verify,
    NULL,
};

void ftl_say(const char *fmt, ...)
{
    va_list ap;

    fputs("ftl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int ftl_opt_index(const struct ftl_cmd *cmd, const char *name)
{
    int i;

    for (i = 0; cmd->opts && cmd->opts[i].name; i++)
        if (strcmp(cmd->opts[i].name, name) == 0)
            return i;
    return -1;
}

const char *ftl_arg(const struct ftl_cmd *cmd, const struct ftl_args *a, const char *name)
{
    int i = ftl_opt_index(cmd, name);

    return i >= 0 ? a->val[i] : NULL;
}

void ftl_cmd_help(const struct ftl_cmd *cmd, FILE *out)
{
    int i;

    fprintf(out, "usage: ftl %s [options] %s\n\n%s\n", cmd->name, cmd->synopsis, cmd->summary);
    if (cmd->details)
        fprintf(out, "\n%s\n", cmd->details);
    fputs("\noptions:\n", out);
    for (i = 0; cmd->opts && cmd->opts[i].name; i++) {
        const struct ftl_opt *o = &cmd->opts[i];
        char left[64];

        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(out, "  %-26s %s\n", left, o->help);
    }
    fprintf(out, "  %-26s %s\n", "-h, --help", "show this help");
    fputs("\nexit status: 0 done; 1 failed; 2 bad usage; 3 done, but something needs a\n"
          "look: records rejected or files skipped (ftl info), a broken rule, changed\n"
          "evidence (ftl verify).\n", out);
}

static void main_help(FILE *out)
{
    int i;

    fputs("usage: ftl COMMAND [options] ARGS...\n\n"
          "ftl builds one forensic timeline from cloud mail intrusion evidence\n"
          "(Microsoft 365 audit logs and more) in a SQLite case file.\n\ncommands:\n", out);
    for (i = 0; commands[i]; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\n`ftl COMMAND --help` describes a command. Documentation: docs/.\n", out);
}

/* Parses argv for cmd into a; returns 0, or EXIT_USAGE after saying why. */
static int parse(const struct ftl_cmd *cmd, int argc, char **argv, struct ftl_args *a)
{
    int i, k, only_pos = 0;

    memset(a, 0, sizeof *a);
    a->pos = calloc((size_t)argc + 1, sizeof *a->pos);
    if (!a->pos) {
        ftl_say("out of memory");
        return EXIT_FAIL;
    }
    for (i = 0; i < argc; i++) {
        char *s = argv[i];
        const char *val = NULL;
        int idx = -1;

        if (only_pos || s[0] != '-' || s[1] == '\0') {
            a->pos[a->npos++] = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            ftl_cmd_help(cmd, stdout);
            free(a->pos);
            a->pos = NULL;
            return -1;
        }
        if (s[1] == '-') {
            char *eq = strchr(s + 2, '=');
            size_t n = eq ? (size_t)(eq - s - 2) : strlen(s + 2);

            for (k = 0; cmd->opts && cmd->opts[k].name; k++)
                if (strlen(cmd->opts[k].name) == n && strncmp(cmd->opts[k].name, s + 2, n) == 0)
                    idx = k;
            if (eq)
                val = eq + 1;
        } else if (s[2] == '\0') {
            for (k = 0; cmd->opts && cmd->opts[k].name; k++)
                if (cmd->opts[k].short_name == s[1])
                    idx = k;
        }
        if (idx < 0) {
            ftl_say("%s: unknown option '%s' (see ftl %s --help)", cmd->name, s, cmd->name);
            return EXIT_USAGE;
        }
        if (cmd->opts[idx].arg) {
            if (!val) {
                if (i + 1 >= argc) {
                    ftl_say("%s: option '%s' needs a value (%s)", cmd->name, s,
                            cmd->opts[idx].arg);
                    return EXIT_USAGE;
                }
                val = argv[++i];
            }
        } else if (val) {
            ftl_say("%s: option '--%s' takes no value", cmd->name, cmd->opts[idx].name);
            return EXIT_USAGE;
        } else {
            val = "";
        }
        a->val[idx] = val;
    }
    if (a->npos < cmd->min_pos || (cmd->max_pos >= 0 && a->npos > cmd->max_pos)) {
        ftl_say("%s: expected %s (see ftl %s --help)", cmd->name, cmd->synopsis, cmd->name);
        return EXIT_USAGE;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct ftl_args a;
    int i, rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        main_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (i = 0; commands[i]; i++) {
        if (strcmp(commands[i]->name, argv[1]) != 0)
            continue;
        rc = parse(commands[i], argc - 2, argv + 2, &a);
        if (rc < 0)
            return EXIT_OK;   /* --help */
        if (rc == 0)
            rc = commands[i]->run(&a);
        free(a.pos);
        return rc;
    }
    ftl_say("'%s' is not an ftl command (see ftl --help)", argv[1]);
    return EXIT_USAGE;
}
