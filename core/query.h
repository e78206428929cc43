/*
 * query.h - reading events back out of the case file, with the filters
 * every exporter shares (DESIGN.md, "Exporters").
 *
 * Rows come in a stable order, time then id, so the same case gives
 * byte-identical exports.
 */
#ifndef FTL_QUERY_H
#define FTL_QUERY_H

#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "event.h"
#include "store.h"

struct ftl_filter {
    int has_from, has_to;
    int64_t from_us, to_us;   /* from inclusive, to exclusive */
    const char *actor;        /* compared lower-cased */
    const char *ip;           /* compared in normalized form */
    const char *category;
    int64_t session;          /* > 0: only events of this session */
    const char *link_state;   /* only events in this link state */
    const char *finding;      /* only events behind findings of this rule id */
    const char *ids_table;    /* only events whose id is in this table (internal) */
};

struct ftl_event_row {
    int64_t id;
    int64_t ts_us;
    const char *f[FTL_F_COUNT];     /* NULL where the column is NULL */
    const char *evidence;           /* evidence name */
    int64_t evidence_id;
    int64_t record_no;
    const char *raw;
    int raw_len;
    int64_t session_id;             /* 0 when in no session */
    const char *link_state;         /* NULL before `ftl correlate` */
    const char *link_method;        /* NULL unless linked */
    const char *findings;           /* rule ids of the findings it supports, or NULL */
};

/* Return non-OK from the callback to stop (that code is returned). */
typedef ftl_rc (*ftl_row_fn)(void *ctx, const struct ftl_event_row *row);

ftl_rc ftl_query_events(struct ftl_store *s, const struct ftl_filter *f,
                        int with_raw, ftl_row_fn fn, void *ctx,
                        struct ftl_error *err);

/* One readable line describing the event, e.g.
 * "alice@example.org MailItemsAccessed bob@example.org from 203.0.113.5 (Bind, 3 items)". */
void ftl_event_message(const struct ftl_event_row *row, struct ftl_buf *out);

/* timestamp_desc for the row's source */
const char *ftl_event_ts_desc(const struct ftl_event_row *row);

/* Checks category against the fixed set; 1 if valid. */
int ftl_category_valid(const char *c);

/* Checks a link state name (correlate.h); 1 if valid. */
int ftl_link_state_valid(const char *s);

#endif
