/*
 * error.h - the one error enum of ftl, and the small context struct that
 * carries what failed, in which file and at which record.
 *
 * Model: curl's CURLcode. FTL_OK is 0; the list is append-only so that
 * numbers stay stable across versions. "Not present" is not an error:
 * lookups that can miss return 1 (found) / 0 (absent) / negative (failed).
 */
#ifndef FTL_ERROR_H
#define FTL_ERROR_H

#include <stddef.h>

typedef enum {
    FTL_OK = 0,
    FTL_ENOMEM,      /* allocation failed */
    FTL_EIO,         /* read or write failed, file missing or unreadable */
    FTL_EPARSE,      /* input text is not what its format says */
    FTL_EFORMAT,     /* no importer recognises the evidence */
    FTL_ESCHEMA,     /* case file is not ftl's, or of another version */
    FTL_ESQL,        /* SQLite reported an error */
    FTL_EUSAGE,      /* bad arguments from the caller */
    FTL_ETRUNCATED,  /* compressed stream ends early */
    FTL_ERANGE,      /* a value is outside what the format allows */
    FTL_ETOOBIG,     /* a record exceeds the configured size limit */
    FTL_EBUSY,       /* the case file is locked by another process */
    FTL_EINTERNAL    /* a bug: a state the code should never reach */
} ftl_rc;

/* Static, never NULL. */
const char *ftl_strerror(ftl_rc rc);

/*
 * Filled by a failing call, read by the caller. msg already names the file
 * and record where known ("cannot parse ... in purview.csv record 812").
 */
struct ftl_error {
    ftl_rc rc;
    char msg[1024];
};

/* Sets err (if not NULL) and returns rc, so callers can `return ftl_error_set(...)`. */
ftl_rc ftl_error_set(struct ftl_error *err, ftl_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void ftl_error_clear(struct ftl_error *err);

#endif
