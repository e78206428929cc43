/*
 * rules.c - reading detection rules (see rules.h).
 */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "reader.h"

struct ftl_builtin_rule {
    const char *path;
    const char *text;
    size_t len;
};
extern const struct ftl_builtin_rule ftl_builtin_rules[];   /* rules_builtin.c */

static const char *const severities[FTL_SEV_COUNT] = {
    "info", "low", "medium", "high", "critical",
};

const char *ftl_severity_name(int severity)
{
    return severity >= 0 && severity < FTL_SEV_COUNT ? severities[severity] : "?";
}

int ftl_severity_parse(const char *s)
{
    int i;

    for (i = 0; s && i < FTL_SEV_COUNT; i++)
        if (strcmp(s, severities[i]) == 0)
            return i;
    return -1;
}

void ftl_rule_free(struct ftl_rule *r)
{
    int i;

    if (!r)
        return;
    free(r->id);
    free(r->title);
    free(r->description);
    free(r->false_positives);
    free(r->references);
    for (i = 0; i < r->nneeds; i++)
        free(r->needs[i]);
    for (i = 0; i < r->nparams; i++) {
        free(r->params[i].name);
        free(r->params[i].value);
        free(r->params[i].help);
    }
    free(r->sql);
    free(r->origin);
    memset(r, 0, sizeof *r);
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return ftl_xstrndup(s, n);
}

/* Appends " more" to *v (a continuation line). */
static void append(char **v, const char *more)
{
    size_t a = strlen(*v), b = strlen(more);
    char *n = ftl_xmalloc(a + b + 2);

    memcpy(n, *v, a);
    n[a] = a ? ' ' : '\0';
    memcpy(n + a + (a ? 1 : 0), more, b + 1);
    free(*v);
    *v = n;
}

static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* "name = value | help" */
static int parse_param(struct ftl_rule *r, const char *v, char *why, size_t whylen)
{
    const char *eq = strchr(v, '='), *bar;
    struct ftl_rule_param *p;

    if (r->nparams == FTL_RULE_MAX_PARAMS) {
        snprintf(why, whylen, "more than %d parameters", FTL_RULE_MAX_PARAMS);
        return -1;
    }
    if (!eq) {
        snprintf(why, whylen, "param '%s' is not 'name = value | help'", v);
        return -1;
    }
    bar = strchr(eq, '|');
    p = &r->params[r->nparams];
    p->name = trimmed(v, (size_t)(eq - v));
    p->value = trimmed(eq + 1, bar ? (size_t)(bar - eq - 1) : strlen(eq + 1));
    p->help = trimmed(bar ? bar + 1 : "", bar ? strlen(bar + 1) : 0);
    r->nparams++;
    if (!valid_id(p->name) || strchr(p->name, '.') || !*p->value) {
        snprintf(why, whylen, "param '%s' needs a name (a-z, 0-9, _) and a value", v);
        return -1;
    }
    return 0;
}

int ftl_rule_parse(const char *text, size_t len, const char *origin, struct ftl_rule *out,
                   char *why, size_t whylen)
{
    const char *p = text, *end = text + len;
    char **last = NULL, *sev = NULL;
    struct ftl_rule r;

    memset(&r, 0, sizeof r);
    r.origin = ftl_xstrndup(origin, strlen(origin));
    if (memchr(text, '\0', len)) {
        snprintf(why, whylen, "the file holds a NUL byte");
        goto bad;
    }
    if (ftl_utf8_invalid(text, len) >= 0) {
        /* its title and reasons go into reports and terminals */
        snprintf(why, whylen, "not UTF-8 text (byte %ld)", ftl_utf8_invalid(text, len));
        goto bad;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *line = p, *colon;
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *key, *val;

        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0 || (n >= 2 && line[0] == '-' && line[1] == '-' && n == 2)) {
            p = nl ? nl + 1 : end;
            continue;
        }
        if (n < 2 || line[0] != '-' || line[1] != '-')
            break;   /* the SQL starts here */
        line += 2;
        n -= 2;
        colon = memchr(line, ':', n);
        if (last && n >= 2 && line[0] == ' ' && line[1] == ' ') {
            val = trimmed(line, n);
            append(last, val);
            free(val);
            p = nl ? nl + 1 : end;
            continue;
        }
        if (!colon) {
            /* a comment line in the header with no key ends continuation */
            last = NULL;
            p = nl ? nl + 1 : end;
            continue;
        }
        key = trimmed(line, (size_t)(colon - line));
        val = trimmed(colon + 1, n - (size_t)(colon - line) - 1);
        last = NULL;
        if (strcmp(key, "id") == 0 && !r.id)
            last = &r.id;
        else if (strcmp(key, "title") == 0 && !r.title)
            last = &r.title;
        else if (strcmp(key, "description") == 0 && !r.description)
            last = &r.description;
        else if (strcmp(key, "false_positives") == 0 && !r.false_positives)
            last = &r.false_positives;
        else if (strcmp(key, "references") == 0 && !r.references)
            last = &r.references;
        else if (strcmp(key, "severity") == 0 && !sev)
            last = &sev;
        else if (strcmp(key, "needs") == 0) {
            if (r.nneeds == FTL_RULE_MAX_NEEDS || !*val) {
                snprintf(why, whylen, "needs: empty, or more than %d lines", FTL_RULE_MAX_NEEDS);
                free(key);
                free(val);
                goto bad;
            }
            r.needs[r.nneeds++] = val;
            val = NULL;
        } else if (strcmp(key, "param") == 0) {
            if (parse_param(&r, val, why, whylen) != 0) {
                free(key);
                free(val);
                goto bad;
            }
        } else {
            snprintf(why, whylen, "unknown or repeated header key '%s'", key);
            free(key);
            free(val);
            goto bad;
        }
        if (last) {
            *last = val;
            val = NULL;
        }
        free(key);
        free(val);
        p = nl ? nl + 1 : end;
    }
    if (!r.id || !valid_id(r.id)) {
        snprintf(why, whylen, "no '-- id:' line, or the id is not lower-case a-z, 0-9, '_' and '.'");
        goto bad;
    }
    if (!r.title || !*r.title) {
        snprintf(why, whylen, "rule %s has no '-- title:'", r.id);
        goto bad;
    }
    r.severity = ftl_severity_parse(sev);
    if (r.severity < 0) {
        snprintf(why, whylen, "rule %s: severity '%s' is not info, low, medium, high or critical",
                 r.id, sev ? sev : "");
        goto bad;
    }
    r.sql = trimmed(p, (size_t)(end - p));
    /* a trailing ';' would end the statement ftl wraps around it */
    {
        size_t n = strlen(r.sql);

        while (n && (r.sql[n - 1] == ';' || r.sql[n - 1] == ' ' || r.sql[n - 1] == '\n' ||
                     r.sql[n - 1] == '\r' || r.sql[n - 1] == '\t'))
            r.sql[--n] = '\0';
    }
    if (!*r.sql) {
        snprintf(why, whylen, "rule %s has no SQL after its header", r.id);
        goto bad;
    }
    free(sev);
    *out = r;
    return 0;
bad:
    free(sev);
    ftl_rule_free(&r);
    return -1;
}

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const struct ftl_rule *)a)->id, ((const struct ftl_rule *)b)->id);
}

/* Adds r, replacing a rule with its id. */
static void add_rule(struct ftl_ruleset *rs, struct ftl_rule *r)
{
    size_t i;

    for (i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].id, r->id) == 0) {
            ftl_rule_free(&rs->r[i]);
            rs->r[i] = *r;
            return;
        }
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->r = ftl_xrealloc(rs->r, rs->cap * sizeof *rs->r);
    }
    rs->r[rs->n++] = *r;
    qsort(rs->r, rs->n, sizeof *rs->r, cmp_rule);
}

static void add_text(struct ftl_ruleset *rs, const char *text, size_t len, const char *origin,
                     ftl_rule_bad_fn bad, void *ctx)
{
    struct ftl_rule r;
    char why[512];

    if (ftl_rule_parse(text, len, origin, &r, why, sizeof why) != 0) {
        if (bad)
            bad(ctx, origin, why);
        return;
    }
    add_rule(rs, &r);
}

void ftl_rules_builtin(struct ftl_ruleset *rs, ftl_rule_bad_fn bad, void *ctx)
{
    const struct ftl_builtin_rule *b;
    struct ftl_buf origin = { 0 };

    for (b = ftl_builtin_rules; b->path; b++) {
        ftl_buf_reset(&origin);
        ftl_buf_addf(&origin, "%s (built in)", b->path);
        add_text(rs, b->text, b->len, origin.data, bad, ctx);
    }
    ftl_buf_free(&origin);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the *.sql paths below dir into *paths. */
static void walk(const char *dir, char ***paths, size_t *n, size_t *cap, ftl_rule_bad_fn bad,
                 void *ctx)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct ftl_buf p = { 0 };

    if (!d) {
        if (bad)
            bad(ctx, dir, strerror(errno));
        return;
    }
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        size_t len = strlen(de->d_name);

        if (de->d_name[0] == '.')
            continue;
        ftl_buf_reset(&p);
        ftl_buf_addf(&p, "%s/%s", dir, de->d_name);
        /* a symlink to a folder is not followed (a link to "." would loop);
         * one to a rule file is read */
        if (lstat(p.data, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode) && (stat(p.data, &st) != 0 || S_ISDIR(st.st_mode)))
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(p.data, paths, n, cap, bad, ctx);
        } else if (len > 4 && strcmp(de->d_name + len - 4, ".sql") == 0) {
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 32;
                *paths = ftl_xrealloc(*paths, *cap * sizeof **paths);
            }
            (*paths)[(*n)++] = ftl_xstrndup(p.data, p.len);
        }
    }
    closedir(d);
    ftl_buf_free(&p);
}

#define RULE_MAX_BYTES (1 << 20)

ftl_rc ftl_rules_load_dir(struct ftl_ruleset *rs, const char *dir, ftl_rule_bad_fn bad,
                          void *ctx, struct ftl_error *err)
{
    struct stat st;
    char **paths = NULL;
    size_t n = 0, cap = 0, i;

    if (stat(dir, &st) != 0)
        return ftl_error_set(err, FTL_EIO, "--rules %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ftl_error_set(err, FTL_EIO, "--rules %s: not a folder", dir);
    walk(dir, &paths, &n, &cap, bad, ctx);
    if (n)
        qsort(paths, n, sizeof *paths, cmp_str);
    for (i = 0; i < n; i++) {
        FILE *f = fopen(paths[i], "rb");
        struct ftl_buf text = { 0 };
        char chunk[8192];
        size_t got;

        if (!f) {
            if (bad)
                bad(ctx, paths[i], strerror(errno));
            free(paths[i]);
            continue;
        }
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len <= RULE_MAX_BYTES)
            ftl_buf_add(&text, chunk, got);
        if (ferror(f) && bad)
            bad(ctx, paths[i], "read error");
        else if (text.len > RULE_MAX_BYTES && bad)
            bad(ctx, paths[i], "larger than 1 MiB: not a rule");
        else
            add_text(rs, ftl_buf_str(&text), text.len, paths[i], bad, ctx);
        fclose(f);
        ftl_buf_free(&text);
        free(paths[i]);
    }
    free(paths);
    return FTL_OK;
}

void ftl_ruleset_free(struct ftl_ruleset *rs)
{
    size_t i;

    for (i = 0; i < rs->n; i++)
        ftl_rule_free(&rs->r[i]);
    free(rs->r);
    memset(rs, 0, sizeof *rs);
}
