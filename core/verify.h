/*
 * verify.h - tamper evidence: re-hash every evidence file of a case and
 * compare it with the SHA-256 taken at import (docs/reliability.md).
 *
 * The result and its wall-clock time are kept in the case's meta table
 * (verified_at, verify_result, verify_problems), which `ftl info` and the
 * report show.
 */
#ifndef FTL_VERIFY_H
#define FTL_VERIFY_H

#include <stdint.h>

#include "error.h"
#include "store.h"

enum ftl_verify_status { FTL_VERIFY_OK, FTL_VERIFY_MISSING, FTL_VERIFY_CHANGED, FTL_VERIFY_UNREADABLE };

struct ftl_verify_file {
    int64_t id;
    const char *name, *path;
    const char *sha256;        /* at import */
    char now[65];              /* now, when it could be read */
    int status;
    const char *message;       /* why missing or unreadable */
};

struct ftl_verify_report {
    int64_t files, ok, missing, changed, unreadable;
};

/* Calls fn for every evidence file (in id order) once it is checked. */
ftl_rc ftl_verify(struct ftl_store *s, void (*fn)(void *ctx, const struct ftl_verify_file *f),
                  void *ctx, struct ftl_verify_report *r, struct ftl_error *err);

#endif
