/*
 * report.h - the HTML report (docs/report.md): one self-contained file a
 * lawyer or an executive can open offline.
 *
 * Server-side: the summary, the findings with their events, the per-user
 * table, the charts (inline SVG), the evidence with hashes. Client-side, from
 * a JSON block and a script the page's Content-Security-Policy names by
 * hash: the sessions and the timeline with its filter. The same case gives
 * the same bytes.
 */
#ifndef FTL_REPORT_H
#define FTL_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "../core/buf.h"
#include "../core/error.h"
#include "../core/store.h"

#define FTL_REPORT_TIMELINE_LIMIT 20000

struct ftl_report_opts {
    int64_t timeline_limit;   /* events in the timeline; 0: the default */
    const char *case_name;    /* shown in the title (the case file as given) */
};

ftl_rc ftl_report_write(struct ftl_store *s, const struct ftl_report_opts *o, FILE *out,
                        struct ftl_error *err);

/* ---- charts, exposed for tests ---- */

#define FTL_CHART_SERIES 8

struct ftl_chart_day {
    int64_t day;                        /* days since 1970 */
    int64_t n[FTL_CHART_SERIES];        /* events per category */
    int marker;                         /* highest finding severity that day + 1, or 0 */
};

/* Events per day, stacked by series, with a marker above days that have
 * findings. names: the series names (legend). Deterministic output. */
void ftl_svg_days(struct ftl_buf *b, const struct ftl_chart_day *d, size_t n,
                  const char *const names[FTL_CHART_SERIES]);

struct ftl_chart_bar {
    const char *label;      /* evidence text: escaped */
    int64_t value;
    const char *note;       /* shown after the bar, escaped; may be NULL */
};

/* Horizontal bars, one per item, scaled to the largest value. */
void ftl_svg_bars(struct ftl_buf *b, const struct ftl_chart_bar *bars, size_t n,
                  const char *title);

#endif
