/*
 * error.c - messages for ftl_rc and the error context helpers.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const messages[] = {
    [FTL_OK] = "success",
    [FTL_ENOMEM] = "out of memory",
    [FTL_EIO] = "input/output error",
    [FTL_EPARSE] = "cannot parse input",
    [FTL_EFORMAT] = "unrecognised evidence format",
    [FTL_ESCHEMA] = "not an ftl case file of this version",
    [FTL_ESQL] = "case file (SQLite) error",
    [FTL_EUSAGE] = "invalid usage",
    [FTL_ETRUNCATED] = "compressed data ends early",
    [FTL_ERANGE] = "value out of range",
    [FTL_ETOOBIG] = "record too large",
    [FTL_EBUSY] = "case file is in use by another process",
    [FTL_EINTERNAL] = "internal error",
};

const char *ftl_strerror(ftl_rc rc)
{
    if ((unsigned)rc < sizeof messages / sizeof messages[0] && messages[rc])
        return messages[rc];
    return "unknown error";
}

ftl_rc ftl_error_set(struct ftl_error *err, ftl_rc rc, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return rc;
    err->rc = rc;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return rc;
}

void ftl_error_clear(struct ftl_error *err)
{
    if (err) {
        err->rc = FTL_OK;
        err->msg[0] = '\0';
    }
}
