/*
 * event.h - the normalized event every importer produces, and the sink it
 * hands events to.
 *
 * An importer never touches SQLite (DESIGN.md): it fills a struct ftl_event
 * per record and calls sink->event(); a record it cannot use goes to
 * sink->reject() with the reason. The sink copies what it needs before
 * returning, so every pointer in the event may point into the importer's
 * scratch memory.
 */
#ifndef FTL_EVENT_H
#define FTL_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The fixed set of categories (DESIGN.md, "The case file"). */
#define FTL_CAT_SIGNIN "signin"
#define FTL_CAT_MAILBOX "mailbox"
#define FTL_CAT_MAIL_ADMIN "mail_admin"
#define FTL_CAT_DIRECTORY "directory"
#define FTL_CAT_FILE "file"
#define FTL_CAT_CLOUD "cloud"
#define FTL_CAT_HOST "host"
#define FTL_CAT_OTHER "other"

/* Indexes of the text fields; the order is the events table's column order. */
enum ftl_field {
    FTL_F_SOURCE,
    FTL_F_CATEGORY,
    FTL_F_ACTION,
    FTL_F_OUTCOME,       /* "success", "failure" or "unknown" */
    FTL_F_ACTOR,         /* lower-cased */
    FTL_F_TARGET,
    FTL_F_SRC_IP,        /* address only, no port, no brackets */
    FTL_F_USER_AGENT,
    FTL_F_APP_ID,
    FTL_F_CLIENT_APP_ID,
    FTL_F_SESSION_KEY,
    FTL_F_TOKEN_ID,
    FTL_F_CORRELATION_ID,
    FTL_F_NATIVE_ID,     /* the record's own id: the dedup key with source */
    FTL_F_ATTRS,         /* a JSON object as text, or NULL */
    FTL_F_COUNT
};

struct ftl_event {
    int64_t ts_us;                 /* microseconds since the epoch, UTC */
    const char *f[FTL_F_COUNT];    /* NUL-terminated or NULL (SQL NULL) */
    const char *raw;               /* the record as in the evidence */
    size_t raw_len;
    int64_t record_no;             /* 1-based record number in the file */
};

/* Column names, in enum ftl_field order. */
extern const char *const ftl_field_names[FTL_F_COUNT];

struct ftl_sink {
    /* Returns FTL_OK, or an error that stops the import (disk full...). */
    ftl_rc (*event)(struct ftl_sink *s, const struct ftl_event *ev);
    /* reason: one line, what is wrong first. raw may hold any bytes. */
    ftl_rc (*reject)(struct ftl_sink *s, int64_t record_no, int64_t line,
                     uint64_t offset, const char *reason, const void *raw,
                     size_t raw_len);
    /* A note about the file as a whole (kept in evidence.message). */
    void (*note)(struct ftl_sink *s, const char *msg);
};

#endif
