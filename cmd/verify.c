/*
 * verify.c - `ftl verify CASE`: is every evidence file still the one that
 * was imported? (core/verify.c)
 */
#include <stdio.h>

#include "../core/store.h"
#include "../core/verify.h"
#include "cli.h"

static const struct ftl_opt opts[] = {
    { "quiet", 'q', NULL, "print only files that differ, and the result" },
    { 0 }
};

static void on_file(void *ctx, const struct ftl_verify_file *f)
{
    int quiet = *(int *)ctx;

    switch (f->status) {
    case FTL_VERIFY_OK:
        if (!quiet)
            printf("ok         #%lld %s\n", (long long)f->id, f->name);
        break;
    case FTL_VERIFY_CHANGED:
        printf("CHANGED    #%lld %s\n           sha256 at import %s\n           sha256 now       %s\n",
               (long long)f->id, f->name, f->sha256, f->now);
        break;
    case FTL_VERIFY_MISSING:
        printf("MISSING    #%lld %s (%s)\n", (long long)f->id, f->name, f->path);
        break;
    default:
        printf("UNREADABLE #%lld %s: %s\n", (long long)f->id, f->name, f->message);
    }
}

static int run(const struct ftl_args *a)
{
    struct ftl_store *store = NULL;
    struct ftl_error err = { 0 };
    struct ftl_verify_report r;
    int quiet = ftl_arg(&ftl_cmd_verify, a, "quiet") != NULL;

    if (ftl_store_open(a->pos[0], FTL_OPEN_WRITE, &store, &err) != FTL_OK ||
        ftl_verify(store, on_file, &quiet, &r, &err) != FTL_OK) {
        ftl_say("%s", err.msg);
        ftl_store_close(store);
        return EXIT_FAIL;
    }
    ftl_store_close(store);
    printf("%lld evidence files: %lld unchanged, %lld changed, %lld missing, %lld unreadable\n",
           (long long)r.files, (long long)r.ok, (long long)r.changed, (long long)r.missing,
           (long long)r.unreadable);
    return r.changed || r.missing || r.unreadable ? EXIT_ATTENTION : EXIT_OK;
}

const struct ftl_cmd ftl_cmd_verify = {
    .name = "verify",
    .synopsis = "CASE",
    .summary = "re-hash every evidence file of CASE and report the missing or changed ones",
    .details =
        "Each file is read again from the path it was imported from and its SHA-256\n"
        "compared with the one taken at import. The time and result are kept in the case\n"
        "and shown by ftl info and the report. Exit status 3 when a file is missing,\n"
        "changed or unreadable.",
    .min_pos = 1,
    .max_pos = 1,
    .opts = opts,
    .run = run,
};
